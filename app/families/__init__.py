from flask import Blueprint

bp = Blueprint("families", __name__, url_prefix="/family")

from app.families import routes  # noqa: E402,F401
