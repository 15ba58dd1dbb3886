"""Getting back in, in Chromium, with the emails going through a real SMTP server: (a) a
forgotten password replaced through the emailed link; (b) a family that signs up confirms its
address before it can log in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests.conftest import PASSWORD, make_user
from tests.services.mail.test_email_delivery import MailServer

NEW_PASSWORD = "lantern-harbour-violet"
FAMILY_EMAIL = "garcias@example.org"
FAMILY_PASSWORD = "maple-porch-lemonade"
REFUSED = "Email or password is not correct."


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(app_factory, mail_server):
    """The application sending its emails to the test's SMTP server (the live server uses it)."""
    return app_factory(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)


def link_in(mail_server, recipient: str, subject: str) -> str:
    """The link of the newest email with this subject that reached the recipient."""
    [*_, message] = [m for m in mail_server.inbox.to(recipient) if m.subject == subject]
    return re.search(r"https?://\S+", message.body).group(0)


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()


def test_a_forgotten_password_is_replaced_through_the_emailed_link(app, page, mail_server):
    make_user(app, "teacher@example.org", Role.TEACHER)

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("teacher@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".flashes")).to_contain_text("we have sent it a link")

    link = link_in(mail_server, "teacher@example.org", "Choose a new password")
    assert link.startswith(page.url.split("/login")[0])  # the host the person used
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".flashes")).to_contain_text("Your new password is saved")

    log_in(page, "teacher@example.org", PASSWORD)  # the old password
    assert REFUSED in page.locator("#password-error").inner_text()
    log_in(page, "teacher@example.org", NEW_PASSWORD)
    assert page.get_by_role("heading", name="Your cohorts").is_visible()
    page.get_by_role("button", name="Log out").click()

    page.goto(link)  # the used link
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    assert page.get_by_label("New password", exact=True).count() == 0


def test_a_family_confirms_its_address_before_it_can_log_in(app, phone_page, mail_server):
    family = phone_page
    family.goto("/family/signup")
    family.get_by_label("Email").fill(FAMILY_EMAIL)
    family.get_by_label("Password", exact=True).fill(FAMILY_PASSWORD)
    family.get_by_label("Repeat password").fill(FAMILY_PASSWORD)
    family.get_by_role("button", name="Create account").click()
    expect(family.locator(".flashes")).to_contain_text("confirm your email address")

    log_in(family, FAMILY_EMAIL, FAMILY_PASSWORD)
    error = family.locator("#password-error").inner_text()
    assert REFUSED in error and "confirm your email address first" in error
    assert family.get_by_role("link", name="Send the link again").is_visible()

    link = link_in(mail_server, FAMILY_EMAIL, "Welcome to the Dortmund–Buffalo exchange")
    family.goto(link)
    family.get_by_role("button", name="Confirm my email address").click()
    expect(family.locator(".flashes")).to_contain_text("your email address is confirmed")

    log_in(family, FAMILY_EMAIL, FAMILY_PASSWORD)
    assert family.get_by_role("heading", name="Your host-family application").is_visible()
