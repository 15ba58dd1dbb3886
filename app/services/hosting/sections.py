"""The family's application as a task list: sections that each save on their own, with a
status each (not started, in progress, completed) and what is still missing. The rules stay
those of families.py: a section is complete when the checks for submitting find nothing in
its answers; a section's save is checked together with the answers already stored."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models.base import LabelledEnum
from app.models.families import HostApplication
from app.services.hosting import families, rechecks
from app.services.hosting.rechecks import Check, Topic


class Section(LabelledEnum):
    """In the order the family goes through them."""

    HOUSEHOLD = "household", _l("Your household")
    HOME = "home", _l("Your home")
    PREFERENCES = "preferences", _l("Hosting preferences")
    REFERENCES = "references", _l("References and background check")
    AVAILABILITY = "availability", _l("Groups you could host")


# The answers (as families.as_values names them) each section asks for. Rules that compare
# two answers keep both in one section (a shared room and the gender preference).
FIELDS: dict[Section, tuple[str, ...]] = {
    Section.HOUSEHOLD: ("family_name", "members", "languages", "interests", "motivation"),
    Section.HOME: (
        "address_line",
        "city",
        "state",
        "postal_code",
        "phone",
        "mobile_phone",
        "bedrooms",
        "has_pets",
        "pets",
        "smoking_in_home",
        "high_school",
        "school_distance_miles",
    ),
    Section.PREFERENCES: ("beds_offered", "shared_room", "gender_preference", "diets"),
    Section.REFERENCES: ("references", "background_check_consent"),
    Section.AVAILABILITY: ("cohort_ids",),
}
# What a vetting check covered, by the section where the family answers it.
TOPICS: dict[Section, tuple[Topic, ...]] = {
    Section.HOUSEHOLD: (Topic.ADULTS, Topic.MEMBERS),
    Section.HOME: (Topic.ADDRESS, Topic.PETS, Topic.SMOKING, Topic.BEDROOMS),
    Section.PREFERENCES: (Topic.BEDS, Topic.SHARED_ROOM),
    Section.REFERENCES: (Topic.REFERENCES,),
    Section.AVAILABILITY: (),
}
# Answers a new application starts with: they do not count as started.
DEFAULTS = {"state": "NY", "gender_preference": "any"}

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


@dataclass(frozen=True)
class Task:
    section: Section
    status: str  # NOT_STARTED, IN_PROGRESS or COMPLETED
    missing: tuple[str, ...]  # the answers (top-level names) a complete section still needs


def section_of(field: str) -> Section | None:
    """The section that asks for an answer ("members.2.age" is the household's)."""
    top = (field or "").split(".")[0]
    if _is_reference(top):
        top = "references"
    return next((s for s, names in FIELDS.items() if top in names), None)


def _given(field: str, value: object) -> bool:
    if field in DEFAULTS:
        return value is not None and str(getattr(value, "value", value)) != DEFAULTS[field]
    if isinstance(value, list):
        return any(_given(field, v) if not isinstance(v, dict) else any(v.values()) for v in value)
    return value not in (None, "", False) and str(value).strip() != ""


def tasks(application: HostApplication) -> list[Task]:
    """Every section with its status and what it still lacks for submitting."""
    values = families.as_values(application)
    problems = families.check_application(values, complete=True)
    found = []
    for section in Section:
        order = FIELDS[section]
        missing = tuple(
            sorted(
                dict.fromkeys(
                    _top(field) for field, _message in problems if section_of(field) == section
                ),
                key=lambda name: order.index("references" if _is_reference(name) else name),
            )
        )
        if not missing:
            status = COMPLETED
        elif any(_given(field, values.get(field)) for field in FIELDS[section]):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        found.append(Task(section, status, missing))
    return found


def _is_reference(name: str) -> bool:
    return name in ("reference1", "reference2")


def _top(field: str) -> str:
    """reference1.phone → reference1, members.0.age → members."""
    return field.split(".")[0]


def save(
    application: HostApplication, section: Section, values: dict, by_id: int | None = None
) -> rechecks.Changes:
    """Save one section's answers (others are left as stored) under the rules of
    families.save_answers; returns the checks reopened by the change."""
    own = {field: values[field] for field in FIELDS[section] if field in values}
    return families.save_answers(application, own, by_id)


def covered(application: HostApplication, section: Section) -> list[tuple[Check, tuple]]:
    """The recorded checks that covered answers of this section, with those topics: what the
    family is told on the section's page before it saves."""
    mine = TOPICS[section]
    found = []
    for check, topics in rechecks.covered(application):
        shared = tuple(topic for topic in topics if topic in mine)
        if shared:
            found.append((check, shared))
    return found
