from flask import Blueprint

bp = Blueprint("concerns", __name__, url_prefix="/care/concerns")

from app.concerns import manage, routes  # noqa: E402,F401
