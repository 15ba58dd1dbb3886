"""Duty of care from end to end on 390 px phones, with the emails going through a real SMTP
server: a teacher in Buffalo sees whom to contact, records a contact with a serious concern
and reports it from there; the coordinators get the alert (no personal details, a link);
one follows the link, takes the report, adds what was done, moves the student to a
temporary family and closes the report with its outcome."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import (
    ConcernReport,
    ConcernStatus,
    Placement,
    PlacementKind,
    PlacementStatus,
    Role,
    User,
)
from tests.conftest import PASSWORD, make_user
from tests.factories import (
    TEACHER_PASSWORD,
    assign_teacher,
    make_approved_family,
    make_teacher,
)
from tests.services.mail.test_email_delivery import MailServer
from tests.services.supervision.care_data import buffalo_cohort, contact, family, student

PHONE = {"width": 390, "height": 844}
COORDINATORS = ("coordinator@example.org", "koordination@example.org")


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(app_factory, mail_server):
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def world(app) -> dict:
    """A cohort in Buffalo for 40 days: Becker called three days ago, Schulz only in the first
    week, the Johnsons (her family) never; the Garcias have a bed free."""
    today = date.today()
    cohort_id = buffalo_cohort(app, today - timedelta(days=40), today + timedelta(days=40))
    becker, schulz = student(app, cohort_id, "Becker"), student(app, cohort_id, "Schulz")
    before = datetime.combine(today - timedelta(days=60), clock(12))
    miller = family(app, cohort_id, becker, before, family_name="Miller")
    family(app, cohort_id, schulz, before, family_name="Johnson")
    garcia = make_approved_family(app, [cohort_id], family_name="Garcia", city="Buffalo")
    teacher = make_teacher(app, "Anna Lehmann", email="anna@example.org")
    assign_teacher(app, cohort_id, teacher, "lead", [becker, schulz])
    contact(app, cohort_id, today - timedelta(days=38), becker, miller)
    contact(app, cohort_id, today - timedelta(days=3), becker, miller)
    contact(app, cohort_id, today - timedelta(days=37), schulz)
    make_user(app, COORDINATORS[0], Role.COORDINATOR)
    german = make_user(app, COORDINATORS[1], Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, german).locale = "de"
        db.session.commit()
    return {"cohort": cohort_id, "schulz": schulz, "garcia": garcia}


def log_in(page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def arrived(mail_server, recipient: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = mail_server.inbox.to(recipient)
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no email reached {recipient}")


def test_a_teacher_reports_a_concern_and_a_coordinator_sees_it_through(
    app, browser, live_server, mail_server
):
    made = world(app)
    contexts = [
        browser.new_context(base_url=live_server, viewport=PHONE, has_touch=True, locale="en-US")
        for _ in range(2)
    ]
    try:
        teacher, coordinator = (context.new_page() for context in contexts)
        for page in (teacher, coordinator):
            page.set_default_timeout(10_000)

        # The teacher's page says who is due; the compliance view shows them as cards.
        teacher.goto("/login")
        log_in(teacher, "anna@example.org", TEACHER_PASSWORD)
        teacher.goto("/teachers/me")
        due = teacher.locator(".care-due-counts")
        # The Johnsons were never called: overdue whatever the day (Schulz: due or overdue).
        expect(due).to_contain_text(re.compile(r"\d+ contacts? overdue"))
        with teacher.expect_navigation():
            due.get_by_role("link").first.click()
        assert teacher.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        row = teacher.locator(f"#student-{made['schulz']}")
        expect(row).to_contain_text("due")

        # A call with Schulz: a serious concern leads straight to the report.
        with teacher.expect_navigation():
            row.get_by_role("link", name="Record a contact").click()
        teacher.get_by_label("phone").check()
        teacher.get_by_label("serious concern").check()
        teacher.get_by_label("Notes").fill("Says she was locked out overnight.")
        with teacher.expect_navigation():
            teacher.get_by_role("button", name="Record the contact").click()
        assert "/care/concerns/new" in teacher.url
        expect(teacher.locator(".flash, [role=alert], .notice").first).to_contain_text(
            "serious concern"
        )
        teacher.locator("select[name=category]").select_option("safety")
        teacher.locator("input[name=severity][value=urgent]").check()
        teacher.locator("textarea[name=what_happened]").fill(
            "Locked out of the house overnight; slept at a neighbour's."
        )
        with teacher.expect_navigation():
            teacher.locator("form[novalidate] button[type=submit]").click()
        expect(teacher.locator("h1")).to_contain_text("Schulz")

        # Every coordinator is alerted in their language, with a link and no name.
        english = arrived(mail_server, COORDINATORS[0])[-1]
        german = arrived(mail_server, COORDINATORS[1])[-1]
        assert "please log in" in english.subject
        assert "bitte anmelden" in german.subject.lower()
        for message in (english, german):
            assert "Schulz" not in message.subject + message.body
            assert "Locked out" not in message.body
        link = re.search(r"https?://\S+", english.body).group(0)
        assert re.search(r"/care/concerns/\d+$", link)

        # The coordinator follows the link, logs in and lands on the report.
        coordinator.goto(link)
        log_in(coordinator, COORDINATORS[0], PASSWORD)
        expect(coordinator.locator("h1")).to_contain_text("Schulz")
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="Take this report").click()
        facts = coordinator.locator("dl.facts")
        expect(facts).to_contain_text(COORDINATORS[0])

        coordinator.locator("textarea[name=text]").fill("Called the host family; key sorted.")
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="Add to the timeline").click()
        expect(coordinator.get_by_text("Called the host family; key sorted.")).to_be_visible()

        # A temporary family for ten days.
        with coordinator.expect_navigation():
            coordinator.get_by_role("link", name="Move the student").click()
        coordinator.locator("select[name=application_id]").select_option(str(made["garcia"]))
        coordinator.locator("input[name=reason]").fill("A calm week while things are sorted")
        ends = date.today() + timedelta(days=10)
        coordinator.locator("input[name=ends_on]").fill(ends.isoformat())
        with coordinator.expect_navigation():
            coordinator.locator("form[action$='/move'] button[type=submit]").click()
        expect(facts).to_contain_text("Garcia")
        expect(facts).to_contain_text("temporary until")

        # Closing asks for the outcome.
        with coordinator.expect_navigation():
            coordinator.get_by_role("link", name="Close the report…").click()
        coordinator.locator("textarea[name=outcome]").fill("Back on track; stays with the Garcias.")
        with coordinator.expect_navigation():
            coordinator.locator("form.confirm-form button[type=submit]").click()
        expect(facts).to_contain_text("Back on track")
        assert coordinator.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        for context in contexts:
            context.close()

    with app.app_context():
        report = db.session.scalar(sa.select(ConcernReport))
        assert report.status is ConcernStatus.CLOSED
        assert report.outcome == "Back on track; stays with the Garcias."
        assert report.contact_id is not None
        assert [a.kind.value for a in report.actions] == [
            "reported",
            "taken",
            "note",
            "move",
            "closed",
        ]
        moved = db.session.get(Placement, report.placement_id)
        assert moved.kind is PlacementKind.TEMPORARY and moved.ends_on == ends
        assert moved.status is PlacementStatus.ACTIVE and moved.application_id == made["garcia"]
