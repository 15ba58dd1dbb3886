from flask import Blueprint

bp = Blueprint("enrolments", __name__, url_prefix="/enrolments")

from app.enrolments import files, routes  # noqa: E402,F401
