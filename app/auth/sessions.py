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


class StaticFilesLeaveTheCookie(SecureCookieSessionInterface):
    """A logged-in session is permanent, so Flask sends its cookie again with every answer to
    keep it fresh, a stylesheet's too. A stylesheet still loading when the person clicks would
    then bring back the cookie from before the click, and the message the click's answer put
    in it ("… is now accepted") would be lost. A static file never changes the session: its
    answer carries no cookie."""

    def should_set_cookie(self, app: Flask, session) -> bool:
        if request.endpoint == "static":
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = StaticFilesLeaveTheCookie()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
