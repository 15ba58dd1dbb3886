"""Uploaded document files in the privacy requests and the purge, on the folder and on the
S3-compatible server: erasure and the purge remove the stored files with their rows (and
nobody else's), the student's export lists them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from app import storage
from app.extensions import db
from app.models import DocumentFile, DocumentKind, Enrolment, Student
from app.services.enrolment import document_files
from app.services.privacy.privacy_requests import erase_student, export_student
from tests.factories import enrol, make_cohort, make_student
from tests.services.enrolment.test_uploads import a_pdf, a_photo
from tests.services.privacy.test_purge import make_world, run_purge
from tests.storage.conftest import CREDENTIALS


@pytest.fixture(params=["folder", "s3"])
def files_app(request, app_factory, tmp_path):
    """The application with its files in a folder, or in a bucket of the local S3 server."""
    if request.param == "folder":
        return app_factory(STORAGE_FOLDER=str(tmp_path / "files"))
    return app_factory(
        STORAGE_BACKEND="s3",
        S3_ENDPOINT_URL=request.getfixturevalue("s3_endpoint"),
        S3_BUCKET=request.getfixturevalue("s3_bucket"),
        S3_ACCESS_KEY_ID=CREDENTIALS["access_key_id"],
        S3_SECRET_ACCESS_KEY=CREDENTIALS["secret_access_key"],
        S3_REGION=CREDENTIALS["region"],
    )


def stored(app) -> set[str]:
    with app.app_context():
        return set(storage.current(app).keys(prefix=""))


def add_files(app, enrolment_id: int) -> list[str]:
    """A passport scan (accepted) and a photo of the medical form (rejected); their keys."""
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        passport = document_files.upload(
            enrolment, DocumentKind.PASSPORT_VISA, a_pdf(), "pass.pdf", None
        )
        document_files.accept(passport, None)
        medical = document_files.upload(
            enrolment, DocumentKind.MEDICAL_FORM, a_photo(), "med.jpg", None
        )
        document_files.reject(medical, "Blurred.", None)
        db.session.commit()
        return [passport.storage_key, medical.storage_key]


def test_erasure_removes_the_files_from_the_storage(files_app):
    app = files_app
    cohort = make_cohort(app)
    erika = make_student(app, first_name="Erika")
    other = make_student(app, first_name="Otto")
    erika_keys = add_files(app, enrol(app, erika, cohort))
    other_keys = add_files(app, enrol(app, other, cohort))
    assert stored(app) == {*erika_keys, *other_keys}

    with app.test_request_context():
        erase_student(db.session.get(Student, erika), None)
        db.session.commit()
        remaining = db.session.scalars(sa.select(DocumentFile.storage_key)).all()
    assert stored(app) == set(other_keys)
    assert sorted(remaining) == sorted(other_keys)


def test_an_erasure_rolled_back_keeps_the_files(files_app):
    app = files_app
    erika = make_student(app)
    keys = add_files(app, enrol(app, erika, make_cohort(app)))
    with app.test_request_context():
        erase_student(db.session.get(Student, erika), None)
        db.session.rollback()
    assert stored(app) == set(keys)


def test_the_purge_deletes_the_files_with_the_cohort(files_app):
    app = files_app
    world = make_world(app)
    kept_enrolment = db_scalar(
        app, sa.select(Enrolment.id).where(Enrolment.cohort_id == world.kept).limit(1)
    )
    purged = add_files(app, world.enrolment_ids[0])
    kept = add_files(app, kept_enrolment)
    run_purge(app)
    assert stored(app) == set(kept)
    assert not set(purged) & stored(app)
    with app.app_context():
        rows = db.session.scalars(sa.select(DocumentFile.enrolment_id)).all()
    assert set(rows) == {kept_enrolment}


def db_scalar(app, statement):
    with app.app_context():
        return db.session.scalar(statement)


def test_the_export_lists_the_files(files_app):
    app = files_app
    erika = make_student(app)
    enrolment_id = enrol(app, erika, make_cohort(app))
    add_files(app, enrolment_id)
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(export_student(db.session.get(Student, erika))))
        data = json.loads(archive.read(archive.namelist()[0]))
    (enrolment,) = data["enrolments"]
    listed = enrolment["document_files"]
    assert [(f["kind"], f["filename"], f["state"]) for f in listed] == [
        ("passport_visa", "pass.pdf", "accepted"),
        ("medical_form", "med.jpg", "rejected"),
    ]
    assert listed[1]["rejection_reason"] == "Blurred."
    assert all(f["uploaded_at"] and f["reviewed_at"] for f in listed)
    assert "storage_key" not in listed[0]
