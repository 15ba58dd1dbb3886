"""`flask privacy export-account` and `erase-account`: a staff or teacher account's data on the
person's request (GDPR art. 15, 17), with the messages it received; see
app/services/privacy/privacy_accounts.py. Added to the `privacy` group when the commands are
registered."""

from __future__ import annotations

import click

from app import database
from app.cli import _get_user, _write_export, privacy_cli
from app.services.privacy import privacy_accounts
from app.unit_of_work import after_commit


@privacy_cli.command("export-account")
@click.argument("email")
@click.argument("outfile", type=click.Path(dir_okay=False, allow_dash=True))
def privacy_export_account(email: str, outfile: str) -> None:
    """Write everything held about a staff or teacher account as JSON in a ZIP."""
    _write_export(privacy_accounts.export_account(_get_user(email)), outfile)


@privacy_cli.command("erase-account")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Confirm the erasure; nothing happens without it.")
def privacy_erase_account(email: str, yes: bool) -> None:
    """Erase a staff or teacher account with the messages to it, on the person's request."""
    user = _get_user(email)
    if not yes:
        raise click.ClickException("Nothing was erased: add --yes to confirm.")
    privacy_accounts.erase_account(user, None)
    after_commit(database.checkpoint_and_truncate)
    click.echo(f"The account {email} was erased.")
