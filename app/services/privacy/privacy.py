"""Deleting people's data, shared by the retention purge (privacy_purge) and the requests of
people (privacy_requests): rows are deleted children first, in a few statements, and names and
addresses left in free-text notes elsewhere are replaced with "[erased]".

Contacts and concern reports go with the enrolment or the family they belong to, except
safeguarding reports (privacy_care). Services only flush; the command or the view commits
once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AccountLink,
    ApplicationDraft,
    ConcernAction,
    ConcernReport,
    Contact,
    EmergencyContact,
    Enrolment,
    EnrolmentDocument,
    EnrolmentEvent,
    FamilyReference,
    GroupMessage,
    Guardian,
    GuardianConsent,
    HostApplication,
    HostFamily,
    HouseholdMember,
    ImportBatch,
    LoginSession,
    OutboxEmail,
    Placement,
    Student,
    StudentWord,
    User,
    VettingEvent,
)
from app.models.families import application_cohorts
from app.services.identity import limits, searches
from app.services.privacy import privacy_care, privacy_files, privacy_guardians
from app.services.privacy.rows import chunks, delete_rows
from app.services.privacy.rows import ids_of as _ids

ERASED = "[erased]"
MIN_TERM = 3  # shorter words ("Li", "Ng") would erase parts of unrelated notes

# Free-text columns staff write into, where a person's name or email may turn up.
FREE_TEXT = (
    EnrolmentEvent.reason,
    Placement.reason,
    Placement.override_reason,
    Placement.cancel_reason,
    GuardianConsent.given_by,
    GuardianConsent.withdrawal_note,
    VettingEvent.note,
    HostApplication.home_visit_notes,
    HostApplication.decision_note,
    ImportBatch.content,
    Contact.participants,
    Contact.notes,
    ConcernReport.what_happened,
    ConcernReport.action_taken,
    ConcernReport.outcome,
    ConcernAction.text,
    GroupMessage.subject_en,
    GroupMessage.body_en,
    GroupMessage.subject_de,
    GroupMessage.body_de,
)

# Free text people write about themselves or their home, where somebody else may be named (a
# friend in the same cohort, a former guest): listed when that somebody is erased, and cleared
# only when the admin asks for it, since the text is another person's (care notes included).
OTHERS_FREE_TEXT = (
    Student.medical_notes,
    Student.allergies,
    Student.interests,
    HostApplication.motivation,
    HostApplication.pets,
    HostApplication.interests,
    HostApplication.languages,
)


@dataclass(frozen=True)
class Mention:
    """A record outside the erased person's own whose free text names them."""

    table: str  # "students" or "host_applications"
    record_id: int
    column: str


def delete_enrolments(ids: Iterable[int]) -> int:
    """Delete enrolments with their placements, events, documents (and uploaded files),
    consents, contacts and concern reports (safeguarding reports stay, detached)."""
    ids = list(ids)
    privacy_care.delete_care(ids)
    privacy_files.delete_files(ids)
    for model in (Placement, EnrolmentEvent, EnrolmentDocument, GuardianConsent):
        delete_rows(model, model.enrolment_id, ids)
    return delete_rows(Enrolment, Enrolment.id, ids)


def delete_students(ids: Iterable[int]) -> int:
    """Delete students with their enrolments, guardians, emergency contacts, invitations and
    accounts' links; a guardian's account left without a student is closed (deleted)."""
    ids = list(ids)
    enrolment_ids = _ids(
        lambda chunk: sa.select(Enrolment.id).where(Enrolment.student_id.in_(chunk)), ids
    )
    delete_enrolments(enrolment_ids)
    closed = privacy_guardians.delete_links(ids)  # guardians' accounts left without a student
    delete_rows(Guardian, Guardian.student_id, ids)
    delete_rows(EmergencyContact, EmergencyContact.student_id, ids)
    delete_rows(StudentWord, StudentWord.student_id, ids)
    deleted = delete_rows(Student, Student.id, ids)
    delete_users(closed)
    return deleted


def delete_applications(ids: Iterable[int]) -> int:
    """Delete host applications with everything under them and the placements made with them."""
    ids = list(ids)
    privacy_care.delete_family_contacts(ids)
    delete_rows(Placement, Placement.application_id, ids)
    for model in (HouseholdMember, FamilyReference, VettingEvent):
        delete_rows(model, model.application_id, ids)
    for chunk in chunks(ids):
        db.session.execute(
            sa.delete(application_cohorts).where(application_cohorts.c.application_id.in_(chunk))
        )
        db.session.execute(
            sa.update(HostApplication)
            .where(HostApplication.copied_from_id.in_(chunk))
            .values(copied_from_id=None)
        )
    return delete_rows(HostApplication, HostApplication.id, ids)


def family_parts(family_ids: Iterable[int]) -> tuple[list[int], list[int]]:
    """(application ids, user ids) of the families."""
    family_ids = list(family_ids)
    applications = _ids(
        lambda chunk: sa.select(HostApplication.id).where(HostApplication.family_id.in_(chunk)),
        family_ids,
    )
    users = _ids(
        lambda chunk: sa.select(HostFamily.user_id).where(HostFamily.id.in_(chunk)), family_ids
    )
    return applications, users


def delete_families(family_ids: Iterable[int]) -> int:
    """Delete host families with their applications, user accounts and login sessions."""
    family_ids = list(family_ids)
    application_ids, user_ids = family_parts(family_ids)
    delete_applications(application_ids)
    deleted = delete_rows(HostFamily, HostFamily.id, family_ids)
    delete_users(user_ids)
    return deleted


def delete_users(user_ids: Iterable[int]) -> int:
    """Delete accounts with their login sessions and the searches kept with those, emailed
    links and counted wrong passwords (other rows only point to them, SET NULL)."""
    user_ids = list(user_ids)
    for chunk in chunks(user_ids):
        searches.forget_sessions_of(chunk)
        for email in db.session.scalars(sa.select(User.email).where(User.id.in_(chunk))):
            limits.forget_account(email)
    delete_rows(LoginSession, LoginSession.user_id, user_ids)
    delete_rows(AccountLink, AccountLink.user_id, user_ids)
    delete_rows(ApplicationDraft, ApplicationDraft.user_id, user_ids)
    return delete_rows(User, User.id, user_ids)


def clean_terms(terms: Iterable[str | None]) -> list[str]:
    """The names and addresses worth searching for, longest first, without duplicates."""
    found = {t.strip() for t in terms if t and len(t.strip()) >= MIN_TERM}
    return sorted(found, key=lambda t: (-len(t), t.lower()))


def pattern(terms: list[str]) -> re.Pattern[str]:
    """Any of the terms as whole words, whatever the case."""
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms), re.IGNORECASE)


def _mentions(column: Any, terms: list[str]) -> sa.ColumnElement[bool]:
    """A rough filter for rows whose column may mention a term (confirmed in Python)."""
    return sa.or_(
        *(sa.or_(column.contains(t, autoescape=True), column.ilike(f"%{t}%")) for t in terms)
    )


def _replace_in_column(column: Any, found: re.Pattern[str], terms: list[str]) -> int:
    model = column.class_
    limit = getattr(column.type, "length", None)
    changed = 0
    query = sa.select(model.id, column).where(_mentions(column, terms))
    if model in privacy_care.KEPT_AS_WRITTEN:
        query = query.where(privacy_care.KEPT_AS_WRITTEN[model])
    rows = db.session.execute(query).all()
    for row_id, text in rows:
        new = found.sub(ERASED, text or "")
        if new != text:
            new = new[:limit] if limit else new
            db.session.execute(sa.update(model).where(model.id == row_id).values({column.key: new}))
            changed += 1
    return changed


def _replace_in_json(value: Any, found: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return found.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace_in_json(v, found) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in_json(v, found) for k, v in value.items()}
    return value


def _replace_in_import_results(found: re.Pattern[str]) -> int:
    changed = 0
    rows = db.session.execute(
        sa.select(ImportBatch.id, ImportBatch.result).where(ImportBatch.result.is_not(None))
    ).all()
    for batch_id, result in rows:
        new = _replace_in_json(result, found)
        if new != result:
            db.session.execute(
                sa.update(ImportBatch).where(ImportBatch.id == batch_id).values(result=new)
            )
            changed += 1
    return changed


def replace_in_notes(terms: Iterable[str | None]) -> int:
    """Replace names and addresses in notes and uploads with "[erased]"; rows changed."""
    terms = clean_terms(terms)
    if not terms:
        return 0
    found = pattern(terms)
    changed = sum(_replace_in_column(column, found, terms) for column in FREE_TEXT)
    return changed + _replace_in_import_results(found)


def delete_emails_about(addresses: Iterable[str | None], terms: Iterable[str | None]) -> int:
    """Delete outbox emails sent to these addresses or mentioning these names or addresses."""
    addresses = {a.strip().lower() for a in addresses if a and a.strip()}
    terms = clean_terms([*addresses, *terms])
    if not terms:
        return 0
    found = pattern(terms)
    rows = db.session.execute(
        sa.select(
            OutboxEmail.id, OutboxEmail.recipient, OutboxEmail.subject, OutboxEmail.body
        ).where(
            sa.or_(
                sa.func.lower(OutboxEmail.recipient).in_(sorted(addresses)),
                _mentions(OutboxEmail.subject, terms),
                _mentions(OutboxEmail.body, terms),
            )
        )
    ).all()
    doomed = [
        email_id
        for email_id, recipient, subject, body in rows
        if recipient.lower() in addresses or found.search(f"{subject}\n{body}")
    ]
    return delete_rows(OutboxEmail, OutboxEmail.id, doomed)


def _mentioned(
    terms: list[str], skip: dict[str, Iterable[int]]
) -> Iterator[tuple[Mention, str, re.Pattern[str]]]:
    found = pattern(terms)
    for column in OTHERS_FREE_TEXT:
        model = column.class_
        own = set(skip.get(model.__tablename__, ()))
        query = sa.select(model.id, column).where(_mentions(column, terms)).order_by(model.id)
        for row_id, text in db.session.execute(query):
            if row_id not in own and text and found.search(text):
                yield Mention(model.__tablename__, row_id, column.key), text, found


def mentions(terms: Iterable[str | None], skip: dict[str, Iterable[int]]) -> list[Mention]:
    """Where other people's free text names these terms (skip: table → the person's own ids)."""
    terms = clean_terms(terms)
    return [mention for mention, _text, _found in _mentioned(terms, skip)] if terms else []


def clear_mentions(terms: Iterable[str | None], skip: dict[str, Iterable[int]]) -> int:
    """Replace the mentions with "[erased]"; how many fields changed."""
    terms = clean_terms(terms)
    if not terms:
        return 0
    found = list(_mentioned(terms, skip))
    tables = {column.class_.__tablename__: column.class_ for column in OTHERS_FREE_TEXT}
    for mention, text, words in found:
        model = tables[mention.table]
        db.session.execute(
            sa.update(model)
            .where(model.id == mention.record_id)
            .values({mention.column: words.sub(ERASED, text)})
        )
    return len(found)
