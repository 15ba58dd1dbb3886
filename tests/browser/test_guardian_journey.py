"""A guardian joins on a phone: a coordinator invites her from the student's page, the email
reaches the mail server in her language, she follows the link on a 390 px phone, chooses a
password and sees what is missing; once the student is placed her page shows the host family
and the supervising teacher. In English and German; with SHOTS=<folder> the pages are saved
as screenshots. axe looks at every page."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.i18n import COOKIE
from app.models import Role, User
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.conftest import PASSWORD, make_user
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
)
from tests.guardians.helpers import GUARDIAN_PASSWORD, guardian
from tests.services.mail.test_email_delivery import MailServer

SHOTS = os.environ.get("SHOTS")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LINK = re.compile(r"https?://[^/\s]+(/invitation/\S+)")
FOUND: list[str] = []

WORDS = {
    "en": {
        "subject": "Please check the exchange details of Lena Schmidt",
        "missing": "Still missing",
        "medical": "Medical form",
        "sent": "The invitation was sent to maria@example.org.",
        "family": "Host family",
        "account": "has an account",
    },
    "de": {
        "subject": "Bitte prüfen Sie die Austauschdaten von Lena Schmidt",
        "missing": "Was noch fehlt",
        "medical": "Gesundheitsbogen",
        "sent": "Die Einladung wurde an maria@example.org geschickt.",
        "family": "Gastfamilie",
        "account": "hat ein Konto",
    },
}


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(app_factory, mail_server):
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def shot(page, name: str) -> None:
    FOUND.extend(f"{name}: {violation}" for violation in page.evaluate(RUN_AXE))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def arrived(mail_server, recipient: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = mail_server.inbox.to(recipient)
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no email reached {recipient}")


def world(app, language: str) -> dict:
    cohort_id = make_cohort(app, name="Buffalo 2027")
    student_id = make_student(
        app, first_name="Lena", last_name="Schmidt", guardians=[guardian(locale=language)]
    )
    enrolment_id = enrol(app, student_id, cohort_id)
    coordinator = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, coordinator).locale = language
        db.session.commit()
    teacher_id = make_teacher(app, "Anna Lehmann", "anna@example.org")
    assign_teacher(app, cohort_id, teacher_id, students=[enrolment_id])
    application_id = make_approved_family(app, [cohort_id], family_name="Miller")
    return {
        "cohort": cohort_id,
        "student": student_id,
        "enrolment": enrolment_id,
        "application": application_id,
    }


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login'] [type=submit]").click()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES["phone"]["width"], f"the page is {width} px wide on a phone"


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_guardian_is_invited_joins_on_a_phone_and_sees_the_host_family(
    app, browser, live_server, mail_server, language
):
    ids = world(app, language)
    words = WORDS[language]
    contexts = []
    FOUND.clear()

    def new_page(size: str):
        context = browser.new_context(base_url=live_server, viewport=SIZES[size])
        context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
        context.set_default_timeout(10_000)
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        contexts.append(context)
        return context.new_page()

    try:
        staff = new_page("desktop")
        log_in(staff, "coordinator@example.org", PASSWORD)
        staff.goto(f"/students/{ids['student']}")
        shot(staff, f"student-1280-{language}")
        with staff.expect_navigation():
            staff.locator("form[action$='/invitations'] button[type=submit]").click()
        expect(staff.locator(".flash")).to_contain_text(words["sent"])
        shot(staff, f"student-invited-1280-{language}")

        [email] = arrived(mail_server, "maria@example.org")
        assert email.subject == words["subject"]
        path = LINK.search(email.body).group(1)

        phone = new_page("phone")
        phone.goto(path)
        shot(phone, f"invitation-390-{language}")
        fits(phone)
        phone.locator("input[name=new_password]").fill(GUARDIAN_PASSWORD)
        phone.locator("input[name=confirm]").fill(GUARDIAN_PASSWORD)
        with phone.expect_navigation():
            phone.locator("main form [type=submit]").click()
        assert phone.url.endswith(f"/my/students/{ids['student']}")
        main = phone.locator("main")
        expect(main).to_contain_text(words["missing"])
        expect(main).to_contain_text(words["medical"])
        expect(main).not_to_contain_text("Miller")
        shot(phone, f"my-student-390-{language}")
        fits(phone)
        phone.goto("/my/")
        shot(phone, f"my-390-{language}")
        fits(phone)

        # The coordinator places Lena on the placement board.
        staff.goto(f"/placements/cohorts/{ids['cohort']}")
        row = staff.locator(f"#enrolment-{ids['enrolment']}")
        row.locator("select[name=application_id]").select_option(str(ids["application"]))
        with staff.expect_navigation():
            row.locator("button[type=submit]").click()
        expect(staff.locator(".flash")).to_contain_text("Miller")
        phone.reload()
        expect(main).to_contain_text(words["family"])
        expect(main).to_contain_text("Miller")
        expect(main).to_contain_text("12 Elmwood Avenue")
        expect(main).to_contain_text("+1 716 555 0100")
        expect(main).to_contain_text("Anna Lehmann")
        expect(main).to_contain_text("anna@example.org")
        shot(phone, f"my-placed-390-{language}")
        fits(phone)
        desktop = new_page("desktop")
        log_in(desktop, "maria@example.org", GUARDIAN_PASSWORD)
        assert desktop.url.endswith("/my/")
        shot(desktop, f"my-placed-1280-{language}")
        staff.goto(f"/students/{ids['student']}")
        shot(staff, f"student-accepted-1280-{language}")
        expect(staff.locator("#accounts")).to_contain_text(words["account"])
    finally:
        for context in contexts:
            context.close()
    assert not FOUND, "axe found serious or critical violations:\n" + "\n".join(FOUND)
