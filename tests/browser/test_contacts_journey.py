"""A teacher in Buffalo, on a phone, sees whom to contact and records a contact; the pages
are photographed (390 px and 1280 px, English and German) when CONTACTS_SHOTS names a
folder."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.extensions import db
from app.models import Contact
from tests.factories import TEACHER_PASSWORD, assign_teacher, make_teacher
from tests.services.supervision.care_data import buffalo_cohort, contact, family, student

SHOTS = os.environ.get("CONTACTS_SHOTS")


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEACHER_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def world(app) -> int:
    today = date.today()
    cohort_id = buffalo_cohort(app, today - timedelta(days=40), today + timedelta(days=40))
    names = ["Becker", "Schulz", "Yilmaz", "Wagner"]
    enrolments = [student(app, cohort_id, name) for name in names]
    before = datetime.combine(today - timedelta(days=60), time(12))  # placed before leaving
    homes = [
        family(app, cohort_id, enrolments[0], before, family_name="Miller"),
        family(app, cohort_id, enrolments[1], before, family_name="Johnson"),
        family(app, cohort_id, enrolments[2], before, family_name="O'Connor"),
    ]
    anna = make_teacher(app, "Anna Lehmann", email="anna@example.org")
    ben = make_teacher(app, "Ben Koch", email="ben@example.org")
    assign_teacher(app, cohort_id, anna, "lead", enrolments[:2])
    assign_teacher(app, cohort_id, ben, "assistant", enrolments[2:])
    contact(app, cohort_id, today - timedelta(days=38), enrolments[0], homes[0])
    contact(app, cohort_id, today - timedelta(days=2), enrolments[0], homes[0])
    contact(app, cohort_id, today - timedelta(days=37), enrolments[2])
    return cohort_id


def test_a_teacher_on_a_phone_records_a_contact(app, phone_page):
    page = phone_page
    cohort_id = world(app)
    log_in(page, "anna@example.org")
    page.goto(f"/care/cohorts/{cohort_id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Contacts:")
    shoot(page, "compliance-390-en")
    # The rows are cards: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#student-" + str(_id_of(app, cohort_id, "Schulz"))).get_by_role(
        "link", name="Record a contact"
    ).click()
    expect(page.locator("#enrolment_id")).to_have_value(str(_id_of(app, cohort_id, "Schulz")))
    shoot(page, "contact-form-390-en")
    page.get_by_label("phone").check()
    page.get_by_label("some concerns").check()
    page.get_by_label("Notes").fill("Homesick, sleeping badly.")
    page.get_by_role("button", name="Record the contact").click()
    page.wait_for_url(f"**/care/cohorts/{cohort_id}")
    assert "The contact was recorded." in page.content()
    with app.app_context():
        assert db.session.query(Contact).count() == 4


def test_the_pages_in_german_and_on_a_desktop(app, page, phone_page):
    cohort_id = world(app)
    for name, current in (("1280", page), ("390", phone_page)):
        log_in(current, "anna@example.org")
        for language in ("en", "de"):
            current.goto(f"/care/cohorts/{cohort_id}")
            switch = "Deutsch" if language == "de" else "English"
            if current.get_by_role("button", name=switch).count():
                with current.expect_navigation():
                    current.get_by_role("button", name=switch).click()
            shoot(current, f"compliance-{name}-{language}")
            current.goto(f"/care/cohorts/{cohort_id}/contacts/new")
            label = "Kontakt speichern" if language == "de" else "Record the contact"
            with current.expect_navigation():
                current.get_by_role("button", name=label).click()
            shoot(current, f"contact-form-errors-{name}-{language}")
            assert current.locator("#error-summary").is_visible()
        current.goto(f"/care/cohorts/{cohort_id}/contacts/new")
        shoot(current, f"contact-form-{name}-de")
        current.goto(f"/care/cohorts/{cohort_id}/contacts")
        shoot(current, f"log-{name}-de")
    page.goto(f"/care/cohorts/{cohort_id}/contacts/print?paper=letter")
    assert "Kontaktprotokoll" in page.content()
    shoot(page, "log-print-letter-de")


def _id_of(app, cohort_id: int, last_name: str) -> int:
    import sqlalchemy as sa

    from app.models import Enrolment, Student

    with app.app_context():
        return db.session.scalar(
            sa.select(Enrolment.id)
            .join(Student)
            .where(Enrolment.cohort_id == cohort_id, Student.last_name == last_name)
        )
