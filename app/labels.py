"""Translated names of the domain's enum values, for forms and templates."""

from __future__ import annotations

from enum import StrEnum

from flask import Flask, g, has_app_context
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.i18n import translations
from app.models import (
    CohortStatus,
    Diet,
    Direction,
    DocumentKind,
    EnrolmentStatus,
    Gender,
    VisaStatus,
)
from app.models.families import ApplicationStatus, GenderPreference
from app.models.placements import TeacherRole
from app.services.documents import consent_withdrawn
from app.services.placement_rules import Rule

LABELS: dict[StrEnum, object] = {
    CohortStatus.PLANNING: _l("planning"),
    CohortStatus.OPEN: _l("open"),
    CohortStatus.CLOSED: _l("closed"),
    CohortStatus.TRAVELLING: _l("travelling"),
    CohortStatus.COMPLETED: _l("completed"),
    CohortStatus.ARCHIVED: _l("archived"),
    Direction.OUTBOUND: _l("outbound: home city → partner city"),
    Direction.INBOUND: _l("inbound: partner city → home city"),
    EnrolmentStatus.APPLIED: _l("applied"),
    EnrolmentStatus.ACCEPTED: _l("accepted"),
    EnrolmentStatus.WAITLISTED: _l("waitlisted"),
    EnrolmentStatus.WITHDRAWN: _l("withdrawn"),
    EnrolmentStatus.COMPLETED: _l("completed"),
    DocumentKind.GUARDIAN_CONSENT: _l("Guardian consent"),
    DocumentKind.MEDICAL_FORM: _l("Medical form"),
    DocumentKind.INSURANCE: _l("Insurance"),
    DocumentKind.PASSPORT_VISA: _l("Passport / visa"),
    DocumentKind.CODE_OF_CONDUCT: _l("Code of conduct"),
    Gender.FEMALE: _l("female"),
    Gender.MALE: _l("male"),
    Gender.DIVERSE: _l("diverse"),
    Diet.NONE: _l("no special diet"),
    Diet.VEGETARIAN: _l("vegetarian"),
    Diet.VEGAN: _l("vegan"),
    Diet.HALAL: _l("halal"),
    Diet.KOSHER: _l("kosher"),
    Diet.GLUTEN_FREE: _l("gluten-free"),
    Diet.LACTOSE_FREE: _l("lactose-free"),
    Diet.OTHER: _l("other (see allergies and notes)"),
    ApplicationStatus.DRAFT: _l("draft"),
    ApplicationStatus.SUBMITTED: _l("submitted"),
    ApplicationStatus.REFERENCES_CHECKED: _l("references checked"),
    ApplicationStatus.BACKGROUND_CLEARED: _l("background check cleared"),
    ApplicationStatus.HOME_VISITED: _l("home visit done"),
    ApplicationStatus.APPROVED: _l("approved"),
    ApplicationStatus.DECLINED: _l("declined"),
    ApplicationStatus.BACKUP: _l("backup list"),
    ApplicationStatus.WITHDRAWN: _l("withdrawn"),
    VisaStatus.NOT_STARTED: _l("not started"),
    VisaStatus.ESTA_APPLIED: _l("ESTA applied for"),
    VisaStatus.ESTA_APPROVED: _l("ESTA approved"),
    VisaStatus.VISA_APPLIED: _l("visa applied for"),
    VisaStatus.VISA_GRANTED: _l("visa granted"),
    VisaStatus.NOT_NEEDED: _l("not needed"),
    TeacherRole.LEAD: _l("lead teacher"),
    TeacherRole.ASSISTANT: _l("assistant teacher"),
    # A rule's full message is placement_rules.MESSAGES; this is its name, for a badge.
    Rule.CONSENT_WITHDRAWN: _l("consent withdrawn"),
}

# Kept apart: StrEnum members with equal values are equal keys, and GenderPreference shares
# "female" and "male" with Gender, which would otherwise read "a girl" and "a boy".
PREFERENCE_LABELS: dict[StrEnum, object] = {
    GenderPreference.ANY: _l("no preference"),
    GenderPreference.FEMALE: _l("a girl"),
    GenderPreference.MALE: _l("a boy"),
}


def _table(value: StrEnum) -> dict[StrEnum, object]:
    return PREFERENCE_LABELS if isinstance(value, GenderPreference) else LABELS


def label(value: StrEnum | None) -> str:
    """The translated name of an enum value; each translated once per request and language
    (a roster or board asks for the same few labels hundreds of times)."""
    if value is None:
        return ""
    if not has_app_context():
        return str(_table(value).get(value, value))
    key = (id(translations()), value)
    found = g.setdefault("labels", {})
    if key not in found:
        found[key] = str(_table(value).get(value, value))
    return found[key]


def choices(enum: type[StrEnum]) -> list[SelectChoice]:
    """Options for a SelectField: the enum's values with their translated names."""
    return [SelectChoice(member.value, _table(member)[member]) for member in enum]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd … in English; 1., 2., 3. … in German."""
    from app.i18n import current_language

    if current_language() == "de":
        return f"{n}."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["ordinal"] = ordinal
    app.jinja_env.globals["document_kinds"] = list(DocumentKind)
    # {% if enrolment is consent_withdrawn %}: consents recorded, none active (reads
    # enrolment.consents, which the pages that list many enrolments load with them).
    app.jinja_env.tests["consent_withdrawn"] = consent_withdrawn
