"""The family application on a 390 × 844 phone: section by section from the task list,
three household members added in the page without saving it, then submitted."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ApplicationStatus, HostApplication
from tests.browser.test_family_journey import log_in, open_section
from tests.factories import FAMILY_PASSWORD, make_cohort, sign_up_confirmed

FAMILY = "millers@example.org"


def stored(app) -> HostApplication:
    with app.app_context():
        application = db.session.scalar(sa.select(HostApplication))
        _ = (application.members, application.references, application.cohorts)
        db.session.expunge(application)
        return application


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter((el) => el.getBoundingClientRect().right > 390)"
        ".map((el) => el.tagName + '#' + el.id + '.' + el.className).slice(0, 5)"
    )
    assert width <= 390, f"the page is {width} px wide: {wide}"


def test_a_family_fills_its_application_section_by_section_on_a_phone(app, phone_page):
    make_cohort(app, name="Buffalo spring 2027")
    with app.app_context():
        sign_up_confirmed(FAMILY)  # a new family: nothing answered yet
        db.session.commit()
    page = phone_page
    log_in(page, FAMILY, FAMILY_PASSWORD)
    expect(page.get_by_text("You have completed 0 of 5 sections.")).to_be_visible()
    expect(page.locator("#task-household-status")).to_have_text("Not started")
    no_sideways_scroll(page)

    # Household: three people, added in the page; nothing is sent until "Save and continue".
    open_section(page, "Your household")
    page.get_by_label("Family name").fill("Miller")
    page.evaluate("window.stillTheSamePage = true")
    people = [("Karen Miller", "44", "mother"), ("Tom Miller", "46", "father"),
              ("Lily Miller", "12", "daughter")]  # fmt: skip
    for index, (name, age, relation) in enumerate(people):
        if index:
            page.get_by_role("button", name="Add another person").click()
            assert page.evaluate("document.activeElement.id") == f"members-{index}-name"
        row = page.locator(".member-row").nth(index)
        assert row.locator("legend").inner_text() == f"Person {index + 1}"
        row.get_by_label("Name").fill(name)
        row.get_by_label("Age").fill(age)
        row.get_by_label("Relation").fill(relation)
    # A fourth row, removed again: the others keep what was typed.
    page.get_by_role("button", name="Add another person").click()
    page.get_by_role("button", name="Remove Person 4").click()
    assert page.locator(".member-row").count() == 3
    assert page.evaluate("window.stillTheSamePage") is True  # no page was loaded
    assert stored(app).members == []  # and nothing saved yet
    no_sideways_scroll(page)
    page.get_by_label("Why would you like to host a student?").fill("We loved Dortmund.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".flashes")).to_contain_text("“Your household” is saved.")
    expect(page.locator("#task-household-status")).to_have_text("Completed")
    assert [m.name for m in stored(app).members] == [p[0] for p in people]

    # Home: the address of the host area.
    open_section(page, "Your home")
    no_sideways_scroll(page)
    page.get_by_label("Street address").fill("12 Elmwood Avenue")
    page.get_by_label("City or town").fill("Buffalo")
    assert page.get_by_label("US state").locator("option").all_inner_texts() == [
        "New York",
        "Pennsylvania",
    ]
    page.get_by_label("ZIP code").fill("14222")
    page.get_by_label("Home phone").fill("+1 716 555 0100")
    page.get_by_label("Bedrooms in your home").fill("4")
    page.get_by_label("Nearest high school").fill("City Honors School")
    page.get_by_label("Distance to that school (miles)").fill("2.5")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#task-home-status")).to_have_text("Completed")

    # Submitting too early says what is left.
    expect(page.get_by_role("heading", name="Still to do before you can submit")).to_be_visible()
    still_to_do = page.locator("#still-to-do")
    expect(still_to_do.get_by_role("link", name="Hosting preferences").first).to_be_attached()

    open_section(page, "Hosting preferences")
    page.get_by_label("How many students you can host").fill("1")
    page.get_by_role("button", name="Save and continue").click()

    open_section(page, "References and background check")
    no_sideways_scroll(page)
    for number, name in ((1, "Ann Neighbor"), (2, "Bob Pastor")):
        page.locator(f"#reference{number}-name").fill(name)
        page.locator(f"#reference{number}-relation").fill("friend")
        page.locator(f"#reference{number}-phone").fill(f"+1 716 555 010{number}")
    page.get_by_label("We agree to a background check").check()
    page.get_by_role("button", name="Save and continue").click()

    open_section(page, "Groups you could host")
    page.get_by_label("Buffalo spring 2027").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("You have completed 5 of 5 sections.")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".badge").first).to_contain_text("submitted")
    assert stored(app).status == ApplicationStatus.SUBMITTED

    # Enter in a field saves the section (it does not press the first "Remove").
    page.locator("#tasks").get_by_role("link", name="Your household").click()
    page.get_by_label("Languages spoken at home").fill("English, German")
    page.get_by_label("Languages spoken at home").press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Your changes are saved.")
    application = stored(app)
    assert (application.languages, len(application.members)) == ("English, German", 3)
