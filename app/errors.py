"""Error pages: a clear message, never a traceback."""

from __future__ import annotations

import traceback

from flask import Flask, current_app, g, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.services.identity.limits import TooManyAttempts

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used in this way.")),
    413: (_l("Too large"), _l("What you sent is larger than this application accepts.")),
    429: (_l("Too many attempts"), _l("Please wait a moment before you try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Nothing you entered was half-saved; please try again."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The application cannot reach its database right now. Please try again in a moment."),
    ),
}


CSRF_MESSAGE = _l(
    "The form has expired or was not sent from this site. Please reload the page and try again."
)


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def handle_http(error: HTTPException):
    code = error.code or 500
    if request_ctx.url_adapter is None:
        # A host name this site does not answer to (TRUSTED_HOSTS): a page could not link
        # anywhere, and nothing must build links from that name.
        return str(MESSAGES[400][0]), 400, {"Content-Type": "text/plain; charset=utf-8"}
    return render_error(code if code in MESSAGES else 500)


def handle_too_many(error: TooManyAttempts):
    """A limit on guessing passwords or asking for links: how long to wait, and at the login
    the way in that needs no password."""
    minutes = max(1, -(-error.retry_after // 60))
    text = ngettext(
        "Please wait %(num)d minute before you try again.",
        "Please wait %(num)d minutes before you try again.",
        minutes,
    )
    title = MESSAGES[429][0]
    page = render_template(
        "errors/error.html",
        code=429,
        title=title,
        text=text,
        forgot_password=request.endpoint == "auth.login",
    )
    return page, 429, {"Retry-After": str(error.retry_after)}


def handle_csrf(error: CSRFError):
    return render_error(400, str(CSRF_MESSAGE))


def log_unexpected(error: Exception) -> None:
    """Log the error for the operators. A database driver's message can quote the row it
    refused (names, health notes): for those only the kind, the SQL and the frames are kept."""
    if not isinstance(error, DBAPIError):
        current_app.logger.exception("Unhandled error", exc_info=error)
        return
    driver = error.orig
    code = getattr(driver, "sqlstate", None) or getattr(driver, "sqlite_errorname", "")
    current_app.logger.error(
        "Unhandled error (database) %s %s in %s %s\nStatement: %s\n%s",
        type(driver).__name__,
        code,
        request.method,
        request.path,
        error.statement,
        "".join(traceback.format_tb(error.__traceback__)),
    )


def handle_unexpected(error: Exception):
    from app.extensions import db

    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http(error)
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, (OverflowError, DataError)):  # e.g. an id beyond the column's range
        return render_error(400)
    log_unexpected(original)
    if isinstance(original, OperationalError):
        # The page must not need the database: show it as to a visitor who is not logged in.
        from app.extensions import login_manager

        g._login_user = login_manager.anonymous_user()
        return render_error(503)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(TooManyAttempts, handle_too_many)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
