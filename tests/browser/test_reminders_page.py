"""The reminders' settings in Chromium: an admin sees the warning that reminders have not run,
switches a kind off and saves, on a desktop and a phone, in English and German. With
SHOTS=<folder> the pages are saved as screenshots; axe looks at every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.i18n import COOKIE
from app.services.mail import reminder_settings
from tests.browser.test_accessibility import AXE
from tests.browser.test_concern_journey import FOUND, log_in, shot
from tests.conftest import PASSWORD, make_user

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_an_admin_switches_a_reminder_off(app, browser, live_server, language, width):
    make_user(app, "admin@example.org", "admin")
    FOUND.clear()
    context = browser.new_context(base_url=live_server, viewport=SIZES[width])
    context.add_cookies([{"name": COOKIE, "value": language, "url": live_server}])
    context.set_default_timeout(10_000)
    context.add_init_script(AXE.read_text(encoding="utf-8"))
    try:
        page = context.new_page()
        log_in(page, "admin@example.org", PASSWORD)
        page.goto("/dashboard")
        expect(page.locator(".reminders-status")).to_be_visible()
        shot(page, f"dashboard-warning-{width}-{language}")
        with page.expect_navigation():  # axe reads the settings once they have loaded
            page.locator(".reminders-status a").click()
        expect(page.locator("input[name=documents_days]")).to_have_value("14")
        shot(page, f"reminders-{width}-{language}")
        page.locator("input[name=documents_on]").uncheck()
        page.locator("input[name=drafts_days]").fill("10")
        with page.expect_navigation():
            page.locator("form[novalidate] [type=submit]").click()
        expect(page.locator("input[name=drafts_days]")).to_have_value("10")
        shot(page, f"reminders-saved-{width}-{language}")
    finally:
        context.close()
    with app.app_context():
        assert not reminder_settings.enabled(reminder_settings.DOCUMENTS)
        assert reminder_settings.days(reminder_settings.DRAFTS) == 10
        db.session.rollback()
    assert FOUND == []
