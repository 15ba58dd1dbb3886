"""Helpers shared by the forms of several blueprints."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField

from app.services.errors import DomainError
from app.services.validation import ValidationFailed


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token."""


def _field(form: FlaskForm, path: str | None):
    """The form field for a service's field name: nested ones use dots (guardian1.name,
    members.0.age)."""
    target = form
    for part in (path or "").split("."):
        if isinstance(target, FormField):
            target = target.form
        try:
            target = target.entries[int(part)] if isinstance(target, FieldList) else target[part]
        except (KeyError, TypeError, ValueError, IndexError):
            return None
    return target if isinstance(target, Field) else None


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal next to its field(s), or at the top of the page."""
    problems = (
        error.problems if isinstance(error, ValidationFailed) else [(error.field, error.message)]
    )
    for name, message in problems:
        field = _field(form, name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")
