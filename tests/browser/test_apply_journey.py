"""A parent applies online on a 390 px phone: the open cohort's page, "Apply", sign-up, the
address confirmed with the emailed link (through a local SMTP server), two sections filled
and saved, logged out and in again, the rest filled, submitted: the page of where things
stand says "applied", and a coordinator sees the application. In English and German; axe
looks at every page; with SHOTS=<folder> the pages are saved as screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.i18n import COOKIE
from app.models import Enrolment, EnrolmentStatus, Role
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.browser.test_group_message_journey import arrived
from tests.conftest import PASSWORD, make_user
from tests.factories import make_cohort
from tests.services.mail.test_email_delivery import MailServer

SHOTS = os.environ.get("SHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PARENT = "maria.schmidt@example.org"
PARENT_PASSWORD = "lantern-harbour-velvet"
CONFIRM_RE = re.compile(r"https?://[^/\s]+(/email/confirm/\S+)")
FOUND: list[str] = []
STATUS = {"en": "applied", "de": "angemeldet"}


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


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form[action^='/login'] [type=submit]").click()


def save(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[name=save]").click()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_parent_applies_on_a_phone_and_a_coordinator_sees_it(
    app, browser, live_server, mail_server, language
):
    cohort_id = make_cohort(app, name="Dortmund → Buffalo 2027", places=4)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    FOUND.clear()
    contexts = []

    def new_page(size: dict):
        context = browser.new_context(base_url=live_server, viewport=size, has_touch=True)
        context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
        context.set_default_timeout(10_000)
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        contexts.append(context)
        return context.new_page()

    try:
        phone = new_page(PHONE)
        phone.goto("/apply/")
        shot(phone, f"apply-list-390-{language}")
        with phone.expect_navigation():
            phone.locator(f"a[href='/apply/cohorts/{cohort_id}']").click()
        expect(phone.locator("#places")).to_contain_text("4")
        shot(phone, f"cohort-390-{language}")
        with phone.expect_navigation():
            phone.locator(f"a[href='/apply/cohorts/{cohort_id}/signup']").click()
        phone.locator("input[name=email]").fill(PARENT)
        phone.locator("input[name=password]").fill(PARENT_PASSWORD)
        phone.locator("input[name=confirm]").fill(PARENT_PASSWORD)
        shot(phone, f"signup-390-{language}")
        with phone.expect_navigation():
            phone.locator("main form [type=submit]").click()

        # The address is confirmed with the emailed link before the account can be used.
        welcome = arrived(mail_server, PARENT)[-1]
        phone.goto(CONFIRM_RE.search(welcome.body).group(1))
        with phone.expect_navigation():
            phone.locator("main form [type=submit]").click()
        log_in(phone, PARENT, PARENT_PASSWORD)
        phone.goto(f"/apply/cohorts/{cohort_id}")
        with phone.expect_navigation():
            phone.locator(f"form[action='/apply/cohorts/{cohort_id}/start'] button").click()
        draft_url = phone.url
        shot(phone, f"tasks-new-390-{language}")

        # Two sections, saved.
        with phone.expect_navigation():  # axe reads the section once it has loaded
            phone.locator("a[href$='/student']").click()
        phone.locator("input[name=first_name]").fill("Lena")
        phone.locator("input[name=last_name]").fill("Schmidt")
        phone.locator("input[name=date_of_birth]").fill("2011-05-04")
        phone.locator("select[name=gender]").select_option("female")
        phone.locator("input[name=school]").fill("Goethe-Gymnasium")
        phone.locator("input[name=grade]").fill("10")
        shot(phone, f"section-student-390-{language}")
        save(phone)
        phone.locator("a[href$='/guardians']").click()
        expect(phone.locator("input[name='guardian1-email']")).to_have_value(PARENT)
        phone.locator("input[name='guardian1-name']").fill("Maria Schmidt")
        phone.locator("input[name='guardian1-relation']").fill("mother")
        phone.locator("input[name='guardian1-phone']").fill("+49 231 1234")
        phone.locator("input[name='guardian2-name']").fill("Jonas Schmidt")
        phone.locator("input[name='guardian2-relation']").fill("father")
        phone.locator("input[name='guardian2-phone']").fill("+49 231 5678")
        phone.locator("input[name='guardian2-email']").fill("jonas@example.org")
        save(phone)
        expect(phone.locator(".tag-completed")).to_have_count(2)

        # Log out, log in: the application is where it was left.
        with phone.expect_navigation():
            phone.evaluate("document.querySelector(\"form[action='/logout']\").requestSubmit()")
        log_in(phone, PARENT, PARENT_PASSWORD)  # lands on the application being written
        expect(phone).to_have_url(re.compile(r"/apply/$"))
        with phone.expect_navigation():
            phone.locator(f"a[href='{draft_url.replace(live_server, '')}']").click()
        expect(phone.locator(".tag-completed")).to_have_count(2)
        shot(phone, f"tasks-halfway-390-{language}")
        # Submitting now names what each section still lacks.
        with phone.expect_navigation():
            phone.locator("form[action$='/submit'] button").click()
        expect(phone.locator("#problems a[href$='/emergency']")).to_be_visible()
        shot(phone, f"tasks-problems-390-{language}")

        phone.locator("#problems a[href$='/emergency']").click()
        phone.locator("input[name='emergency1-name']").fill("Oma Schmidt")
        phone.locator("input[name='emergency1-relation']").fill("grandmother")
        phone.locator("input[name='emergency1-phone']").fill("+49 231 9999")
        save(phone)
        with phone.expect_navigation():  # axe reads the section once it has loaded
            phone.locator("#tasks a[href$='/health']").click()
        phone.locator("textarea[name=medical_notes]").fill("Asthma spray")
        shot(phone, f"section-health-390-{language}")
        save(phone)
        with phone.expect_navigation():
            phone.locator("form[action$='/submit'] button").click()
        shot(phone, f"done-390-{language}")
        with phone.expect_navigation():
            phone.locator("form[action$='/invite'] button").click()
        arrived(mail_server, "jonas@example.org")
        phone.locator("main a.button").last.click()
        phone.wait_for_url("**/my/")
        expect(phone.locator("main")).to_contain_text("Lena")
        expect(phone.locator("main .badge.status-applied")).to_contain_text(STATUS[language])
        shot(phone, f"my-390-{language}")

        # The staff were told, and a coordinator sees the application.
        assert arrived(mail_server, "coordinator@example.org")
        with app.app_context():
            enrolment = db.session.scalars(sa.select(Enrolment)).one()
            assert enrolment.status == EnrolmentStatus.APPLIED
            student_id = enrolment.student_id
        desktop = new_page(DESKTOP)
        desktop.goto(f"/apply/cohorts/{cohort_id}")
        expect(desktop.locator("#places")).to_contain_text("3")
        shot(desktop, f"cohort-1280-{language}")
        log_in(desktop, "coordinator@example.org", PASSWORD)
        desktop.goto(f"/cohorts/{cohort_id}")
        expect(desktop.locator("main")).to_contain_text("Schmidt")
        desktop.goto(f"/students/{student_id}")
        expect(desktop.locator("main")).to_contain_text("Asthma spray")
        shot(desktop, f"coordinator-student-1280-{language}")
    finally:
        for context in contexts:
            context.close()
    assert not FOUND, "axe found serious or critical violations:\n" + "\n".join(FOUND)
