"""A coordinator withdraws a student through the confirmation page, sees who moves up
(named before and after), and takes the withdrawal back; the confirmation page is looked at
on a desktop and a phone, in English and German."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from app.models import Role
from tests.conftest import PASSWORD, make_user
from tests.factories import enrol, make_cohort, make_student

# Where the screenshots of the confirmation page go when asked for (SHOTS=/some/dir).
SHOTS = os.environ.get("SHOTS")


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def a_full_cohort(app) -> tuple[int, int, int]:
    """One place, held by Jonas Becker; Emir Yilmaz waits."""
    cohort_id = make_cohort(app, places=1, name="Buffalo spring 2027")
    jonas = enrol(app, make_student(app, first_name="Jonas", last_name="Becker"), cohort_id)
    emir = enrol(app, make_student(app, first_name="Emir", last_name="Yilmaz"), cohort_id)
    return cohort_id, jonas, emir


def test_withdraw_through_the_confirmation_see_who_moves_up_and_reinstate(app, page):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    cohort_id, jonas, _emir = a_full_cohort(app)
    log_in(page, "coordinator@example.org")

    page.goto(f"/cohorts/{cohort_id}")
    page.get_by_role("link", name="Becker, Jonas").click()
    page.get_by_role("link", name="Withdraw Jonas Becker…").click()

    heading = "Withdraw Jonas Becker from Buffalo spring 2027?"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    happens = page.get_by_role("region", name="What will happen")
    expect(happens).to_contain_text("Emir Yilmaz moves up from the waitlist and gets the place.")
    confirm = page.get_by_role("button", name="Withdraw Jonas Becker")
    # Waits until the stylesheet applies (the page may still be loading it).
    expect(confirm).to_have_css("background-color", "rgb(179, 38, 30)")
    shoot(page, "withdraw-desktop-en")

    page.get_by_role("link", name="Cancel and go back").click()  # nothing happened
    expect(page.locator(".page-head .badge")).to_contain_text("applied")
    page.get_by_role("link", name="Withdraw Jonas Becker…").click()
    page.get_by_label("Reason (optional)").fill("family moves to Munich")
    with page.expect_navigation():  # the buttons are counted on the whole of the next page
        page.get_by_role("button", name="Withdraw Jonas Becker").click()

    flash = page.locator(".flashes").inner_text()
    assert "Jonas Becker was withdrawn. Moved up from the waitlist: Emir Yilmaz." in flash
    assert "withdrawn" in page.locator(".page-head .badge").inner_text()
    assert page.get_by_role("button", name="Mark “Insurance” as received").count() == 0
    assert page.get_by_role("button", name="Record consent").count() == 0
    shoot(page, "enrolment-withdrawn-desktop-en")

    page.go_back()  # the confirmation page again: nothing to confirm any more
    assert "Jonas Becker is already withdrawn; nothing was changed." in page.inner_text("main")
    assert page.get_by_role("button", name="Withdraw Jonas Becker").count() == 0

    page.goto(f"/enrolments/{jonas}")
    page.get_by_role("link", name="Reinstate Jonas Becker…").click()
    happens = page.get_by_role("region", name="What will happen")
    expect(happens).to_contain_text("Jonas Becker goes to the end of the waitlist, at position 1.")
    shoot(page, "reinstate-desktop-en")
    with page.expect_navigation():  # the last history entry read is the next page's
        page.get_by_role("button", name="Reinstate Jonas Becker").click()

    flash = page.locator(".flashes").inner_text()
    assert "Jonas Becker was reinstated and is on the waitlist at position 1." in flash
    assert "position 1" in page.locator(".page-head .badge").inner_text()
    history = page.get_by_role("article").last.inner_text()
    assert "withdrawn → waitlisted" in history

    page.get_by_role("link", name="Buffalo spring 2027").first.click()
    page.get_by_role("link", name="Yilmaz, Emir").click()
    expect(page.locator(".page-head .badge")).to_contain_text("applied")


def test_the_confirmation_page_on_a_phone_and_in_german(app, page, phone_page):
    _cohort_id, jonas, _emir = a_full_cohort(app)
    for name, tab in (("desktop", page), ("phone", phone_page)):
        # one account each: the language chosen is kept with the account
        make_user(app, f"{name}@example.org", Role.COORDINATOR)
        log_in(tab, f"{name}@example.org")
        tab.goto(f"/enrolments/{jonas}/withdraw")
        if name == "phone":
            shoot(tab, "withdraw-phone-en")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        with tab.expect_navigation():  # read and measured on the German page, once loaded
            tab.get_by_role("button", name="Deutsch").click()
        assert tab.get_by_role(
            "heading", name="Anmeldung von Jonas Becker für Buffalo spring 2027 zurückziehen?"
        ).is_visible()
        happens = tab.get_by_role("region", name="Was passiert").inner_text()
        assert "Emir Yilmaz rückt von der Warteliste nach und bekommt den Platz." in happens
        shoot(tab, f"withdraw-{name}-de")
        if name == "phone":
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
