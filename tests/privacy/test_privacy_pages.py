"""The privacy pages: admin only, settings with the purge's dry run, downloads and erasure."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import kept
from app.extensions import db
from app.models import AuditEntry, Cohort, HostApplication, HostFamily, Setting, Student
from app.models.base import utcnow
from app.services.privacy import settings
from app.services.privacy.privacy_purge import add_months
from tests.conftest import post
from tests.factories import enrol, make_application, make_cohort, make_student
from tests.services.privacy.traces import complete, snapshot

STUDENT = {"first_name": "Erika", "last_name": "Loeschmann"}


def admin(auth):
    auth.login_as("admin")


def family_id(app, application_id: int) -> int:
    with app.app_context():
        return db.session.get(HostApplication, application_id).family_id


def last_entry(action: str) -> AuditEntry:
    return db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )


def exists(app, model, record_id: int) -> bool:
    with app.app_context():
        return db.session.get(model, record_id) is not None


# --- who may -----------------------------------------------------------------------------


def test_coordinators_are_refused_everything(app, auth, client):
    student = make_student(app, **STUDENT)
    family = family_id(app, make_application(app))
    auth.login_as("coordinator")
    for url in (
        "/admin/privacy/",
        f"/admin/privacy/students/{student}",
        f"/admin/privacy/students/{student}/export",
        f"/admin/privacy/families/{family}",
        f"/admin/privacy/families/{family}/export",
    ):
        assert client.get(url).status_code == 403, url
    erase = f"/admin/privacy/students/{student}/erase"
    assert post(client, erase, {"confirm": "Erika Loeschmann"}).status_code == 403
    assert post(client, "/admin/privacy/", {"retention_months": "1"}).status_code == 403
    assert exists(app, Student, student)
    page = client.get(f"/students/{student}").get_data(as_text=True)
    assert "/admin/privacy/" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/privacy/students/99999",
        "/admin/privacy/students/99999/export",
        "/admin/privacy/families/99999",
        "/admin/privacy/families/99999/export",
        "/admin/privacy/students/99999999999999999999",
    ],
)
def test_unknown_ids_are_not_found(auth, client, url):
    auth.login_as("admin")
    assert client.get(url).status_code == 404


def test_erasing_an_unknown_id_is_not_found(auth, client):
    auth.login_as("admin")
    assert post(client, "/admin/privacy/students/99999/erase", {"confirm": "x"}).status_code == 404
    assert post(client, "/admin/privacy/families/99999/erase", {"confirm": "x"}).status_code == 404


# --- settings ----------------------------------------------------------------------------


def test_the_settings_page_shows_the_periods_the_next_purge_and_a_dry_run(app, auth, client):
    due = make_cohort(app, name="Buffalo 2025")
    enrol(app, make_student(app, **STUDENT), due)
    complete(app, due, add_months(utcnow(), -13))
    later = make_cohort(app, name="Buffalo 2026")
    complete(app, later, utcnow() - timedelta(days=30))
    admin(auth)
    before = snapshot(app)
    response = client.get("/admin/privacy/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="12"' in html and 'value="24"' in html
    assert "Buffalo 2025" in html  # what the purge would delete now
    assert "Buffalo 2026" in html  # the next to be purged
    assert "Loeschmann" not in html
    after = snapshot(app)
    assert {k: v for k, v in after.items() if k != "audit_entries"} == {
        k: v for k, v in before.items() if k != "audit_entries"
    }
    with app.app_context():
        assert db.session.get(Cohort, due).purged_at is None


def test_saving_the_settings(app, auth, client):
    admin(auth)
    values = {
        "retention_months": "18",
        "family_inactive_months": "36",
        "safeguarding_keep_until_age": "30",
    }
    response = post(client, "/admin/privacy/", values)
    assert response.status_code == 302
    with app.app_context():
        assert (settings.retention_months(), settings.family_inactive_months()) == (18, 36)
        assert settings.get_int(settings.SAFEGUARDING_KEEP_UNTIL_AGE) == 30
        assert db.session.get(Setting, "retention_months").updated_by_id is not None
        changed = db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.record_type == "setting")
        )
        assert changed == 3


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {
                "retention_months": "0",
                "family_inactive_months": "24",
                "safeguarding_keep_until_age": "25",
            },
            "from 1 to 120",
        ),
        (
            {
                "retention_months": "121",
                "family_inactive_months": "24",
                "safeguarding_keep_until_age": "25",
            },
            "from 1 to 120",
        ),
        (
            {
                "retention_months": "12",
                "family_inactive_months": "5",
                "safeguarding_keep_until_age": "25",
            },
            "from 6 to 120",
        ),
        (
            {
                "retention_months": "twelve",
                "family_inactive_months": "24",
                "safeguarding_keep_until_age": "25",
            },
            "integer",
        ),
        (
            {
                "retention_months": "",
                "family_inactive_months": "24",
                "safeguarding_keep_until_age": "25",
            },
            "required",
        ),
        (
            {
                "retention_months": "12",
                "family_inactive_months": "24",
                "safeguarding_keep_until_age": "17",
            },
            "from 18 to 100",
        ),
    ],
)
def test_bad_settings_are_refused_with_a_message(app, auth, client, values, message):
    admin(auth)
    response = post(client, "/admin/privacy/", values)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).lower()
    with app.app_context():
        stored = db.session.scalars(sa.select(Setting.key).where(Setting.key != kept.KEY))
        assert stored.all() == []  # no privacy setting saved (the kept counts' version aside)


# --- a student ---------------------------------------------------------------------------


def test_the_student_page_links_and_downloads_a_zip(app, auth, client):
    student = make_student(app, **STUDENT)
    admin(auth)
    show = client.get(f"/students/{student}").get_data(as_text=True)
    assert f"/admin/privacy/students/{student}" in show
    page = client.get(f"/admin/privacy/students/{student}")
    assert page.status_code == 200
    assert "Download data (ZIP)" in page.get_data(as_text=True)
    response = client.get(f"/admin/privacy/students/{student}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f'filename="student-{student}.zip"' in response.headers["Content-Disposition"]
    assert "Loeschmann" not in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == [f"student-{student}.json"]
    with app.app_context():
        entry = last_entry("privacy.exported")
        assert entry.record_id == student and entry.user_id is not None


@pytest.mark.parametrize("typed", [None, "", "Erika", "Someone Else"])
def test_erasing_needs_the_name_typed(app, auth, client, typed):
    student = make_student(app, **STUDENT)
    admin(auth)
    data = {} if typed is None else {"confirm": typed}
    response = post(client, f"/admin/privacy/students/{student}/erase", data)
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)
    assert exists(app, Student, student)


def test_erasing_without_the_csrf_token_is_refused(app, auth, client):
    student = make_student(app, **STUDENT)
    admin(auth)
    response = client.post(
        f"/admin/privacy/students/{student}/erase", data={"confirm": "Erika Loeschmann"}
    )
    assert response.status_code == 400
    assert exists(app, Student, student)


def test_erasing_a_student_from_the_page(app, auth, client):
    student = make_student(app, **STUDENT)
    admin(auth)
    response = post(
        client, f"/admin/privacy/students/{student}/erase", {"confirm": "  erika   LOESCHMANN "}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/students/")
    assert not exists(app, Student, student)
    with app.app_context():
        entry = last_entry("privacy.erased")
        assert entry.details == {"kind": "student"} and entry.user_id is not None


# --- a family ----------------------------------------------------------------------------


def test_the_family_page_links_downloads_and_erases(app, auth, client):
    application = make_application(app, family_name="Famerase")
    family = family_id(app, application)
    admin(auth)
    vetting = client.get(f"/vetting/{application}").get_data(as_text=True)
    assert f"/admin/privacy/families/{family}" in vetting
    page = client.get(f"/admin/privacy/families/{family}")
    assert page.status_code == 200 and "Famerase" in page.get_data(as_text=True)
    download = client.get(f"/admin/privacy/families/{family}/export")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    refused = post(client, f"/admin/privacy/families/{family}/erase", {"confirm": "Miller"})
    assert refused.status_code == 400
    assert exists(app, HostFamily, family)
    done = post(client, f"/admin/privacy/families/{family}/erase", {"confirm": "famerase"})
    assert done.status_code == 302
    assert not exists(app, HostFamily, family)
