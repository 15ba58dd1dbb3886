from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from app.cohorts import routes  # noqa: E402,F401
