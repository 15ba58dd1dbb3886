"""flask commands: users, history, mail, privacy, care alerts, backup and restore, demo. Each
command but backup and restore (which work on the database's files) is one unit of work:
committed when it ends well, rolled back on a refusal, which it prints (exit status 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import database, storage
from app.cli import backup_archive, backups
from app.cli import demo as demo_cli
from app.extensions import db
from app.models import HostFamily, Role, Student, User
from app.models.base import utcnow
from app.services import history
from app.services.enrolment import cohorts
from app.services.identity import accounts
from app.services.mail import notifications
from app.services.privacy import privacy_purge, privacy_requests
from app.storage.folder import FolderStorage
from app.unit_of_work import after_commit, committed


class Commands(AppGroup):
    """A group of commands that each run as one unit of work."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda callback: register(committed(callback))


users_cli = Commands("users", help="Manage accounts and roles.")
history_cli = Commands("history", help="The partnership's history timeline.")
mail_cli = Commands("mail", help="The email outbox.")
privacy_cli = Commands("privacy", help="Retention purge, exports and erasure of personal data.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _get_user(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted (hidden, twice) when not given.",
)
def create_user(email: str, role: str, password: str) -> None:
    """Create an account with a role."""
    accounts.create_user(email, password, role)
    click.echo(f"Created {email.strip().lower()} with the role {role}.")


@users_cli.command("list")
def list_users() -> None:
    """List every account with its role and state."""
    rows = accounts.list_users()
    if not rows:
        click.echo("No accounts yet.")
    for user in rows:
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email:40} {user.role.value:12} {state}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str) -> None:
    """Give an account another role."""
    user = _get_user(email)
    accounts.set_role(user, role)
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account from logging in and end its sessions."""
    user = _get_user(email)
    accounts.deactivate(user)
    click.echo(f"{user.email} is deactivated.")


@users_cli.command("activate")
@click.argument("email")
def activate(email: str) -> None:
    """Let a deactivated account log in again."""
    user = _get_user(email)
    accounts.activate(user)
    click.echo(f"{user.email} is active again.")


@users_cli.command("check-admin")
def check_admin() -> None:
    """Say how to create the first admin when there is none; offer to when interactive."""
    if accounts.admin_exists():
        return
    click.echo("There is no admin account yet.")
    if sys.stdin.isatty() and click.confirm("Create one now?", default=True):
        email = click.prompt("Email")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        accounts.create_user(email, password, Role.ADMIN)
        click.echo(f"Created the admin {email.strip().lower()}.")
        return
    click.echo("Create one with:  .venv/bin/flask users create you@example.org --role admin")
    if not demo_cli.real_data():
        click.echo(
            "Or explore fictional sample data, with a login for each role:  .venv/bin/flask demo"
        )


@history_cli.command("seed")
def seed_history() -> None:
    """Load the partnership's history when the timeline is empty."""
    added = history.seed_if_empty()
    click.echo(f"Loaded {added} history events." if added else "The timeline already has events.")


@click.command("seed")
@committed
def seed() -> None:
    """Load the partnership's history and the Buffalo programme into an empty database."""
    added = history.seed_if_empty()
    cohorts.ensure_default_programme()
    click.echo(f"Loaded {added} history events." if added else "The timeline already has events.")


@history_cli.command("list")
def list_history() -> None:
    """Show the timeline."""
    for event in history.timeline():
        click.echo(f"{event.year or 'today'}\t{event.title_en}")


@mail_cli.command("send")
def send_mail() -> None:
    """Send the emails waiting in the outbox (run it every few minutes, e.g. from cron)."""
    sent, failed = notifications.deliver_pending(limit=500)
    click.echo(f"Sent {sent} email(s); {failed} could not be sent and wait for a retry.")
    held = notifications.waiting() - failed
    if held > 0:
        per_minute = current_app.config["MAIL_PER_MINUTE"]
        click.echo(f"{held} email(s) wait for the next run (at most {per_minute} a minute).")
    if failed:
        raise SystemExit(1)


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; change nothing.")
def purge_personal_data(dry_run: bool) -> None:
    """Delete personal data past its retention (safe to run daily, e.g. from cron)."""
    report = privacy_purge.purge(utcnow(), dry_run=dry_run)
    if not dry_run:
        after_commit(database.checkpoint_and_truncate)  # no deleted row left in the WAL
    for line in report.lines():
        click.echo(line)


@privacy_cli.command("register")
def print_register() -> None:
    """Print the register of personal data (docs/PRIVACY.md is this output)."""
    from app.services.privacy import data_register

    click.echo(data_register.markdown(), nl=False)


def _get_or_fail(model, record_id: int):
    found = db.session.get(model, record_id)
    if found is None:
        raise click.ClickException(f"No {model.__name__} with the id {record_id}.")
    return found


def _write_export(content: bytes, outfile: str) -> None:
    with click.open_file(outfile, "wb") as out:
        out.write(content)
    click.echo(f"Wrote {outfile}.", err=True)


@privacy_cli.command("export-student")
@click.argument("student_id", type=int)
@click.argument("outfile", type=click.Path(dir_okay=False, allow_dash=True))
def privacy_export_student(student_id: int, outfile: str) -> None:
    """Write everything held about a student (with guardians) as JSON in a ZIP."""
    _write_export(privacy_requests.export_student(_get_or_fail(Student, student_id)), outfile)


@privacy_cli.command("export-family")
@click.argument("family_id", type=int)
@click.argument("outfile", type=click.Path(dir_okay=False, allow_dash=True))
def privacy_export_family(family_id: int, outfile: str) -> None:
    """Write everything held about a host family as JSON in a ZIP."""
    _write_export(privacy_requests.export_family(_get_or_fail(HostFamily, family_id)), outfile)


@privacy_cli.command("erase-student")
@click.argument("student_id", type=int)
@click.option("--yes", is_flag=True, help="Confirm the erasure; nothing happens without it.")
@click.option(
    "--clear-mentions",
    is_flag=True,
    help="Also replace the student's names in other people's free text with [erased].",
)
def privacy_erase_student(student_id: int, yes: bool, clear_mentions: bool) -> None:
    """Erase a student with guardians and emergency contacts, on their request."""
    student = _get_or_fail(Student, student_id)
    if not yes:
        raise click.ClickException("Nothing was erased: add --yes to confirm.")
    for mention in privacy_requests.student_mentions(student):
        click.echo(f"Named in {mention.table} {mention.record_id} ({mention.column})")
    privacy_requests.erase_student(student, None, clear_mentions=clear_mentions)
    after_commit(database.checkpoint_and_truncate)
    click.echo(f"Student {student_id} was erased.")


@privacy_cli.command("erase-family")
@click.argument("family_id", type=int)
@click.option("--yes", is_flag=True, help="Confirm the erasure; nothing happens without it.")
@click.option(
    "--clear-mentions",
    is_flag=True,
    help="Also replace the family's names in other people's free text with [erased].",
)
def privacy_erase_family(family_id: int, yes: bool, clear_mentions: bool) -> None:
    """Erase a host family with its applications and account, on its request."""
    family = _get_or_fail(HostFamily, family_id)
    if not yes:
        raise click.ClickException("Nothing was erased: add --yes to confirm.")
    for mention in privacy_requests.family_mentions(family):
        click.echo(f"Named in {mention.table} {mention.record_id} ({mention.column})")
    privacy_requests.erase_family(family, None, clear_mentions=clear_mentions)
    after_commit(database.checkpoint_and_truncate)
    click.echo(f"Host family {family_id} was erased.")


@click.command("backup")
@with_appcontext
@click.argument("target", required=False, type=click.Path(dir_okay=False))
def backup_database(target: str | None) -> None:
    """Back up the database and the stored files to TARGET, one archive (default:
    instance/backups/<date>.tar), safe while running."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if target is None:
        folder = Path(current_app.instance_path) / "backups"
        target = str(folder / f"austausch-{utcnow():%Y%m%d-%H%M%S}.tar")
    files = _stored_files()
    try:
        written = backup_archive.backup(url, target, files)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {written} ({written.stat().st_size} bytes).")


def _stored_files() -> FolderStorage | None:
    """The folder of stored files; None (and a note) when they are in an object store."""
    files = storage.current()
    if isinstance(files, FolderStorage):
        return files
    click.echo(
        f"The files are in {files!r}, not in this backup: the object store keeps them "
        "(versioning or replication of the bucket)."
    )
    return None


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask; replace the database's contents.")
def restore_database(source: str, yes: bool) -> None:
    """Replace the database's contents and the stored files with the backup SOURCE. Stop the
    application first."""
    if not yes and not click.confirm(
        "Replace everything in the database and the stored files with this backup?"
    ):
        raise click.ClickException("Nothing was changed.")
    db.session.remove()
    db.engine.dispose()  # no open connection may hold the old database
    try:
        backup_archive.restore(
            current_app.config["SQLALCHEMY_DATABASE_URI"], source, _stored_files()
        )
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}. Run `flask db upgrade` if the backup is older.")


def register(app: Flask) -> None:
    from app.cli import account_requests  # noqa: F401 (adds its commands to privacy_cli)
    from app.cli.care import care_cli  # it uses Commands, defined above
    from app.cli.jobs import jobs_cli
    from app.cli.reminders import reminders_cli

    app.cli.add_command(backup_database)
    app.cli.add_command(restore_database)
    app.cli.add_command(users_cli)
    app.cli.add_command(history_cli)
    app.cli.add_command(seed)
    app.cli.add_command(demo_cli.demo)
    app.cli.add_command(mail_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(care_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(jobs_cli)

    @app.shell_context_processor
    def shell_context() -> dict:
        return {"db": db, "sa": sa, "User": User}
