"""The email as it arrives, read with Python's `email` parser: multipart with plain text and
an HTML alternative in which nothing a user wrote becomes markup; the headers mail providers
expect; List-Unsubscribe on group messages only; refusals by the recipient's server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr, parsedate_to_datetime

import pytest

from app.extensions import db
from app.services.mail import notifications
from tests.services.mail.test_email_delivery import MailServer, deliver, outbox

HOSTILE = (
    'Dear <b>Miller</b> family,\n<script>alert(1)</script> & "quotes"\n\n'
    'See https://x.test/a?b=1&c=2. Or javascript:alert(2) and <a href="http://evil.test">x</a>'
)


@pytest.fixture
def mail_server():
    server = MailServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app_factory, mail_server):
    mail_server.start()
    return app_factory(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_server.port,
        MAIL_FROM="Dortmund–Buffalo Exchange <austausch@exchange.example.org>",
        MAIL_REPLY_TO="Exchange office <office@exchange.example.org>",
    )


def queue(app, recipient="miller@example.org", body=HOSTILE, **kwargs) -> int:
    with app.app_context():
        email = notifications.queue(recipient, "Family <b>Miller</b>", body, **kwargs)
        db.session.commit()
        return email.id


def test_an_email_is_multipart_with_an_escaped_html_alternative(smtp_app, mail_server):
    queue(smtp_app)
    assert deliver(smtp_app) == (1, 0)

    [received] = mail_server.inbox.messages
    message = received.message
    assert message.is_multipart()
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert received.body.replace("\r\n", "\n").rstrip("\n") == HOSTILE  # as written

    html = received.html
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "Dear &lt;b&gt;Miller&lt;/b&gt; family,<br>" in html
    assert '<h1 style="font-size:20px;margin:0 0 16px">Dortmund–Buffalo Exchange</h1>' in html
    # paragraphs at blank lines; only http(s) links become links, escaped, without the full stop
    assert len(re.findall(r"<p[ >]", html)) == 2
    # (the link inside the user's own <a> tag is text, made a link; the tag stays text)
    assert re.findall(r'<a href="([^"]*)"', html) == [
        "https://x.test/a?b=1&amp;c=2",
        "http://evil.test",
    ]
    assert 'href="javascript' not in html
    assert '&lt;a href=&#34;<a href="http://evil.test"' in html
    assert ">http://evil.test</a>&#34;&gt;x&lt;/a&gt;</p>" in html


def test_the_headers_providers_expect(smtp_app, mail_server):
    queue(smtp_app)
    before = datetime.now(UTC).replace(microsecond=0)
    deliver(smtp_app)

    message = mail_server.inbox.messages[0].message
    assert re.fullmatch(r"<[^<>@\s]+@exchange\.example\.org>", message["Message-ID"])
    sent = parsedate_to_datetime(message["Date"])
    assert sent.utcoffset() == timedelta(0)
    assert before <= sent <= datetime.now(UTC)
    assert parseaddr(message["From"]) == (
        "Dortmund–Buffalo Exchange",
        "austausch@exchange.example.org",
    )
    assert message["Reply-To"].addresses[0].addr_spec == "office@exchange.example.org"
    assert str(message["Subject"]) == "Family <b>Miller</b>"
    # a transactional email cannot be unsubscribed from
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    [row] = outbox(smtp_app)
    assert row.message_id == message["Message-ID"]


def test_reply_to_is_the_sender_unless_configured(app_factory, mail_server):
    mail_server.start()
    app = app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    queue(app, body="Hello")
    deliver(app)
    message = mail_server.inbox.messages[0].message
    assert message["Reply-To"].addresses[0].addr_spec == "austausch@localhost"
    assert message["Message-ID"].endswith("@localhost>")


def test_a_retry_sends_the_same_message_id(smtp_app, mail_server):
    mail_server.inbox.refuse["miller@example.org"] = "421 Try again later"
    queue(smtp_app)
    assert deliver(smtp_app) == (0, 1)
    [row] = outbox(smtp_app)
    assert (row.attempts, row.bounced_at) == (1, None)  # a 4xx answer is retried
    assert "421" in row.last_error

    del mail_server.inbox.refuse["miller@example.org"]
    assert deliver(smtp_app) == (1, 0)
    [received] = mail_server.inbox.messages
    assert received.message["Message-ID"] == row.message_id
    [row] = outbox(smtp_app)
    assert (row.attempts, row.last_error, row.bounced_at) == (2, "", None)


def test_a_group_message_can_be_unsubscribed_from(smtp_app, mail_server):
    queue(
        smtp_app,
        body="The trip to Berlin leaves at 8.",
        kind="group",
        unsubscribe_url="https://austausch.example.org/unsubscribe/abc123",
    )
    queue(smtp_app, "weber@example.org", body="Your application was approved.")
    deliver(smtp_app)

    [group] = mail_server.inbox.to("miller@example.org")
    assert group.message["List-Unsubscribe"] == (
        "<mailto:office@exchange.example.org?subject=unsubscribe>, "
        "<https://austausch.example.org/unsubscribe/abc123>"
    )
    assert group.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [transactional] = mail_server.inbox.to("weber@example.org")
    assert "List-Unsubscribe" not in transactional.message
    assert "List-Unsubscribe-Post" not in transactional.message


def test_only_group_messages_take_an_https_unsubscribe_link(app):
    with app.app_context():
        with pytest.raises(ValueError):
            notifications.queue("a@example.org", "S", "B", unsubscribe_url="https://x.test/u")
        with pytest.raises(ValueError):
            notifications.queue("a@example.org", "S", "B", kind="newsletter")
        with pytest.raises(ValueError):
            notifications.queue(
                "a@example.org", "S", "B", kind="group", unsubscribe_url="http://x.test/u"
            )


def test_a_refusal_by_the_recipients_server_is_a_bounce_not_retried(smtp_app, mail_server):
    mail_server.inbox.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: no such user"
    queue(smtp_app, "gone@example.org")
    queue(smtp_app, "miller@example.org")

    assert deliver(smtp_app) == (1, 1)
    bounced, sent = outbox(smtp_app)
    assert bounced.bounced_at is not None and bounced.sent_at is None
    assert bounced.last_error == "550 5.1.1 <gone@example.org>: no such user"
    assert sent.sent_at is not None
    with smtp_app.app_context():
        assert [e.recipient for e in notifications.failed_emails()] == ["gone@example.org"]

    del mail_server.inbox.refuse["gone@example.org"]
    assert deliver(smtp_app) == (0, 0)  # not tried again, even now the server would take it
    with smtp_app.app_context():
        assert notifications.reset_attempts() == 0  # "Try again now" does not resend it
        db.session.commit()
    assert deliver(smtp_app) == (0, 0)
    assert mail_server.inbox.to("gone@example.org") == []
    [bounced, _] = outbox(smtp_app)
    assert bounced.attempts == 1
