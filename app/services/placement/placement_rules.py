"""The rules for placing a student with a host family, as pure functions over plain facts,
so that the placement service, the matching and the tests apply exactly the same ones.

Hard rules protect the student and can never be overridden. Soft rules come from
preferences: a coordinator may override them with a written reason; matching never does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from app.models.base import LabelledEnum


class Rule(LabelledEnum):
    ENROLMENT_ACTIVE = "enrolment_active"
    CONSENT_WITHDRAWN = "consent_withdrawn", _l("consent withdrawn")
    FAMILY_APPROVED = "family_approved"
    FAMILY_AVAILABLE = "family_available"
    BACKGROUND_CHECK = "background_check"
    BEDS = "beds"
    PET_ALLERGY = "pet_allergy"
    SHARED_ROOM_GENDER = "shared_room_gender"
    NO_SMOKERS = "no_smokers"
    GENDER_PREFERENCE = "gender_preference"


SOFT = frozenset({Rule.NO_SMOKERS, Rule.GENDER_PREFERENCE})
HARD = frozenset(Rule) - SOFT

MESSAGES = {
    Rule.ENROLMENT_ACTIVE: _l(
        "The student holds no place in this cohort (waitlisted or withdrawn)."
    ),
    Rule.CONSENT_WITHDRAWN: _l(
        "The guardians withdrew their consent: the student cannot be placed with a family or "
        "moved while consent is withdrawn. Record a new consent on the enrolment first."
    ),
    Rule.FAMILY_APPROVED: _l("The family is not approved."),
    Rule.FAMILY_AVAILABLE: _l("The family has not offered to host this cohort."),
    Rule.BACKGROUND_CHECK: _l("The family's background check expires before the cohort returns."),
    Rule.BEDS: _l("The family has no free bed for this cohort."),
    Rule.PET_ALLERGY: _l("The student is allergic to pets and the family has pets."),
    Rule.SHARED_ROOM_GENDER: _l("The student would share a room with a student of another gender."),
    Rule.NO_SMOKERS: _l("The student asked for a home without smokers; somebody smokes there."),
    Rule.GENDER_PREFERENCE: _l("The family prefers to host a student of another gender."),
}


@dataclass(frozen=True)
class StudentFacts:
    """What the rules and the matching need to know about a student of the cohort."""

    enrolment_id: int
    name: str
    gender: str  # female, male, diverse
    holds_place: bool = True
    consent_withdrawn: bool = False  # consents recorded, none still active
    pet_allergy: bool = False
    no_pets: bool = False
    no_smokers: bool = False
    diet: str = "none"
    interests: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    school: str = ""


@dataclass(frozen=True)
class FamilyFacts:
    """What the rules and the matching need to know about a family's application."""

    application_id: int
    name: str
    approved: bool
    available: bool  # offered to host this cohort
    background_valid_until: date | None
    has_pets: bool
    smoking: bool
    gender_preference: str  # any, female, male
    shared_room: bool
    free_beds: int
    placed_genders: frozenset[str] = field(default_factory=frozenset)  # of this cohort
    diets: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    interests: frozenset[str] = field(default_factory=frozenset)
    distance_miles: float | None = None
    city: str = ""


def broken_rules(student: StudentFacts, family: FamilyFacts, returns_on: date) -> list[Rule]:
    """Every rule placing this student with this family would break, hard rules first."""
    broken = []
    if not student.holds_place:
        broken.append(Rule.ENROLMENT_ACTIVE)
    if student.consent_withdrawn:
        broken.append(Rule.CONSENT_WITHDRAWN)
    if not family.approved:
        broken.append(Rule.FAMILY_APPROVED)
    if not family.available:
        broken.append(Rule.FAMILY_AVAILABLE)
    if family.background_valid_until is None or family.background_valid_until < returns_on:
        broken.append(Rule.BACKGROUND_CHECK)
    if family.free_beds < 1:
        broken.append(Rule.BEDS)
    if student.pet_allergy and family.has_pets:
        broken.append(Rule.PET_ALLERGY)
    if family.shared_room and family.placed_genders - {student.gender}:
        broken.append(Rule.SHARED_ROOM_GENDER)
    if student.no_smokers and family.smoking:
        broken.append(Rule.NO_SMOKERS)
    if family.gender_preference not in ("any", student.gender):
        broken.append(Rule.GENDER_PREFERENCE)
    return broken


def words(text: str) -> frozenset[str]:
    """Comma-separated interests or languages as a set of lower-case words."""
    return frozenset(part.strip().lower() for part in (text or "").split(",") if part.strip())
