"""The dashboard says when the reminders last ran and warns when they have not run for a
day."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models.base import utcnow
from app.services.mail import reminder_settings


def _ran(app, ago: timedelta) -> None:
    with app.app_context():
        reminder_settings.mark_run(utcnow() - ago)
        db.session.commit()


def _page(auth) -> str:
    auth.login_as("coordinator")
    return auth.client.get("/dashboard").get_data(as_text=True)


def test_never_run_is_a_warning(app, auth):
    page = _page(auth)
    assert "Reminders are not running" in page
    assert "Reminders have never run." in page


def test_a_run_an_hour_ago_is_only_mentioned(app, auth):
    _ran(app, timedelta(hours=1))
    page = _page(auth)
    assert "Reminders last ran on" in page
    assert "Reminders are not running" not in page


def test_a_day_without_a_run_is_a_warning(app, auth):
    _ran(app, timedelta(hours=25))
    page = _page(auth)
    assert "Reminders are not running" in page
    assert "more than a day ago" in page
