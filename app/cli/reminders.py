"""`flask reminders send`: the reminders that run by themselves, safe to run from cron every
hour. What went out is noted in sent_reminders, so a second run sends nothing twice; see
app/services/mail/reminders.py for the kinds."""

from __future__ import annotations

import click
from flask import current_app

from app.cli import Commands
from app.cli.care import Links, _deliver
from app.models.base import utcnow
from app.services.mail import reminders
from app.unit_of_work import after_commit

reminders_cli = Commands("reminders", help="Reminders by email that run by themselves.")


class ReminderLinks(Links):
    """The addresses the reminders link to."""

    def family(self) -> str:
        return self._external("families.portal")

    def teacher(self) -> str:
        return self._external("teachers.portal")


@reminders_cli.command("send")
def send() -> None:
    """Send the reminders that are due (safe to run every hour; nothing is sent twice)."""
    counts = reminders.send_due(utcnow(), ReminderLinks(current_app._get_current_object()))
    for kind, number in counts.sent.items():
        click.echo(f"{kind}: {number} email(s) queued")
    if counts.total:
        after_commit(_deliver)
