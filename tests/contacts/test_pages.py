"""The duty-of-care pages: the compliance view, recording a contact, the log with its print
view and files, the contact rule; in both languages, and closed to whoever does not look
after the cohort."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import AuditEntry, Cohort, Contact, Programme, Role, Wellbeing
from app.services.supervision import compliance
from tests.conftest import post
from tests.factories import TEACHER_PASSWORD, assign_teacher, make_teacher
from tests.services.supervision.care_data import buffalo_cohort, contact, family, student


@pytest.fixture
def stay(app):
    """A cohort in Buffalo since 20 days: Becker (Anna's, living with the Millers, one
    contact with notes) and Schulz (Ben's, not placed)."""
    today = date.today()
    cohort_id = buffalo_cohort(app, today - timedelta(days=20), today + timedelta(days=40))
    becker, schulz = student(app, cohort_id, "Becker"), student(app, cohort_id, "Schulz")
    application_id = family(app, cohort_id, becker, family_name="Miller")
    anna = make_teacher(app, "Anna Lehmann", email="anna@example.org")
    ben = make_teacher(app, "Ben Koch", email="ben@example.org")
    assign_teacher(app, cohort_id, anna, "lead", [becker])
    assign_teacher(app, cohort_id, ben, "assistant", [schulz])
    contact(app, cohort_id, today - timedelta(days=18), becker, application_id)
    return {
        "cohort": cohort_id,
        "becker": becker,
        "schulz": schulz,
        "family": application_id,
        "anna": anna,
    }


@pytest.fixture
def as_anna(auth):
    response = auth.login("anna@example.org", TEACHER_PASSWORD)
    assert response.status_code == 302
    return auth.client


def today_there(app, cohort_id: int) -> date:
    with app.app_context():
        return compliance.local_today(db.session.get(Cohort, cohort_id))


def test_a_teacher_sees_whom_to_contact_her_own_first(app, stay, as_anna):
    page = as_anna.get(f"/care/cohorts/{stay['cohort']}").get_data(as_text=True)
    assert "America/New_York" in page
    assert "at least once every calendar month" in page
    # Anna's own first (Becker and the Millers he lives with), then Ben's Schulz.
    assert page.index("Becker") < page.index("The Miller family") < page.index("Schulz")
    assert f"/care/cohorts/{stay['cohort']}/contacts/new?enrolment={stay['becker']}" in page
    assert f"/care/cohorts/{stay['cohort']}/contacts/new?family={stay['family']}" in page
    assert "cards-on-phone" in page
    # Schulz has had no contact: the first week is over, so he is overdue.
    assert "overdue since" in page
    assert "1 contact overdue" in page or "contact overdue" in page
    mine = as_anna.get(f"/care/cohorts/{stay['cohort']}?teacher=mine").get_data(as_text=True)
    assert "Ben Koch" in mine  # in the counts by teacher
    assert mine.count("contacts/new?enrolment=") == 1
    assert as_anna.get(f"/care/cohorts/{stay['cohort']}?teacher=x").status_code == 400
    # The rule is staff's: no link for a teacher.
    assert "/rule" not in page


def test_the_compliance_view_in_german(app, stay, as_anna):
    page = as_anna.get(
        f"/care/cohorts/{stay['cohort']}", headers={"Accept-Language": "de"}
    ).get_data(as_text=True)
    assert "Kontakte" in page
    assert "überfällig" in page
    assert "Kontakt erfassen" in page


def test_recording_a_contact_goes_back_to_the_view(app, stay, as_anna):
    url = f"/care/cohorts/{stay['cohort']}/contacts/new"
    form = as_anna.get(f"{url}?enrolment={stay['schulz']}").get_data(as_text=True)
    assert f'<option selected value="{stay["schulz"]}">' in form
    assert f'value="{today_there(app, stay["cohort"]).isoformat()}"' in form
    response = post(
        as_anna,
        url,
        {
            "with_whom": "student",
            "enrolment_id": stay["schulz"],
            "application_id": 0,
            "contacted_on": today_there(app, stay["cohort"]).isoformat(),
            "mode": "video",
            "participants": "Schulz",
            "wellbeing": "some_concerns",
            "notes": "Homesick.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/care/cohorts/{stay['cohort']}")
    page = as_anna.get(response.headers["Location"]).get_data(as_text=True)
    assert "The contact was recorded." in page
    with app.app_context():
        saved = db.session.scalar(sa.select(Contact).where(Contact.enrolment_id == stay["schulz"]))
        assert (saved.wellbeing, saved.notes) == (Wellbeing.SOME_CONCERNS, "Homesick.")


def test_a_serious_concern_leads_to_the_concern_report(app, stay, as_anna):
    response = post(
        as_anna,
        f"/care/cohorts/{stay['cohort']}/contacts/new",
        {
            "with_whom": "student",
            "enrolment_id": stay["becker"],
            "application_id": 0,
            "contacted_on": today_there(app, stay["cohort"]).isoformat(),
            "mode": "phone",
            "wellbeing": "serious",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(Contact).where(Contact.wellbeing == "serious"))
        has_concerns = "concerns.new" in app.view_functions
    if has_concerns:
        assert response.headers["Location"].endswith(
            f"/care/concerns/new?enrolment={stay['becker']}&contact={saved.id}"
        )
    else:  # until the concern report exists: back to the view
        assert response.headers["Location"].endswith(f"/care/cohorts/{stay['cohort']}")


def test_a_bad_contact_shows_the_problems_next_to_the_fields(app, stay, as_anna):
    url = f"/care/cohorts/{stay['cohort']}/contacts/new"
    tomorrow = today_there(app, stay["cohort"]) + timedelta(days=1)
    response = post(
        as_anna,
        url,
        {
            "with_whom": "student",
            "enrolment_id": stay["becker"],
            "application_id": 0,
            "contacted_on": tomorrow.isoformat(),
            "mode": "phone",
        },
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Es gibt ein Problem" in page or "error-summary" in page
    assert 'href="#contacted_on"' in page
    assert 'href="#wellbeing' in page
    with app.app_context():
        assert db.session.query(Contact).count() == 1


def test_the_log_lists_contacts_without_the_notes_in_files(app, stay, as_anna):
    base = f"/care/cohorts/{stay['cohort']}/contacts"
    page = as_anna.get(base).get_data(as_text=True)
    assert "Talked about school." in page
    assert "1 contact" in page
    response = as_anna.get(f"{base}.csv", headers={"Accept-Language": "de"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Talked about school." not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert any("Datum" in row for row in rows)
    with_notes = as_anna.get(f"{base}.csv?notes=1").get_data(as_text=True)
    assert "Talked about school." in with_notes
    book = load_workbook(io.BytesIO(as_anna.get(f"{base}.xlsx").data))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert not any("Talked about school." in c for c in cells)
    assert any("The Miller family" in c for c in cells)
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.like("contacts.%"))
        ).all()
        assert {e.action for e in entries} == {"contacts.view", "contacts.csv", "contacts.xlsx"}
        with_notes = [e for e in entries if e.action == "contacts.csv" and e.details["notes"]]
        assert len(with_notes) == 1


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_log_prints_on_a4_and_letter(app, stay, as_anna, paper):
    base = f"/care/cohorts/{stay['cohort']}/contacts"
    view = as_anna.get(f"{base}/print?paper={paper}").get_data(as_text=True)
    assert f'class="{paper}-' in view
    assert "1 contact" in view
    assert "Talked about school." not in view
    response = as_anna.get(f"{base}.pdf?paper={paper}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_staff_set_the_contact_rule(app, stay, auth):
    auth.login_as(Role.COORDINATOR)
    client = auth.client
    with app.app_context():
        programme_id = db.session.get(Cohort, stay["cohort"]).programme_id
    view = client.get(f"/care/cohorts/{stay['cohort']}").get_data(as_text=True)
    assert f"/care/programmes/{programme_id}/rule" in view
    url = f"/care/programmes/{programme_id}/rule"
    assert client.get(url, headers={"Accept-Language": "de"}).status_code == 200
    bad = post(
        client,
        url,
        {
            "contact_period": "week",
            "contact_first_days": "61",
            "unplaced_alert_weeks": "6",
            "home_timezone": "Europe/Berlin",
            "partner_timezone": "Mars/Olympus",
        },
    )
    assert bad.status_code == 400
    good = post(
        client,
        url,
        {
            "contact_period": "week",
            "contact_first_days": "10",
            "unplaced_alert_weeks": "8",
            "home_timezone": "Europe/Berlin",
            "partner_timezone": "America/Chicago",
        },
    )
    assert good.status_code == 302
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        assert (programme.contact_first_days, programme.partner_timezone) == (
            10,
            "America/Chicago",
        )
        assert programme.contact_period.value == "week"


def urls(stay: dict, programme_id: int) -> list[str]:
    base = f"/care/cohorts/{stay['cohort']}"
    return [
        base,
        f"{base}/contacts/new",
        f"{base}/contacts",
        f"{base}/contacts/print",
        f"{base}/contacts.csv",
        f"{base}/contacts.xlsx",
        f"{base}/contacts.pdf",
        f"/care/programmes/{programme_id}/rule",
    ]


def test_outsiders_get_nothing(app, stay, auth, client):
    with app.app_context():
        programme_id = db.session.get(Cohort, stay["cohort"]).programme_id
    every = urls(stay, programme_id)
    for url in every:  # anonymous: to the login page
        assert client.get(url).status_code in (302, 401), url
    # A teacher of another cohort: as if the cohort did not exist; the rule is not theirs.
    other = buffalo_cohort(app, date(2027, 5, 1), date(2027, 6, 1))
    outsider = make_teacher(app, "Carla Roth", email="carla@example.org")
    assign_teacher(app, other, outsider, "lead")
    auth.login("carla@example.org", TEACHER_PASSWORD)
    for url in every[:-1]:
        assert client.get(url).status_code == 404, url
    assert client.get(every[-1]).status_code == 403
    assert post(client, every[1], {"with_whom": "student"}).status_code == 404
    auth.logout()
    auth.login_as(Role.HOST_FAMILY)
    for url in every:
        assert client.get(url).status_code == 403, url
    with app.app_context():
        assert db.session.query(Contact).count() == 1


def test_the_teachers_page_counts_her_contacts_due(app, stay, as_anna):
    # Anna's family (the Millers) has had its contact, Becker too: nothing overdue for her.
    page = as_anna.get("/teachers/me").get_data(as_text=True)
    assert f"/care/cohorts/{stay['cohort']}?teacher=mine" in page
    cohort_page = as_anna.get(f"/teachers/me/cohorts/{stay['cohort']}").get_data(as_text=True)
    assert f"/care/cohorts/{stay['cohort']}" in cohort_page


def test_the_dashboard_counts_contacts_of_cohorts_abroad(app, stay, auth):
    auth.login_as(Role.COORDINATOR)
    page = auth.client.get("/dashboard").get_data(as_text=True)
    assert "Contacts during the stay" in page
    assert "1 contact overdue" in page  # Schulz, never contacted since arrival
    cohort_page = auth.client.get(f"/cohorts/{stay['cohort']}").get_data(as_text=True)
    assert f"/care/cohorts/{stay['cohort']}" in cohort_page
    german = auth.client.get("/dashboard", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "1 Kontakt überfällig" in german


def test_a_form_refused_by_its_own_checks_has_the_summary_too(app, stay, as_anna):
    response = post(
        as_anna,
        f"/care/cohorts/{stay['cohort']}/contacts/new",
        {"enrolment_id": "0", "application_id": "0", "contacted_on": "2026-12-02"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page
    assert 'href="#with_whom-0">With whom: Say whom the contact was with.</a>' in page
    assert 'href="#mode-0">How: Say how the contact was made.</a>' in page


def test_the_log_filters_by_date_and_orders(app, stay, as_anna):
    today = date.today()
    contact(app, stay["cohort"], today - timedelta(days=3), stay["schulz"])
    base = f"/care/cohorts/{stay['cohort']}/contacts"
    newest = as_anna.get(base).get_data(as_text=True)
    assert "2 contacts" in newest
    assert newest.index("Schulz") < newest.index("Becker")
    oldest = as_anna.get(f"{base}?order=oldest").get_data(as_text=True)
    assert oldest.index("Becker") < oldest.index("Schulz")
    since = (today - timedelta(days=5)).isoformat()
    recent = as_anna.get(f"{base}?since={since}").get_data(as_text=True)
    assert "1 contact" in recent and "Becker" not in recent.split("Contact log")[-1]
    assert as_anna.get(f"{base}?since=yesterday").status_code == 400
    assert as_anna.get(f"{base}?page=2").status_code == 404
    csv_text = as_anna.get(f"{base}.csv?since={since}").get_data(as_text=True)
    assert "Schulz" in csv_text and "Becker" not in csv_text
