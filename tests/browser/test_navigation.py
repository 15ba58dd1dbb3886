"""The header on a phone and on a desktop, in English and German: the staff menu is a
disclosure button (and without script the navigation is simply shown), the German navigation
fits on one row at 1280 px, the skip link is readable and the language switch shows focus;
on a phone the placement board keeps its main action on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests.conftest import PASSWORD, make_user
from tests.factories import enrol, make_approved_family, make_cohort, make_student

STAFF = "coordinator@example.org"


def log_in(page, email: str = STAFF) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


def test_the_staff_menu_on_a_phone_is_a_disclosure_button(app, phone_page):
    make_user(app, STAFF, Role.COORDINATOR)
    log_in(phone_page)
    menu = phone_page.get_by_role("button", name="Menu")
    nav = phone_page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    header = phone_page.locator(".site-header").bounding_box()
    assert header["height"] < 100, "the closed header takes little room"
    expect(phone_page.get_by_role("button", name="Deutsch")).to_be_visible()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Students")).to_be_visible()
    nav.get_by_role("link", name="Students").focus()
    phone_page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()

    phone_page.keyboard.press("Enter")  # a real button: the keyboard opens it too
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()


def test_without_script_the_navigation_is_shown(app, browser, live_server):
    make_user(app, STAFF, Role.COORDINATOR)
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        log_in(page)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Students")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_navigation_keeps_to_one_row_beside_no_logo_at_1280(app, page, language):
    make_user(app, STAFF, Role.ADMIN)  # the longest menu
    log_in(page)
    if language == "de":
        with page.expect_navigation():  # counted on the German page, not the one leaving
            page.get_by_role("button", name="Deutsch").click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    nav = page.get_by_role("navigation")
    items = nav.locator("li")
    expect(items.nth(10)).to_be_visible()  # eleven entries or more, awaited
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, f"the navigation wraps onto {len(tops)} rows"
    brand = page.locator(".brand").bounding_box()
    assert min(tops) >= brand["y"] + brand["height"], "the navigation sits below the brand"


def test_skip_link_is_solid_and_the_language_switch_shows_focus(app, page):
    make_user(app, STAFF, Role.COORDINATOR)
    log_in(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # Awaited, not read once: a read could come before the stylesheet applies.
    expect(skip).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")

    switch = page.get_by_role("button", name="Deutsch")
    switch.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, as :focus-visible needs
    expect(switch).to_be_focused()
    expect(switch).not_to_have_css("outline-style", "none")
    assert page.locator("a[role=button]").count() == 0


def test_the_board_keeps_its_main_action_on_a_phone(app, phone_page):
    make_user(app, STAFF, Role.COORDINATOR)
    cohort = make_cohort(app, name="Buffalo 2027")
    enrol(app, make_student(app, first_name="Lena", last_name="Abel"), cohort)
    make_approved_family(app, [cohort], email="millers@example.org", beds_offered=2)
    log_in(phone_page)
    phone_page.goto(f"/placements/cohorts/{cohort}")
    place = phone_page.get_by_role("button", name="Place", exact=True)
    box = place.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board scrolls sideways ({width} px)"


def test_the_roster_preview_is_reached_by_keyboard(app, page):
    make_user(app, STAFF, Role.COORDINATOR)
    cohort = make_cohort(app, name="Buffalo 2027")
    enrol(app, make_student(app, first_name="Lena", last_name="Abel"), cohort)
    log_in(page)
    page.goto(f"/rosters/cohorts/{cohort}")
    page.get_by_role("button", name="Show roster").click()
    region = page.get_by_role("region", name="Roster preview (scrolls sideways)")
    page.get_by_role("link", name="English (commas)").focus()  # the last link before it
    page.keyboard.press("Tab")
    expect(region).to_be_focused()
