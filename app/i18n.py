"""Language choice: the person's own choice (remembered in a cookie and on the account),
then the browser's languages, then English."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

COOKIE = "lang"


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(COOKIE)
    if chosen in supported:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in supported:
        return user_locale
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    return str(get_locale() or "en")


def init_app(app: Flask) -> None:
    from app.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["when"] = event_when


def event_when(event) -> str:
    """How a history event's date reads: 4 July 1977, May 1974, 1950, since 1993, today."""
    from datetime import date

    from flask_babel import format_date, gettext

    if event.year is None:
        return gettext("Today")
    if event.day:
        text = format_date(date(event.year, event.month, event.day), "long")
    elif event.month:
        text = format_date(date(event.year, event.month, 1), "MMMM y")
    else:
        text = str(event.year)
    return gettext("since %(when)s", when=text) if event.ongoing else text
