"""Editable email texts in Chromium: an admin rewords the approval email in English and
German, previews it, has a placeholder typo refused; then a coordinator approves an English
family, whose email carries the admin's English text. With SHOTS=<folder> the pages are saved
as screenshots; axe looks at every page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.i18n import COOKIE
from app.models import HostApplication, OutboxEmail, Role
from tests.browser.test_accessibility import AXE
from tests.browser.test_concern_journey import FOUND, log_in, shot
from tests.conftest import PASSWORD, make_user
from tests.factories import make_cohort, make_vetted_family

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
EN = ("Welcome, {family} family!", "Dear {family} family,\nyou may host. Thank you!")
DE = ("Willkommen, Familie {family}!", "Liebe Familie {family},\nSie dürfen Gäste aufnehmen.")


def new_page(browser, live_server, language: str, width: str):
    context = browser.new_context(base_url=live_server, viewport=SIZES[width])
    context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
    context.set_default_timeout(10_000)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    return context, context.new_page()


def fill(page, language: str, subject: str, body: str) -> None:
    page.locator(f"input[name={language}-subject]").fill(subject)
    page.locator(f"textarea[name={language}-body]").fill(body)


def test_an_admin_rewords_the_approval_and_the_family_gets_it(app, browser, live_server):
    make_user(app, "admin@example.org", Role.ADMIN)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    application_id = make_vetted_family(
        app, [make_cohort(app)], "home_visited", family_name="Miller"
    )
    FOUND.clear()
    context, page = new_page(browser, live_server, "en", "1280")
    try:
        log_in(page, "admin@example.org", PASSWORD)
        page.goto("/admin/users")
        with page.expect_navigation():  # axe reads the list once it has loaded
            page.get_by_role("link", name="Email texts").click()
        shot(page, "emails-1280-en")
        page.get_by_role("link", name="Your host-family application is approved").click()
        expect(page.locator("input[name=de-subject]")).to_have_value(
            "Ihre Bewerbung als Gastfamilie wurde angenommen"
        )
        expect(page.locator(".email-placeholders")).to_contain_text("{family}")

        # A typo in a placeholder is refused next to its field; nothing is saved.
        fill(page, "en", *EN)
        fill(page, "de", DE[0], "Liebe Familie {famliy},\nSie dürfen Gäste aufnehmen.")
        with page.expect_navigation():  # the refusal has loaded, for axe below
            page.get_by_role("button", name="Save").click()
        expect(page.locator("#de-body-error")).to_contain_text("no placeholder {famliy}")
        expect(page.locator(".error-summary")).to_be_visible()
        shot(page, "email-refused-1280-en")

        # The preview fills in the sample; then the save.
        fill(page, "de", *DE)
        with page.expect_navigation():  # the preview has loaded, for axe below
            page.get_by_role("button", name="Preview").click()
        expect(page.locator("[data-preview-subject=en]")).to_have_text("Welcome, Miller family!")
        expect(page.locator("[data-preview-body=de]")).to_contain_text("Liebe Familie Miller,")
        shot(page, "email-preview-1280-en")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash-success")).to_contain_text("saved")
        expect(page.locator("input[name=en-subject]")).to_have_value(EN[0])

    finally:
        context.close()

    # A coordinator approves the family: the email has the admin's English text.
    context, page = new_page(browser, live_server, "de", "1280")  # the coordinator's German
    try:
        log_in(page, "coordinator@example.org", PASSWORD)
        page.goto(f"/vetting/{application_id}")
        page.locator("input[name=decision][value=approved]").check()
        with page.expect_navigation():
            page.locator("form[action$='/decision'] [type=submit]").click()
        expect(page.locator(".badge").first).to_contain_text("angenommen")
    finally:
        context.close()
    with app.app_context():
        family = db.session.get(HostApplication, application_id).family.user
        emails = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == family.email)
        ).all()
        approval = [email for email in emails if email.subject == "Welcome, Miller family!"]
        assert len(approval) == 1
        assert "Your host-family application is approved" not in [e.subject for e in emails]
        assert "Dear Miller family,\nyou may host. Thank you!" in approval[0].body
        db.session.rollback()
    assert FOUND == []


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_the_email_editor_on_a_phone_and_a_desktop(app, browser, live_server, language, width):
    make_user(app, "admin@example.org", Role.ADMIN)
    FOUND.clear()
    context, page = new_page(browser, live_server, language, width)
    try:
        log_in(page, "admin@example.org", PASSWORD)
        page.goto("/admin/emails")
        shot(page, f"emails-{width}-{language}")
        page.goto("/admin/emails/concern.alert")
        page.locator("textarea[name=en-body]").fill("Please log in.")
        with page.expect_navigation():  # the refusal has loaded, for axe below
            page.locator("[name=preview]").click()
        expect(page.locator("#en-body-error")).to_contain_text("{link}")
        shot(page, f"email-refused-{width}-{language}")
        page.locator("textarea[name=en-body]").fill("Please log in: {link}")
        with page.expect_navigation():  # the preview has loaded, for axe below
            page.locator("[name=preview]").click()
        expect(page.locator("[data-preview-body=en]")).to_contain_text("https://")
        shot(page, f"email-preview-{width}-{language}")
    finally:
        context.close()
    assert FOUND == []
