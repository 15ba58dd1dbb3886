"""Limits on guessing passwords and on asking for links by email, so that nobody can try
passwords quickly and nobody can lock everybody else out.

- Wrong passwords (at login and when changing the password) are limited per account, with a
  wait that grows with the failures (LOGIN_FAILURE_LIMIT, "5 per minute; 10 per 10 minutes;
  ..."), and per client address over all accounts, far above one person's typos
  (LOGIN_ADDRESS_LIMIT). One account's failures never stop another account at that address.
- Requests for links ("forgot your password?", "send the link again") are limited per client
  address (LINK_ADDRESS_LIMIT); each email address gets at most LINK_EMAIL_LIMIT of them.

The account is named by a keyed hash of the email as typed, whether or not an account has it,
so the limits answer alike for unknown addresses and tell nobody who has an account. Attempts
are rows of the database, which every worker shares (no other store to run, nothing lost at a
restart), counted in moving windows written in Flask-Limiter's notation. RATELIMIT_ENABLED
switches the limits off (the test suite does); attempts are still recorded."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from limits import RateLimitItem, parse_many

from app.extensions import db
from app.models import Attempt, AttemptKind
from app.models.base import utcnow

# Failures are counted over a day for the warning email, whatever the limits say.
WARNING_WINDOW = timedelta(days=1)
LIMIT_SETTINGS = (
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ADDRESS_LIMIT",
    "LINK_EMAIL_LIMIT",
    "LINK_ADDRESS_LIMIT",
)


class TooManyAttempts(Exception):
    """Refused before anything was checked or sent: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def account_key(email: str) -> str:
    """The account as the limits name it: HMAC-SHA256 (with the secret key) of the email as
    typed, trimmed and folded; the address itself (or a stranger's typo of it) is not kept."""
    folded = (email or "").strip().lower()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, folded.encode(), hashlib.sha256).hexdigest()


def _limit(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _wait(kind: AttemptKind, column: sa.Column, value: str, items: list[RateLimitItem]) -> int:
    """Seconds until the next attempt fits every window of the limit (0: it fits now)."""
    now = utcnow()
    longest = timedelta(seconds=max(item.get_expiry() for item in items))
    recent = db.session.scalars(
        sa.select(Attempt.at)
        .where(Attempt.kind == kind, column == value, Attempt.at > now - longest)
        .order_by(Attempt.at.desc())
        .limit(max(item.amount for item in items))
    ).all()
    wait = 0.0
    for item in items:
        window = timedelta(seconds=item.get_expiry())
        inside = [at for at in recent if at > now - window]
        if len(inside) >= item.amount:
            # The window has room again once the amount-th newest attempt has left it.
            wait = max(wait, (inside[item.amount - 1] + window - now).total_seconds())
    return math.ceil(wait)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def check_password_guess(email: str, address: str = "") -> None:
    """Raise TooManyAttempts while the account (or, when given, the client address) has had
    too many wrong passwords; checked before the password is."""
    if not _enabled():
        return
    wait = _wait(
        AttemptKind.WRONG_PASSWORD,
        Attempt.account_key,
        account_key(email),
        _limit("LOGIN_FAILURE_LIMIT"),
    )
    if address:
        wait = max(
            wait,
            _wait(
                AttemptKind.WRONG_PASSWORD,
                Attempt.ip_address,
                address,
                _limit("LOGIN_ADDRESS_LIMIT"),
            ),
        )
    if wait:
        raise TooManyAttempts(wait)


def record_wrong_password(email: str, address: str = "") -> int:
    """Note a wrong password for the account; its wrong passwords within a day, this one too."""
    key = account_key(email)
    db.session.add(
        Attempt(kind=AttemptKind.WRONG_PASSWORD, account_key=key, ip_address=address[:45])
    )
    db.session.flush()
    return db.session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.kind == AttemptKind.WRONG_PASSWORD,
            Attempt.account_key == key,
            Attempt.at > utcnow() - WARNING_WINDOW,
        )
    )


def forget_wrong_passwords(email: str) -> None:
    """The account holder proved they read its email (a new password from a link): the
    failures of whoever was guessing no longer hold them up."""
    db.session.execute(
        sa.delete(Attempt).where(
            Attempt.kind == AttemptKind.WRONG_PASSWORD, Attempt.account_key == account_key(email)
        )
    )


def link_request(email: str, address: str = "") -> bool:
    """Note a request for a link to the email address. TooManyAttempts while the client
    address has asked too often; False (send nothing, answer alike) when the email address
    has had its share of links."""
    key = account_key(email)
    allowed = True
    if _enabled():
        if address:
            wait = _wait(
                AttemptKind.LINK_REQUESTED,
                Attempt.ip_address,
                address,
                _limit("LINK_ADDRESS_LIMIT"),
            )
            if wait:
                raise TooManyAttempts(wait)
        allowed = not _wait(
            AttemptKind.LINK_REQUESTED, Attempt.account_key, key, _limit("LINK_EMAIL_LIMIT")
        )
    db.session.add(
        Attempt(kind=AttemptKind.LINK_REQUESTED, account_key=key, ip_address=address[:45])
    )
    db.session.flush()
    return allowed


def kept_for() -> timedelta:
    """How long attempts matter: the longest window of any limit, and at least a day."""
    windows = [
        timedelta(seconds=item.get_expiry())
        for setting in LIMIT_SETTINGS
        for item in _limit(setting)
    ]
    return max([WARNING_WINDOW, *windows])


def stale_attempts(now: datetime) -> sa.Select:
    """The ids of attempts no limit counts any more (the purge deletes them)."""
    return sa.select(Attempt.id).where(Attempt.at < now - kept_for())


def forget_account(email: str) -> None:
    """Delete the attempts of an account that is erased."""
    db.session.execute(sa.delete(Attempt).where(Attempt.account_key == account_key(email)))
