"""Every route that reaches an uploaded file, found by walking the URL map (staff's and the
guardian's: upload, download, accept, reject, consent): another student's guardian, a host
family and a teacher of another cohort are refused each one (403 or 404), and nothing they
send is stored. The file's own guardian downloads it, always as an attachment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.models import AuditEntry, DocumentFile, Enrolment, GuardianConsent
from tests.conftest import post
from tests.factories import (
    FAMILY_PASSWORD,
    TEACHER_PASSWORD,
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
)
from tests.guardians.helpers import GUARDIAN_PASSWORD, guardian, linked_account, log_in
from tests.guardians.test_documents_and_consent import the_files, upload
from tests.services.enrolment.test_uploads import a_pdf

FILE_ARGUMENTS = {"file_id", "kind"}


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(STORAGE_FOLDER=str(tmp_path / "files"))


@pytest.fixture
def world(app) -> dict:
    """Lena's enrolment in one cohort with a file her mother uploaded; Eva's son in another
    cohort, with its teacher; an approved host family."""
    cohort = make_cohort(app, name="Buffalo 2027")
    lena = make_student(app, first_name="Lena", guardians=[guardian()])
    enrolment_id = enrol(app, lena, cohort)
    linked_account(app, lena)

    other_cohort = make_cohort(app, name="Buffalo 2028")
    tim = make_student(app, first_name="Tim", guardians=[guardian("Eva Roth", "eva@example.org")])
    enrol(app, tim, other_cohort)
    linked_account(app, tim, "eva@example.org")
    teacher_id = make_teacher(app, email="teacher@example.org")
    assign_teacher(app, other_cohort, teacher_id)
    make_approved_family(app, [cohort], email="millers@example.org", family_name="Miller")

    maria = app.test_client()
    log_in(maria)
    assert upload(maria, enrolment_id, a_pdf(), "Reisepass.pdf").status_code == 302
    (file,) = the_files(app)
    return {"maria": maria, "enrolment_id": enrolment_id, "student_id": lena, "file": file}


def file_urls(app, world: dict) -> list[tuple[str, str]]:
    """(method, url) of every route whose rule takes a file or a document kind, or sits under
    a guardian's enrolment (uploads, consent), filled with Lena's enrolment and file."""
    values = {
        "enrolment_id": world["enrolment_id"],
        "file_id": world["file"].id,
        "kind": "medical_form",
        "student_id": world["student_id"],
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not (FILE_ARGUMENTS & rule.arguments or rule.rule.startswith("/my/enrolments/")):
                continue
            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            found += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    return found


def as_user(app, email: str, password: str):
    client = app.test_client()
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, email
    return client


def test_the_walk_finds_the_staff_and_the_guardian_routes(app, world):
    urls = {url for _method, url in file_urls(app, world)}
    eid, fid = world["enrolment_id"], world["file"].id
    assert f"/my/enrolments/{eid}/files/{fid}/download" in urls
    assert f"/my/enrolments/{eid}/files/medical_form/upload" in urls
    assert f"/enrolments/{eid}/files/{fid}/download" in urls
    assert f"/enrolments/{eid}/files/{fid}/reject" in urls
    assert f"/my/enrolments/{eid}/consent" in urls


@pytest.mark.parametrize(
    "who",
    [
        ("eva@example.org", "guardian"),
        ("millers@example.org", "family"),
        ("teacher@example.org", "teacher"),
    ],
    ids=["another guardian", "a host family", "a teacher of another cohort"],
)
def test_nobody_else_reaches_any_route_of_the_file(app, world, who):
    email, kind = who
    password = {"family": FAMILY_PASSWORD, "teacher": TEACHER_PASSWORD}.get(kind, GUARDIAN_PASSWORD)
    client = as_user(app, email, password)
    audited_before = _audit_count(app)
    let_in = []
    for method, url in file_urls(app, world):
        response = client.get(url) if method == "GET" else post(client, url, {"reason": "x"})
        if response.status_code not in (403, 404):
            let_in.append(f"{method} {url}: {response.status_code}")
    assert let_in == [], f"{kind} reached: {let_in}"
    # Nothing was stored: still the one file, waiting; no consent; no download audited.
    (file,) = the_files(app)
    assert file.state == world["file"].state and not file.rejection_reason
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(GuardianConsent.id))) == 0
    assert _audit_count(app) == audited_before


def test_the_own_guardian_downloads_the_file_as_an_attachment(app, world):
    eid, fid = world["enrolment_id"], world["file"].id
    response = world["maria"].get(f"/my/enrolments/{eid}/files/{fid}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")
    response.close()


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def test_an_enrolment_of_another_student_hides_the_file_even_with_its_id(app, world):
    """Eva's own enrolment id with Lena's file id: not found."""
    eva = as_user(app, "eva@example.org", GUARDIAN_PASSWORD)
    with app.app_context():
        own = db.session.scalars(
            sa.select(Enrolment.id).where(Enrolment.id != world["enrolment_id"])
        ).one()
        assert db.session.get(DocumentFile, world["file"].id) is not None
    assert eva.get(f"/my/enrolments/{own}/files/{world['file'].id}/download").status_code == 404
