"""Applying online: the public pages of open cohorts, the sign-up and the application."""

from flask import Blueprint

bp = Blueprint("apply", __name__, url_prefix="/apply")

from app.apply import routes  # noqa: E402,F401
