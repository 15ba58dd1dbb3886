from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/admin/privacy")

from app.privacy import routes  # noqa: E402,F401
