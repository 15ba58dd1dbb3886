"""flask commands: users, history, setup checks."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import Role, User
from app.services import accounts, cohorts, history, notifications
from app.services.errors import DomainError

users_cli = AppGroup("users", help="Manage accounts and roles.")
history_cli = AppGroup("history", help="The partnership's history timeline.")
mail_cli = AppGroup("mail", help="The email outbox.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


def _get_user(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    return user


def _commit_or_fail(action) -> None:
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()


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
    _commit_or_fail(lambda: accounts.create_user(email, password, role))
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
    _commit_or_fail(lambda: accounts.set_role(user, role))
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account from logging in and end its sessions."""
    user = _get_user(email)
    _commit_or_fail(lambda: accounts.deactivate(user))
    click.echo(f"{user.email} is deactivated.")


@users_cli.command("activate")
@click.argument("email")
def activate(email: str) -> None:
    """Let a deactivated account log in again."""
    user = _get_user(email)
    _commit_or_fail(lambda: accounts.activate(user))
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
        _commit_or_fail(lambda: accounts.create_user(email, password, Role.ADMIN))
        click.echo(f"Created the admin {email.strip().lower()}.")
    else:
        click.echo("Create one with:  .venv/bin/flask users create you@example.org --role admin")


@history_cli.command("seed")
def seed_history() -> None:
    """Load the partnership's history when the timeline is empty."""
    added = history.seed_if_empty()
    db.session.commit()
    click.echo(f"Loaded {added} history events." if added else "The timeline already has events.")


@click.command("seed")
def seed() -> None:
    """Load the partnership's history and the Buffalo programme into an empty database."""
    added = history.seed_if_empty()
    cohorts.ensure_default_programme()
    db.session.commit()
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
    if failed:
        raise SystemExit(1)


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(history_cli)
    app.cli.add_command(seed)
    app.cli.add_command(mail_cli)

    @app.shell_context_processor
    def shell_context() -> dict:
        return {"db": db, "sa": sa, "User": User}
