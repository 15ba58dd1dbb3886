from flask import Blueprint

bp = Blueprint("rosters", __name__, url_prefix="/rosters")

from app.rosters import routes  # noqa: E402,F401
