from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/students/import")

from app.imports import routes  # noqa: E402,F401
