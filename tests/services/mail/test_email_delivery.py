"""Email through the outbox, delivered to a real SMTP server run by the test (aiosmtpd on
127.0.0.1): what arrives, what happens while the server is down, and the retry limit."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.models import ApplicationStatus, HostApplication, OutboxEmail, Role
from app.services.hosting import families, signup, vetting
from app.services.mail import notifications
from tests.conftest import make_user
from tests.factories import FAMILY_PASSWORD, confirm_link, make_application

A = ApplicationStatus


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        """The plain-text part (every email also has an HTML alternative)."""
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts; recipients listed in
    `refuse` get the server's answer given there (e.g. "550 No such user") instead."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, recipient: str) -> list[Received]:
        return [m for m in self.messages if recipient in m.recipients]


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """A local SMTP server that can be started and stopped on a fixed port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server():
    """A mail server on a free port, not yet started: call start() (or leave it down)."""
    server = MailServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app_factory, mail_server):
    """The application sending through the test's mail server (which is up)."""
    mail_server.start()
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def sign_up(app, address: str = "miller@example.org") -> int:
    with app.app_context():
        family = signup.sign_up(address, FAMILY_PASSWORD, confirm_link)
        db.session.commit()
        return families.current_application(family).id


def deliver(app) -> tuple[int, int]:
    with app.app_context():
        return notifications.deliver_pending()


def outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_the_welcome_email_reaches_the_mail_server(smtp_app, mail_server):
    sign_up(smtp_app, "miller@example.org")
    assert mail_server.inbox.messages == []  # queued, not sent before delivery

    assert deliver(smtp_app) == (1, 0)

    [received] = mail_server.inbox.messages
    assert received.recipients == ["miller@example.org"]
    assert received.sender == "austausch@localhost"
    assert received.message["To"] == "miller@example.org"
    assert received.message["From"].addresses[0].display_name == "Austausch"
    assert received.subject == "Welcome to the Dortmund–Buffalo exchange"
    assert "Thank you for your interest in hosting a student from Dortmund" in received.body
    assert "save it unfinished and come back later" in received.body
    [sent] = outbox(smtp_app)
    assert sent.sent_at is not None
    assert (sent.attempts, sent.last_error) == (1, "")

    assert deliver(smtp_app) == (0, 0)  # nothing is sent twice
    assert len(mail_server.inbox.messages) == 1


def test_a_taken_email_at_sign_up_reaches_its_owner(smtp_app, mail_server):
    sign_up(smtp_app, "miller@example.org")
    with smtp_app.app_context():
        assert signup.sign_up("Miller@Example.org", "another-long-passphrase", confirm_link) is None
        db.session.commit()
    deliver(smtp_app)
    welcome, warning = mail_server.inbox.to("miller@example.org")
    assert welcome.subject.startswith("Welcome")
    assert warning.subject == "Someone tried to sign up with your email"
    assert "You already have an account" in warning.body


def test_a_submission_reaches_the_coordinators(smtp_app, mail_server):
    make_user(smtp_app, "coordinator@example.org", Role.COORDINATOR)
    make_user(smtp_app, "admin@example.org", Role.ADMIN)
    make_user(smtp_app, "teacher@example.org", Role.TEACHER)
    make_user(smtp_app, "former@example.org", Role.COORDINATOR, active=False)
    make_application(smtp_app, "miller@example.org", city="Amherst")

    assert deliver(smtp_app) == (3, 0)

    for address in ("coordinator@example.org", "admin@example.org"):
        [received] = mail_server.inbox.to(address)
        assert received.subject == "New host-family application"
        assert "A family in Amherst has submitted its application" in received.body
    assert mail_server.inbox.to("teacher@example.org") == []
    assert mail_server.inbox.to("former@example.org") == []
    [welcome] = mail_server.inbox.to("miller@example.org")
    assert welcome.subject.startswith("Welcome")


def test_a_decision_reaches_the_family(smtp_app, mail_server):
    coordinator = make_user(smtp_app, "coordinator@example.org", Role.COORDINATOR)
    application_id = make_application(smtp_app, "miller@example.org")
    deliver(smtp_app)
    with smtp_app.app_context():
        application = db.session.get(HostApplication, application_id)
        vetting.check_references(application, coordinator)
        vetting.decide(application, A.DECLINED, coordinator, "Not this year.")
        db.session.commit()

    assert deliver(smtp_app) == (1, 0)

    welcome, decision = mail_server.inbox.to("miller@example.org")
    assert welcome.subject.startswith("Welcome")
    assert decision.subject == "Your host-family application"
    assert "we cannot place a student with you this time" in decision.body
    assert "welcome to apply again" in decision.body


def test_while_the_server_is_down_nothing_is_lost(app_factory, mail_server):
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    application_id = make_application(app, "miller@example.org")

    assert deliver(app) == (0, 2)  # raises nothing

    with app.app_context():
        assert db.session.get(HostApplication, application_id).status == A.SUBMITTED
    waiting = outbox(app)
    assert [e.recipient for e in waiting] == ["miller@example.org", "coordinator@example.org"]
    for row in waiting:
        assert row.sent_at is None
        assert row.attempts == 1
        assert "Connection" in row.last_error
    with app.app_context():
        assert [e.id for e in notifications.failed_emails()] == [e.id for e in waiting]

    mail_server.start()
    assert deliver(app) == (2, 0)

    for row in outbox(app):
        assert row.sent_at is not None
        assert row.attempts == 2
        assert row.last_error == ""
    assert [m.recipients for m in mail_server.inbox.messages] == [
        ["miller@example.org"],
        ["coordinator@example.org"],
    ]
    with app.app_context():
        assert notifications.failed_emails() == []


def test_retries_stop_at_max_attempts_until_reset(app_factory, mail_server):
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    sign_up(app, "miller@example.org")
    for _ in range(notifications.MAX_ATTEMPTS):
        assert deliver(app) == (0, 1)
    [row] = outbox(app)
    assert row.attempts == notifications.MAX_ATTEMPTS

    mail_server.start()
    assert deliver(app) == (0, 0)  # given up: not tried again, even with the server up
    assert mail_server.inbox.messages == []
    [row] = outbox(app)
    assert (row.attempts, row.sent_at) == (notifications.MAX_ATTEMPTS, None)
    with app.app_context():
        assert [e.recipient for e in notifications.failed_emails()] == ["miller@example.org"]

    with app.app_context():
        assert notifications.reset_attempts() == 1
        db.session.commit()
    assert deliver(app) == (1, 0)
    [received] = mail_server.inbox.messages
    assert received.recipients == ["miller@example.org"]
    [row] = outbox(app)
    assert row.sent_at is not None
    assert row.last_error == ""
    with app.app_context():
        assert notifications.reset_attempts() == 0


def test_the_console_backend_prints_instead_of_sending(app, mail_server, capsys):
    mail_server.start()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", mail_server.port
    assert app.config["MAIL_BACKEND"] == "console"
    sign_up(app, "miller@example.org")

    assert deliver(app) == (1, 0)

    printed = capsys.readouterr().out
    header, _, raw = printed.partition("\n")
    assert "not sent" in header
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["To"] == "miller@example.org"
    assert str(message["Subject"]) == "Welcome to the Dortmund–Buffalo exchange"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "Thank you for your interest in hosting" in plain
    assert mail_server.inbox.messages == []
    [row] = outbox(app)
    assert row.sent_at is not None


@pytest.mark.real_commits  # two threads with their own connections
def test_two_workers_delivering_at_once_send_an_email_only_once(smtp_app, mail_server, monkeypatch):
    with smtp_app.app_context():
        notifications.queue("family@example.org", "Your application", "Approved.")
        db.session.commit()
    real_send, start = notifications._send, threading.Barrier(2)

    def slow_send(message):  # a mail server that takes its time: both workers overlap
        time.sleep(0.3)
        real_send(message)

    monkeypatch.setattr(notifications, "_send", slow_send)

    def worker(results: list) -> None:
        with smtp_app.app_context():
            start.wait()
            results.append(notifications.deliver_pending(new_only=True))

    results: list = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [(0, 0), (1, 0)]
    assert len(mail_server.inbox.messages) == 1
    assert [e.attempts for e in outbox(smtp_app)] == [1]
