"""Documents and guardian consents per enrolment, and what is still missing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import (
    Cohort,
    DocumentFile,
    DocumentKind,
    Enrolment,
    EnrolmentDocument,
    EnrolmentStatus,
    Guardian,
    GuardianConsent,
    Programme,
    ReviewState,
    Student,
)
from app.models.base import utcnow
from app.services.errors import DomainError

WORDING_FILE = Path(__file__).resolve().parents[2] / "data" / "consent_wording.json"
ACTIVE = (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED)
PAPER_KINDS = tuple(kind for kind in DocumentKind if kind != DocumentKind.GUARDIAN_CONSENT)


@cache
def consent_wordings() -> dict[str, dict[str, str]]:
    """Every version of the consent wording, by version, in English and German."""
    return json.loads(WORDING_FILE.read_text(encoding="utf-8"))


def current_wording_version() -> str:
    return max(consent_wordings())


def missing_kinds(enrolment: Enrolment) -> list[DocumentKind]:
    """The documents this enrolment still lacks, in the order of DocumentKind. A document is
    received when its paper is ticked or an uploaded file of it was accepted; the guardians'
    consent when one is active to the current wording.
    Reads enrolment.documents, .files and .consents: load them when there are many."""
    received = {doc.kind for doc in enrolment.documents}
    received.update(file.kind for file in enrolment.files if file.accepted)
    version = current_wording_version()  # a new wording asks every guardian again
    consented = any(c.active and c.wording_version == version for c in enrolment.consents)
    if consented and not guardians_yet_to_consent(enrolment):
        received.add(DocumentKind.GUARDIAN_CONSENT)
    return [kind for kind in DocumentKind if kind not in received]


def guardians_yet_to_consent(enrolment: Enrolment) -> list[Guardian]:
    """Where the programme requires the consent of both guardians: each guardian listed for
    the student without an active consent to the current wording (given online or recorded
    from paper); else []. Reads the programme, the student's guardians and the consents."""
    if not enrolment.cohort.programme.consent_of_both:
        return []
    version = current_wording_version()
    given = {c.guardian_id for c in enrolment.consents if c.active and c.wording_version == version}
    return [g for g in enrolment.student.guardians if g.id not in given]


def consent_withdrawn(enrolment: Enrolment) -> bool:
    """Whether the guardians withdrew their consent: consents were recorded for the enrolment
    and none is still active. None recorded yet is "missing" (see missing_kinds), not this.
    Reads enrolment.consents: load them with the enrolment when there are many."""
    consents = enrolment.consents
    return bool(consents) and not any(consent.active for consent in consents)


def withdrawn_condition() -> sa.ColumnElement[bool]:
    """consent_withdrawn as a condition on Enrolment, to read with the enrolments themselves
    (a column of their query) rather than in a query of its own."""
    consents = sa.select(GuardianConsent.id).where(GuardianConsent.enrolment_id == Enrolment.id)
    active = consents.where(GuardianConsent.withdrawn_at.is_(None))
    return sa.and_(sa.exists(consents), ~sa.exists(active))


def withdrawn_consent_ids(enrolment_ids: Iterable[int] | sa.Select) -> set[int]:
    """The enrolments among those given whose consent is withdrawn (as consent_withdrawn),
    in one query. The ids may also be a SELECT of enrolment ids, e.g. a cohort's."""
    if not isinstance(enrolment_ids, sa.Select):
        enrolment_ids = list(enrolment_ids)
        if not enrolment_ids:
            return set()
    # count(withdrawn_at) counts the withdrawn consents only: all of them withdrawn.
    return set(
        db.session.scalars(
            sa.select(GuardianConsent.enrolment_id)
            .where(GuardianConsent.enrolment_id.in_(enrolment_ids))
            .group_by(GuardianConsent.enrolment_id)
            .having(sa.func.count(GuardianConsent.withdrawn_at) == sa.func.count())
        )
    )


def still_open(enrolment: Enrolment) -> None:
    """Papers and consents of a withdrawn enrolment stay as they were when it was withdrawn."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        message = _l(
            "%(name)s is withdrawn: documents and consents stay as they were. "
            "Reinstate the enrolment to change them.",
            name=enrolment.student.full_name,
        )
        raise DomainError(str(message), "status")


def set_received(
    enrolment: Enrolment, kind: DocumentKind | str, received: bool, by_id: int | None
) -> None:
    """Tick a document as received, or untick it."""
    kind = DocumentKind(kind)
    still_open(enrolment)
    if kind == DocumentKind.GUARDIAN_CONSENT:
        raise DomainError(str(_l("Record guardian consent with who gave it and when.")), "kind")
    existing = next((doc for doc in enrolment.documents if doc.kind == kind), None)
    if received and existing is None:
        enrolment.documents.append(EnrolmentDocument(kind=kind, received_by_id=by_id))
    elif not received and existing is not None:
        enrolment.documents.remove(existing)
    db.session.flush()


def record_consent(
    enrolment: Enrolment,
    given_by: str,
    given_at: datetime,
    wording_version: str,
    by_id: int | None,
    guardian_id: int | None = None,
) -> GuardianConsent:
    """Record a guardian's consent: who gave it, when, to which wording."""
    still_open(enrolment)
    given_by = (given_by or "").strip()
    if not given_by or len(given_by) > 200:
        raise DomainError(str(_l("Say which guardian gave the consent.")), "given_by")
    if wording_version not in consent_wordings():
        raise DomainError(str(_l("Unknown wording version.")), "wording_version")
    # A signing date is stored as midnight; "today" anywhere on earth is not the future.
    if given_at.date() > (utcnow() + timedelta(hours=14)).date():
        raise DomainError(str(_l("Consent cannot be given in the future.")), "given_at")
    if given_at.year < 2000:
        raise DomainError(str(_l("This date is not plausible.")), "given_at")
    consent = GuardianConsent(
        given_by=given_by,
        given_at=given_at,
        wording_version=wording_version,
        recorded_by_id=by_id,
        guardian_id=guardian_id,
    )
    enrolment.consents.append(consent)
    db.session.flush()
    return consent


def withdraw_consent(consent: GuardianConsent, by_id: int | None, note: str = "") -> None:
    """Mark a consent as withdrawn; it stays on record."""
    if not consent.active:
        raise DomainError(str(_l("This consent was already withdrawn.")))
    consent.withdrawn_at = max(utcnow(), consent.given_at)
    consent.withdrawn_by_id = by_id
    consent.withdrawal_note = (note or "").strip()[:300]
    db.session.flush()


@dataclass(frozen=True)
class MissingRow:
    enrolment: Enrolment
    missing: list[DocumentKind]
    waiting: frozenset[DocumentKind] = frozenset()  # an uploaded file waits for review


def _waiting_kinds(enrolment: Enrolment) -> frozenset[DocumentKind]:
    return frozenset(f.kind for f in enrolment.files if f.state == ReviewState.WAITING)


def missing_report(cohort: Cohort, only_missing: bool = False) -> list[MissingRow]:
    """Each active enrolment of the cohort with the documents it lacks, by student name."""
    if cohort.programme.consent_of_both:  # whose consent is missing reads the guardians
        student = contains_eager(Enrolment.student).selectinload(Student.guardians)
    else:
        student = contains_eager(Enrolment.student)
    rows = db.session.scalars(
        sa.select(Enrolment)
        .join(Enrolment.student)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ACTIVE))
        .options(
            selectinload(Enrolment.documents),
            selectinload(Enrolment.files),
            selectinload(Enrolment.consents),
            student,
        )
        .order_by(Student.last_name, Student.first_name, Enrolment.id)
    )
    report = [
        MissingRow(enrolment, missing_kinds(enrolment), _waiting_kinds(enrolment))
        for enrolment in rows
    ]
    return [row for row in report if row.missing] if only_missing else report


@dataclass(frozen=True)
class ChecklistRow:
    """A line of a cohort's document checklist: the student and what they lack, as columns."""

    enrolment_id: int
    last_name: str
    first_name: str
    status: EnrolmentStatus
    missing: list[DocumentKind]
    waiting: frozenset[DocumentKind] = frozenset()  # an uploaded file waits for review


def checklist(cohort: Cohort, only_missing: bool = False) -> list[ChecklistRow]:
    """missing_report as the columns a checklist shows, without loading the enrolments as
    objects: the same rule as missing_kinds, from the rows of the papers, files, consents
    (and guardians, where both must consent). Two statements (three)."""
    rows = db.session.execute(
        sa.select(Enrolment.id, Enrolment.student_id, Student.last_name, Student.first_name)
        .add_columns(Enrolment.status)
        .join(Enrolment.student)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ACTIVE))
        .order_by(Student.last_name, Student.first_name, Enrolment.id)
    ).all()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    received: dict[int, set[DocumentKind]] = {id_: set() for id_ in ids}
    waiting: dict[int, set[DocumentKind]] = {id_: set() for id_ in ids}
    given: dict[int, set[int | None]] = {}
    # Papers ticked, files uploaded and consents active to the current wording: one statement.
    no_state = sa.cast(sa.null(), DocumentFile.state.type)
    no_kind = sa.cast(sa.null(), DocumentFile.kind.type)
    no_guardian = sa.cast(sa.null(), GuardianConsent.guardian_id.type)
    parts = sa.union_all(
        sa.select(
            EnrolmentDocument.enrolment_id, EnrolmentDocument.kind, no_state, no_guardian
        ).where(EnrolmentDocument.enrolment_id.in_(ids)),
        sa.select(
            DocumentFile.enrolment_id, DocumentFile.kind, DocumentFile.state, no_guardian
        ).where(DocumentFile.enrolment_id.in_(ids)),
        sa.select(
            GuardianConsent.enrolment_id, no_kind, no_state, GuardianConsent.guardian_id
        ).where(
            GuardianConsent.enrolment_id.in_(ids),
            GuardianConsent.withdrawn_at.is_(None),
            GuardianConsent.wording_version == current_wording_version(),
        ),
    )
    for enrolment_id, kind, state, guardian_id in db.session.execute(parts):
        if kind is None:  # a consent (of a guardian, or of no one named)
            given.setdefault(enrolment_id, set()).add(guardian_id)
        elif state is None or state == ReviewState.ACCEPTED:  # ticked, or an accepted file
            received[enrolment_id].add(DocumentKind(kind))
        elif state == ReviewState.WAITING:
            waiting[enrolment_id].add(DocumentKind(kind))
    guardians: dict[int, list[int]] = {}
    if cohort.programme.consent_of_both:
        students = [row[1] for row in rows]
        for student_id, guardian_id in db.session.execute(
            sa.select(Guardian.student_id, Guardian.id).where(Guardian.student_id.in_(students))
        ):
            guardians.setdefault(student_id, []).append(guardian_id)
    report = []
    for enrolment_id, student_id, last_name, first_name, status in rows:
        found = received[enrolment_id]
        consented = given.get(enrolment_id)
        if consented and all(g in consented for g in guardians.get(student_id, ())):
            found.add(DocumentKind.GUARDIAN_CONSENT)
        missing = [kind for kind in DocumentKind if kind not in found]
        if missing or not only_missing:
            report.append(
                ChecklistRow(
                    enrolment_id,
                    last_name,
                    first_name,
                    status,
                    missing,
                    frozenset(waiting[enrolment_id]),
                )
            )
    return report


def lacks_documents() -> sa.ColumnElement[bool]:
    """A condition on Enrolment: active and still lacking a paper or a guardian's consent.
    A paper counts as received when it is ticked or an uploaded file of it was accepted.
    A condition rather than a subquery of ids, so that it is only checked for the
    enrolments the rest of the query selects (a cohort's, not every cohort's)."""
    paper = (
        sa.select(sa.func.count(EnrolmentDocument.id))
        .where(EnrolmentDocument.enrolment_id == Enrolment.id)
        .scalar_subquery()
    )
    ticked = sa.exists().where(
        EnrolmentDocument.enrolment_id == DocumentFile.enrolment_id,
        EnrolmentDocument.kind == DocumentFile.kind,
    )
    # Kinds received only as an accepted file (not ticked as well), counted once each.
    by_file = (
        sa.select(sa.func.count(sa.distinct(DocumentFile.kind)))
        .where(
            DocumentFile.enrolment_id == Enrolment.id,
            DocumentFile.state == ReviewState.ACCEPTED,
            ~ticked,
        )
        .scalar_subquery()
    )
    current = sa.and_(
        GuardianConsent.enrolment_id == Enrolment.id,
        GuardianConsent.withdrawn_at.is_(None),
        GuardianConsent.wording_version == current_wording_version(),
    )
    consent = sa.exists().where(current)
    # Where both guardians must consent: a guardian of the student without a consent.
    both = (
        sa.select(Programme.consent_of_both)
        .join(Cohort, Cohort.programme_id == Programme.id)
        .where(Cohort.id == Enrolment.cohort_id)
        .scalar_subquery()
    )
    unsigned = sa.exists().where(
        Guardian.student_id == Enrolment.student_id,
        ~sa.exists().where(current, GuardianConsent.guardian_id == Guardian.id),
    )
    lacking = paper + by_file < len(PAPER_KINDS)
    return sa.and_(
        Enrolment.status.in_(ACTIVE),
        sa.or_(lacking, ~consent, sa.and_(both == sa.true(), unsigned)),
    )


def cohort_missing_count(cohort: Cohort) -> int:
    """How many active enrolments of the cohort still lack a document."""
    return db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id, lacks_documents()
        )
    )
