"""Applications made online by a guardian (or a student of 18 or more) for an open cohort.

The answers are written section by section into a draft (ApplicationDraft) that stays apart
from students and enrolments: a draft takes no place and appears in no staff list. The rules
are those of the staff's student form (students.check_student): a section's problems are the
problems of the whole application that belong to it. Submitting creates the student through
students.create_student and the enrolment through enrolments.enrol (so places and the
waitlist behave as for staff), links the account to the student as its first guardian and
tells the staff. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    ApplicationDraft,
    Cohort,
    CohortStatus,
    DocumentKind,
    Enrolment,
    StudentAccount,
    User,
)
from app.models.base import LabelledEnum, utcnow
from app.services.enrolment import enrolments, students
from app.services.errors import DomainError
from app.services.identity import invitations
from app.services.mail import notifications, templates
from app.services.privacy import audit
from app.services.validation import ValidationFailed

DRAFT_DAYS = 90  # a draft nobody touched for this long is deleted (flask privacy purge)


class Section(LabelledEnum):
    """In the order the applicant goes through them."""

    STUDENT = "student", _l("The student")
    GUARDIANS = "guardians", _l("Guardians")
    EMERGENCY = "emergency", _l("Emergency contacts")
    HEALTH = "health", _l("Health")
    DIET = "diet", _l("Diet")
    PREFERENCES = "preferences", _l("Preferences and interests")


FIELDS: dict[Section, tuple[str, ...]] = {
    Section.STUDENT: (
        "first_name",
        "last_name",
        "date_of_birth",
        "gender",
        "school",
        "grade",
        "email",
        "phone",
        "passport_number",
        "passport_expiry",
        "visa_status",
    ),
    Section.GUARDIANS: ("guardians",),
    Section.EMERGENCY: ("emergency_contacts",),
    Section.HEALTH: ("allergies", "pet_allergy", "medical_notes"),
    Section.DIET: ("diet",),
    Section.PREFERENCES: ("no_pets", "no_smokers", "interests", "languages"),
}
DATES = ("date_of_birth", "passport_expiry")
DEFAULTS = {"diet": "none", "visa_status": "not_started"}
SAVED = "_saved"  # the answers' key listing the sections saved at least once
NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


def section_of(field: str) -> Section:
    """The section a problem's field belongs to ("guardian2.phone" is the guardians')."""
    top = field.split(".")[0]
    if top.startswith("guardian"):
        return Section.GUARDIANS
    if top.startswith("emergency"):
        return Section.EMERGENCY
    return next((s for s, names in FIELDS.items() if top in names), Section.STUDENT)


# --- the cohorts one can apply for --------------------------------------------------------

CLOSED, PLACES, WAITLIST = "closed", "places", "waitlist"


@dataclass(frozen=True)
class Offer:
    cohort: Cohort
    state: str  # CLOSED, PLACES (places left) or WAITLIST (full: a new application waits)
    places_left: int
    needed: tuple[DocumentKind, ...]


def offer(cohort: Cohort, today: date | None = None) -> Offer:
    """What the cohort's public page says: open with places left, waitlist only, or closed
    (not open, or its enrolment deadline passed)."""
    today = today or utcnow().date()
    left = max(0, cohort.places - cohort.places_taken)
    deadline = cohort.enrolment_deadline
    if cohort.status != CohortStatus.OPEN or (deadline is not None and deadline < today):
        state = CLOSED
    else:
        state = PLACES if left else WAITLIST
    return Offer(cohort, state, left, tuple(DocumentKind))


def open_offers(today: date | None = None) -> list[Offer]:
    """The cohorts one may apply for now, by departure."""
    cohorts = db.session.scalars(
        sa.select(Cohort)
        .where(Cohort.status == CohortStatus.OPEN)
        .order_by(Cohort.departure_date, Cohort.id)
    )
    found = [offer(cohort, today) for cohort in cohorts]
    return [item for item in found if item.state != CLOSED]


# --- drafts -------------------------------------------------------------------------------


def start(user: User, cohort: Cohort) -> ApplicationDraft:
    """The account's unsubmitted draft for the cohort, or a new one (the applicant is the
    first guardian, with the account's address)."""
    if offer(cohort).state == CLOSED:
        raise DomainError(str(_l("This cohort does not take applications.")))
    found = db.session.scalar(
        sa.select(ApplicationDraft).where(
            ApplicationDraft.user_id == user.id,
            ApplicationDraft.cohort_id == cohort.id,
            ApplicationDraft.submitted_at.is_(None),
        )
    )
    if found is None:
        first = {"name": "", "relation": "", "phone": "", "email": user.email}
        first["locale"] = user.locale or ""
        found = ApplicationDraft(
            user_id=user.id, cohort_id=cohort.id, answers={"guardians": [first]}
        )
        db.session.add(found)
        db.session.flush()
    return found


def drafts_of(user: User) -> list[ApplicationDraft]:
    """The account's applications, unsubmitted first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApplicationDraft)
            .where(ApplicationDraft.user_id == user.id)
            .order_by(ApplicationDraft.submitted_at.is_not(None), ApplicationDraft.id.desc())
        )
    )


def lands_on_apply(user: User) -> bool:
    """Whether the account lands on the applications after logging in: it is writing one,
    or it sees no student yet."""
    writing = sa.select(ApplicationDraft.id).where(
        ApplicationDraft.user_id == user.id, ApplicationDraft.submitted_at.is_(None)
    )
    sees = sa.select(StudentAccount.id).where(StudentAccount.user_id == user.id)
    return db.session.scalar(sa.select(writing.exists() | ~sees.exists()))


def draft_of(user: User, draft_id: int) -> ApplicationDraft | None:
    """The account's own draft; None for an unknown id and for another account's alike."""
    draft = db.session.get(ApplicationDraft, draft_id)
    return draft if draft is not None and draft.user_id == user.id else None


def cohort_of(draft: ApplicationDraft) -> Cohort:
    return db.session.get(Cohort, draft.cohort_id)


def values(draft: ApplicationDraft) -> dict:
    """The answers in the shape students.check_student takes."""
    answers = dict(draft.answers or {})
    answers.pop(SAVED, None)
    for key, value in DEFAULTS.items():
        answers[key] = answers.get(key) or value
    for key in DATES:
        text = answers.get(key)
        answers[key] = date.fromisoformat(text) if text else None
    for key in students.SCALAR_FIELDS:
        answers.setdefault(key, None)
    answers.setdefault("guardians", [])
    answers.setdefault("emergency_contacts", [])
    return answers


def problems(draft: ApplicationDraft, today: date | None = None) -> dict[Section, list]:
    """The problems the staff's rules find, by section."""
    found: dict[Section, list] = {section: [] for section in Section}
    for field, message in students.check_student(values(draft), today):
        found[section_of(field)].append((field, message))
    return found


def save(draft: ApplicationDraft, section: Section, given: dict) -> list[tuple[str, str]]:
    """Store one section's answers (kept even when incomplete: the applicant may come back);
    returns the section's problems, to be shown."""
    if draft.submitted_at is not None:
        raise DomainError(str(_l("This application was submitted; it can no longer be changed.")))
    answers = dict(draft.answers or {})
    for key in FIELDS[section]:
        value = given.get(key)
        if key in DATES:
            value = value.isoformat() if isinstance(value, date) else None
        answers[key] = value
    answers[SAVED] = sorted({*answers.get(SAVED, []), section.value})
    draft.answers = answers
    draft.updated_at = utcnow()
    db.session.flush()
    return problems(draft)[section]


def saved_sections(draft: ApplicationDraft) -> set[Section]:
    return {Section(value) for value in (draft.answers or {}).get(SAVED, [])}


@dataclass(frozen=True)
class Task:
    section: Section
    status: str


def tasks(draft: ApplicationDraft) -> list[Task]:
    """Every section with its status: not started, in progress (saved, with problems),
    completed (saved, nothing missing)."""
    saved = {section.value for section in saved_sections(draft)}
    found = problems(draft)
    return [
        Task(
            section,
            NOT_STARTED
            if section.value not in saved
            else (IN_PROGRESS if found[section] else COMPLETED),
        )
        for section in Section
    ]


# --- submitting ---------------------------------------------------------------------------


def submit(draft: ApplicationDraft, user: User, link) -> Enrolment:
    """Check everything, then create the student and enrol them (a place when one is free,
    else the waitlist, as for staff); the account sees the student as its first guardian and
    the staff are told. `link(enrolment)` is the staff page of the application."""
    if draft.submitted_at is not None:
        raise DomainError(str(_l("This application was already submitted.")))
    cohort = cohort_of(draft)
    if offer(cohort).state == CLOSED:
        raise DomainError(str(_l("This cohort does not take applications.")))
    answers = values(draft)
    all_problems = students.check_student(answers)
    if all_problems:
        raise ValidationFailed(all_problems)
    student = students.create_student(answers)
    enrolment = enrolments.enrol(student, cohort, by_id=user.id)
    invitations.link_account(user, student.id, _as_whom(student, user))
    draft.submitted_at = utcnow()
    draft.student_id = student.id
    draft.answers = {}  # the student's record holds them now
    db.session.flush()
    audit.record("application.submitted", "student", student.id, {"cohort": cohort.id})
    _tell_staff(enrolment, link(enrolment))
    return enrolment


def _as_whom(student, user: User) -> int | None:
    """Which person of the student the account is: the student themself when the student's
    address is the account's and they are 18 or more (None), else the guardian with the
    account's address, else the first guardian (who applied)."""
    today = utcnow().date()
    if (student.email or "").lower() == user.email and (
        invitations.age(student, today) >= invitations.ADULT_AGE
    ):
        return None
    mine = [g for g in student.guardians if (g.email or "").lower() == user.email]
    return (mine or student.guardians)[0].id


def _tell_staff(enrolment: Enrolment, url: str) -> None:
    for member in notifications.staff():
        with notifications.in_language(member):
            values = {
                "student": enrolment.student.full_name,
                "cohort": enrolment.cohort.name,
                "status": str(enrolment.status.label),
                "link": url,
            }
            subject, body = templates.render("apply.submitted", templates.language(), values)
        notifications.queue(member.email, str(subject), str(body))


def second_guardian(draft: ApplicationDraft) -> invitations.Invitee | None:
    """The second guardian of a submitted application who may be invited (with an email
    address, not yet seeing the student); None otherwise."""
    if draft.student is None:
        return None
    found = invitations.invitees(draft.student, utcnow().date())
    first = draft.student.guardians[0].id if draft.student.guardians else None
    return next(
        (i for i in found if i.guardian is not None and i.guardian.id != first and not i.linked),
        None,
    )


def purge_drafts(now=None) -> int:
    """Delete the unsubmitted drafts nobody touched for DRAFT_DAYS; how many."""
    cutoff = (now or utcnow()) - timedelta(days=DRAFT_DAYS)
    result = db.session.execute(
        sa.delete(ApplicationDraft).where(
            ApplicationDraft.submitted_at.is_(None), ApplicationDraft.updated_at < cutoff
        )
    )
    return result.rowcount
