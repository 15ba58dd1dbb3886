"""Invitations of guardians and adult students: staff send them from a student's page; the
emailed link makes or opens an account that sees the student."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from app.invitations import routes  # noqa: E402,F401
