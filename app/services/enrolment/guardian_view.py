"""What a guardian (or a student of 18 or more) sees of their own students: which students an
account may see (the only access this role has), the enrolment's status in words, what is
still missing with what to do about it, the group messages received and, once a placement is
active, the host family and the supervising teachers, as guardians must be told in writing
before departure."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import (
    Cohort,
    DocumentKind,
    Enrolment,
    EnrolmentStatus,
    GroupMessage,
    GuardianConsent,
    HostApplication,
    Placement,
    Student,
    StudentAccount,
    Teacher,
    User,
)
from app.services.enrolment import (
    documents,
    enrolments,
    guardian_documents,
    online_consent,
)
from app.services.mail import group_messages
from app.services.placement import placements
from app.services.supervision import ratio

# What to do about each missing document, in plain words: a file can be uploaded (or
# consent given online) from the page, or the paper handed in.
ONLINE_ADVICE = {
    DocumentKind.GUARDIAN_CONSENT: _l(
        "Read the consent text and give your consent online with “Give consent”, or sign "
        "the paper form and give it to the exchange team."
    ),
    DocumentKind.MEDICAL_FORM: _l(
        "Have the medical form filled in and signed by your doctor, then upload a scan or "
        "photo of it with “Upload”, or hand it in on paper."
    ),
    DocumentKind.INSURANCE: _l(
        "Upload proof of health insurance that covers the whole stay in the USA with "
        "“Upload”, or hand it in on paper."
    ),
    DocumentKind.PASSPORT_VISA: _l(
        "Upload a scan of the passport (valid for the whole stay) and of the ESTA or visa "
        "with “Upload”, or hand in copies."
    ),
    DocumentKind.CODE_OF_CONDUCT: _l(
        "Read the code of conduct with the student, sign it together and upload a scan "
        "with “Upload”, or hand it in."
    ),
}
WAITING_ADVICE = _l("Your file waits for review by the exchange team; nothing to do for now.")


@dataclass
class Todo:
    kind: DocumentKind
    advice: str
    action: str = ""  # "upload" or "consent" when the page offers it


@dataclass
class HostFamilyFacts:
    name: str
    address: list[str]
    phones: list[str]


@dataclass
class EnrolmentView:
    enrolment: Enrolment
    status: str  # in words
    todos: list[Todo] = field(default_factory=list)
    consent_withdrawn: bool = False
    documents: list[guardian_documents.KindState] = field(default_factory=list)
    my_consent: GuardianConsent | None = None  # this account's consent to the current wording
    any_consent: bool = False  # some consent is active (one may withdraw)
    family: HostFamilyFacts | None = None
    teachers: list[Teacher] = field(default_factory=list)


@dataclass
class StudentView:
    link: StudentAccount
    student: Student
    enrolments: list[EnrolmentView]
    messages: list[tuple[GroupMessage, str, str]]


# --- which students --------------------------------------------------------------------


def links_of(user: User) -> list[StudentAccount]:
    """The students the account may see, by name."""
    return list(
        db.session.scalars(
            sa.select(StudentAccount)
            .join(Student, Student.id == StudentAccount.student_id)
            .where(StudentAccount.user_id == user.id)
            .options(joinedload(StudentAccount.student), joinedload(StudentAccount.guardian))
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
    )


def link_of(user: User, student_id: int) -> StudentAccount | None:
    """The account's link to this student; None for anybody else's student (a 404)."""
    return db.session.scalar(
        sa.select(StudentAccount)
        .where(StudentAccount.user_id == user.id, StudentAccount.student_id == student_id)
        .options(joinedload(StudentAccount.student), joinedload(StudentAccount.guardian))
    )


# --- where things stand ----------------------------------------------------------------


def status_in_words(enrolment: Enrolment) -> str:
    cohort = enrolment.cohort.name
    status = enrolment.status
    if status == EnrolmentStatus.APPLIED:
        return _("Applied for %(cohort)s: the exchange team will decide soon.", cohort=cohort)
    if status == EnrolmentStatus.ACCEPTED:
        return _("Accepted: a place in %(cohort)s is held.", cohort=cohort)
    if status == EnrolmentStatus.WAITLISTED:
        position = enrolments.waitlist_position(enrolment)
        return _(
            "On the waitlist of %(cohort)s, in position %(position)s. When a place becomes "
            "free, the first on the list moves up by itself.",
            cohort=cohort,
            position=position,
        )
    if status == EnrolmentStatus.WITHDRAWN:
        return _("Withdrawn: no longer taking part in %(cohort)s.", cohort=cohort)
    return _("Completed: the exchange with %(cohort)s is over.", cohort=cohort)


def _family(application: HostApplication) -> HostFamilyFacts:
    place = " ".join(
        part for part in (application.city + ",", application.state, application.postal_code)
    )
    phones = [p for p in (application.phone, application.mobile_phone) if p]
    return HostFamilyFacts(
        application.family.family_name, [application.address_line, place.strip(" ,")], phones
    )


def _teachers(enrolment: Enrolment) -> list[Teacher]:
    if enrolment.supervising_teacher is not None:
        return [enrolment.supervising_teacher]
    return [load.teacher for load in ratio.teachers_of(enrolment.cohort, counts={})]


def _consent_todo(enrolment: Enrolment, mine: GuardianConsent | None) -> Todo:
    kind = DocumentKind.GUARDIAN_CONSENT
    waiting = documents.guardians_yet_to_consent(enrolment)
    if not waiting:
        return Todo(kind, str(ONLINE_ADVICE[kind]), "consent")
    names = ", ".join(guardian.name for guardian in waiting)
    both = _("Both guardians must consent. Still missing: the consent of %(names)s.", names=names)
    if mine is not None:
        return Todo(kind, both)
    return Todo(kind, " ".join((both, str(ONLINE_ADVICE[kind]))), "consent")


def _todo(kind: DocumentKind, states: dict) -> Todo:
    state = states[kind]
    if state.uploadable:
        return Todo(kind, str(ONLINE_ADVICE[kind]), "upload")
    return Todo(kind, str(WAITING_ADVICE))


def _enrolment_view(
    enrolment: Enrolment, link: StudentAccount, placement: Placement | None
) -> EnrolmentView:
    view = EnrolmentView(enrolment, status_in_words(enrolment))
    if enrolment.status not in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED):
        view.consent_withdrawn = documents.consent_withdrawn(enrolment)
        view.documents = guardian_documents.states(enrolment)
        states = {state.kind: state for state in view.documents}
        view.my_consent = online_consent.current_consent(link, enrolment)
        view.todos = [
            _consent_todo(enrolment, view.my_consent)
            if kind == DocumentKind.GUARDIAN_CONSENT
            else _todo(kind, states)
            for kind in documents.missing_kinds(enrolment)
            if not (kind == DocumentKind.GUARDIAN_CONSENT and view.consent_withdrawn)
        ]
        view.any_consent = any(c.active for c in enrolment.consents)
    if placement is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        view.family = _family(placement.application)
        view.teachers = _teachers(enrolment)
    return view


def _enrolments_of(student_ids: list[int]) -> dict[int, list[Enrolment]]:
    """The students' enrolments, newest cohort first, with what the page shows of them: one
    statement for all the account's students (and one for each collection), not one each."""
    found: dict[int, list[Enrolment]] = {student_id: [] for student_id in student_ids}
    rows = db.session.scalars(
        sa.select(Enrolment)
        .join(Enrolment.cohort)
        .where(Enrolment.student_id.in_(student_ids))
        .options(
            selectinload(Enrolment.documents),
            selectinload(Enrolment.files),
            selectinload(Enrolment.consents),
            contains_eager(Enrolment.cohort).joinedload(Cohort.programme),
            selectinload(Enrolment.supervising_teacher).joinedload(Teacher.user),
        )
        .order_by(Cohort.departure_date.desc())
    )
    for enrolment in rows:
        found[enrolment.student_id].append(enrolment)
    return found


def _active_placements(enrolments: list[Enrolment]) -> dict[int, Placement]:
    """The active placement of each enrolment that has one, with its host family."""
    if not enrolments:
        return {}
    found: dict[int, Placement] = {}
    rows = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.enrolment_id.in_([e.id for e in enrolments]),
            Placement.status == placements.ACTIVE,
        )
        .options(joinedload(Placement.application).joinedload(HostApplication.family))
    )
    for placement in rows:
        found.setdefault(placement.enrolment_id, placement)
    return found


def views_of(links: list[StudentAccount]) -> list[StudentView]:
    """Everything the account's page shows of each of its students."""
    by_student = _enrolments_of([link.student_id for link in links])
    active = _active_placements([e for rows in by_student.values() for e in rows])
    views = []
    for link in links:
        rows = [_enrolment_view(e, link, active.get(e.id)) for e in by_student[link.student_id]]
        messages = group_messages.received("guardian", link.guardian_id) if link.guardian_id else []
        views.append(StudentView(link, link.student, rows, messages))
    return views


def view_of(link: StudentAccount) -> StudentView:
    """Everything the account's page shows of one student."""
    return views_of([link])[0]
