"""Erasure reaches the copies: other people's free text that names the person is listed and, on
request, cleared; SQLite's write-ahead log keeps nothing after an erasure; deleted rows are
overwritten in the file; the database is readable by its owner only."""

from __future__ import annotations

import html
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.database import _owner_only
from app.extensions import db
from app.models import AuditEntry, Role, Student
from tests.conftest import make_config, make_user, post
from tests.factories import make_student

SECRET = "Asthma-Inhaler-7Q4Z"  # a care note nobody else writes


def erase_page(client, student_id: int) -> str:
    return html.unescape(client.get(f"/admin/privacy/students/{student_id}").get_data(as_text=True))


def test_mentions_in_other_students_notes_are_listed_and_kept_unless_asked(app, auth, client):
    gone = make_student(app, first_name="Ophelia", last_name="Quartermaine")
    friend = make_student(
        app, medical_notes="Shares an inhaler with Ophelia Quartermaine at school."
    )
    other = make_student(app, interests="football, Quartermaine's band")
    auth.login_as(Role.ADMIN)
    page = erase_page(client, gone)
    assert "Named in 2 fields of other records" in page
    assert f"/students/{friend}" in page and f"/students/{other}" in page
    url = f"/admin/privacy/students/{gone}/erase"
    response = post(client, url, {"confirm": "Ophelia Quartermaine"})
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Student, friend).medical_notes
    assert "Quartermaine" in kept  # another child's care note: not changed without asking


def test_ticking_the_box_clears_the_mentions(app, auth, client):
    gone = make_student(app, first_name="Ophelia", last_name="Quartermaine")
    friend = make_student(
        app, medical_notes="Shares an inhaler with Ophelia Quartermaine at school."
    )
    auth.login_as(Role.ADMIN)
    response = post(
        client,
        f"/admin/privacy/students/{gone}/erase",
        {"confirm": "Ophelia Quartermaine", "clear_mentions": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Student, friend).medical_notes == (
            "Shares an inhaler with [erased] at school."
        )
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "privacy.erased")
        ).one()
        assert entry.details == {"kind": "student", "mentions_cleared": 1}


def test_a_page_without_mentions_says_so_in_german(app, auth, client):
    gone = make_student(app)
    auth.login_as(Role.ADMIN)
    client.set_cookie("lang", "de")
    assert "wird diese Person nicht genannt" in erase_page(client, gone)


def file_app(tmp_path: Path):
    """An application on a SQLite file of its own, committing for real."""
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    application = create_app(make_config(f"sqlite:///{folder / 'austausch.db'}"))
    with application.app_context():
        db.create_all()
    return application, folder / "austausch.db"


def test_after_an_erasure_the_wal_and_the_free_pages_hold_nothing_of_the_student(tmp_path):
    application, database = file_app(tmp_path)
    gone = make_student(application, medical_notes=SECRET)
    make_user(application, "admin@example.org", Role.ADMIN)
    client = application.test_client()
    post(client, "/login", {"email": "admin@example.org", "password": "correct-horse-battery"})
    name = erase_page(client, gone).split("To confirm, type the student's name: ")[1]
    url = f"/admin/privacy/students/{gone}/erase"
    response = post(client, url, {"confirm": name.split("<")[0]})
    assert response.status_code == 302
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert SECRET.encode() not in database.read_bytes()
    with application.app_context():
        assert db.session.execute(sa.text("PRAGMA secure_delete")).scalar() == 1
        db.engine.dispose()


def test_the_database_file_is_the_owners_alone_and_a_shared_folder_stays_as_it_is(tmp_path):
    application, database = file_app(tmp_path)
    make_student(application)
    with application.app_context():
        db.engine.dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    # Not the application's instance folder (think of /tmp): its permissions are not ours.
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o755


def test_the_instance_folder_is_the_owners_alone(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "austausch.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    _owner_only(str(database), instance)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700


def test_the_embedded_database_enforces_foreign_keys_and_writes_ahead(tmp_path):
    """SECURITY.md: SQLite with foreign keys on (a student's consent cannot point at nobody) and
    the write-ahead log (readers go on while one request writes)."""
    application, _database = file_app(tmp_path)
    with application.app_context():
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() > 0
        with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"):
            db.session.execute(
                sa.text(
                    "INSERT INTO application_cohorts (application_id, cohort_id)"
                    " VALUES (98765, 98765)"
                )
            )
            db.session.flush()
        db.session.rollback()
        db.engine.dispose()
