"""`flask reminders send` with the command's clock moved by the test: twice in a row sends each
due reminder once, the emails reach the mail server with working links, and what was sent is
printed per kind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.cli import reminders as reminders_cli
from app.extensions import db
from app.models import HostApplication
from tests.cli.test_care import _outbox_emptied, mail_server, smtp_app  # noqa: F401
from tests.factories import make_application


def _run(runner) -> str:
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def draft_changed(smtp_app):  # noqa: F811
    application_id = make_application(smtp_app, "draft@example.org", submitted=False)
    with smtp_app.app_context():
        return db.session.get(HostApplication, application_id).updated_at


def test_twice_in_a_row_sends_each_reminder_once(smtp_app, mail_server, draft_changed, monkeypatch):  # noqa: F811
    _outbox_emptied(smtp_app, mail_server)
    runner = smtp_app.test_cli_runner()
    now = {"at": draft_changed + timedelta(days=6, hours=23)}
    monkeypatch.setattr(reminders_cli, "utcnow", lambda: now["at"])

    assert "drafts: 0 email(s) queued" in _run(runner)  # not yet seven days
    now["at"] = draft_changed + timedelta(days=7, minutes=1)
    first = _run(runner)
    assert "drafts: 1 email(s) queued" in first
    assert "Sent 1 email(s)" in first
    assert "drafts: 0 email(s) queued" in _run(runner)
    now["at"] += timedelta(days=1)
    assert "drafts: 0 email(s) queued" in _run(runner)
    [message] = mail_server.inbox.messages
    assert message.recipients == ["draft@example.org"]
    assert message.subject == "Your host family application is waiting"
    assert "http://localhost:5000/family/" in message.body
