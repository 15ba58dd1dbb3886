"""Safety data missing from a roster or from the emergency cards: what a printout would show
as missing (no coordinator configured, a student not placed, no family phone, no teacher, no
emergency contact). The staff see the list before they print, each with what to fix and where;
printing stays possible. Gaps are found in the rows the printout is made of: no query of their
own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from flask import current_app
from flask_babel import gettext as _

from app.services.enrolment.disclosure import Fact
from app.services.supervision.student_cards import Card
from app.services.supervision.teacher_roster import CohortStudent, Colleague


class GapKind(StrEnum):
    """What is missing; the web layer links each kind to the page that fixes it."""

    SETTINGS = "settings"  # the server's settings: coordinator, emergency number, consulate
    UNPLACED = "unplaced"  # → the placement board
    FAMILY_PHONE = "family_phone"  # → the family's application
    NO_TEACHER = "no_teacher"  # → the cohort's teachers
    TEACHER_PHONE = "teacher_phone"  # → the teacher's details
    EMERGENCY = "emergency"  # → the student's details


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    text: str
    record_id: int | None = None  # the student, family application or teacher to fix


def settings() -> list[Gap]:
    """What every card carries from the server's settings, where it is not set."""
    config = current_app.config
    found = []
    if not (config["COORDINATOR_NAME"].strip() and config["COORDINATOR_PHONE"].strip()):
        found.append(
            Gap(
                GapKind.SETTINGS,
                _(
                    "No programme coordinator is set: the cards say so instead of a name and "
                    "number. An administrator sets COORDINATOR_NAME and COORDINATOR_PHONE in "
                    "the server's settings."
                ),
            )
        )
    if not config["EMERGENCY_NUMBER"].strip():
        found.append(
            Gap(
                GapKind.SETTINGS,
                _("No emergency number is set (EMERGENCY_NUMBER in the server's settings)."),
            )
        )
    if not config["CONSULATE_PHONE"].strip():
        found.append(
            Gap(
                GapKind.SETTINGS,
                _("No consulate phone number is set (CONSULATE_PHONE in the server's settings)."),
            )
        )
    return found


def of_student(
    entry: CohortStudent | Card, teacher: Colleague | None, contacts: bool = False
) -> list[Gap]:
    """What a student's row or card lacks; contacts: whether the emergency contacts were
    loaded (the roster), to check them too."""
    shown = entry.shown
    name = shown.full_name
    found = []
    home = entry.home
    if home is None:
        found.append(
            Gap(
                GapKind.UNPLACED,
                _("%(name)s is not placed with a host family yet.", name=name),
                entry.cohort_id,
            )
        )
    elif not (home.phone.strip() or home.mobile_phone.strip()):
        found.append(
            Gap(
                GapKind.FAMILY_PHONE,
                _("The host family of %(name)s has no phone number on record.", name=name),
                home.id,
            )
        )
    if teacher is None:
        found.append(
            Gap(
                GapKind.NO_TEACHER,
                _("%(name)s has no supervising teacher yet.", name=name),
                entry.cohort_id,
            )
        )
    if contacts and shown.shows(Fact.EMERGENCY_CONTACTS):
        people = entry.student.emergency_contacts
        if not people:
            found.append(
                Gap(
                    GapKind.EMERGENCY,
                    _("%(name)s has no emergency contact.", name=name),
                    entry.student.id,
                )
            )
        for person in people:
            if not (person.phone or "").strip():
                found.append(
                    Gap(
                        GapKind.EMERGENCY,
                        _(
                            "%(contact)s, emergency contact of %(name)s, has no phone number.",
                            contact=person.name,
                            name=name,
                        ),
                        entry.student.id,
                    )
                )
    return found


def of_teachers(teachers: Iterable[Colleague]) -> list[Gap]:
    """Teachers whose phone number a card or roster would print, where it is missing."""
    return [
        Gap(
            GapKind.TEACHER_PHONE,
            _("%(teacher)s has no phone number on record.", teacher=teacher.name),
            teacher.id,
        )
        for teacher in teachers
        if not (teacher.phone or "").strip()
    ]
