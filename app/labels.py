"""Enum values as people read them, for forms and templates: the names themselves are on the
enums (`LabelledEnum`); this adds a per-request cache and the Jinja filters."""

from __future__ import annotations

from enum import StrEnum

from flask import Flask, g, has_app_context
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from app.i18n import translations
from app.models import (
    ApplicationStatus,
    CohortStatus,
    Diet,
    Direction,
    DocumentKind,
    EnrolmentStatus,
    EventReason,
    Gender,
    Role,
    TeacherRole,
    VisaStatus,
)
from app.models.base import LabelledEnum
from app.services.enrolment import disclosure
from app.services.enrolment.documents import consent_withdrawn
from app.services.placement.placement_rules import Rule

# A plain string in a template ("consent_withdrawn"|label, a diet read from a list of values)
# is named as the first of these enums that has the value. GenderPreference is left out: its
# "female" and "male" read "a girl" and "a boy", and a plain "female" is a gender.
_BY_VALUE: dict[str, LabelledEnum] = {}
for _enum in (
    CohortStatus, Direction, EnrolmentStatus, DocumentKind, Gender, Diet,
    ApplicationStatus, VisaStatus, TeacherRole, Rule, Role, EventReason,
):  # fmt: skip
    for _member in _enum:
        _BY_VALUE.setdefault(_member.value, _member)


def label(value: StrEnum | None) -> str:
    """The translated name of an enum value; each translated once per request and language
    (a roster or board asks for the same few labels hundreds of times)."""
    if value is None:
        return ""
    if not isinstance(value, LabelledEnum):
        value = _BY_VALUE.get(str(value), value)
        if not isinstance(value, LabelledEnum):
            return str(value)
    if not has_app_context():
        return str(value.label)
    key = (id(translations()), type(value), value)
    found = g.setdefault("labels", {})
    if key not in found:
        found[key] = str(value.label)
    return found[key]


def choices(enum: type[LabelledEnum]) -> list[SelectChoice]:
    """Options for a SelectField: the enum's values with their translated names."""
    return [SelectChoice(member.value, member.label) for member in enum]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd … in English; 1., 2., 3. … in German."""
    from app.i18n import current_language

    if current_language() == "de":
        return f"{n}."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_NOT_DIALLED = str.maketrans("", "", " /()")


def tel(number: str) -> Markup:
    """A phone number as a link that dials it ({{ phone|tel }}): a filter, not a macro, for
    the many numbers of a teacher's student cards."""
    shown = escape(number)
    dialled = str(shown).translate(_NOT_DIALLED)  # escaping adds none of " /()"
    return Markup(f'<a href="tel:{dialled}">{shown}</a>')  # noqa: S704 (both escaped)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["tel"] = tel
    app.jinja_env.filters["ordinal"] = ordinal
    app.jinja_env.globals["document_kinds"] = list(DocumentKind)
    # {% if enrolment is consent_withdrawn %}: consents recorded, none active (reads
    # enrolment.consents, which the pages that list many enrolments load with them).
    app.jinja_env.tests["consent_withdrawn"] = consent_withdrawn
    # {% set student = enrolment|disclosed %}: the student as the consent rule lets a page
    # show them (reads enrolment.consents too).
    app.jinja_env.filters["disclosed"] = disclosure.of
