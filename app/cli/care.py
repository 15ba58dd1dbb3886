"""`flask care send-alerts`: the alerts nobody can miss, safe to run every hour from cron.

Students still unplaced a set number of weeks before their cohort leaves go to coordinators and
admins once a week, a concern report's follow-up day to its owner once; what went out is noted
(`unplaced_alerted_on`, `follow_up_reminded_on`), so a second run sends nothing twice. The emails
hold counts and links, never a student's name; the links start with `APPLICATION_URL`."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for
from werkzeug.routing import BuildError

from app.cli import Commands
from app.models import Cohort
from app.models.base import utcnow
from app.services.mail import notifications
from app.services.supervision import care_alerts
from app.unit_of_work import after_commit

care_cli = Commands("care", help="The duty of care during the stay: alerts by email.")


class Links:
    """Absolute addresses of pages, for emails sent without a request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.base = app.config["APPLICATION_URL"].rstrip("/")

    def _external(self, endpoint: str, **values) -> str:
        with self.app.test_request_context(base_url=self.base + "/"):
            return url_for(endpoint, _external=True, **values)

    def cohort(self, cohort: Cohort) -> str:
        return self._external("cohorts.show", cohort_id=cohort.id)

    def report(self, report_id: int) -> str:
        try:
            return self._external("concerns.show", report_id=report_id)
        except BuildError:  # the concern pages are not registered: their address as planned
            return f"{self.base}/care/concerns/{report_id}"


def _deliver() -> None:
    sent, failed = notifications.deliver_pending(limit=500, new_only=True)
    click.echo(f"Sent {sent} email(s); {failed} could not be sent and wait for a retry.")


@care_cli.command("send-alerts")
def send_alerts() -> None:
    """Email the weekly list of unplaced students and the due follow-ups (safe hourly)."""
    links = Links(current_app._get_current_object())
    now = utcnow()
    unplaced = care_alerts.send_unplaced(now, links.cohort)
    follow_ups = care_alerts.send_follow_ups(now, links.report)
    click.echo(
        f"Queued {unplaced} email(s) about students without a host family before departure "
        f"and {follow_ups} follow-up reminder(s)."
    )
    if unplaced or follow_ups:
        after_commit(_deliver)
