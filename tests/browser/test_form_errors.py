"""A failed submit on three kinds of form (logging in, a family's sign-up, a new cohort), in
English (with JavaScript) and German (without: autofocus and plain links do it): the title
starts with "Error:", the focus is on the summary at the top, and each of its links moves the
focus to an existing field."""

from __future__ import annotations

import pytest

from app.models import Role
from tests.conftest import PASSWORD, make_user

PREFIX = {"en": "Error: ", "de": "Fehler: "}


def submit_empty(page, path: str) -> None:
    page.goto(path)
    with page.expect_navigation():  # the answer has loaded, not just begun to
        page.locator("main form").last.locator("[type=submit]").last.click()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def check_error_state(page, language: str, where: str) -> list[str]:
    assert page.title().startswith(PREFIX[language]), f"{where}: title {page.title()!r}"
    assert focused_id(page) == "error-summary", f"{where}: focus on {focused_id(page)!r}"
    summary = page.locator("#error-summary")
    assert summary.get_by_role("alert").count() == 1
    assert page.get_by_role("alert").count() == 1, f"{where}: more than one announcement"
    links = summary.locator("a")
    targets = [
        href[1:] for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ]
    assert targets, f"{where}: the summary links to no field"
    for number, target in enumerate(targets):
        field = page.locator(f"#{target}")
        assert field.count() == 1, f"{where}: the summary links to #{target}, which is missing"
        links.nth(number).click()
        assert focused_id(page) == target, f"{where}: the link to #{target} did not focus it"
        assert field.is_visible()
        # The error sits under the field's label, above the input.
        error = page.locator(f"#{target}-error")
        if error.count():
            assert error.bounding_box()["y"] < field.bounding_box()["y"]
    return targets


@pytest.mark.parametrize(
    ("language", "javascript"),
    [("en", True), ("de", False)],
    ids=["en", "de-without-js"],
)
def test_a_failed_submit_leads_to_the_fields(app, browser, live_server, language, javascript):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    context = browser.new_context(
        base_url=live_server,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
        java_script_enabled=javascript,
    )
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        submit_empty(page, "/login")
        assert check_error_state(page, language, "login") == ["email", "password"]

        submit_empty(page, "/family/signup")
        assert "email" in check_error_state(page, language, "sign-up")

        page.goto("/login")
        page.locator("#email").fill("coordinator@example.org")
        page.locator("#password").fill(PASSWORD)
        with page.expect_navigation():  # the title read is the next page's
            page.locator("main form [type=submit]").click()
        assert not page.title().startswith(PREFIX[language])
        submit_empty(page, "/cohorts/new")
        targets = check_error_state(page, language, "new cohort")
        assert {"name", "departure_date", "return_date"} <= set(targets)
    finally:
        context.close()
