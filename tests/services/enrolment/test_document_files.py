"""Uploaded document files: checked and stored with the transaction, reviewed by staff (an
accepted file counts as the document received, a rejection needs a reason and emails the
guardians in their language), a new upload after a rejection is the next one to review."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from app import storage
from app.extensions import db
from app.models import (
    AuditEntry,
    DocumentFile,
    DocumentKind,
    Enrolment,
    OutboxEmail,
    ReviewState,
    Role,
    User,
)
from app.services.enrolment import document_files, documents, withdrawal
from app.services.errors import DomainError
from tests.conftest import make_user
from tests.factories import enrol, make_cohort, make_student
from tests.services.enrolment.test_uploads import a_pdf, a_photo

MEDICAL = DocumentKind.MEDICAL_FORM
PASSPORT = DocumentKind.PASSPORT_VISA


@pytest.fixture
def files_app(app_factory, tmp_path):
    app = app_factory(STORAGE_FOLDER=str(tmp_path / "files"))
    with app.test_request_context():
        yield app


@pytest.fixture
def enrolment(files_app) -> Enrolment:
    guardians = [
        {
            "name": "Maria Schmidt",
            "relation": "mother",
            "phone": "+49 231 654321",
            "email": "maria@example.org",
            "locale": "de",
        },
        {
            "name": "John Smith",
            "relation": "father",
            "phone": "+1 716 555 0100",
            "email": "john@example.org",
            "locale": "en",
        },
        {"name": "Oma Schmidt", "relation": "grandmother", "phone": "+49 231 111111"},
    ]
    student_id = make_student(files_app, first_name="Lena", guardians=guardians)
    enrolment_id = enrol(files_app, student_id, make_cohort(files_app, name="Dortmund 2027"))
    return db.session.get(Enrolment, enrolment_id)


@pytest.fixture
def coordinator(files_app) -> User:
    return db.session.get(User, make_user(files_app, "coord@example.org", Role.COORDINATOR))


def stored() -> set[str]:
    return set(storage.current().keys(prefix=""))


def test_an_upload_is_stored_under_the_enrolment_and_waits_for_review(enrolment, coordinator):
    file = document_files.upload(enrolment, PASSPORT, a_pdf(), "Pass Lena.pdf", coordinator)
    db.session.commit()
    assert file.state == ReviewState.WAITING
    assert file.storage_key.startswith(f"enrolments/{enrolment.id}/")
    assert stored() == {file.storage_key}
    assert (file.content_type, file.filename) == ("application/pdf", "Pass-Lena.pdf")
    assert file.uploaded_by_id == coordinator.id
    assert storage.current().read(file.storage_key) == a_pdf()
    assert PASSPORT in documents.missing_kinds(enrolment)  # not before it is accepted


def test_a_pdf_that_is_html_is_refused_and_nothing_is_stored(enrolment, coordinator):
    html = b"<!doctype html><script>alert(1)</script>"
    with pytest.raises(DomainError) as refused:
        document_files.upload(enrolment, PASSPORT, io.BytesIO(html), "passport.pdf", coordinator)
    assert refused.value.field == "file"
    assert "Only PDF, JPEG and PNG" in refused.value.message
    assert stored() == set()
    assert db.session.scalar(sa.select(sa.func.count(DocumentFile.id))) == 0


def test_a_photo_is_stored_without_its_exif(enrolment, coordinator):
    photo = a_photo()
    assert Image.open(io.BytesIO(photo)).getexif()  # the phone's camera and GPS
    file = document_files.upload(enrolment, MEDICAL, photo, "IMG_0001.JPG", coordinator)
    db.session.commit()
    kept = storage.current().read(file.storage_key)
    assert file.content_type == "image/jpeg" and file.size == len(kept)
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert b"Kampstrasse" not in kept and b"PhoneMaker" not in kept


def test_a_rolled_back_upload_leaves_no_file(enrolment, coordinator):
    document_files.upload(enrolment, PASSPORT, a_pdf(), "passport.pdf", coordinator)
    assert len(stored()) == 1
    db.session.rollback()
    assert stored() == set()


def test_consent_is_not_a_file_and_unknown_kinds_are_refused(enrolment, coordinator):
    for kind in (DocumentKind.GUARDIAN_CONSENT, "diary"):
        with pytest.raises(DomainError):
            document_files.upload(enrolment, kind, a_pdf(), "x.pdf", coordinator)
    assert stored() == set()


def test_an_accepted_file_counts_as_the_document_received(enrolment, coordinator, files_app):
    cohort = enrolment.cohort
    for kind in documents.PAPER_KINDS:
        if kind != PASSPORT:
            documents.set_received(enrolment, kind, True, coordinator.id)
    documents.record_consent(
        enrolment,
        "Maria Schmidt",
        enrolment.created_at,
        documents.current_wording_version(),
        coordinator.id,
    )
    file = document_files.upload(enrolment, PASSPORT, a_pdf(), "passport.pdf", coordinator)
    assert documents.missing_kinds(enrolment) == [PASSPORT]
    assert documents.cohort_missing_count(cohort) == 1

    document_files.accept(file, coordinator)
    db.session.commit()
    assert file.state == ReviewState.ACCEPTED and file.reviewed_by_id == coordinator.id
    assert documents.missing_kinds(enrolment) == []
    assert documents.cohort_missing_count(cohort) == 0  # the lists, reminders and messages
    assert documents.missing_report(cohort, only_missing=True) == []

    # The paper tick still works beside it: ticked and accepted counts once.
    documents.set_received(enrolment, PASSPORT, True, coordinator.id)
    assert documents.cohort_missing_count(cohort) == 0
    documents.set_received(enrolment, PASSPORT, False, coordinator.id)
    assert documents.cohort_missing_count(cohort) == 0  # the accepted file still counts


def test_two_accepted_files_of_one_kind_do_not_count_for_another(enrolment, coordinator):
    for _ in range(2):
        file = document_files.upload(enrolment, PASSPORT, a_pdf(), "p.pdf", coordinator)
        document_files.accept(file, coordinator)
    documents.set_received(enrolment, MEDICAL, True, coordinator.id)
    documents.set_received(enrolment, DocumentKind.INSURANCE, True, coordinator.id)
    # 2 kinds ticked + 1 kind by file = 3 of 4 papers: still lacking the code of conduct
    assert documents.cohort_missing_count(enrolment.cohort) == 1
    assert DocumentKind.CODE_OF_CONDUCT in documents.missing_kinds(enrolment)


def emails() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def test_a_rejection_needs_a_reason(enrolment, coordinator):
    file = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    for reason in ("", "   ", None):
        with pytest.raises(DomainError) as refused:
            document_files.reject(file, reason, coordinator)
        assert refused.value.field == "reason"
    assert file.state == ReviewState.WAITING
    assert emails() == []


def test_a_rejection_emails_each_guardian_in_their_language(enrolment, coordinator):
    file = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    emailed, students = document_files.reject(file, "Page 2 is missing.", coordinator)
    db.session.commit()
    assert students == []  # Lena has no account of her own
    assert file.state == ReviewState.REJECTED
    assert file.rejection_reason == "Page 2 is missing."
    assert [g.name for g in emailed] == ["Maria Schmidt", "John Smith"]  # the one with email
    german, english = emails()
    assert german.recipient == "maria@example.org"
    assert "Gesundheitsbogen" in german.body and "Lena" in german.body
    assert "Page 2 is missing." in german.body and "erneut" in german.body
    assert english.recipient == "john@example.org"
    assert "Medical form" in english.body and "Lena" in english.body
    assert "Page 2 is missing." in english.body and "upload the document again" in english.body
    assert "Dortmund 2027" in english.body


def test_guardians_sharing_an_address_get_one_email(enrolment, coordinator):
    enrolment.student.guardians[1].email = "MARIA@example.org"
    file = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    guardians, _ = document_files.reject(file, "Blurred.", coordinator)
    assert [g.name for g in guardians] == ["Maria Schmidt"]
    assert [e.recipient for e in emails()] == ["maria@example.org"]


def test_a_new_upload_after_a_rejection_is_the_next_to_review(enrolment, coordinator):
    first = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    document_files.reject(first, "Unreadable.", coordinator)
    second = document_files.upload(enrolment, MEDICAL, a_photo(), "m2.jpg", coordinator)
    assert document_files.by_kind(enrolment)[MEDICAL] == [second, first]
    assert document_files.waiting(enrolment) == [second]
    document_files.accept(second, coordinator)
    assert MEDICAL not in documents.missing_kinds(enrolment)
    assert first.state == ReviewState.REJECTED  # kept on record with its reason


def test_a_file_is_reviewed_once(enrolment, coordinator):
    file = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    document_files.accept(file, coordinator)
    with pytest.raises(DomainError, match="already reviewed"):
        document_files.reject(file, "Wrong person.", coordinator)
    with pytest.raises(DomainError, match="already reviewed"):
        document_files.accept(file, coordinator)
    assert file.state == ReviewState.ACCEPTED and emails() == []


def test_a_withdrawn_enrolment_takes_no_files(enrolment, coordinator):
    file = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    withdrawal.withdraw(enrolment, coordinator.id, "")
    with pytest.raises(DomainError, match="withdrawn"):
        document_files.upload(enrolment, PASSPORT, a_pdf(), "p.pdf", coordinator)
    with pytest.raises(DomainError, match="withdrawn"):
        document_files.accept(file, coordinator)
    assert document_files.upload_refusal(enrolment)


def test_a_download_is_audited(enrolment, coordinator):
    file = document_files.upload(enrolment, PASSPORT, a_pdf(), "p.pdf", coordinator)
    with document_files.download(file) as stream:
        assert stream.read() == a_pdf()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "download")).one()
    assert (entry.record_type, entry.record_id) == ("enrolment", enrolment.id)
    assert entry.details == {"document_file": file.id, "kind": "passport_visa"}


def agrees(cohort) -> None:
    """The checklist (columns) says what missing_report (objects) says, line for line."""
    for only_missing in (False, True):
        report = documents.missing_report(cohort, only_missing=only_missing)
        lines = documents.checklist(cohort, only_missing=only_missing)
        assert [(r.enrolment.id, r.missing, r.waiting) for r in report] == [
            (line.enrolment_id, line.missing, line.waiting) for line in lines
        ]
        assert [line.status for line in lines] == [r.enrolment.status for r in report]
    # The cohort page counts the lines with something missing instead of asking the count.
    missing = sum(1 for line in documents.checklist(cohort) if line.missing)
    assert missing == documents.cohort_missing_count(cohort)


def test_the_checklist_reads_what_the_missing_report_reads(enrolment, coordinator):
    cohort = enrolment.cohort
    agrees(cohort)
    waiting = document_files.upload(enrolment, MEDICAL, a_pdf(), "m.pdf", coordinator)
    accepted = document_files.upload(enrolment, PASSPORT, a_pdf(), "p.pdf", coordinator)
    document_files.accept(accepted, coordinator)
    documents.set_received(enrolment, DocumentKind.INSURANCE, True, coordinator.id)
    agrees(cohort)
    first = enrolment.student.guardians[0]
    documents.record_consent(
        enrolment,
        first.name,
        enrolment.created_at,
        documents.current_wording_version(),
        coordinator.id,
        guardian_id=first.id,
    )
    agrees(cohort)
    cohort.programme.consent_of_both = True  # three guardians listed, one consented
    db.session.flush()
    agrees(cohort)
    for guardian in enrolment.student.guardians[1:]:
        documents.record_consent(
            enrolment,
            guardian.name,
            enrolment.created_at,
            documents.current_wording_version(),
            coordinator.id,
            guardian_id=guardian.id,
        )
    document_files.accept(waiting, coordinator)
    documents.set_received(enrolment, DocumentKind.CODE_OF_CONDUCT, True, coordinator.id)
    agrees(cohort)
    assert documents.checklist(cohort, only_missing=True) == []
