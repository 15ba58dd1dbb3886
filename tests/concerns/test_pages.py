"""The concern reports' pages: reporting (staff, teacher, family; from a contact), the list,
a report's page and what its owner does there, the dashboard's alerts, in English and
German; and the URL-map walk: a teacher of another cohort, a family that did not report it
and a coordinator on a safeguarding report they do not own get 403 or 404 everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Cohort, ConcernReport, ConcernStatus, Contact, Placement
from app.services.supervision import compliance
from tests.concerns.world import build, make_report, user
from tests.conftest import PASSWORD, post
from tests.factories import FAMILY_PASSWORD, TEACHER_PASSWORD


@pytest.fixture
def world(app):
    return build(app)


def client_of(app, email: str, language: str = "en"):
    password = PASSWORD
    if email.startswith("teacher"):
        password = TEACHER_PASSWORD
    elif email.startswith("family"):
        password = FAMILY_PASSWORD
    client = app.test_client()
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, email
    if language == "de":
        post(client, "/language", {"language": "de", "next": "/"})
    return client


def report_form(enrolment_id: int, **overrides) -> dict:
    return {
        "enrolment_id": str(enrolment_id),
        "category": "health",
        "severity": "routine",
        "happened_on": _yesterday(),
        "what_happened": "Sprained an ankle at football.",
        "action_taken": "Went to the doctor.",
        **overrides,
    }


def _yesterday() -> str:
    from datetime import date

    return (date.today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_teacher_reports_and_sees_the_report(app, world, language):
    teacher = client_of(app, world.a.teacher_email, language)
    page = teacher.get(f"/care/concerns/new?enrolment={world.a.placed_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert ("Call 911" in html) if language == "en" else ("Rufen Sie zuerst 911" in html)
    response = post(teacher, "/care/concerns/new", report_form(world.a.placed_id))
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(ConcernReport))
        assert report.what_happened == "Sprained an ankle at football."
    page = teacher.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert world.a.student_name in html and "Sprained an ankle" in html
    assert ("Timeline" in html) if language == "en" else ("Verlauf" in html)
    listing = teacher.get("/care/concerns/").get_data(as_text=True)
    assert world.a.student_name in listing


def test_the_teachers_cohort_page_offers_a_report_about_each_student(app, world):
    teacher = client_of(app, world.a.teacher_email)
    html = teacher.get(f"/teachers/me/cohorts/{world.a.cohort_id}").get_data(as_text=True)
    for enrolment_id in (world.a.placed_id, world.a.other_id):
        assert f"/care/concerns/new?enrolment={enrolment_id}" in html


def test_a_report_without_what_happened_is_shown_again_with_the_problem(app, world):
    teacher = client_of(app, world.a.teacher_email)
    response = post(teacher, "/care/concerns/new", report_form(world.a.placed_id, what_happened=""))
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    unchosen = post(teacher, "/care/concerns/new", report_form(0))
    assert unchosen.status_code == 400
    assert "Choose the student." in unchosen.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConcernReport.id))) == 0


def test_a_family_reports_from_its_portal_and_sees_only_its_own(app, world):
    family = client_of(app, world.a.family_email)
    portal = family.get("/family/").get_data(as_text=True)
    link = f"/care/concerns/new?enrolment={world.a.placed_id}"
    assert link in portal.replace("&amp;", "&")
    assert family.get(link).status_code == 200
    response = post(family, link, report_form(world.a.placed_id, category="family_conflict"))
    assert response.status_code == 302
    shown = family.get(response.headers["Location"])
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Take this report" not in html and "Add to the timeline" not in html
    assert "Timeline" not in html and "The coordinators look after your report" in html
    other = make_report(app, world.a.placed_id, world.a.teacher_email)
    assert family.get(f"/care/concerns/{other}").status_code == 404
    portal = family.get("/family/").get_data(as_text=True)
    assert "Concerns you reported" in portal
    assert portal.count("/care/concerns/") - portal.count("/care/concerns/new") == 1


def test_a_safeguarding_report_by_a_family_goes_to_the_admins_only(app, world):
    family = client_of(app, world.a.family_email)
    response = post(
        family,
        f"/care/concerns/new?enrolment={world.a.placed_id}",
        report_form(world.a.placed_id, category="safeguarding", severity="urgent"),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/family/")
    portal = family.get("/family/").get_data(as_text=True)
    assert "went to the admins" in portal
    assert "Concerns you reported" not in portal


def test_a_contact_with_a_serious_concern_fills_the_form(app, world):
    with app.app_context():
        enrolment_day = compliance.local_today(db.session.get(Cohort, world.a.cohort_id))
        enrolment_day -= timedelta(days=2)
        contact = Contact(
            cohort_id=world.a.cohort_id,
            enrolment_id=world.a.placed_id,
            application_id=world.a.application_id,
            with_whom="both",
            contacted_on=enrolment_day,
            mode="phone",
            wellbeing="serious",
            notes="She says she is not safe at home.",
            recorded_by_id=user(world.a.teacher_email).id,
        )
        db.session.add(contact)
        db.session.commit()
        contact_id = contact.id
    teacher = client_of(app, world.a.teacher_email)
    url = f"/care/concerns/new?enrolment={world.a.placed_id}&contact={contact_id}"
    html = teacher.get(url).get_data(as_text=True)
    assert "She says she is not safe at home." in html
    assert enrolment_day.isoformat() in html
    response = post(teacher, url, report_form(world.a.placed_id, severity="urgent"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ConcernReport.contact_id)) == contact_id
    other_teacher = client_of(app, world.b.teacher_email)
    assert other_teacher.get(f"/care/concerns/new?contact={contact_id}").status_code == 404


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_owner_handles_moves_and_closes_the_report(app, world, language):
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, severity="emergency")
    coordinator = client_of(app, world.coordinator, language)
    dashboard = coordinator.get("/dashboard").get_data(as_text=True)
    assert f"/care/concerns/{report_id}/take" in dashboard
    assert world.a.student_name not in dashboard
    assert (
        post(coordinator, f"/care/concerns/{report_id}/take", {"unowned": "1"}).status_code == 302
    )
    html = coordinator.get(f"/care/concerns/{report_id}").get_data(as_text=True)
    assert world.coordinator in html
    assert f"/care/concerns/{report_id}/take" not in coordinator.get("/dashboard").get_data(
        as_text=True
    )
    assert (
        post(
            coordinator, f"/care/concerns/{report_id}/actions", {"text": "Called the family."}
        ).status_code
        == 302
    )
    status_url = f"/care/concerns/{report_id}/status"
    assert post(coordinator, status_url, {"status": ""}).status_code == 400
    assert post(coordinator, status_url, {"status": "closed"}).status_code == 400
    assert post(coordinator, status_url, {"status": "resolved"}).status_code == 302
    with app.app_context():
        today = compliance.local_today(db.session.get(ConcernReport, report_id).cohort)
    follow = (today + timedelta(days=2)).isoformat()
    assert (
        post(
            coordinator, f"/care/concerns/{report_id}/follow-up", {"follow_up_on": follow}
        ).status_code
        == 302
    )
    move_page = coordinator.get(f"/care/concerns/{report_id}/move")
    assert move_page.status_code == 200
    assert "SpareA" in move_page.get_data(as_text=True)
    ends = (today + timedelta(days=5)).isoformat()
    moved = post(
        coordinator,
        f"/care/concerns/{report_id}/move",
        {
            "application_id": str(world.a.spare_application_id),
            "reason": "Emergency",
            "ends_on": ends,
        },
    )
    assert moved.status_code == 302
    html = coordinator.get(f"/care/concerns/{report_id}").get_data(as_text=True)
    facts, timeline = html.split('id="timeline"')
    assert "SpareA" in facts.split("<dl")[1] and "SpareA" in timeline
    assert ("temporary until" in html) if language == "en" else ("vorübergehend bis" in html)
    board = coordinator.get(f"/placements/cohorts/{world.a.cohort_id}").get_data(as_text=True)
    assert ("temporary until" in board) if language == "en" else ("vorübergehend bis" in board)
    confirm = coordinator.get(f"/care/concerns/{report_id}/close")
    assert confirm.status_code == 200
    refused = post(coordinator, f"/care/concerns/{report_id}/close", {"outcome": ""})
    assert refused.status_code == 400
    closed = post(coordinator, f"/care/concerns/{report_id}/close", {"outcome": "Settled in."})
    assert closed.status_code == 302
    with app.app_context():
        report = db.session.get(ConcernReport, report_id)
        assert report.status is ConcernStatus.CLOSED and report.outcome == "Settled in."
        placement = db.session.get(Placement, report.placement_id)
        assert placement.ends_on.isoformat() == ends
        kinds = [a.kind.value for a in report.actions]
        assert kinds == ["reported", "taken", "note", "status", "follow_up", "move", "closed"]
        assert db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "concern.viewed")
        )
    again = coordinator.get(f"/care/concerns/{report_id}/close").get_data(as_text=True)
    assert "confirm-form" not in again


def test_a_hard_rule_is_shown_and_cannot_be_overridden(app, world):
    with app.app_context():
        from app.models import Enrolment, HostApplication

        spare = db.session.get(HostApplication, world.a.spare_application_id)
        spare.has_pets, spare.pets = True, "a dog"
        db.session.get(Enrolment, world.a.placed_id).student.pet_allergy = True
        db.session.commit()
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, owner=world.coordinator)
    coordinator = client_of(app, world.coordinator)
    response = post(
        coordinator,
        f"/care/concerns/{report_id}/move",
        {
            "application_id": str(world.a.spare_application_id),
            "reason": "Emergency",
            "override_reason": "It is an emergency",
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "cannot be overridden" in html and "override-form" not in html


def test_the_second_coordinator_to_take_is_told(app, world):
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, severity="urgent")
    first, second = client_of(app, world.coordinator), client_of(app, world.coordinator2)
    assert "/take" in second.get("/dashboard").get_data(as_text=True)
    post(first, f"/care/concerns/{report_id}/take", {"unowned": "1"})
    response = post(second, f"/care/concerns/{report_id}/take", {"unowned": "1"})
    page = second.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{world.coordinator} took this report meanwhile" in page
    with app.app_context():
        assert db.session.get(ConcernReport, report_id).owner.email == world.coordinator


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_dashboard_hides_a_safeguarding_reports_details(app, world, language):
    make_report(app, world.a.placed_id, world.a.teacher_email, category="safeguarding")
    coordinator = client_of(app, world.coordinator, language)
    html = coordinator.get("/dashboard").get_data(as_text=True)
    expected = (
        "Safeguarding report — awaiting an owner" if language == "en" else "Kinderschutz-Meldung"
    )
    assert expected in html
    assert world.a.student_name not in html and "Cried at dinner" not in html
    assert "Cohort A" in html
    ago = r"reported [^<]+ ago" if language == "en" else r"gemeldet vor [^<]+"
    assert re.search(ago, html)


# Every page of a report, and a word each shows in English and in German.
PAGES = {
    "/care/concerns/new": ("Report a concern", "Sorge oder Vorfall melden"),
    "/care/concerns/": ("Concern reports", "Meldungen zu Sorgen und Vorfällen"),
    "/care/concerns/{id}": ("Timeline", "Verlauf"),
    "/care/concerns/{id}/close": ("Close the report", "Meldung abschließen"),
    "/care/concerns/{id}/move": ("Temporary until", "Vorübergehend bis"),
}


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_in_english_and_german(app, world, language):
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, owner=world.coordinator)
    coordinator = client_of(app, world.coordinator, language)
    for path, words in PAGES.items():
        response = coordinator.get(path.format(id=report_id))
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert words[language == "de"] in html, path
        assert f'lang="{language}"' in html, path


# --- the URL-map walk --------------------------------------------------------------------


def _walk(app, client, values: dict, query: dict, prefixes: tuple[str, ...]) -> list[str]:
    """Every rule of the pages named by the prefixes whose arguments the values hold (and
    the report form, with the query): the answers that are not 403 or 404."""
    from flask import url_for

    wrong = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(prefixes):
            continue
        if not set(rule.arguments) <= set(values):
            continue
        if not rule.arguments and rule.endpoint != "concerns.new":
            continue  # lists: checked for what they show
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}, **query)
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.get(url) if method == "GET" else post(client, url, {"unowned": "1"})
            if response.status_code not in (403, 404):
                wrong.append(f"{method} {url}: {response.status_code}")
    return wrong


EVERY_NEW_PAGE = ("concerns.", "contacts.")  # the contacts' pages where the app has them


def test_outsiders_get_403_or_404_on_every_page_of_a_report(app, world):
    """A teacher of another cohort and another cohort's family on every new page of the
    report's cohort (the report form about its student too); the family the student lives
    with, the cohort's teacher and a coordinator on a report they may not see (the family
    did not make it; a safeguarding report owned by an admin)."""
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, severity="urgent")
    safeguarding = make_report(
        app, world.a.placed_id, world.a.teacher_email, owner=world.admin, category="safeguarding"
    )
    ids = {"cohort_id": world.a.cohort_id, "enrolment_id": world.a.placed_id, "fmt": "csv"}
    about_the_student = {"enrolment": world.a.placed_id}
    outsiders = {  # email: (report, pages, query of the report form)
        world.b.teacher_email: (report_id, EVERY_NEW_PAGE, about_the_student),
        world.b.family_email: (report_id, EVERY_NEW_PAGE, about_the_student),
        world.a.family_email: (report_id, ("concerns.",), {}),
        world.a.teacher_email: (safeguarding, ("concerns.",), {}),
        world.coordinator: (safeguarding, ("concerns.",), {}),
    }
    for email, (target, prefixes, query) in outsiders.items():
        client = client_of(app, email)
        wrong = _walk(app, client, {**ids, "report_id": target}, query, prefixes)
        if not query:  # may report about the student: only the report's own pages count
            wrong = [w for w in wrong if "/new" not in w]
        assert wrong == [], f"{email}: {wrong}"
        if "family" not in email:
            listing = client.get("/care/concerns/?status=all").get_data(as_text=True)
            assert f"/care/concerns/{target}" not in listing, email
    with app.app_context():
        assert db.session.get(ConcernReport, report_id).owner_id is None


def test_a_coordinator_without_the_report_sees_no_safeguarding_in_the_list(app, world):
    make_report(app, world.a.placed_id, world.a.teacher_email, category="safeguarding")
    for email in (world.a.teacher_email, world.coordinator):
        html = client_of(app, email).get("/care/concerns/?status=all").get_data(as_text=True)
        assert world.a.student_name not in html
    admin = client_of(app, world.admin).get("/care/concerns/?status=all").get_data(as_text=True)
    assert world.a.student_name in admin


def test_the_dashboard_leads_to_the_reports_when_none_waits(app, world):
    admin = client_of(app, world.admin)
    html = admin.get("/dashboard").get_data(as_text=True)
    assert "none waits for an owner" in html and 'href="/care/concerns/"' in html
    assert "concern-alerts" not in html
