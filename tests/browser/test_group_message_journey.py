"""A coordinator writes to a cohort's guardians in English and German, sees how many will
receive it (and who cannot be reached) before sending, sends; the mail server receives one
email per guardian in their language, and the delivery log shows them as sent. With
SHOTS=<folder> the pages are saved as screenshots."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Cohort, Guardian, Role, User
from tests.conftest import PASSWORD, make_user
from tests.factories import enrol, make_cohort, make_student
from tests.services.mail.test_email_delivery import MailServer

SHOTS = os.environ.get("SHOTS")  # a folder for screenshots when asked for
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(app_factory, mail_server):
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def _guardian(app, cohort_id, email, locale, name) -> None:
    student_id = make_student(app)
    enrol(app, student_id, cohort_id)
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian).filter_by(student_id=student_id)).one()
        guardian.email, guardian.locale, guardian.name = email, locale, name
        db.session.commit()


def world(app) -> str:
    cohort_id = make_cohort(app)
    _guardian(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _guardian(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    _guardian(app, cohort_id, None, None, "Carl Ohne")
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    german = make_user(app, "koordination@example.org", Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, german).locale = "de"
        db.session.commit()
        return db.session.get(Cohort, cohort_id).name


LOGIN = {"en": ("Email", "Password", "Log in"), "de": ("E-Mail", "Passwort", "Anmelden")}


def log_in(page, email: str, language: str = "en") -> None:
    email_label, password_label, button = LOGIN[language]
    page.goto("/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def arrived(mail_server, recipient: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = mail_server.inbox.to(recipient)
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no email reached {recipient}")


def test_a_coordinator_sends_a_message_to_a_cohorts_guardians(
    app, page, browser, live_server, mail_server
):
    cohort = world(app)
    log_in(page, "coordinator@example.org")
    page.goto("/messages/new")
    page.get_by_label("Who receives it").select_option(label="The cohort's guardians")
    page.get_by_label("Cohort").select_option(label=cohort)
    page.get_by_label("Subject in English").fill("Meeting for {cohort}")
    page.get_by_label("Text in English").fill("Dear {name},\n\nthe meeting is on Friday.")
    page.get_by_label("Subject in German").fill("Treffen für {cohort}")
    page.get_by_label("Text in German").fill("Liebe(r) {name},\n\ndas Treffen ist am Freitag.")
    _shot(page, "new-desktop-en.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the recipients").click()

    # The count and the list before anything is sent.
    expect(page.locator("#recipient-count")).to_contain_text("2 recipients receive an email")
    recipients = page.locator("#recipients")
    expect(recipients).to_contain_text("Anne Smith")
    expect(recipients).to_contain_text("Berta Krause")
    expect(recipients).to_contain_text("no email known — cannot be reached")
    _shot(page, "preview-desktop-en.png")
    assert mail_server.inbox.messages == []
    preview_url = page.url

    # A German colleague sees the same preview in German, on a phone.
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, has_touch=True, locale="de-DE"
    )
    try:
        phone = context.new_page()
        log_in(phone, "koordination@example.org", "de")
        phone.goto(preview_url)
        expect(phone.locator("#recipient-count")).to_contain_text("2 Empfänger erhalten")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(phone, "preview-phone-de.png")
        phone.goto("/messages/new")
        expect(phone.get_by_label("Wer sie erhält")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(phone, "new-phone-de.png")
    finally:
        context.close()

    with page.expect_navigation():
        page.get_by_role("button", name="Send to 2 recipients").click()
    anne = arrived(mail_server, "anne@example.org")
    berta = arrived(mail_server, "berta@example.org")
    assert len(anne) == 1 and len(berta) == 1
    assert anne[0].message["Subject"] == f"Meeting for {cohort}"
    assert "Dear Anne Smith," in anne[0].body
    assert berta[0].message["Subject"] == f"Treffen für {cohort}"
    assert "Liebe(r) Berta Krause," in berta[0].body
    assert anne[0].message["List-Unsubscribe"]
    assert len(mail_server.inbox.messages) == 2

    page.reload()
    log = page.locator("#delivery-log")
    expect(log.locator("tr", has_text="Anne Smith")).to_contain_text("sent on")
    expect(log.locator("tr", has_text="Berta Krause")).to_contain_text("sent on")
    expect(log.locator("tr", has_text="Carl Ohne")).to_contain_text("cannot be reached")
    _shot(page, "log-desktop-en.png")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "log-phone-en.png")
