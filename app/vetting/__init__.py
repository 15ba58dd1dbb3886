from flask import Blueprint

bp = Blueprint("vetting", __name__, url_prefix="/vetting")

from app.vetting import routes  # noqa: E402,F401
