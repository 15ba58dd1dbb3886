"""Helpers shared by the forms of several blueprints."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from app.services.errors import DomainError


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token."""


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal next to its field, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
