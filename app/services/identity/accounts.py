"""Accounts: creation, roles, deactivation, authentication and login sessions.

Services flush; the caller (a request or a command) commits once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AccountLink, LinkPurpose, LoginSession, Role, User
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity import limits
from app.services.identity.passwords import (
    DUMMY_HASH,
    hash_password,
    password_problem,
    verify_password,
)
from app.services.mail import notifications, templates
from app.services.mail.shipped_notices import times
from app.services.privacy import audit

# How stale a session's last_seen_at may be before a request writes it again.
SEEN_EVERY = timedelta(minutes=5)


def normalise_email(email: str) -> str:
    """The stored form of an email address, or DomainError when it is not one."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(str(_l("Enter a valid email address.")), "email") from exc
    return result.normalized.lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(
    email: str,
    password: str,
    role: Role | str,
    confirmed: bool = True,
    language: str | None = None,
) -> User:
    """Create an account; refuses a taken email, an unknown role or a weak password. Accounts
    made by staff and commands count as confirmed; a family's sign-up confirms by email.
    `language` ("en" or "de"; none: the default) is the one every email to the person is
    written in."""
    if language is not None:
        _check_language(language)
    address = normalise_email(email)
    role = parse_role(role)
    problem = password_problem(password, address)
    if problem:
        raise DomainError(problem, "password")
    if find_user(address) is not None:
        raise DomainError(str(_l("An account with this email already exists.")), "email")
    user = User(
        email=address,
        password_hash=hash_password(password),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
        locale=language,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _check_language(language: str | None) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError(str(_l("Choose English or German.")), "language")


def set_language(user: User, language: str) -> None:
    """The language ("en" or "de") every email and letter to the person is written in,
    whoever sends it; set by the person on their account page or by staff."""
    _check_language(language)
    if user.locale != language:
        user.locale = language
        audit.record("user.language", "user", user.id, {"language": language})


def parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        names = ", ".join(r.value for r in Role)
        raise DomainError(
            str(_l("Unknown role. Choose one of: %(names)s", names=names)), "role"
        ) from exc


def set_role(user: User, role: Role | str, expected: Role | str | None = None) -> None:
    """Change the role; the last active admin cannot stop being one. With `expected` (the
    role the confirmation page showed), a role changed meanwhile is refused, not overwritten."""
    new_role = parse_role(role)
    if expected is not None:
        db.session.refresh(user, with_for_update=True)
        if user.role == new_role:
            message = _l(
                "%(email)s already has the role “%(role)s”; nothing was changed.",
                email=user.email,
                role=new_role.label,
            )
            raise DomainError(str(message), "role")
        if user.role != parse_role(expected):
            message = _l(
                "The role of %(email)s was changed meanwhile; nothing was changed.",
                email=user.email,
            )
            raise DomainError(str(message), "role")
    if user.role == Role.ADMIN and new_role != Role.ADMIN:
        _keep_one_admin(user)
    user.role = new_role
    db.session.flush()


def deactivate(user: User) -> None:
    """Stop the account from logging in and end all its sessions."""
    if user.role == Role.ADMIN:
        _keep_one_admin(user)
    user.active = False
    end_all_sessions(user)


def activate(user: User) -> None:
    user.active = True
    db.session.flush()


def _keep_one_admin(leaving: User) -> None:
    others = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != leaving.id
        )
    )
    if not others:
        raise DomainError(str(_l("This is the last active admin; make another admin first.")))


def admin_exists() -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        > 0
    )


def authenticate(email: str, password: str, address: str = "") -> User | None:
    """The active, confirmed user with these credentials, or None: the same answer and the
    same work for an unknown email, a wrong password, a deactivated account and an address not
    confirmed yet. TooManyAttempts, before anything is checked, while the account or the
    client address is over its limit; every failure counts towards both."""
    limits.check_password_guess(email, address)
    user = find_user(email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        reason = "unknown_email"
    elif not verify_password(user.password_hash, password):
        reason = "inactive" if not user.active else "password"
    elif not user.active:
        reason = "inactive"
    elif user.email_confirmed_at is None:
        reason = "unconfirmed"
    else:
        return user
    _wrong_password(user, email, address, "login.failed", reason)
    return None


def _wrong_password(user: User | None, email: str, address: str, action: str, reason: str) -> None:
    """Count the failure against the account and note it in the audit trail (no address is
    kept for an unknown email); the holder is told by email when failures pile up."""
    failures = limits.record_wrong_password(email, address)
    if user is None:
        audit.record(action, details={"reason": reason})
        return
    audit.record(action, "user", user.id, {"reason": reason}, user_id=user.id)
    if failures == current_app.config["LOGIN_FAILURE_WARNING"]:
        _warn(user, failures)


def _warn(user: User, failures: int) -> None:
    with notifications.in_language(user):
        values = {"attempts": times(failures)}
        subject, body = templates.render("password.wrong", templates.language(), values)
    notifications.queue(user.email, subject, body)


def change_password(user: User, current: str, new: str, address: str = "") -> bool:
    """Set a new password when `current` is the account's password; False when it is not
    (the failure is audited and counts towards the account's limit, like a failed login).
    TooManyAttempts while the account is over its limit; refuses a weak new password. Ends
    the account's other sessions."""
    limits.check_password_guess(user.email)
    if not verify_password(user.password_hash, current):
        _wrong_password(user, user.email, address, "password.change_failed", "password")
        return False
    problem = password_problem(new, user.email)
    if problem:
        raise DomainError(problem, "new_password")
    set_password(user, new, keep_session=user.session_token)
    return True


def set_password(user: User, new: str, keep_session: str | None = None) -> None:
    """Store a new password: the account's links to choose one die, and its login sessions
    end (but the one kept)."""
    user.password_hash = hash_password(new)
    db.session.execute(
        sa.delete(AccountLink).where(
            AccountLink.user_id == user.id, AccountLink.purpose == LinkPurpose.RESET_PASSWORD
        )
    )
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.token != (keep_session or "")
        )
    )
    db.session.flush()


def start_session(user: User) -> str:
    """Open a login session for the user and return its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=token, user_id=user.id))
    user.last_login_at = utcnow()
    user.session_token = token
    audit.record("login", "user", user.id, user_id=user.id)
    return token


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token == token))
        db.session.flush()


def end_all_sessions(user: User) -> None:
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.flush()


def user_for_session(token: str) -> User | None:
    """The active user of a login session, or None when it was ended, has been idle too long
    or is older than the longest lifetime (an ended session's row is deleted)."""
    row = db.session.execute(
        sa.select(User, LoginSession.created_at, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token == token, User.active.is_(True))
    ).one_or_none()
    if row is None:
        return None
    user, created_at, last_seen_at = row
    now = utcnow()
    if _expired(created_at, last_seen_at, now):
        end_session(token)
        return None
    if now - last_seen_at > SEEN_EVERY:  # a write every few minutes, not on every request
        db.session.execute(
            sa.update(LoginSession).where(LoginSession.token == token).values(last_seen_at=now)
        )
    user.session_token = token
    return user


def _limits() -> tuple[timedelta, timedelta]:
    return current_app.config["SESSION_IDLE_LIMIT"], current_app.config["SESSION_MAX_AGE"]


def _expired(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    idle, longest = _limits()
    return now - last_seen_at > idle or now - created_at > longest


def end_expired_sessions(now: datetime) -> int:
    """Delete the login sessions that have ended by time (the purge runs this)."""
    idle, longest = _limits()
    return db.session.execute(
        sa.delete(LoginSession).where(
            sa.or_(LoginSession.last_seen_at < now - idle, LoginSession.created_at < now - longest)
        )
    ).rowcount


def users_query(role: Role | None = None, words: str = "") -> sa.Select:
    """Accounts by role and email; of one role, and with these words in the email, if given."""
    query = sa.select(User).order_by(User.role, User.email)
    if role is not None:
        query = query.where(User.role == role)
    if words.strip():
        escaped = words.strip().lower()
        for char in ("\\", "%", "_"):
            escaped = escaped.replace(char, "\\" + char)
        query = query.where(User.email.like(f"%{escaped}%", escape="\\"))
    return query


def list_users() -> list[User]:
    return list(db.session.scalars(users_query()))


def emails_by_id(ids: Iterable[int | None]) -> dict[int, str]:
    """The email of each user id (deleted users are missing)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}
