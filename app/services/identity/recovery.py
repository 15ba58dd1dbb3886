"""Getting into an account by email: a link to choose a new password (valid for
PASSWORD_RESET_MINUTES), and a link that confirms a family's address after signing up (valid
for CONFIRMATION_LINK_HOURS).

A link carries a random token; only its SHA-256 is stored. It works once, and a new password
(from a link or the account page) kills the account's links to choose one. The requests a
visitor makes ("forgot your password?", "send the link again") never tell whether an address
has an account: the caller answers alike, and the email is sent after the answer has gone out.
Services flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AccountLink, LinkPurpose, User
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity import accounts, limits
from app.services.identity.passwords import password_problem
from app.services.mail import notifications, templates
from app.services.privacy import audit

# The page that takes a link's token, as an absolute URL (the web builds it from the request).
Link = Callable[[str], str]

EXPIRED = _l("This link has expired or was already used. Ask for a new one.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(purpose: LinkPurpose) -> timedelta:
    config = current_app.config
    if purpose == LinkPurpose.RESET_PASSWORD:
        return timedelta(minutes=config["PASSWORD_RESET_MINUTES"])
    return timedelta(hours=config["CONFIRMATION_LINK_HOURS"])


def issue(user: User, purpose: LinkPurpose) -> str:
    """A new link's token for the account (the only copy: the database keeps its hash)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + _lifetime(purpose),
        )
    )
    db.session.flush()
    return token


def find(token: str, purpose: LinkPurpose) -> AccountLink | None:
    """The link of this token when it still works: not used, not expired, of an active account."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(AccountLink)
        .join(User, User.id == AccountLink.user_id)
        .where(
            AccountLink.token_hash == _digest(token),
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > utcnow(),
            User.active.is_(True),
        )
    )


def _use(token: str, purpose: LinkPurpose) -> User:
    """Spend the link (a guarded UPDATE: of two clicks at once only one wins) and return its
    account; DomainError when it no longer works."""
    link = find(token, purpose)
    if link is None or not _spend(link):
        raise DomainError(str(EXPIRED))
    user = db.session.get(User, link.user_id)
    if user.email_confirmed_at is None:  # the link came by email: the address is theirs
        user.email_confirmed_at = utcnow()
    return user


def _spend(link: AccountLink) -> bool:
    spent = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


# --- a new password -----------------------------------------------------------------------


def send_reset(user: User, link: Link) -> None:
    """Email the account a link to choose a new password, in the person's language. Staff
    call this from the account's page; nobody but the account holder sees the link."""
    if not user.active:
        raise DomainError(str(_l("This account is deactivated. Activate it first.")))
    url = link(issue(user, LinkPurpose.RESET_PASSWORD))
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    with notifications.in_language(user):
        values = {"link": url, "minutes": minutes}
        subject, body = templates.render("password.reset", templates.language(), values)
    notifications.queue(user.email, subject, body)
    audit.record("password.link_sent", "user", user.id)


def request_reset(email: str, address: str, link: Link) -> None:
    """Forgot your password: a link goes to the address when it belongs to an active
    account and has not had its share of links; otherwise nothing happens, unseen."""
    wanted = limits.link_request(email, address)
    user = accounts.find_user(email)
    if wanted and user is not None and user.active:
        send_reset(user, link)
    else:
        audit.record("password.link_not_sent")


def reset_password(token: str, new_password: str) -> User:
    """Set the password chosen through a link: spends the link and every other of the
    account's links to choose one, logs the account out everywhere and lets the holder in at
    once however many wrong passwords somebody else tried."""
    link = find(token, LinkPurpose.RESET_PASSWORD)
    if link is None:
        raise DomainError(str(EXPIRED))
    user = db.session.get(User, link.user_id)
    problem = password_problem(new_password, user.email)
    if problem:
        raise DomainError(problem, "new_password")
    _use(token, LinkPurpose.RESET_PASSWORD)
    accounts.set_password(user, new_password)
    limits.forget_wrong_passwords(user.email)
    audit.record("password.reset", "user", user.id, user_id=user.id)
    return user


# --- confirming the address ---------------------------------------------------------------


def confirmation_link(user: User, link: Link) -> str:
    """The URL of a new link that confirms the account's address."""
    return link(issue(user, LinkPurpose.CONFIRM_EMAIL))


def send_confirmation(user: User, link: Link) -> None:
    """Email the account a new link to confirm its address, in the person's language."""
    url = confirmation_link(user, link)
    hours = current_app.config["CONFIRMATION_LINK_HOURS"]
    with notifications.in_language(user):
        values = {"link": url, "hours": hours}
        subject, body = templates.render("email.confirm", templates.language(), values)
    notifications.queue(user.email, subject, body)
    audit.record("email.link_sent", "user", user.id)


def request_confirmation(email: str, address: str, link: Link) -> None:
    """Send the link again: a new link goes to the address when its account is waiting for
    confirmation; otherwise nothing happens, unseen."""
    wanted = limits.link_request(email, address)
    user = accounts.find_user(email)
    if wanted and user is not None and user.active and user.email_confirmed_at is None:
        send_confirmation(user, link)
    else:
        audit.record("email.link_not_sent")


def confirm_email(token: str) -> User:
    """Confirm the address of the link's account; DomainError when the link does not work."""
    user = _use(token, LinkPurpose.CONFIRM_EMAIL)
    audit.record("email.confirmed", "user", user.id, user_id=user.id)
    return user
