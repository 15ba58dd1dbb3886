"""A concern report in Chromium: a teacher reports an emergency on a phone, a coordinator
takes it from the top of the dashboard and reads it. With SHOTS=<folder> the pages are
saved as screenshots (phone and desktop, English and German). axe looks at every page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.i18n import COOKIE
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.concerns.world import build, make_report, user
from tests.conftest import PASSWORD
from tests.factories import FAMILY_PASSWORD, TEACHER_PASSWORD

SHOTS = os.environ.get("SHOTS")


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login'] [type=submit]").click()


FOUND: list[str] = []  # what axe found on the pages looked at


def shot(page, name: str) -> None:
    """Look at the page: axe's serious and critical findings, and a screenshot with SHOTS."""
    FOUND.extend(f"{name}: {violation}" for violation in page.evaluate(RUN_AXE))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_teacher_reports_on_a_phone_and_a_coordinator_takes_it(
    app, browser, live_server, language
):
    world = build(app)
    with app.app_context():
        for email in (world.a.teacher_email, world.coordinator):
            user(email).locale = language
        db.session.commit()
    sizes = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
    contexts = []
    FOUND.clear()

    def new_page(size: str):
        context = browser.new_context(base_url=live_server, viewport=sizes[size])
        context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
        context.set_default_timeout(10_000)
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        contexts.append(context)
        return context.new_page()

    try:
        teacher = new_page("phone")
        log_in(teacher, world.a.teacher_email, TEACHER_PASSWORD)
        teacher.goto(f"/care/concerns/new?enrolment={world.a.placed_id}")
        expect(teacher.locator("text=911").first).to_be_visible()
        shot(teacher, f"form-390-{language}")
        teacher.locator("select[name=category]").select_option("safety")
        teacher.locator("input[name=severity][value=emergency]").check()
        teacher.locator("textarea[name=what_happened]").fill("Left alone overnight at 15.")
        shot(teacher, f"form-filled-390-{language}")
        with teacher.expect_navigation():
            teacher.locator("form[novalidate] button[type=submit]").click()
        expect(teacher.locator("h1")).to_contain_text(world.a.student_name)
        shot(teacher, f"report-teacher-390-{language}")

        make_report(app, world.a.other_id, world.a.teacher_email, category="safeguarding")
        pages = {size: new_page(size) for size in ("phone", "desktop")}
        for size, coordinator in pages.items():
            log_in(coordinator, world.coordinator, PASSWORD)
            coordinator.goto("/dashboard")
            alerts = coordinator.locator(".concern-alerts")
            expect(alerts).to_be_visible()
            expect(alerts).not_to_contain_text(world.a.student_name)
            expect(alerts).not_to_contain_text("Ben OtherA")
            expect(alerts.locator("li")).to_have_count(2)
            shot(coordinator, f"dashboard-{sizes[size]['width']}-{language}")
        desktop = pages["desktop"]
        with desktop.expect_navigation():
            desktop.locator(".concern-alerts button[type=submit]").first.click()
        expect(desktop.locator("h1")).to_contain_text(world.a.student_name)
        expect(desktop.locator("dl.facts")).to_contain_text(world.coordinator)
        report_path = re.sub(r"^.*?/care", "/care", desktop.url)
        pages["phone"].goto(report_path)
        for size, coordinator in pages.items():
            width = sizes[size]["width"]
            shot(coordinator, f"report-{width}-{language}")
            coordinator.goto(f"/care/concerns/new?enrolment={world.a.other_id}")
            shot(coordinator, f"form-{width}-{language}")
            coordinator.goto("/care/concerns/")
            shot(coordinator, f"list-{width}-{language}")
        _move_and_close(pages, report_path, world, language, sizes)
    finally:
        for context in contexts:
            context.close()
    assert not FOUND, "axe found serious or critical violations:\n" + "\n".join(FOUND)


def _move_and_close(pages, report_path: str, world, language: str, sizes) -> None:
    """The owner moves the student to a temporary family and closes the report."""
    from datetime import date, timedelta

    phone, desktop = pages["phone"], pages["desktop"]
    phone.goto(f"{report_path}/move")
    shot(phone, f"move-390-{language}")
    desktop.goto(f"{report_path}/move")
    desktop.locator("select[name=application_id]").select_option(str(world.a.spare_application_id))
    desktop.locator("input[name=reason]").fill("Not safe at home")
    ends = (date.today() + timedelta(days=10)).isoformat()
    desktop.locator("input[name=ends_on]").fill(ends)
    shot(desktop, f"move-{sizes['desktop']['width']}-{language}")
    with desktop.expect_navigation():
        desktop.locator("form[action$='/move'] button[type=submit]").click()
    facts = desktop.locator("dl.facts")
    expect(facts).to_contain_text("SpareA")
    expect(facts).to_contain_text("temporary until" if language == "en" else "vorübergehend bis")
    desktop.goto(f"{report_path}/close")
    shot(desktop, f"close-{sizes['desktop']['width']}-{language}")
    phone.goto(f"{report_path}/close")
    shot(phone, f"close-390-{language}")
    desktop.locator("textarea[name=outcome]").fill("Stays with the Spare family until the return.")
    with desktop.expect_navigation():
        desktop.locator("form.confirm-form button[type=submit]").click()
    expect(facts).to_contain_text("Stays with the Spare family")
    shot(desktop, f"report-closed-{sizes['desktop']['width']}-{language}")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_family_reports_from_its_page_on_a_phone(app, browser, live_server, language):
    world = build(app)
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    context.set_default_timeout(10_000)
    FOUND.clear()
    try:
        family = context.new_page()
        log_in(family, world.a.family_email, FAMILY_PASSWORD)
        family.goto("/family/")
        with family.expect_navigation():
            family.locator(".student-card a[href*='/care/concerns/new']").click()
        family.locator("select[name=category]").select_option("homesickness")
        family.locator("input[name=severity][value=routine]").check()
        family.locator("textarea[name=what_happened]").fill("Very quiet since Sunday.")
        with family.expect_navigation():
            family.locator("form[novalidate] button[type=submit]").click()
        expect(family.locator("h1")).to_contain_text(world.a.student_name)
        expect(family.locator("#timeline")).to_have_count(0)
        shot(family, f"report-family-390-{language}")
        family.goto("/family/")
        expect(family.locator("#concerns-heading")).to_be_visible()
        shot(family, f"family-portal-390-{language}")
    finally:
        context.close()
    assert not FOUND, "axe found serious or critical violations:\n" + "\n".join(FOUND)
