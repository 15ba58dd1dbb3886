"""Editing the partnership's history timeline, and how it shows on the public home page."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import HistoryEvent, Role
from tests.conftest import count, post
from tests.form_errors import field_error


def event_data(**changes) -> dict:
    data = {
        "year": "1977",
        "month": "7",
        "day": "4",
        "title_en": "Dortmund says yes",
        "title_de": "Dortmund sagt Ja",
        "text_en": "The city council decides to enter a friendship with Buffalo.",
        "text_de": "Der Rat beschließt eine Städtefreundschaft mit Buffalo.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def only_event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(HistoryEvent.id))


def home(app, language: str | None = None) -> str:
    """The public home page as an anonymous visitor sees it."""
    headers = {"Accept-Language": language} if language else {}
    return app.test_client().get("/", headers=headers).get_data(as_text=True)


@pytest.fixture
def admin(app, client, auth):
    auth.login_as(Role.ADMIN, "admin@example.org")
    return client


def test_admin_adds_an_event_shown_on_the_home_page(app, admin):
    assert "The timeline has no events yet." in home(app)
    response = post(admin, "/history/new", event_data())
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/history/"
    listing = admin.get("/history/").get_data(as_text=True)
    assert "The event was added to the timeline." in listing
    assert "Dortmund says yes" in listing
    assert "Dortmund sagt Ja" in listing

    english = home(app)
    assert "Dortmund says yes" in english
    assert "The city council decides to enter a friendship with Buffalo." in english
    assert "4 July 1977" in english
    assert "Dortmund sagt Ja" not in english

    german = home(app, "de-DE,de;q=0.9,en;q=0.5")
    assert '<html lang="de">' in german
    assert "Dortmund sagt Ja" in german
    assert "Der Rat beschließt eine Städtefreundschaft mit Buffalo." in german
    assert "4. Juli 1977" in german
    assert "Dortmund says yes" not in german


def test_events_without_a_full_date(app, admin):
    post(admin, "/history/new", event_data(year="1950", month="", day="", title_en="A key"))
    post(
        admin,
        "/history/new",
        event_data(year="1993", month="", day="", ongoing="y", title_en="Exchange starts"),
    )
    post(admin, "/history/new", event_data(year="", month="", day="", title_en="Today's news"))
    assert count(app, HistoryEvent) == 3
    page = home(app)
    assert "since 1993" in page
    assert "Today" in page
    # Oldest first, the present last.
    assert page.index("A key") < page.index("Exchange starts") < page.index("Today&#39;s news")


def test_timeline_is_in_date_order_whatever_the_order_of_entry(app, admin):
    for year, title in (("1978", "Second"), ("1950", "First"), ("2001", "Third")):
        post(admin, "/history/new", event_data(year=year, month="", day="", title_en=title))
    page = home(app)
    assert page.index("First") < page.index("Second") < page.index("Third")


def test_admin_edits_an_event(app, admin):
    post(admin, "/history/new", event_data())
    event_id = only_event_id(app)
    form = admin.get(f"/history/{event_id}/edit").get_data(as_text=True)
    assert 'value="Dortmund says yes"' in form

    response = post(
        admin,
        f"/history/{event_id}/edit",
        event_data(title_en="The council says yes", title_de="Der Rat sagt Ja"),
    )
    assert response.status_code == 302
    assert "The event was saved." in admin.get("/history/").get_data(as_text=True)
    assert count(app, HistoryEvent) == 1
    english = home(app)
    assert "The council says yes" in english
    assert "Dortmund says yes" not in english
    assert "Der Rat sagt Ja" in home(app, "de")


def test_admin_deletes_an_event_after_confirming(app, admin):
    post(admin, "/history/new", event_data())
    event_id = only_event_id(app)

    confirmation = admin.get(f"/history/{event_id}/delete").get_data(as_text=True)
    assert "Delete “Dortmund says yes”?" in html.unescape(confirmation)
    assert '<button type="submit" class="destructive">Delete the event</button>' in confirmation
    assert count(app, HistoryEvent) == 1
    assert "Dortmund says yes" in home(app)

    response = post(admin, f"/history/{event_id}/delete")
    assert response.status_code == 302
    assert "The event was removed from the timeline." in admin.get("/history/").get_data(
        as_text=True
    )
    assert count(app, HistoryEvent) == 0
    assert "Dortmund says yes" not in home(app)
    again = post(admin, f"/history/{event_id}/delete", follow_redirects=True)  # a double click
    assert "This event was already removed from the timeline." in again.get_data(as_text=True)
    assert admin.get(f"/history/{event_id}/delete").status_code == 404


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"year": "2001", "month": "2", "day": "31"}, "day", "does not exist in that month"),
        ({"year": "2023", "month": "2", "day": "29"}, "day", "does not exist in that month"),
        ({"year": "2001", "month": "4", "day": "31"}, "day", "does not exist in that month"),
        ({"year": "", "month": "5", "day": ""}, "month", "A month needs a year."),
        ({"year": "2001", "month": "", "day": "5"}, "day", "A day needs a month."),
        ({"year": "", "month": "", "day": "5"}, "day", "needs"),
        ({"year": "2001", "month": "13", "day": ""}, "month", "from 1 to 12"),
        ({"year": "2001", "month": "1", "day": "32"}, "day", "from 1 to 31"),
        ({"year": "", "month": "", "day": "", "ongoing": "y"}, "ongoing", "needs the year"),
    ],
    ids=[
        "31-february",
        "29-february-2023",
        "31-april",
        "month-without-year",
        "day-without-month",
        "day-alone",
        "month-13",
        "day-32",
        "ongoing-without-year",
    ],
)
def test_impossible_dates_are_refused(app, admin, dates, field, message):
    response = post(admin, "/history/new", event_data(**dates))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert 'value="Dortmund says yes"' in page  # the typed text is kept
    assert count(app, HistoryEvent) == 0


def test_leap_day_is_accepted(app, admin):
    response = post(admin, "/history/new", event_data(year="2024", month="2", day="29"))
    assert response.status_code == 302
    assert "29 February 2024" in home(app)


def test_an_edit_to_an_impossible_date_changes_nothing(app, admin):
    post(admin, "/history/new", event_data())
    event_id = only_event_id(app)
    response = post(
        admin,
        f"/history/{event_id}/edit",
        event_data(month="2", day="31", title_en="Changed title"),
    )
    assert response.status_code == 200
    assert "does not exist in that month" in field_error(response.get_data(as_text=True), "day")
    page = home(app)
    assert "Dortmund says yes" in page
    assert "Changed title" not in page
    assert "4 July 1977" in page


def test_titles_and_texts_are_required(app, admin):
    response = post(admin, "/history/new", event_data(title_de="", text_en=""))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "title_de")
    assert field_error(page, "text_en")
    assert count(app, HistoryEvent) == 0


def test_event_text_is_escaped_on_the_home_page(app, admin):
    post(admin, "/history/new", event_data(title_en="<script>alert(1)</script>"))
    page = home(app)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TEACHER, Role.HOST_FAMILY])
def test_only_the_admin_edits_history(app, client, auth, role):
    with app.app_context():
        event = HistoryEvent(
            year=1950, title_en="A key", title_de="Ein Schlüssel", text_en="Text", text_de="Text"
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    auth.login_as(role)
    assert client.get("/history/").status_code == 403
    assert post(client, "/history/new", event_data()).status_code == 403
    assert post(client, f"/history/{event_id}/edit", event_data()).status_code == 403
    assert post(client, f"/history/{event_id}/delete").status_code == 403
    assert count(app, HistoryEvent) == 1
    assert "A key" in home(app)
