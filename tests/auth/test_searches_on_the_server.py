"""The last search of a list (often a student's name) is kept on the server with the login
session, not in Flask's session cookie, which is signed but not encrypted: whoever holds the
cookie can read it. The list still remembers the search; logging out forgets it, and so does
every other end of the login session (its expiry, the account's deletion)."""

from __future__ import annotations

import html
import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import LoginSession, Role, SavedSearch, User
from app.services.identity import accounts
from app.services.privacy import privacy
from tests.conftest import PASSWORD, count, post
from tests.factories import make_cohort

WORDS = "Schulz Lena"

# (role, list page, search form's address, list name) of every list with a search.
LISTS = {
    "students": (Role.COORDINATOR, "/students/", "/students/"),
    "vetting": (Role.COORDINATOR, "/vetting/", "/vetting/"),
    "users": (Role.ADMIN, "/admin/users", "/admin/users"),
    "enrol": (Role.COORDINATOR, "/cohorts/{cohort}", "/cohorts/{cohort}"),
}


def cookie_session(app, client) -> dict:
    """What the browser's session cookie says, decoded as the application reads it."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def search_box(page: str) -> str:
    """The value of the list's search field."""
    found = re.search(r'<input[^>]*name="q"[^>]*>', page)
    assert found, "no search field"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


@pytest.fixture(params=sorted(LISTS))
def a_list(request, app, auth):
    role, page, form = LISTS[request.param]
    cohort = make_cohort(app)
    auth.login_as(role)
    return page.format(cohort=cohort), form.format(cohort=cohort)


def test_the_cookie_holds_no_search_words_and_the_list_remembers_them(app, client, a_list):
    page, form = a_list
    assert post(client, form, {"q": WORDS}).status_code == 302

    kept = cookie_session(app, client)
    assert not [key for key in kept if key.startswith("search")], kept
    assert "Schulz" not in json.dumps(kept, default=str)
    assert search_box(client.get(page).get_data(as_text=True)) == WORDS
    with app.app_context():
        assert db.session.scalars(sa.select(SavedSearch.words)).all() == [WORDS]


def test_logging_out_forgets_the_search(app, auth, client, a_list):
    page, form = a_list
    post(client, form, {"q": WORDS})
    with app.app_context():
        email = db.session.scalar(sa.select(User.email).join(LoginSession))

    auth.logout()
    assert count(app, SavedSearch) == 0
    auth.login(email)
    assert search_box(client.get(page).get_data(as_text=True)) == ""


def test_clearing_forgets_the_search(app, client, a_list):
    page, form = a_list
    post(client, form, {"q": WORDS})
    client.get(f"{page}?clear=1")
    assert count(app, SavedSearch) == 0
    assert search_box(client.get(page).get_data(as_text=True)) == ""


def test_a_search_is_kept_for_its_own_login_session_only(app, auth, client):
    auth.login_as(Role.COORDINATOR)
    post(client, "/students/", {"q": WORDS})
    other = app.test_client()
    post(other, "/login", {"email": "coordinator@example.org", "password": PASSWORD})
    assert search_box(other.get("/students/").get_data(as_text=True)) == ""
    assert search_box(client.get("/students/").get_data(as_text=True)) == WORDS


def test_a_search_left_in_an_old_cookie_is_dropped(app, auth, client):
    auth.login_as(Role.COORDINATOR)
    with client.session_transaction() as session:
        session["search:students"] = WORDS
    assert search_box(client.get("/students/").get_data(as_text=True)) == ""
    assert "search:students" not in cookie_session(app, client)


def test_every_end_of_the_login_session_takes_its_searches(app, auth, client):
    auth.login_as(Role.COORDINATOR)
    post(client, "/students/", {"q": WORDS})
    with app.app_context():
        token = db.session.scalar(sa.select(LoginSession.token))
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token == token))
        db.session.commit()  # however the session ends (expiry too), the searches go with it
    assert count(app, SavedSearch) == 0


def test_deleting_the_account_deletes_its_searches(app, auth, client):
    auth.login_as(Role.COORDINATOR)
    post(client, "/students/", {"q": WORDS})
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.role == Role.COORDINATOR))
        privacy.delete_users([user_id])
        db.session.commit()
    assert count(app, SavedSearch) == 0


def test_searching_twice_keeps_the_later_words(app, auth, client):
    auth.login_as(Role.COORDINATOR)
    post(client, "/students/", {"q": "Schulz"})
    post(client, "/students/", {"q": "Becker"})
    assert search_box(client.get("/students/").get_data(as_text=True)) == "Becker"
    with app.app_context():
        token = db.session.scalar(sa.select(LoginSession.token))
        accounts.end_session(token)
        db.session.commit()
    assert count(app, SavedSearch) == 0
