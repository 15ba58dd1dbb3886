"""Flask-Login wiring: the cookie carries a login-session token that logout deletes."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l

from app.extensions import login_manager
from app.models import User
from app.services.identity import accounts


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return accounts.user_for_session(token)


# Set by save_session for should_set_cookie, which is not given the answer. Unset (a call from
# elsewhere), the answer counts as a page: Flask's own rule.
_A_PAGE = "austausch.answer_is_a_page"


class OnlyPagesRefreshTheCookie(SecureCookieSessionInterface):
    """A logged-in session is permanent, so Flask sends its cookie again with every answer to
    keep it fresh. An answer that was still on its way when the person clicked (a stylesheet,
    the favicon, the browser's guess at /apple-touch-icon.png, a job page's status poll) would
    then bring back the cookie from before the click, and the message the click's answer put
    in it ("… is now accepted") would be lost on the next page.

    Only pages refresh the cookie: an HTML answer of one of our routes. Any other answer (a
    static file, a JSON status, a file, the page for an unknown address) sends it only when it
    changed the session itself, as a new visitor's first CSRF token on a 404 page does."""

    def save_session(self, app: Flask, session, response) -> None:
        request.environ[_A_PAGE] = (
            request.url_rule is not None
            and request.endpoint != "static"
            and response.mimetype == "text/html"
        )
        super().save_session(app, session, response)

    def should_set_cookie(self, app: Flask, session) -> bool:
        if not request.environ.get(_A_PAGE, True):
            return session.modified
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = OnlyPagesRefreshTheCookie()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
