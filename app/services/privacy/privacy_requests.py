"""Requests of people (GDPR art. 15, 17, 20): export everything held about a student (with
guardians and emergency contacts, contacts during the stay and concern reports about them) or
a host family (with the contacts with it and the reports it made) as JSON in a ZIP, and erase
one of them.

An erasure first ends what holds a place or a bed through the services (so the waitlist moves
and the bed is free), then deletes the rows, the emails to or about the person, replaces their
names and addresses in staff notes with "[erased]" and cuts the audit trail's links. Both are
recorded in the audit trail without a name. Only flushes: the view or command commits."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    HostApplication,
    HostFamily,
    OutboxEmail,
    Placement,
    PlacementStatus,
    Student,
)
from app.models.base import utcnow
from app.models.families import application_cohorts
from app.services.enrolment import enrolments
from app.services.placement import placements
from app.services.privacy import (
    audit,
    privacy,
    privacy_care,
    privacy_files,
    privacy_guardians,
    privacy_messages,
)
from app.services.privacy.rows import plain, row

FORMAT = "austausch-personal-data/1"
ERASE_REASON = "erased on request"
ACCOUNT_FIELDS = (
    "id",
    "email",
    "role",
    "active",
    "locale",
    "created_at",
    "last_login_at",
    "email_confirmed_at",
)
COHORT_FIELDS = ("id", "name", "direction", "departure_date", "return_date", "status")
OPEN = (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED)


# --- export -------------------------------------------------------------------------------


def emails_to(addresses: list[str | None]) -> list[dict]:
    wanted = sorted({a.strip().lower() for a in addresses if a and a.strip()})
    if not wanted:
        return []
    emails = db.session.scalars(
        sa.select(OutboxEmail)
        .where(sa.func.lower(OutboxEmail.recipient).in_(wanted))
        .order_by(OutboxEmail.id)
    )
    return [row(email) for email in emails]


def trail(records: dict[str, list[int]]) -> list[dict]:
    """The audit entries about these records: when, what, which fields (not who, staff's)."""
    conditions = [
        sa.and_(AuditEntry.record_type == kind, AuditEntry.record_id.in_(ids))
        for kind, ids in records.items()
        if ids
    ]
    if not conditions:
        return []
    entries = db.session.scalars(
        sa.select(AuditEntry).where(sa.or_(*conditions)).order_by(AuditEntry.id)
    )
    return [row(e, ("at", "action", "record_type", "record_id", "details")) for e in entries]


def _enrolment(enrolment: Enrolment) -> dict:
    found = db.session.scalars(
        sa.select(Placement).where(Placement.enrolment_id == enrolment.id).order_by(Placement.id)
    )
    return {
        **row(enrolment),
        "cohort": row(enrolment.cohort, COHORT_FIELDS),
        "documents": [row(d) for d in enrolment.documents],
        "document_files": privacy_files.exported(enrolment),
        "consents": [row(c) for c in enrolment.consents],
        "events": [row(e) for e in enrolment.events],
        "placements": [row(p) for p in found],
    }


def enrolments_of(student: Student) -> list[Enrolment]:
    return list(
        db.session.scalars(
            sa.select(Enrolment).where(Enrolment.student_id == student.id).order_by(Enrolment.id)
        )
    )


def student_data(student: Student) -> dict:
    """Everything held about the student, with guardians, emergency contacts and enrolments."""
    held = enrolments_of(student)
    ids = [e.id for e in held]
    people = [student, *student.guardians, *student.emergency_contacts]
    own = privacy_guardians.own_addresses(student.id)  # an adult's own accounts
    reached = [*(g.email for g in student.guardians), *own]  # whom emails about them went to
    reports = privacy_care.student_reports(ids)
    return {
        "format": FORMAT,
        "kind": "student",
        "exported_at": plain(utcnow()),
        "student": row(student),
        "guardians": [row(g) for g in student.guardians],
        "emergency_contacts": [row(c) for c in student.emergency_contacts],
        "enrolments": [_enrolment(e) for e in held],
        "contacts": privacy_care.student_contacts(ids),
        "concern_reports": privacy_care.student_report_data(reports),
        **privacy_guardians.student_accounts(student.id),  # accounts that see it, invitations
        "emails": emails_to([*(p.email for p in people), *own]),
        **privacy_messages.exported("guardian", [g.id for g in student.guardians], reached),
        "audit_trail": trail(
            {
                "student": [student.id],
                "enrolment": ids,
                "concern_report": [r.id for r in reports],
            }
        ),
    }


def _cohorts_of(application: HostApplication) -> list[dict]:
    rows = db.session.execute(
        sa.select(Cohort, application_cohorts.c.beds_taken)
        .join(application_cohorts, application_cohorts.c.cohort_id == Cohort.id)
        .where(application_cohorts.c.application_id == application.id)
        .order_by(Cohort.id)
    ).all()
    return [{**row(c, COHORT_FIELDS), "beds_taken": taken} for c, taken in rows]


def _placements_with(application: HostApplication) -> list[dict]:
    """The placements with the family: dates and status, the student only by id."""
    rows = db.session.execute(
        sa.select(Placement, Enrolment.student_id)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Placement.application_id == application.id)
        .order_by(Placement.id)
    ).all()
    keep = ("id", "cohort_id", "status", "placed_at", "cancelled_at")
    return [{**row(p, keep), "student_id": student_id} for p, student_id in rows]


def _application(application: HostApplication) -> dict:
    return {
        **row(application),
        "household_members": [row(m) for m in application.members],
        "references": [row(r) for r in application.references],
        "vetting_events": [row(e) for e in application.events],
        "cohorts": _cohorts_of(application),
        "placements": _placements_with(application),
    }


def family_data(family: HostFamily) -> dict:
    """Everything held about the family: account, applications, household, references."""
    applications = sorted(family.applications, key=lambda a: a.id)
    addresses = [family.user.email, *(r.email for a in applications for r in a.references)]
    return {
        "format": FORMAT,
        "kind": "family",
        "exported_at": plain(utcnow()),
        "family": row(family),
        "account": row(family.user, ACCOUNT_FIELDS),
        "applications": [_application(a) for a in applications],
        "contacts": privacy_care.family_contacts([a.id for a in applications]),
        "concern_reports": privacy_care.family_reports(family.user_id),
        "emails": emails_to(addresses),
        **privacy_messages.exported("user", [family.user_id], [family.user.email]),
        "audit_trail": trail(
            {
                "family": [family.id],
                "application": [a.id for a in applications],
                "user": [family.user_id],
            }
        ),
    }


def _zip(name: str, data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def export_student(student: Student) -> bytes:
    """A ZIP with student-<id>.json; the export is recorded in the audit trail."""
    content = _zip(f"student-{student.id}.json", student_data(student))
    audit.record("privacy.exported", "student", student.id, {"format": "zip"})
    return content


def export_family(family: HostFamily) -> bytes:
    """A ZIP with family-<id>.json; the export is recorded in the audit trail."""
    content = _zip(f"family-{family.id}.json", family_data(family))
    audit.record("privacy.exported", "family", family.id, {"format": "zip"})
    return content


# --- erasure ------------------------------------------------------------------------------


def _release_completed_place(enrolment: Enrolment) -> None:
    """A completed enrolment still counts among the cohort's places; it stops counting."""
    db.session.execute(
        sa.update(Cohort)
        .where(Cohort.id == enrolment.cohort_id, Cohort.places_taken > 0)
        .values(places_taken=Cohort.places_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _end_enrolments(held: list[Enrolment], by_id: int | None) -> None:
    """Withdraw open enrolments (the waitlist moves up), end any placement left."""
    for enrolment in held:
        if enrolment.status in OPEN:
            # No email to the guardians being erased (the waitlist's students are told).
            enrolments.withdraw(enrolment, by_id, ERASE_REASON, tell_guardians=False)
        elif enrolment.status == EnrolmentStatus.COMPLETED:
            _release_completed_place(enrolment)
        placement = placements.active_placement(enrolment)
        if placement is not None:
            placements.cancel(placement, by_id, ERASE_REASON)


def student_terms(student: Student) -> tuple[list[str | None], list[str | None]]:
    """(names, email addresses) of the student (with their own accounts), the guardians and
    the emergency contacts."""
    people = [*student.guardians, *student.emergency_contacts]
    names = [student.full_name, student.last_name, *(p.name for p in people)]
    own = privacy_guardians.own_addresses(student.id)
    return names, [student.email, *own, *(p.email for p in people)]


def student_mentions(student: Student) -> list[privacy.Mention]:
    """Other students' and families' free text that names the student or their people."""
    names, addresses = student_terms(student)
    return privacy.mentions([*names, *addresses], {"students": [student.id]})


def erase_student(student: Student, by_id: int | None, clear_mentions: bool = False) -> None:
    """Erase the student with guardians and contacts, leaving no trace of them; with
    clear_mentions, their names in other people's free text (student_mentions) too. Contacts
    with the student and concern reports about them go too, except safeguarding reports: kept
    as written, detached from the enrolment, with the student's name and birth date, until the
    purge deletes them (a legal obligation, GDPR art. 17(3)(b) and (e))."""
    held = enrolments_of(student)
    names, addresses = student_terms(student)
    cleared = (
        privacy.clear_mentions([*names, *addresses], {"students": [student.id]})
        if clear_mentions
        else 0
    )
    enrolment_ids = [e.id for e in held]
    reports = privacy_care.report_ids(enrolment_ids, safeguarding=False)
    records = {"student": [student.id], "enrolment": enrolment_ids, "concern_report": reports}
    guardian_ids = [g.id for g in student.guardians]
    own_addresses = privacy_guardians.own_addresses(student.id)  # before the links go
    with audit.quiet():
        _end_enrolments(held, by_id)
        db.session.flush()
        reached = [*(g.email for g in student.guardians), *own_addresses]
        privacy_messages.erase("guardian", guardian_ids, reached)
        privacy.delete_students([student.id])
        privacy.delete_emails_about(addresses, names)
        privacy.replace_in_notes([*names, *addresses])
        audit.scrub(records)
    details = {"kind": "student", **({"mentions_cleared": cleared} if cleared else {})}
    audit.record("privacy.erased", "", None, details, user_id=by_id)


def active_placements_with(family: HostFamily) -> list[Placement]:
    """The placements with the family that are active now."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .join(HostApplication, HostApplication.id == Placement.application_id)
            .where(
                HostApplication.family_id == family.id,
                Placement.status == PlacementStatus.ACTIVE,
            )
            .order_by(Placement.id)
        )
    )


def family_terms(family: HostFamily) -> tuple[list[str | None], list[str | None]]:
    """(names, email addresses) of the family, its household and its references."""
    applications = family.applications
    members = [m.name for a in applications for m in a.members]
    references = [r for a in applications for r in a.references]
    names = [family.family_name, *members, *(r.name for r in references)]
    return names, [family.user.email, *(r.email for r in references)]


def family_mentions(family: HostFamily) -> list[privacy.Mention]:
    """Other families' and students' free text that names the family or its people."""
    names, addresses = family_terms(family)
    own = {"host_applications": [a.id for a in family.applications]}
    return privacy.mentions([*names, *addresses], own)


def erase_family(family: HostFamily, by_id: int | None, clear_mentions: bool = False) -> None:
    """Erase the family and its account; its placements end first, then go with it. With
    clear_mentions, its names in other people's free text (family_mentions) too. Contacts
    with the family alone go; one with the student too stays as a contact with the student.
    Concern reports it made stay: they are about the student and part of the student's record
    of care (kept with the cohort), so they lose the link to the family's account and its names
    in their text are replaced, except in safeguarding reports, which are kept as written."""
    names, addresses = family_terms(family)
    application_ids, user_ids = privacy.family_parts([family.id])
    own = {"host_applications": application_ids}
    cleared = privacy.clear_mentions([*names, *addresses], own) if clear_mentions else 0
    records = {"family": [family.id], "application": application_ids, "user": user_ids}
    with audit.quiet():
        for placement in active_placements_with(family):
            placements.cancel(placement, by_id, ERASE_REASON)
        db.session.flush()
        privacy_messages.erase("user", user_ids, [family.user.email])
        privacy.delete_families([family.id])
        privacy.delete_emails_about(addresses, names)
        privacy.replace_in_notes([*names, *addresses])
        audit.scrub(records, user_ids)
    details = {"kind": "family", **({"mentions_cleared": cleared} if cleared else {})}
    audit.record("privacy.erased", "", None, details, user_id=by_id)
