from playwright.sync_api import expect

from app.extensions import db
from app.models import Role
from app.services import history
from tests.conftest import PASSWORD, make_user


def seed_history(app) -> None:
    with app.app_context():
        history.seed_if_empty()
        db.session.commit()


def test_staff_logs_in_and_reads_the_timeline(app, page):
    seed_history(app)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)

    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "1950" in page.locator("main").inner_text()

    with page.expect_navigation():  # the dashboard shows the timeline too: read the new page
        page.get_by_role("link", name="Austausch").click()
    timeline = page.get_by_role("list").filter(has_text="A key from Buffalo")
    items = timeline.get_by_role("listitem")
    assert items.count() == 7
    assert items.first.inner_text().startswith("1950")
    assert "Dortmund says yes" in timeline.inner_text()


def test_visitor_switches_the_timeline_to_german(app, phone_page):
    seed_history(app)
    phone_page.goto("/")
    phone_page.get_by_role("button", name="Deutsch").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "de")
    expect(phone_page.get_by_role("heading", name="Ein Schlüssel aus Buffalo")).to_be_visible()
    phone_page.reload()
    assert phone_page.get_by_role("button", name="English").is_visible()
