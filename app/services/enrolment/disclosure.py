"""What may be shown of a student: the one rule for a student whose guardians withdrew their
consent (consents recorded, none still active: documents.consent_withdrawn).

Such a student stays where their safety needs them (on rosters and emergency cards, with their
host family, with their supervising teacher), but only with the safety facts: who they are,
where they live and the family's phones, their supervising teacher, whom to call in an
emergency, and what keeps them well (allergies, pet allergy, diet, medical notes). Their age,
gender, school, own phone and email, guardians, interests, languages, wishes for matching and
travel documents are not shown.

Every page, printout, file, card and email that shows a student asks this module: a roster's
column through `shows(column.facts, ...)`, a page through `Disclosed`, a student as the page
may show them. A student with an active consent, or none recorded yet, is shown in full."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from app.models import Enrolment, Student
from app.services.enrolment.documents import consent_withdrawn


class Fact(StrEnum):
    """What a page can show of a student, as the rule sees it."""

    NAME = "name"
    AGE = "age"  # the date of birth, and the age it gives
    GENDER = "gender"
    SCHOOL = "school"  # the school and the grade
    STUDENT_CONTACT = "student_contact"  # the student's own phone and email
    GUARDIANS = "guardians"
    PROFILE = "profile"  # interests, languages, wishes for matching (no pets, no smokers)
    TRAVEL = "travel"  # passport and visa
    HOME = "home"  # the host family, its address and town
    FAMILY_PHONES = "family_phones"
    TEACHER = "teacher"  # the supervising teacher and their phone
    EMERGENCY_CONTACTS = "emergency_contacts"
    ALLERGIES = "allergies"
    PET_ALLERGY = "pet_allergy"
    DIET = "diet"
    MEDICAL_NOTES = "medical_notes"


# Shown even when the guardians withdrew their consent: what the student's safety needs.
SAFETY = frozenset(
    {
        Fact.NAME,
        Fact.HOME,
        Fact.FAMILY_PHONES,
        Fact.TEACHER,
        Fact.EMERGENCY_CONTACTS,
        Fact.ALLERGIES,
        Fact.PET_ALLERGY,
        Fact.DIET,
        Fact.MEDICAL_NOTES,
    }
)

CONSENT_NOTE = _l("consent withdrawn — safety data only")
WITHHELD = "—"  # in a table's cell: a fact that is not shown


def shows(facts: Fact | Iterable[Fact], withdrawn: bool) -> bool:
    """Whether a page may show these facts of a student (all of them), given whether the
    guardians withdrew their consent."""
    wanted = {facts} if isinstance(facts, Fact) else set(facts)
    return not withdrawn or wanted <= SAFETY


# Every attribute of a student a page can read, the fact it is part of, and what it reads
# as when that fact is not shown (nothing of the same kind, so that templates need no
# special case: no text, no list, no flag).
ATTRIBUTES: dict[str, tuple[Fact, Any]] = {
    "first_name": (Fact.NAME, ""),
    "last_name": (Fact.NAME, ""),
    "full_name": (Fact.NAME, ""),
    "date_of_birth": (Fact.AGE, None),
    "gender": (Fact.GENDER, None),
    "school": (Fact.SCHOOL, ""),
    "grade": (Fact.SCHOOL, ""),
    "email": (Fact.STUDENT_CONTACT, None),
    "phone": (Fact.STUDENT_CONTACT, None),
    "guardians": (Fact.GUARDIANS, ()),
    "interests": (Fact.PROFILE, ""),
    "languages": (Fact.PROFILE, ""),
    "no_pets": (Fact.PROFILE, False),
    "no_smokers": (Fact.PROFILE, False),
    "passport_number": (Fact.TRAVEL, None),
    "passport_expiry": (Fact.TRAVEL, None),
    "visa_status": (Fact.TRAVEL, None),
    "emergency_contacts": (Fact.EMERGENCY_CONTACTS, ()),
    "allergies": (Fact.ALLERGIES, ""),
    "pet_allergy": (Fact.PET_ALLERGY, False),
    "diet": (Fact.DIET, None),
    "medical_notes": (Fact.MEDICAL_NOTES, ""),
}
# Not facts about the person: the record's id (for links) and its timestamps.
RECORD = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class Disclosed:
    """A student as a page may show them. Reads like a Student; a fact the rule withholds
    reads as nothing (see ATTRIBUTES), and an attribute the rule does not know is refused,
    so that a new column is never shown before it is classified here."""

    student: Student
    consent_withdrawn: bool = False

    def shows(self, fact: Fact | str) -> bool:
        fact = Fact(fact)  # an unknown fact is refused either way
        return not self.consent_withdrawn or fact in SAFETY

    @property
    def consent_note(self) -> str:
        """The line that says why facts are missing, or "" when none are."""
        return str(CONSENT_NOTE) if self.consent_withdrawn else ""

    def __getattr__(self, name: str) -> Any:
        if name in RECORD:
            return getattr(self.student, name)
        if name not in ATTRIBUTES:
            raise AttributeError(name)
        if not self.consent_withdrawn:  # shown in full (a page reads ~15 of these a student)
            return getattr(self.student, name)
        fact, withheld = ATTRIBUTES[name]
        return getattr(self.student, name) if fact in SAFETY else withheld


def of(enrolment: Enrolment) -> Disclosed:
    """The enrolment's student as a page may show them; reads enrolment.consents (load them
    with the enrolment when there are many)."""
    return Disclosed(enrolment.student, consent_withdrawn(enrolment))
