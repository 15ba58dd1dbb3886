"""The page of a guardian or a student of 18 or more: their own students only."""

from flask import Blueprint

bp = Blueprint("guardians", __name__, url_prefix="/my")

from app.guardians import routes  # noqa: E402,F401
from app.guardians import consent, documents  # noqa: E402,F401
