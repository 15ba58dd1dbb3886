"""A guardian's own part on their page: uploading a file for a missing document (the same
checks and review as staff's), downloading their own file (audited, as an attachment),
giving consent online to the current wording and withdrawing it (staff emailed); nobody
else reaches any of it."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import (
    AuditEntry,
    DocumentFile,
    Enrolment,
    GuardianConsent,
    OutboxEmail,
    ReviewState,
    Role,
    User,
)
from app.services.enrolment import document_files
from tests.conftest import Auth, csrf_token, make_user, post
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import guardian, linked_account, log_in
from tests.services.enrolment.test_uploads import a_pdf, a_photo

LIMIT = 6 * 1024 * 1024


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(STORAGE_FOLDER=str(tmp_path / "files"), UPLOAD_MAX_BYTES=LIMIT)


@pytest.fixture
def enrolment_id(app) -> int:
    sid = make_student(
        app,
        first_name="Lena",
        last_name="Schmidt",
        guardians=[guardian(), guardian("Karl Schmidt", "karl@example.org", "en", 2)],
    )
    return enrol(app, sid, make_cohort(app, name="Buffalo 2027"))


@pytest.fixture
def student_id(app, enrolment_id) -> int:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).student_id


@pytest.fixture
def maria(app, student_id):
    linked_account(app, student_id)
    client = app.test_client()
    log_in(client)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def upload(client, enrolment_id: int, content: bytes, name: str, kind="medical_form"):
    file = FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")
    boundary, body = encode_multipart({"csrf_token": csrf_token(client), "file": file})
    return client.post(
        f"/my/enrolments/{enrolment_id}/files/{kind}/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def the_files(app) -> list[DocumentFile]:
    with app.app_context():
        found = db.session.scalars(sa.select(DocumentFile).order_by(DocumentFile.id)).all()
        db.session.expunge_all()
        return found


def test_the_guardian_uploads_sees_the_review_and_downloads_their_file(
    app, maria, enrolment_id, student_id
):
    page = text(maria.get(f"/my/students/{student_id}"))
    form_url = f"/my/enrolments/{enrolment_id}/files/medical_form/upload"
    assert form_url in page  # the checklist offers the upload
    form = text(maria.get(form_url))
    assert 'accept="application/pdf,image/jpeg,image/png"' in form
    assert "at most 6 MB" in form

    assert upload(maria, enrolment_id, a_photo(), "IMG_0042.JPG").status_code == 302
    (file,) = the_files(app)
    assert file.state == ReviewState.WAITING
    with app.app_context():
        assert file.uploaded_by_id == db.session.scalar(
            sa.select(User.id).where(User.email == "maria@example.org")
        )
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "your file waits for review" in page
    assert form_url not in page  # nothing to upload while a file waits

    response = maria.get(f"/my/enrolments/{enrolment_id}/files/{file.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    stored = Image.open(io.BytesIO(response.data))
    response.close()
    assert not stored.getexif() and "comment" not in stored.info  # no camera or place left
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "download")
        )

    with app.app_context():
        coordinator = db.session.get(User, make_user(app, "c@example.org", Role.COORDINATOR))
        document_files.reject(db.session.get(DocumentFile, file.id), "Too blurry.", coordinator)
        db.session.commit()
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "not accepted: Too blurry." in page
    assert form_url in page  # a rejected document can be uploaded again


def test_a_file_the_checks_refuse_gets_the_message(maria, enrolment_id, app):
    response = upload(maria, enrolment_id, b"<html><script>x</script></html>", "scan.pdf")
    assert response.status_code == 400
    assert "PDF, JPEG or PNG" in text(response)
    too_big = upload(maria, enrolment_id, b"%PDF-1.4" + b"0" * LIMIT, "big.pdf")
    assert too_big.status_code == 400
    assert "The file is larger than 6 MB" in text(too_big)
    assert the_files(app) == []


def test_nobody_else_reaches_the_uploads_or_the_consent(app, maria, enrolment_id):
    upload(maria, enrolment_id, a_pdf(), "passport.pdf", kind="passport_visa")
    (file,) = the_files(app)
    urls = (
        f"/my/enrolments/{enrolment_id}/files/medical_form/upload",
        f"/my/enrolments/{enrolment_id}/files/{file.id}/download",
        f"/my/enrolments/{enrolment_id}/consent",
        f"/my/enrolments/{enrolment_id}/consent/withdraw",
    )
    other = make_student(app, guardians=[guardian("Eva", "eva@example.org")])
    enrol(app, other, make_cohort(app, name="Other"))
    linked_account(app, other, "eva@example.org")
    eva = app.test_client()
    log_in(eva, "eva@example.org")
    for url in urls:
        assert eva.get(url).status_code == 404, url
    # Karl, the other guardian of the same student, sees the student but not Maria's file.
    with app.app_context():
        sid = db.session.get(Enrolment, enrolment_id).student_id
    linked_account(app, sid, "karl@example.org")
    karl = app.test_client()
    log_in(karl, "karl@example.org")
    assert karl.get(urls[1]).status_code == 404
    assert karl.get(urls[0]).status_code == 200
    for role in (Role.TEACHER, Role.HOST_FAMILY):
        client = app.test_client()
        Auth(app, client).login_as(role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)


def test_consent_online_then_withdrawn_with_staff_told(app, maria, enrolment_id, student_id):
    make_user(app, "coord@example.org", Role.COORDINATOR)
    url = f"/my/enrolments/{enrolment_id}/consent"
    page = text(maria.get(url))
    assert "I agree that my child takes part" in page
    refused = post(maria, url, {"name": "Maria Schmidt"})
    assert refused.status_code == 400
    assert "Tick the box to confirm your consent." in text(refused)
    unnamed = post(maria, url, {"name": "  ", "confirm": "y"})
    assert "Type your full name to sign." in text(unnamed)
    assert post(maria, url, {"name": "Maria Schmidt", "confirm": "y"}).status_code == 302
    with app.app_context():
        (consent,) = db.session.scalars(sa.select(GuardianConsent)).all()
        assert consent.given_by == "Maria Schmidt"
        assert consent.wording_version == "2026-1"
        assert consent.guardian_id is not None
        assert db.session.get(User, consent.recorded_by_id).email == "maria@example.org"
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "You gave your consent on" in page
    assert "Give consent" not in page
    assert post(maria, url, {"name": "Maria Schmidt", "confirm": "y"}).status_code == 400

    withdraw = f"/my/enrolments/{enrolment_id}/consent/withdraw"
    assert "The exchange team is told by email." in text(maria.get(withdraw))
    assert post(maria, withdraw).status_code == 302
    with app.app_context():
        consent = db.session.scalars(sa.select(GuardianConsent)).one()
        assert consent.withdrawn_at is not None
        email = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == "coord@example.org")
        ).one()
    assert "Maria Schmidt withdrew the consent for Lena Schmidt" in email.body
    assert re.search(rf"https?://\S+/enrolments/{enrolment_id}\b", email.body)
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "You withdrew your consent." in page
    assert post(maria, withdraw).status_code == 400  # nothing left to withdraw


def test_the_pages_in_german(app, maria, enrolment_id, student_id):
    post(maria, "/language", {"language": "de", "next": "/"})
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "Hochladen" in page
    consent = text(maria.get(f"/my/enrolments/{enrolment_id}/consent"))
    assert "Als Elternteil oder Erziehungsberechtigte/r" in consent
    assert "Ihr vollständiger Name" in consent
    form = text(maria.get(f"/my/enrolments/{enrolment_id}/files/medical_form/upload"))
    assert "höchstens 6 MB" in form


def test_an_admin_requires_both_and_the_checklist_names_who_is_missing(
    app, maria, enrolment_id, student_id
):
    post(maria, f"/my/enrolments/{enrolment_id}/consent", {"name": "Maria Schmidt", "confirm": "y"})
    with app.app_context():
        programme_id = db.session.get(Enrolment, enrolment_id).cohort.programme_id
    admin = app.test_client()
    Auth(app, admin).login_as(Role.ADMIN)
    url = f"/admin/programmes/{programme_id}/consent"
    assert "Both guardians must consent" in text(admin.get(url))
    assert f'href="{url}"' in text(admin.get(f"/care/programmes/{programme_id}/rule"))
    assert post(admin, url, {"consent_of_both": "y"}).status_code == 302
    page = text(maria.get(f"/my/students/{student_id}"))
    assert "Still missing: the consent of Karl Schmidt." in page
    assert (
        f'/my/enrolments/{enrolment_id}/consent"'
        not in page.split("Still missing")[1].split("</li>")[0]
    )  # Maria has given hers: no button for her in that line
    coordinator = app.test_client()
    Auth(app, coordinator).login_as(Role.COORDINATOR)
    assert coordinator.get(url).status_code == 403
    staff_page = text(coordinator.get(f"/enrolments/{enrolment_id}"))
    assert "Still missing: the consent of Karl Schmidt." in staff_page
