"""Helpers shared by the forms of several blueprints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup, escape
from wtforms import Field, FieldList, FormField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import HiddenInput, ListWidget, Select

from app.services.errors import DomainError
from app.services.identity import searches
from app.services.validation import ValidationFailed, whole_number

E = TypeVar("E", bound=Enum)


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token."""


def language_choices() -> list[SelectChoice]:
    return [SelectChoice("en", _l("English")), SelectChoice("de", _l("German"))]


class EmailLanguageForm(FlaskForm):
    """The language an account's emails and letters are written in."""

    language = SelectField(_l("Language of emails and letters"), choices=language_choices)
    submit = SubmitField(_l("Save language"))


def _field(form: FlaskForm, path: str | None):
    """The form field for a service's field name: nested ones use dots (guardian1.name,
    members.0.age)."""
    target = form
    for part in (path or "").split("."):
        if isinstance(target, FormField):
            target = target.form
        try:
            if isinstance(target, FieldList):
                target = target.entries[whole_number(part, 0, len(target.entries) - 1)]
            else:
                target = target[part]
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


def chosen_status(form: FlaskForm, statuses: type[E]) -> E | None:
    """The status a status button sent (its form's `status` field), or None after saying why
    there is none."""
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return None
    try:
        return statuses(form.status.data)
    except ValueError:
        flash(_("Unknown status."), "error")
        return None


SEARCH_MAX = 100


def search_words(list_name: str, endpoint: str, kept: tuple[str, ...], **values):
    """Search words of a list (often a person's name) are kept on the server with the login
    session (app/services/identity/searches.py), never in the URL, where they would end up in
    logs and browser history, nor in Flask's session cookie, which is signed but not
    encrypted. A POSTed search or an old link with ?q= stores them and redirects to the list
    without them; ?clear=1 forgets them. Returns (words, None) or (None, the redirect or
    refusal to send). `values` go into the URL the redirect goes to (a path's arguments, an
    `_anchor`)."""
    token = current_user.session_token
    # Searches the cookie may still hold from before they moved to the server.
    if f"search:{list_name}" in session:
        session.pop(f"search:{list_name}")
    source = request.form if request.method == "POST" else request.args
    if request.args.get("clear"):
        searches.forget(token, list_name)
        return None, redirect(url_for(endpoint, **values))
    if "q" in source:
        words = source.get("q", "").strip()
        if len(words) > SEARCH_MAX:
            abort(400)
        searches.remember(token, list_name, words)
        kept_args = {name: source.get(name) for name in kept if source.get(name)}
        return None, redirect(url_for(endpoint, **kept_args, **values))
    return searches.remembered(token, list_name), None


# --- the error pattern of every form -------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One error of a failed submit, for the summary at the top of the page: the id of the
    input its link moves to, where the field is ("Guardian 1: Phone") and the message."""

    target: str
    where: str
    message: str


def _target(field: Field) -> str:
    """The id a summary link moves focus to: the field's input, or the first choice of a
    group of radio buttons or checkboxes, or of a list's first row (a fieldset cannot take
    focus); none for a hidden field."""
    if isinstance(field.widget, HiddenInput):
        return ""
    if isinstance(field, FormField):
        return _target(next(iter(field.form)))
    if isinstance(field, FieldList):
        return _target(field.entries[0]) if field.entries else field.id
    if isinstance(field.widget, ListWidget):
        for option in field:
            return option.id
    return field.id


def _messages(field: Field) -> list[str]:
    # A FieldList or FormField nests its rows' errors (lists, dicts): those come with the rows.
    # A validator's own message may be a lazy string (message=_l(...)): it counts as text.
    # A FormField's errors are its form's dict: iterating it gave the inner fields' names.
    if isinstance(field, FormField):
        return []
    return [str(message) for message in field.errors if not isinstance(message, list | dict)]


def error_summary(form: FlaskForm) -> list[Problem]:
    """Every error of the form, in the order of its fields; nested forms and rows of a list
    are named with their group ("Reference 1: Phone"; a form's `row_label(number)` names a
    list's rows, "Person 2: Age")."""
    found: list[Problem] = []
    row_label = getattr(form, "row_label", None)

    def add(field: Field, where: str) -> None:
        for message in _messages(field):
            found.append(Problem(_target(field), where, message))

    def walk(fields, prefix: str) -> None:
        for field in fields:
            label = field.label.text if field.label else ""
            if field.errors:
                add(field, f"{prefix}{label}")
            if isinstance(field, FormField):
                walk(field.form, f"{prefix}{label}: ")
            elif isinstance(field, FieldList):
                for number, entry in enumerate(field.entries, start=1):
                    name = row_label(number) if row_label else f"{label} {number}"
                    if isinstance(entry, FormField):
                        walk(entry.form, f"{prefix}{name}: ")
                    else:
                        add(entry, f"{prefix}{name}")

    walk(form, "")
    return found


@pass_context
def form_problems(context) -> list[Problem]:
    """The errors of every form the page was given (`render_template(..., form=form)`): the
    layout puts "Error:" before the title and the summary at the top of the page when there
    are any, so that every form shows its errors alike."""
    found: list[Problem] = []
    for value in context.get_all().values():
        if isinstance(value, FlaskForm):
            found.extend(error_summary(value))
    return found


def init_app(app: Flask) -> None:
    app.jinja_env.globals["form_problems"] = form_problems


class QuickSelect(Select):
    """WTForms' select, its plain options written without `html_params` (which sorts,
    cleans and formats the attributes of each option, ~8 µs an option): the same HTML. For
    long lists such as a filter's cohorts."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs) -> Markup:
        value = choice.value
        if kwargs or choice.render_kw or value is None or isinstance(value, bool):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or value)
        if choice.selected:
            return Markup(f'<option selected value="{escape(value)}">{label}</option>')  # noqa: S704
        return Markup(f'<option value="{escape(value)}">{label}</option>')  # noqa: S704
