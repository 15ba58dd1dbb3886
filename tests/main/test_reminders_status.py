"""The dashboard says when the reminders last ran and warns when they have not run for a
day."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models.base import utcnow
from app.services.mail import reminder_settings
from tests.conftest import csrf_token_of_page, post


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


def test_an_admin_switches_a_kind_off_and_sets_its_days(app, auth):
    auth.login_as("admin")
    page = auth.client.get("/admin/reminders").get_data(as_text=True)
    assert "Documents still missing before the enrolment deadline" in page
    token = csrf_token_of_page(auth.client, "/admin/reminders")
    data = {
        "csrf_token": token,
        "documents_days": "10",
        "background_on": "y",
        "background_days": "30",
        "drafts_on": "y",
        "drafts_days": "7",
        "contacts_on": "y",
        "follow_ups_on": "y",
    }
    assert post(auth.client, "/admin/reminders", data).status_code == 302
    with app.app_context():
        assert not reminder_settings.enabled(reminder_settings.DOCUMENTS)
        assert reminder_settings.days(reminder_settings.DOCUMENTS) == 10
        assert reminder_settings.enabled(reminder_settings.BACKGROUND)
        assert reminder_settings.days(reminder_settings.BACKGROUND) == 30
    refused = post(auth.client, "/admin/reminders", {**data, "drafts_days": "0"})
    assert refused.status_code == 400
    with app.app_context():
        assert reminder_settings.days(reminder_settings.DRAFTS) == 7


def test_a_coordinator_cannot_change_the_reminders(app, auth):
    auth.login_as("coordinator")
    assert auth.client.get("/admin/reminders").status_code == 403
