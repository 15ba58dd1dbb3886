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
from app.models import LoginSession, Role, User
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.identity.passwords import (
    DUMMY_HASH,
    hash_password,
    password_problem,
    verify_password,
)
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


def create_user(email: str, password: str, role: Role | str) -> User:
    """Create an account; refuses a taken email, an unknown role or a weak password."""
    address = normalise_email(email)
    role = parse_role(role)
    problem = password_problem(password, address)
    if problem:
        raise DomainError(problem, "password")
    if find_user(address) is not None:
        raise DomainError(str(_l("An account with this email already exists.")), "email")
    user = User(email=address, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        names = ", ".join(r.value for r in Role)
        raise DomainError(
            str(_l("Unknown role. Choose one of: %(names)s", names=names)), "role"
        ) from exc


def set_role(user: User, role: Role | str) -> None:
    """Change the role; the last active admin cannot stop being one."""
    new_role = parse_role(role)
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


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Same work for unknown emails."""
    user = find_user(email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        audit.record("login.failed", details={"reason": "unknown_email"})  # no address kept
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        reason = "inactive" if user.active is False else "password"
        audit.record("login.failed", "user", user.id, {"reason": reason}, user_id=user.id)
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Needs the current password; ends the account's other sessions."""
    if not verify_password(user.password_hash, current):
        raise DomainError(str(_l("The current password is not correct.")), "current_password")
    problem = password_problem(new, user.email)
    if problem:
        raise DomainError(problem, "new_password")
    user.password_hash = hash_password(new)
    keep = user.session_token
    db.session.execute(
        sa.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.token != keep)
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
