"""Flask-Login wiring: the cookie carries a login-session token that logout deletes."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import login_manager
from app.models import User
from app.services.identity import accounts


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return accounts.user_for_session(token)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
