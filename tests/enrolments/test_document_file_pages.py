"""The uploaded files on the enrolment's page, as a coordinator uses them: upload (with the
size limit's message, and the 413 page only for a far larger body), accept, reject through
the confirmation page with a reason, download as an attachment; nobody else gets the files."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app import storage
from app.extensions import db
from app.models import (
    AuditEntry,
    DocumentFile,
    Enrolment,
    OutboxEmail,
    ReviewState,
    Role,
    StudentAccount,
    User,
)
from tests.conftest import csrf_token, make_user, post
from tests.factories import enrol, make_cohort, make_student
from tests.services.enrolment.test_uploads import a_pdf, a_photo

LIMIT = 6 * 1024 * 1024  # above the 5 MB every other request may carry


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(STORAGE_FOLDER=str(tmp_path / "files"), UPLOAD_MAX_BYTES=LIMIT)


@pytest.fixture
def enrolment_id(app) -> int:
    guardians = [
        {
            "name": "Maria Weber",
            "relation": "mother",
            "phone": "+49 231 111111",
            "email": "maria@example.org",
            "locale": "de",
        },
        {"name": "Karl Weber", "relation": "father", "phone": "+49 231 222222"},
    ]
    return enrol(app, make_student(app, guardians=guardians), make_cohort(app))


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


def upload(client, enrolment_id: int, content: bytes, name: str, kind="medical_form"):
    """Post the file as a browser does. The body is encoded here, in memory: the test
    client's own encoding spools a large body to a temporary file that it leaves open when
    the application refuses to read it all (the 413)."""
    file = FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")
    fields = {"csrf_token": csrf_token(client), "file": file}
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/enrolments/{enrolment_id}/files/{kind}/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def files(app) -> list[DocumentFile]:
    with app.app_context():
        found = db.session.scalars(sa.select(DocumentFile).order_by(DocumentFile.id)).all()
        db.session.expunge_all()
        return found


def stored(app) -> set[str]:
    with app.app_context():
        return set(storage.current(app).keys(prefix=""))


def missing(page: str) -> str:
    """The "Missing: …" line of the documents box."""
    found = re.search(r"<p>Missing: (.*?)</p>", page, re.DOTALL)
    return text(found.group(1)) if found else ""


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_coordinator_uploads_accepts_and_the_document_counts(app, coordinator, enrolment_id):
    form = coordinator.get(f"/enrolments/{enrolment_id}/files/medical_form/upload")
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="application/pdf,image/jpeg,image/png"' in page
    assert "at most 6 MB" in page

    response = upload(coordinator, enrolment_id, a_pdf(), "Gesundheitsbogen Lena.pdf")
    assert response.status_code == 302
    (file,) = files(app)
    assert file.state == ReviewState.WAITING and stored(app) == {file.storage_key}

    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    shown = text(page)
    assert "waiting for review" in shown
    assert "Download Gesundheitsbogen-Lena.pdf" in shown
    assert f'/enrolments/{enrolment_id}/files/{file.id}/reject"' in page
    assert "Medical form" in missing(page)

    response = post(coordinator, f"/enrolments/{enrolment_id}/files/{file.id}/accept")
    assert response.status_code == 302
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    shown = text(page)
    assert "is accepted: the document counts as received" in shown
    assert "received as an uploaded file" in shown
    assert "Medical form" not in missing(page) and "Insurance" in missing(page)
    assert "Mark “Medical form” as received" not in shown


def test_the_page_in_german(app, coordinator, enrolment_id):
    upload(coordinator, enrolment_id, a_photo(), "foto.jpg")
    coordinator.set_cookie("lang", "de")
    shown = text(coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True))
    assert "wartet auf Prüfung" in shown and "Datei annehmen" in shown
    assert "Datei für „Versicherung“ hochladen" in shown


def test_a_pdf_that_is_html_gets_the_message_and_nothing_is_kept(app, coordinator, enrolment_id):
    response = upload(coordinator, enrolment_id, b"<html><script>x</script></html>", "x.pdf")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("Only PDF, JPEG and PNG files can be uploaded.") >= 1
    assert "<title>Error:" in page
    assert files(app) == [] and stored(app) == set()


def test_a_file_over_the_limit_gets_the_check_s_message(app, coordinator, enrolment_id):
    too_big = a_pdf() + b"\0" * (LIMIT + 10)  # over the limit, within the request's margin
    response = upload(coordinator, enrolment_id, too_big, "big.pdf")
    assert response.status_code == 400
    assert "The file is larger than 6 MB; please upload a smaller one." in text(
        response.get_data(as_text=True)
    )
    assert files(app) == [] and stored(app) == set()


def test_a_body_far_over_the_limit_gets_the_413_page(app, coordinator, enrolment_id):
    response = upload(coordinator, enrolment_id, b"%PDF-" + b"\0" * (LIMIT + 3 * 1024 * 1024), "x")
    assert response.status_code == 413
    assert files(app) == [] and stored(app) == set()


def test_an_upload_without_the_csrf_token_changes_nothing(app, coordinator, enrolment_id):
    response = coordinator.post(
        f"/enrolments/{enrolment_id}/files/medical_form/upload",
        data={"file": (io.BytesIO(a_pdf()), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert files(app) == [] and stored(app) == set()


def test_an_unknown_kind_or_consent_is_not_found(coordinator, enrolment_id):
    for kind in ("guardian_consent", "diary", "1"):
        assert coordinator.get(f"/enrolments/{enrolment_id}/files/{kind}/upload").status_code == 404


def test_reject_goes_through_the_confirmation_page(app, coordinator, enrolment_id):
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    url = f"/enrolments/{enrolment_id}/files/{file.id}/reject"
    shown = text(coordinator.get(url).get_data(as_text=True))
    assert "Reject the file for “Medical form”" in shown
    assert "Maria Weber gets an email with the document's name and your reason" in shown
    assert "Karl Weber" not in shown  # no email address
    assert "no medical details" in shown

    response = post(coordinator, url, {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the file is rejected" in response.get_data(as_text=True)
    assert files(app)[0].state == ReviewState.WAITING

    response = post(coordinator, url, {"reason": "Page 2 is missing."})
    assert response.status_code == 302
    (file,) = files(app)
    assert (file.state, file.rejection_reason) == (ReviewState.REJECTED, "Page 2 is missing.")
    with app.app_context():
        (email,) = db.session.scalars(sa.select(OutboxEmail)).all()
        assert email.recipient == "maria@example.org"
        assert "Gesundheitsbogen" in email.body and "Page 2 is missing." in email.body
        student_id = db.session.get(Enrolment, enrolment_id).student_id
        assert f"auf Ihrer Seite (http://localhost/my/students/{student_id})" in email.body
    shown = text(coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True))
    assert "1 guardian is emailed the reason." in shown
    assert "Page 2 is missing." in shown

    # A second click finds nothing to confirm and changes nothing.
    again = coordinator.get(url).get_data(as_text=True)
    assert "already reviewed" in again and 'name="reason"' not in again
    assert post(coordinator, url, {"reason": "Again."}).status_code == 400


def test_a_download_is_an_audited_attachment(app, coordinator, enrolment_id):
    upload(coordinator, enrolment_id, a_pdf(), "Pass Lena.pdf", kind="passport_visa")
    (file,) = files(app)
    response = coordinator.get(f"/enrolments/{enrolment_id}/files/{file.id}/download")
    assert response.status_code == 200
    assert response.data == a_pdf()
    response.close()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Pass-Lena.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "download")
        ).one()
        assert (entry.record_type, entry.record_id) == ("enrolment", enrolment_id)


def test_a_row_claiming_html_is_still_no_page(app, coordinator, enrolment_id):
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    with app.app_context():
        db.session.execute(
            sa.update(DocumentFile)
            .values(content_type="text/html")
            .where(DocumentFile.id == file.id)
        )
        db.session.commit()
    response = coordinator.get(f"/enrolments/{enrolment_id}/files/{file.id}/download")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response.close()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_families_do_not_get_the_files(app, auth, client, enrolment_id, role):
    auth.login_as(Role.COORDINATOR, "c@example.org")
    upload(client, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    auth.logout()
    auth.login_as(role)
    base = f"/enrolments/{enrolment_id}/files"
    assert client.get(f"{base}/{file.id}/download").status_code == 403
    assert client.get(f"{base}/medical_form/upload").status_code == 403
    assert post(client, f"{base}/{file.id}/accept").status_code == 403
    assert files(app)[0].state == ReviewState.WAITING


def test_a_file_of_another_enrolment_is_not_found(app, coordinator, enrolment_id):
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    other = enrol(app, make_student(app), make_cohort(app))
    for action in ("download", "reject"):
        assert coordinator.get(f"/enrolments/{other}/files/{file.id}/{action}").status_code == 404
    assert post(coordinator, f"/enrolments/{other}/files/{file.id}/accept").status_code == 404


def test_a_withdrawn_enrolment_shows_its_files_but_takes_no_new_ones(
    app, coordinator, enrolment_id
):
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    post(coordinator, f"/enrolments/{enrolment_id}/withdraw", {"reason": ""})
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert f"/files/{file.id}/download" in page  # still there to read
    assert "/upload" not in page and "Accept the file" not in page
    form = coordinator.get(f"/enrolments/{enrolment_id}/files/insurance/upload")
    assert "is withdrawn" in text(form.get_data(as_text=True))
    assert 'type="file"' not in form.get_data(as_text=True)
    response = upload(coordinator, enrolment_id, a_pdf(), "late.pdf")
    assert response.status_code == 400
    response = post(coordinator, f"/enrolments/{enrolment_id}/files/{file.id}/accept")
    assert response.status_code == 302
    assert [f.state for f in files(app)] == [ReviewState.WAITING]


def test_the_cohort_s_checklist_points_to_files_waiting_for_review(app, coordinator, enrolment_id):
    with app.app_context():
        cohort_id = db.session.get(Enrolment, enrolment_id).cohort_id
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "file to review" not in page
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert page.count("file to review") == 1
    assert f'href="/enrolments/{enrolment_id}#documents" class="to-review"' in page
    (file,) = files(app)
    post(coordinator, f"/enrolments/{enrolment_id}/files/{file.id}/accept")
    page = coordinator.get(f"/cohorts/{cohort_id}/documents").get_data(as_text=True)
    assert "file to review" not in page


def test_the_privacy_page_counts_the_uploaded_files(app, auth, client, enrolment_id):
    auth.login_as(Role.COORDINATOR, "c@example.org")
    upload(client, enrolment_id, a_pdf(), "m.pdf")
    upload(client, enrolment_id, a_photo(), "p.jpg", kind="passport_visa")
    auth.logout()
    auth.login_as(Role.ADMIN)
    with app.app_context():
        student_id = db.session.get(Enrolment, enrolment_id).student_id
    shown = text(client.get(f"/admin/privacy/students/{student_id}").get_data(as_text=True))
    assert "Uploaded files 2" in shown
    assert "deleted from the file storage too" in shown


def test_an_adult_student_with_their_own_account_is_emailed_the_rejection(
    app, coordinator, enrolment_id
):
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for guardian in enrolment.student.guardians:
            guardian.email = None  # nobody but the student can be written to
        student_id, name = enrolment.student_id, enrolment.student.full_name
        db.session.commit()
    user_id = make_user(app, "lena@example.net", Role.GUARDIAN)  # Lena is 18: her own account
    with app.app_context():
        db.session.get(User, user_id).locale = "en"
        db.session.add(StudentAccount(user_id=user_id, student_id=student_id, guardian_id=None))
        db.session.commit()
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    url = f"/enrolments/{enrolment_id}/files/{file.id}/reject"
    shown = text(coordinator.get(url).get_data(as_text=True))
    assert f"{name} has their own account and gets the same email." in shown
    assert "No email is sent" not in shown

    assert post(coordinator, url, {"reason": "Page 2 is missing."}).status_code == 302
    with app.app_context():
        (email,) = db.session.scalars(sa.select(OutboxEmail)).all()
    assert email.recipient == "lena@example.net"
    assert email.body.startswith(f"Dear {name},")
    assert "for your exchange" in email.body and "Page 2 is missing." in email.body
    shown = text(coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True))
    assert f"{name}, who has their own account, is emailed the reason." in shown
    assert "tell them yourself" not in shown


def test_the_rejection_s_message_counts_the_guardians_and_names_the_adult_student(
    app, coordinator, enrolment_id
):
    with app.app_context():
        student = db.session.get(Enrolment, enrolment_id).student
        student_id, name = student.id, student.full_name
    user_id = make_user(app, "lena@example.net", Role.GUARDIAN)
    with app.app_context():
        db.session.add(StudentAccount(user_id=user_id, student_id=student_id, guardian_id=None))
        db.session.commit()
    upload(coordinator, enrolment_id, a_pdf(), "m.pdf")
    (file,) = files(app)
    post(coordinator, f"/enrolments/{enrolment_id}/files/{file.id}/reject", {"reason": "Cut off."})
    with app.app_context():
        recipients = [
            e.recipient for e in db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        ]
    assert recipients == ["maria@example.org", "lena@example.net"]
    shown = text(coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True))
    assert (
        f"1 guardian is emailed the reason. {name}, who has their own account, is emailed "
        "the reason." in shown
    )
