"""Duty of care during the stay: the compliance view of a cohort, recording contacts with
students and host families, the contact log (print, PDF, CSV, XLSX), the contact rule."""

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/care")

from app.contacts import routes  # noqa: E402,F401
