"""A family signs up on a phone, saves some sections, comes back to the task list and
submits; a coordinator vets
and approves; the family sees the decision and, next year, applies again from its answers."""

from datetime import date, timedelta

from playwright.sync_api import expect

from app.models import Role
from tests.conftest import PASSWORD, emailed_links, make_user
from tests.factories import make_cohort

FAMILY_EMAIL = "millers@example.org"
FAMILY_PASSWORD = "maple-porch-lemonade"


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()


def open_section(page, name: str) -> None:
    page.locator(".task-list").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_family_applies_is_vetted_and_applies_again(app, phone_page, page):
    make_cohort(app, name="Buffalo spring 2027")
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    family = phone_page

    # Sign up from the partnership story on the home page, on a phone.
    family.goto("/")
    family.get_by_role("link", name="Sign up as a host family").click()
    family.get_by_label("Email").fill(FAMILY_EMAIL)
    family.get_by_label("Password", exact=True).fill(FAMILY_PASSWORD)
    family.get_by_label("Repeat password").fill(FAMILY_PASSWORD)
    family.get_by_role("button", name="Create account").click()
    expect(family.locator(".flashes")).to_contain_text("log in to start your application")

    # Confirm the address with the link of the welcome email.
    family.goto(emailed_links(app, FAMILY_EMAIL)[-1])
    family.get_by_role("button", name="Confirm my email address").click()
    expect(family.locator(".flashes")).to_contain_text("your email address is confirmed")

    # After confirming, the login has the email filled in. Save halfway and leave.
    assert family.get_by_label("Email").input_value() == FAMILY_EMAIL
    family.get_by_label("Password").fill(FAMILY_PASSWORD)
    with family.expect_navigation():  # the next page has loaded, whatever the load
        family.get_by_role("button", name="Log in").click()
    family.get_by_role("link", name="Continue your application").click()
    family.get_by_label("Family name").fill("Miller")
    family.locator("#members-0-name").fill("Pat Miller")
    family.locator("#members-0-age").fill("45")
    family.locator("#members-0-relation").fill("parent")
    family.get_by_role("button", name="Save and continue").click()
    open_section(family, "Your home")
    family.get_by_label("Street address").fill("12 Elmwood Avenue")
    family.get_by_label("City or town").fill("Buffalo")
    family.get_by_label("ZIP code").fill("14201")
    family.get_by_label("Home phone").fill("+1 716 555 0100")
    family.get_by_role("button", name="Save and continue").click()
    family.get_by_role("button", name="Log out").click()

    # Come back and finish: the family's page shows what is done and what is left.
    log_in(family, FAMILY_EMAIL, FAMILY_PASSWORD)
    expect(family.locator("#task-household-status")).to_have_text("In progress")
    expect(family.locator("#task-home-status")).to_have_text("In progress")
    open_section(family, "Your household")
    assert family.locator("#members-0-name").input_value() == "Pat Miller"
    family.get_by_label("Why would you like to host a student?").fill("We love Germany.")
    family.get_by_role("button", name="Save and continue").click()
    open_section(family, "Your home")
    assert family.get_by_label("Street address").input_value() == "12 Elmwood Avenue"
    family.get_by_label("Bedrooms in your home").fill("4")
    family.get_by_label("Nearest high school").fill("City Honors School")
    family.get_by_label("Distance to that school (miles)").fill("2.5")
    family.get_by_role("button", name="Save and continue").click()
    open_section(family, "Hosting preferences")
    family.get_by_label("How many students you can host").fill("1")
    family.get_by_role("button", name="Save and continue").click()
    open_section(family, "References and background check")
    for number, name in ((1, "Ann Neighbour"), (2, "Bob Pastor")):
        family.locator(f"#reference{number}-name").fill(name)
        family.locator(f"#reference{number}-relation").fill("friend")
        family.locator(f"#reference{number}-phone").fill(f"+1 716 555 010{number}")
    family.get_by_label("We agree to a background check").check()
    family.get_by_role("button", name="Save and continue").click()
    open_section(family, "Groups you could host")
    family.get_by_label("Buffalo spring 2027").check()
    family.get_by_role("button", name="Save and continue").click()
    family.get_by_role("button", name="Submit application").click()
    expect(family.locator(".badge").first).to_contain_text("submitted")

    # A coordinator vets the family step by step and approves it.
    log_in(page, "coordinator@example.org", PASSWORD)
    page.get_by_role("link", name="Families", exact=True).click()
    page.get_by_role("link", name="Miller").click()
    page.get_by_role("button", name="Both references were checked").click()
    expiry = (date.today() + timedelta(days=700)).isoformat()
    page.get_by_label("Background check valid until").fill(expiry)
    page.get_by_role("button", name="Background check cleared").click()
    page.get_by_label("Date of the visit").fill(date.today().isoformat())
    page.get_by_label("Visited by").fill("Jane Coordinator")
    page.get_by_role("button", name="Record the home visit").click()
    page.get_by_label("Approve: the family may host").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".badge").first).to_contain_text("approved")

    # The family sees the decision.
    family.reload()
    assert "approved" in family.locator(".badge").first.inner_text()

    # Next year: a new group, and the family applies again from last year's answers.
    make_cohort(app, name="Buffalo spring 2028")
    family.get_by_role("button", name="Apply again for a new group").click()
    expect(family.locator("#task-availability-status")).to_have_text("Not started")
    expect(family.locator("#task-home-status")).to_have_text("Completed")
    expect(family.get_by_text("We copied your answers from last time").first).to_be_visible()
    open_section(family, "References and background check")
    assert family.locator("#reference2-name").input_value() == "Bob Pastor"
    family.get_by_role("link", name="Back to your application").click()
    open_section(family, "Groups you could host")
    family.get_by_label("Buffalo spring 2028").check()
    family.get_by_role("button", name="Save and continue").click()
    family.get_by_role("button", name="Submit application").click()
    expect(family.locator(".badge").first).to_contain_text("submitted")
