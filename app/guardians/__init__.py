"""The page of a guardian or a student of 18 or more: their own students only."""

from flask import Blueprint

bp = Blueprint("guardians", __name__, url_prefix="/my")

from app.guardians import consent, documents, routes  # noqa: E402,F401
