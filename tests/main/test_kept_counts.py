"""The dashboard's counts are kept between requests (app/kept.py), and still right on the very
next view after anything that changes them: a contact, a placement, a document or consent, a
bulk UPDATE/INSERT through the session, a write by another process, midnight in the host
area."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import bulk, kept
from app.extensions import db
from app.models import (
    Cohort,
    Contact,
    ContactMode,
    ContactWith,
    Enrolment,
    GuardianConsent,
    Placement,
    Role,
    Wellbeing,
)
from app.models.base import utcnow
from app.services.enrolment import documents
from app.services.supervision import compliance, contact_rule
from tests.services.supervision.care_data import buffalo_cohort, contact, family, student


@pytest.fixture(autouse=True)
def versioned(app):
    """The version row, as the migration makes it (the tests' schema is made without)."""
    with app.app_context():
        connection = db.session.connection()
        connection.execute(kept._upsert(connection.dialect.name))
        db.session.commit()


@pytest.fixture
def stay(app, versioned):
    """A cohort in Buffalo since 20 days: Becker (living with the Millers, contacted) and
    Schulz (not placed, never contacted: overdue)."""
    today = date.today()
    cohort_id = buffalo_cohort(app, today - timedelta(days=20), today + timedelta(days=40))
    becker, schulz = student(app, cohort_id, "Becker"), student(app, cohort_id, "Schulz")
    application_id = family(app, cohort_id, becker, family_name="Miller")
    contact(app, cohort_id, today - timedelta(days=18), becker, application_id)
    return {"cohort": cohort_id, "becker": becker, "schulz": schulz, "family": application_id}


@pytest.fixture
def staff(auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


def dashboard(client) -> str:
    response = client.get("/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def statements(app, client) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

    def note(*_args) -> None:
        seen.append(1)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        dashboard(client)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def missing(page: str, cohort_id: int) -> str:
    found = re.search(rf'<a href="/cohorts/{cohort_id}/documents">(\d+)</a>', page)
    return found.group(1) if found else "0"


def test_the_counts_are_kept_while_nothing_changes(app, stay, staff):
    dashboard(staff)
    first = statements(app, staff)
    with app.app_context():
        db.session.execute(sa.update(Cohort).values(name=Cohort.name))  # a write: counted anew
        db.session.commit()
    assert statements(app, staff) > first  # counted again once
    assert statements(app, staff) == first  # and kept again


def test_a_contact_recorded_is_counted_on_the_next_view(app, stay, staff):
    assert "1 contact overdue" in dashboard(staff)
    contact(app, stay["cohort"], compliance.today_in("America/New_York"), stay["schulz"])
    assert "contact overdue" not in dashboard(staff)


def contact_today(stay) -> dict:
    """The row of a contact with Schulz today, for inserting in bulk."""
    return {
        "cohort_id": stay["cohort"],
        "enrolment_id": stay["schulz"],
        "with_whom": ContactWith.STUDENT,
        "contacted_on": date.today(),
        "mode": ContactMode.PHONE,
        "wellbeing": Wellbeing.FINE,
        "notes": "",
    }


def test_a_contact_inserted_in_bulk_is_counted(app, stay, staff):
    assert "1 contact overdue" in dashboard(staff)
    with app.app_context():
        db.session.execute(sa.insert(Contact), [contact_today(stay)])
        db.session.commit()
    assert "contact overdue" not in dashboard(staff)


def test_a_contact_inserted_by_the_bulk_path_of_the_import_is_counted(app, stay, staff):
    """app.bulk sends its rows with COPY on PostgreSQL, past the session's events."""
    assert "1 contact overdue" in dashboard(staff)
    with app.app_context():
        bulk.insert(Contact.__table__, [contact_today(stay)])
        db.session.commit()
    assert "contact overdue" not in dashboard(staff)


def due_this_week(page: str) -> str:
    return re.search(r'data-label="Due this week">([^<]*)</td>', page).group(1)


def test_a_placement_made_and_ended_is_counted(app, stay, staff):
    before = due_this_week(dashboard(staff))
    family(app, stay["cohort"], stay["schulz"], family_name="Jones")  # a first contact is due
    placed = due_this_week(dashboard(staff))
    assert placed != before
    with app.app_context():
        assert f"{contact_rule.stays_on()[0].due_this_week} contacts due this week" == placed
        db.session.execute(
            sa.update(Placement)
            .where(Placement.enrolment_id == stay["schulz"])
            .values(status="cancelled", cancelled_at=utcnow())
        )
        db.session.commit()
    assert due_this_week(dashboard(staff)) == before


def test_a_cohort_renamed_in_bulk_shows_at_once(app, stay, staff):
    assert "Renamed cohort" not in dashboard(staff)
    with app.app_context():
        db.session.execute(
            sa.update(Cohort).where(Cohort.id == stay["cohort"]).values(name="Renamed cohort")
        )
        db.session.commit()
    page = dashboard(staff)
    assert page.count("Renamed cohort") == 2  # the current cohorts and the contacts due


def test_documents_received_and_consent_withdrawn_are_counted(app, stay, staff):
    assert missing(dashboard(staff), stay["cohort"]) == "2"
    with app.app_context():
        enrolment = db.session.get(Enrolment, stay["becker"])
        for kind in documents.PAPER_KINDS:
            documents.set_received(enrolment, kind, True, None)
        consent = documents.record_consent(
            enrolment, "Eva Becker", datetime(2026, 1, 5), documents.current_wording_version(), None
        )
        db.session.commit()
        consent_id = consent.id
    assert missing(dashboard(staff), stay["cohort"]) == "1"
    with app.app_context():
        consent = db.session.get(GuardianConsent, consent_id)
        documents.withdraw_consent(consent, None, "changed their mind")
        db.session.commit()
    assert missing(dashboard(staff), stay["cohort"]) == "2"


def test_another_process_writing_is_seen_through_the_version(app, stay, staff):
    """A process writes through its own session and connection: this one's kept counts are
    not used, because the version in the database is new."""
    assert "1 contact overdue" in dashboard(staff)
    with app.app_context():
        connection = db.session.connection()
        connection.execute(  # around the session: the other process's row ...
            sa.insert(Contact).values(
                cohort_id=stay["cohort"],
                enrolment_id=stay["schulz"],
                with_whom=ContactWith.STUDENT,
                contacted_on=date.today(),
                mode=ContactMode.PHONE,
                wellbeing=Wellbeing.FINE,
                notes="",
            )
        )
        connection.execute(kept._upsert(connection.dialect.name))  # ... and its new version
        db.session.commit()
    assert "contact overdue" not in dashboard(staff)


def test_midnight_in_the_host_area_counts_again(app, staff, monkeypatch):
    """The first week ends today in Buffalo: due this week today, overdue after midnight."""
    now = utcnow()
    today = compliance.today_in("America/New_York", now)
    cohort_id = buffalo_cohort(app, today - timedelta(days=6), today + timedelta(days=60))
    student(app, cohort_id, "Schulz")
    assert "1 contact due this week" in dashboard(staff)
    tomorrow = now + timedelta(days=1)
    monkeypatch.setattr(compliance, "utcnow", lambda: tomorrow)
    monkeypatch.setattr(contact_rule, "utcnow", lambda: tomorrow)
    assert "1 contact overdue" in dashboard(staff)


def test_a_write_in_a_savepoint_is_counted_at_the_commit(app, stay, staff):
    assert "Renamed cohort" not in dashboard(staff)
    with app.app_context():
        with db.session.begin_nested():
            db.session.get(Cohort, stay["cohort"]).name = "Renamed cohort"
        db.session.commit()
    assert "Renamed cohort" in dashboard(staff)


def test_a_command_is_counted(app, stay, staff, runner):
    assert "1 contact overdue" in dashboard(staff)
    with app.app_context():
        schulz = db.session.get(Enrolment, stay["schulz"]).student_id
    result = runner.invoke(args=["privacy", "erase-student", str(schulz), "--yes"])
    assert result.exit_code == 0, result.output
    assert "contact overdue" not in dashboard(staff)


def test_the_kept_counts_read_only_watched_tables(app, stay, staff, monkeypatch):
    """A kept value computed from a table nobody watches would go stale when it changes."""
    read: set[str] = set()
    with app.app_context():
        engine = db.engine

    def note(_conn, _cursor, statement, *_args) -> None:
        read.update(re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', statement))

    real = kept.value

    def traced(name, compute, *args):
        def computing():
            sa.event.listen(engine, "before_cursor_execute", note)
            try:
                return compute()
            finally:
                sa.event.remove(engine, "before_cursor_execute", note)

        return real(name, computing, *args)

    monkeypatch.setattr(kept, "value", traced)
    monkeypatch.setattr(kept, "_kept", {})
    dashboard(staff)
    assert {"contacts", "placements", "host_applications", "enrolments"} <= read
    assert read - kept.WATCHED == set()


def test_a_student_placed_leaves_the_unplaced_list(app, staff):
    cohort_id = buffalo_cohort(
        app, date.today() + timedelta(days=10), date.today() + timedelta(days=60)
    )
    schulz = student(app, cohort_id, "Schulz")
    assert "Leaving soon without a host family" in dashboard(staff)
    family(app, cohort_id, schulz, family_name="Jones")
    assert "Leaving soon without a host family" not in dashboard(staff)
