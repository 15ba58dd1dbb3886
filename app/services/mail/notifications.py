"""Email through an outbox: queued in the same transaction as the change it reports, sent
after the commit, retried when the mail server fails. Nothing is lost by a failed send."""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.models import Guardian, Role, User
from app.models.base import utcnow
from app.models.notifications import OutboxEmail
from app.services.identity import locales

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
QUEUED = "austausch.mail_queued"  # in the session's info: this transaction queued an email
TRANSACTIONAL, GROUP = "transactional", "group"
# http(s) links in an email's text, made clickable in its HTML part; no other schemes.
LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"  # punctuation after a link belongs to the sentence


def queue(
    recipient: str,
    subject: str,
    body: str,
    kind: str = TRANSACTIONAL,
    unsubscribe_url: str | None = None,
) -> OutboxEmail:
    """Put an email into the outbox; it is sent by deliver_pending after the commit.

    A group message (kind="group", to many) carries a List-Unsubscribe header with the
    programme's reply address and unsubscribe_url; a transactional email never does."""
    if kind not in (TRANSACTIONAL, GROUP):
        raise ValueError(f"unknown kind of email: {kind!r}")
    if kind == TRANSACTIONAL and unsubscribe_url:
        raise ValueError("a transactional email cannot be unsubscribed from")
    if unsubscribe_url and not unsubscribe_url.startswith("https://"):
        raise ValueError("the unsubscribe link must be https")
    email = OutboxEmail(
        recipient=recipient,
        subject=str(subject)[:300],
        body=str(body),
        kind=kind,
        unsubscribe_url=unsubscribe_url or None,
        message_id=_new_message_id(),
    )
    db.session.add(email)
    db.session.flush()
    db.session.info[QUEUED] = True
    return email


def language_of(user: User) -> str:
    """The language a person reads: their account's (users.locale), else the default."""
    return locales.language_of(user) or current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language(user: User) -> Iterator[None]:
    """Write an email to the person in their language and its variant (US English for a host
    family), whoever's request sends it."""
    with force_locale(locales.locale_of(user)):
        yield


@contextmanager
def in_language_for(locale: str | None, variant_region: str | None = None) -> Iterator[None]:
    """Write a text in a language given as a code, for people without an account (guardians,
    the recipients of group messages and reminders): `locale` is "en" or "de" (a longer tag
    such as "en_US" counts by its first two letters); anything else or None means the
    default language. `variant_region` picks the English variant ("US" for US English, as
    host families read it; "GB" or None for British English); German ignores it.

        with notifications.in_language_for(guardian.locale or "de"):
            subject = _("…")
        notifications.queue(guardian.email, subject, body)

    For a guardian use in_language_of_guardian (German when none is known); for an account
    in_language(user)."""
    config = current_app.config
    language = (locale or "")[:2].lower()
    if language not in config["LANGUAGES"]:
        language = config["BABEL_DEFAULT_LOCALE"]
    full = locales.locale_for(language)
    if language == "en" and variant_region:
        wanted = f"en_{variant_region.upper()}"
        full = next((v for v in config["ENGLISH_VARIANTS"] if v.lower() == wanted.lower()), full)
    with force_locale(full):
        yield


GUARDIAN_DEFAULT = "de"  # the guardians are the Dortmund students' parents


def guardian_language(guardian: Guardian) -> str:
    """The language ("en" or "de") a guardian is written to in: theirs, else German."""
    chosen = (guardian.locale or "")[:2]
    return chosen if chosen in current_app.config["LANGUAGES"] else GUARDIAN_DEFAULT


@contextmanager
def in_language_of_guardian(guardian: Guardian) -> Iterator[None]:
    """Write an email or letter to a guardian in their language (German when none is known),
    whoever's request or command sends it."""
    with in_language_for(guardian_language(guardian)):
        yield


def staff() -> list[User]:
    """Who gets news for coordinators: every active coordinator and admin."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_((Role.COORDINATOR, Role.ADMIN)), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _new_message_id() -> str:
    """A unique Message-ID in the sender's domain."""
    domain = _address(current_app.config["MAIL_FROM"]).rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _address(header: str) -> str:
    """The bare address in "Name <address>"."""
    return parseaddr(header)[1]


def reply_to() -> str:
    """The programme's reply address: MAIL_REPLY_TO, else the sender."""
    config = current_app.config
    return config.get("MAIL_REPLY_TO") or config["MAIL_FROM"]


def _paragraphs(text: str) -> list[list[list[tuple[str, str | None]]]]:
    """The text as paragraphs (split at blank lines) of lines of pieces (text, link or None):
    the HTML template escapes every piece, so nothing in the text can become markup."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = []
        for line in block.split("\n"):
            pieces: list[tuple[str, str | None]] = []
            position = 0
            for match in LINK.finditer(line):
                url = match.group().rstrip(TRAILING)
                start, end = match.start(), match.start() + len(url)
                if start > position:
                    pieces.append((line[position:start], None))
                pieces.append((url, url))
                position = end
            if position < len(line):
                pieces.append((line[position:], None))
            lines.append(pieces)
        paragraphs.append(lines)
    return paragraphs


def render_html(body: str) -> str:
    """The HTML alternative of an email's text (templates/mail/message.html, autoescaped)."""
    sender = current_app.config["MAIL_FROM"]
    heading = parseaddr(sender)[0] or _address(sender)
    template = current_app.jinja_env.get_template("mail/message.html")
    return template.render(heading=heading, paragraphs=_paragraphs(body))


def build_message(email: OutboxEmail) -> EmailMessage:
    """The email as sent: plain text with an HTML alternative, and the headers mail
    providers expect (Message-ID, Date, Reply-To; List-Unsubscribe on group messages)."""
    config = current_app.config
    if not email.message_id:  # queued before emails kept their Message-ID
        email.message_id = _new_message_id()
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = email.message_id
    message["Reply-To"] = reply_to()
    if email.kind == GROUP:
        links = [f"<mailto:{_address(reply_to())}?subject=unsubscribe>"]
        if email.unsubscribe_url:
            links.append(f"<{email.unsubscribe_url}>")
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["List-Unsubscribe"] = ", ".join(links)
    message.set_content(email.body)
    message.add_alternative(render_html(email.body), subtype="html")
    return message


def _send(email: OutboxEmail) -> None:
    config = current_app.config
    message = build_message(email)
    if config["MAIL_BACKEND"] == "console":
        print(f"--- email (MAIL_BACKEND=console, not sent) ---\n{message}", flush=True)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=5) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def deliver_pending(limit: int = 50, new_only: bool = False) -> tuple[int, int]:
    """Send waiting emails (oldest first) and commit after each; returns (sent, failed). No
    more leave than MAIL_PER_MINUTE allows: the rest wait for the next call.

    Requests pass new_only=True: they send what they just queued, and emails that failed
    before wait for `flask mail send` or the staff's retry, so a dead mail server cannot
    make every click slow."""
    sent = failed = 0
    query = sa.select(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.bounced_at.is_(None),
        OutboxEmail.attempts < MAX_ATTEMPTS,
    )
    if new_only:
        query = query.where(OutboxEmail.attempts == 0)
    limit = min(limit, room_this_minute())
    if limit <= 0:
        return 0, 0
    pending = db.session.scalars(query.order_by(OutboxEmail.id).limit(limit)).all()
    for email in pending:
        if not _claim(email):
            continue  # another worker is sending this one right now
        try:
            _send(email)
        except (OSError, smtplib.SMTPException) as error:
            refusal = _refusal(error)
            if refusal:  # refused for good: retrying cannot help
                email.bounced_at = utcnow()
                email.last_error = refusal[:500]
                log.warning("Email %s was refused by the recipient's server", email.id)
            else:
                email.last_error = f"{type(error).__name__}: {error}"[:500]
                # The server's answer often quotes the address: it stays in the outbox only.
                log.warning("Email %s could not be sent (attempt %s)", email.id, email.attempts)
            failed += 1
        else:
            email.sent_at = utcnow()
            email.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed


def room_this_minute() -> int:
    """How many more emails may leave now under MAIL_PER_MINUTE (counting those sent by every
    worker within the last 60 seconds); a large number when there is no limit."""
    per_minute = current_app.config.get("MAIL_PER_MINUTE", 0)
    if per_minute <= 0:
        return 1_000_000
    recent = db.session.scalar(
        sa.select(sa.func.count(OutboxEmail.id)).where(
            OutboxEmail.sent_at >= utcnow() - timedelta(seconds=60)
        )
    )
    return max(per_minute - (recent or 0), 0)


def waiting() -> int:
    """How many emails wait in the outbox to be sent (not refused, not given up)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(OutboxEmail.id)).where(
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.bounced_at.is_(None),
                OutboxEmail.attempts < MAX_ATTEMPTS,
            )
        )
        or 0
    )


def _refusal(error: Exception) -> str:
    """The server's code and text when it refused the email for good (a 5xx answer to the
    recipient or the message), else "" (a 4xx answer or a network failure: try again)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        answers = [(error.smtp_code, error.smtp_error)]
    else:
        return ""
    if not answers or not all(500 <= code < 600 for code, _ in answers):
        return ""
    return "; ".join(f"{code} {_text(text)}" for code, text in answers)


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _claim(email: OutboxEmail) -> bool:
    """Count the attempt with a guarded UPDATE and commit it before sending: of two workers
    that picked the same email, only one wins, so nobody gets it twice."""
    seen = email.attempts
    won = db.session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.id == email.id,
            OutboxEmail.attempts == seen,
            OutboxEmail.sent_at.is_(None),
        )
        .values(attempts=seen + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if won:
        db.session.refresh(email)
    return bool(won)


def failed_emails(limit: int = 100) -> list[OutboxEmail]:
    """Emails that could not be sent yet or were refused by the recipient's server (bounced_at
    set: not retried), for staff to see."""
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts > 0)
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )


def reset_attempts() -> int:
    """Let staff retry emails that gave up after MAX_ATTEMPTS."""
    result = db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= MAX_ATTEMPTS)
        .values(attempts=0)
    )
    return result.rowcount
