"""A coordinator changes a family's email language on its vetting page, and a guardian's in
the student form; screenshots of both at desktop and phone size, in English and German."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from app.models import Role
from app.services.identity import accounts
from tests.conftest import PASSWORD, make_user
from tests.factories import make_application, make_student

SHOTS = Path("/work/notes/shots/lang19")


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def speak(page, language: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": language, "url": page.url}])


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_change_the_language_of_a_family_and_a_guardian(
    app, browser, live_server, language, size
):
    viewport = (
        {"width": 1280, "height": 900} if size == "desktop" else {"width": 390, "height": 844}
    )
    context = browser.new_context(base_url=live_server, locale="en-US", viewport=viewport)
    page = context.new_page()
    try:
        make_user(app, "coordinator@example.org", Role.COORDINATOR)
        application_id = make_application(app, "hosts@example.org")
        student_id = make_student(app)
        log_in(page, "coordinator@example.org")
        speak(page, language)

        page.goto(f"/vetting/{application_id}")
        choice = page.locator(f'form[action="/vetting/{application_id}/language"] select')
        choice.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"vetting-{size}-{language}.png"))
        wanted = "de" if language == "en" else "en"
        choice.select_option(wanted)
        with page.expect_navigation():
            page.locator(f'form[action="/vetting/{application_id}/language"] button').click()
        assert (
            page.locator(f'form[action="/vetting/{application_id}/language"] select').input_value()
            == wanted
        )
        with app.app_context():
            assert accounts.find_user("hosts@example.org").locale == wanted

        page.goto(f"/students/{student_id}/edit")
        select = page.locator('select[name="guardian1-locale"]')
        select.scroll_into_view_if_needed()
        select.select_option("en")
        page.screenshot(path=str(SHOTS / f"student-form-{size}-{language}.png"))
        with page.expect_navigation():
            page.locator("main form [type=submit]").last.click()
        shown = page.locator("main").inner_text()
        assert ("Sprache: Englisch" if language == "de" else "Language: English") in shown
        page.screenshot(path=str(SHOTS / f"student-{size}-{language}.png"), full_page=True)
        with app.app_context():
            db.session.remove()
    finally:
        context.close()
