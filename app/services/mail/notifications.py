"""Email through an outbox: queued in the same transaction as the change it reports, sent
after the commit, retried when the mail server fails. Nothing is lost by a failed send."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

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


def queue(recipient: str, subject: str, body: str) -> OutboxEmail:
    """Put an email into the outbox; it is sent by deliver_pending after the commit."""
    email = OutboxEmail(recipient=recipient, subject=str(subject)[:300], body=str(body))
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


def _send(email: OutboxEmail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message.set_content(email.body)
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
    """Send waiting emails (oldest first) and commit after each; returns (sent, failed).

    Requests pass new_only=True: they send what they just queued, and emails that failed
    before wait for `flask mail send` or the staff's retry, so a dead mail server cannot
    make every click slow."""
    sent = failed = 0
    query = sa.select(OutboxEmail).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS
    )
    if new_only:
        query = query.where(OutboxEmail.attempts == 0)
    pending = db.session.scalars(query.order_by(OutboxEmail.id).limit(limit)).all()
    for email in pending:
        if not _claim(email):
            continue  # another worker is sending this one right now
        try:
            _send(email)
        except (OSError, smtplib.SMTPException) as error:
            email.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
            # The server's answer often quotes the address: it stays in the outbox, not the log.
            log.warning("Email %s could not be sent (attempt %s)", email.id, email.attempts)
        else:
            email.sent_at = utcnow()
            email.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed


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
    """Emails that could not be sent yet, for staff to see."""
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
