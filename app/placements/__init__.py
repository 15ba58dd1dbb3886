from flask import Blueprint

bp = Blueprint("placements", __name__, url_prefix="/placements")

from app.placements import proposals, routes  # noqa: E402,F401
