"""The outbox sends no more than MAIL_PER_MINUTE emails within a minute, across calls and
workers: a message to a whole cohort leaves in portions, and nothing is lost or sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models.notifications import OutboxEmail
from app.services.mail import notifications
from tests.services.mail.test_email_delivery import mail_server  # noqa: F401


@pytest.fixture
def limited_app(app_factory, mail_server):  # noqa: F811
    mail_server.start()
    return app_factory(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_server.port,
        MAIL_PER_MINUTE=3,
    )


def _queue(app, count: int) -> None:
    with app.app_context():
        for number in range(count):
            notifications.queue(f"guardian{number}@example.org", "Treffen", "Am Freitag.")
        db.session.commit()


def _an_earlier_minute(app) -> None:
    """As if the emails sent so far had left more than a minute ago."""
    with app.app_context():
        db.session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.sent_at.is_not(None))
            .values(sent_at=OutboxEmail.sent_at - timedelta(seconds=61))
        )
        db.session.commit()


def test_no_more_than_the_limit_leave_within_a_minute(limited_app, mail_server):  # noqa: F811
    _queue(limited_app, 5)
    with limited_app.app_context():
        assert notifications.deliver_pending() == (3, 0)
        assert notifications.deliver_pending() == (0, 0)  # the same minute: nothing more
        assert notifications.waiting() == 2
    assert len(mail_server.inbox.messages) == 3

    _an_earlier_minute(limited_app)
    with limited_app.app_context():
        assert notifications.deliver_pending() == (2, 0)
        assert notifications.waiting() == 0
    received = sorted(m.message["To"] for m in mail_server.inbox.messages)
    assert received == sorted(f"guardian{n}@example.org" for n in range(5))  # each once


def test_flask_mail_send_says_how_many_wait_for_the_next_run(limited_app, mail_server):  # noqa: F811
    _queue(limited_app, 4)
    result = limited_app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 3 email(s)" in result.output
    assert "1 email(s) wait for the next run (at most 3 a minute)." in result.output


def test_no_limit_when_set_to_zero(app_factory, mail_server):  # noqa: F811
    mail_server.start()
    app = app_factory(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port, MAIL_PER_MINUTE=0
    )
    _queue(app, 6)
    with app.app_context():
        assert notifications.deliver_pending() == (6, 0)
