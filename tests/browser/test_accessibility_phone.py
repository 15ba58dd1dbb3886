"""The accessibility check of test_accessibility.py on a 390 × 844 phone, in English and
German: the menu button, and the tables turned into cards."""

from __future__ import annotations

from tests.browser.test_accessibility import PHONES, check_every_page


def test_no_serious_or_critical_violation_on_the_main_pages_on_a_phone(app, browser, live_server):
    check_every_page(app, browser, live_server, PHONES)
