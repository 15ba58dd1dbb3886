"""Which locale a person reads: the language (English or German, as the language switch
offers) and, for English, the variant — US English for host families (the programme's host
area is in the US), otherwise the variant the browser asks for, else British English. The
variant decides spelling (the en_US catalogue holds the strings spelt differently) and how
dates and numbers are written (Babel's formats for that locale)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from app.models import Role, User


def language_of(user: User | None) -> str | None:
    """The language the account chose ("en" or "de"), if any."""
    chosen = (user.locale or "")[:2] if user is not None else ""
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def locale_for(language: str, user: User | None = None, asked: Iterable[str] = ()) -> str:
    """The full locale for a language: German as it is; English as US English for a host
    family, else the first English variant among `asked` (the browser's languages, best
    first) that the application knows, else the default (British English)."""
    if language != "en":
        return language
    config = current_app.config
    variants = config["ENGLISH_VARIANTS"]
    if user is not None and user.role == Role.HOST_FAMILY:
        return config["FAMILY_ENGLISH"]
    for tag in asked:
        variant = tag.replace("-", "_")
        if variant.lower() in {v.lower() for v in variants}:
            return next(v for v in variants if v.lower() == variant.lower())
    return config["DEFAULT_ENGLISH"]


def locale_of(user: User) -> str:
    """The locale an email or letter to the person is written in, whoever sends it."""
    language = language_of(user) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale_for(language, user)
