"""Password policy: at least 8 characters, no composition rules, common passwords refused."""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 256  # generous, and bounded so that hashing cannot be used to burn CPU


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == email.lower()):
        return str(_l("This password is too common or easy to guess. Please choose another."))
    return None


def hash_password(password: str) -> str:
    """Werkzeug's default (scrypt) hash; the test suite asks for cheaper scrypt parameters."""
    return generate_password_hash(
        password, current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


# Compared against when the email is unknown, so that both answers take as long.
DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")
