"""The facts the placement rules check, read from the database: a student's, and a family's
for one cohort (free beds, the genders already placed there)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Cohort, Enrolment, EnrolmentStatus, Placement, PlacementStatus, Student
from app.models.families import ApplicationStatus, HostApplication, HostFamily, application_cohorts
from app.services.enrolment.documents import consent_withdrawn
from app.services.placement.placement_rules import FamilyFacts, StudentFacts, words

ACTIVE = PlacementStatus.ACTIVE


def student_facts(enrolment: Enrolment, withdrawn: bool | None = None) -> StudentFacts:
    """The facts of an enrolled student; reads the enrolment's consents (load them with it)
    unless `withdrawn` says whether the consent is withdrawn (read with the enrolment)."""
    student = enrolment.student
    return StudentFacts(
        enrolment_id=enrolment.id,
        name=student.full_name,
        gender=student.gender.value,
        holds_place=enrolment.status in (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED),
        consent_withdrawn=consent_withdrawn(enrolment) if withdrawn is None else withdrawn,
        pet_allergy=student.pet_allergy,
        no_pets=student.no_pets,
        no_smokers=student.no_smokers,
        diet=student.diet.value,
        interests=words(student.interests),
        languages=words(student.languages),
        school=student.school,
    )


def _beds_taken(cohort_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(application_cohorts.c.application_id, application_cohorts.c.beds_taken).where(
                application_cohorts.c.cohort_id == cohort_id
            )
        ).all()
    )


def _placed_genders(cohort_id: int) -> dict[int, set[str]]:
    genders: dict[int, set[str]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(Placement.application_id, Student.gender)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Placement.cohort_id == cohort_id, Placement.status == ACTIVE)
    ).all()
    for application_id, gender in rows:
        genders[application_id].add(gender.value)
    return genders


def family_facts(
    application: HostApplication,
    cohort: Cohort,
    taken: dict[int, int] | None = None,
    genders: dict[int, set[str]] | None = None,
    name: str | None = None,
) -> FamilyFacts:
    """The facts of a family's application for one cohort (beds and genders of this cohort);
    the family's name read from its family and account unless given."""
    taken = _beds_taken(cohort.id) if taken is None else taken
    genders = _placed_genders(cohort.id) if genders is None else genders
    available = application.id in taken
    return FamilyFacts(
        application_id=application.id,
        name=name or application.family.family_name or application.family.user.email,
        approved=application.status == ApplicationStatus.APPROVED,
        available=available,
        background_valid_until=application.background_check_expires_on,
        has_pets=application.has_pets,
        smoking=application.smoking_in_home,
        gender_preference=application.gender_preference.value,
        shared_room=application.shared_room,
        free_beds=max(0, (application.beds_offered or 0) - taken.get(application.id, 0))
        if available
        else 0,
        placed_genders=frozenset(genders.get(application.id, ())),
        diets=frozenset(d for d in (application.diets or "").split(",") if d),
        languages=words(application.languages),
        interests=words(application.interests),
        distance_miles=application.school_distance_miles,
        city=application.city,
    )


def cohort_family_facts(
    cohort: Cohort,
    applications: list[HostApplication] | None = None,
    genders: dict[int, set[str]] | None = None,
    names: dict[int, str] | None = None,
) -> list[FamilyFacts]:
    """The facts of the cohort's approved families (those given, else cohort_families),
    with beds and genders read once for all of them (the genders placed with each family
    given, if the caller read the placements already; the families' names too)."""
    applications = cohort_families(cohort) if applications is None else applications
    taken = _beds_taken(cohort.id)
    genders = _placed_genders(cohort.id) if genders is None else genders
    names = names or {}
    return [family_facts(a, cohort, taken, genders, names.get(a.id)) for a in applications]


def cohort_families(cohort: Cohort) -> list[HostApplication]:
    """Approved applications that offered to host this cohort."""
    return list(
        db.session.scalars(
            sa.select(HostApplication)
            .join(application_cohorts, application_cohorts.c.application_id == HostApplication.id)
            .where(
                application_cohorts.c.cohort_id == cohort.id,
                HostApplication.status == ApplicationStatus.APPROVED,
            )
            # The family's email names it when it gave no name: joined, never one by one.
            .options(joinedload(HostApplication.family).joinedload(HostFamily.user))
            .order_by(HostApplication.city, HostApplication.id)
        )
    )


def cohort_families_named(cohort: Cohort) -> tuple[list[HostApplication], dict[int, str]]:
    """cohort_families, and each one's name (the family's, else its account's email) read
    as a column rather than loading every family and account."""
    from app.models import User

    rows = db.session.execute(
        sa.select(HostApplication, HostFamily.family_name, User.email)
        .join(application_cohorts, application_cohorts.c.application_id == HostApplication.id)
        .join(HostFamily, HostFamily.id == HostApplication.family_id)
        .join(User, User.id == HostFamily.user_id)
        .where(
            application_cohorts.c.cohort_id == cohort.id,
            HostApplication.status == ApplicationStatus.APPROVED,
        )
        .order_by(HostApplication.city, HostApplication.id)
    ).all()
    return [row[0] for row in rows], {a.id: name or email for a, name, email in rows}


def applications_with_families(ids: set[int]) -> list[HostApplication]:
    """Applications by id with their families and accounts (which name a family)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(HostApplication)
            .where(HostApplication.id.in_(ids))
            .options(joinedload(HostApplication.family).joinedload(HostFamily.user))
        )
    )
