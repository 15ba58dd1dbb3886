"""Password policy: at least 8 characters, no composition rules; common passwords and passwords
that are easy to guess (by zxcvbn's estimate, with the person's email and this site's words as
what an attacker would try first) are refused."""

from __future__ import annotations

import re
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 256  # generous, and bounded so that hashing cannot be used to burn CPU
# zxcvbn's score: 0 and 1 fall to under a million guesses; 2 and more resist online guessing.
MIN_SCORE = 2
ESTIMATED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters decide
# What anybody guessing a password of this site would try first.
SITE_WORDS = (
    "austausch",
    "schüleraustausch",
    "exchange",
    "dortmund",
    "buffalo",
    "partnership",
    "partnerschaft",
    "gastfamilie",
    "host",
    "family",
    "student",
    "schüler",
    "1950",
)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password is not acceptable, or None when it is."""
    # zxcvbn and its word lists (~12 MB) only where a password is chosen, not in every process.
    from zxcvbn import zxcvbn

    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if (
        lowered in _common_passwords()
        or (email and lowered == email.lower())
        or zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=_context(email))["score"] < MIN_SCORE
    ):
        return str(_l("This password is too common or easy to guess. Please choose another."))
    return None


def _context(email: str | None) -> list[str]:
    """The site's words and the person's own: the email and the words of its local part."""
    if not email:
        return list(SITE_WORDS)
    local = email.lower().partition("@")[0]
    return [*SITE_WORDS, email.lower(), local, *re.split(r"[^a-z0-9äöüß]+", local)]


def hash_password(password: str) -> str:
    """Werkzeug's default (scrypt) hash; the test suite asks for cheaper scrypt parameters."""
    return generate_password_hash(
        password, current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


# Compared against when the email is unknown, so that both answers take as long.
DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")
