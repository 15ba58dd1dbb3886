"""The permission table is enforced on every route: walk the URL map and try each endpoint
as an anonymous visitor and as every role."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Blueprint, url_for

from app.access import GRANTS, PUBLIC, Permission, rule_for
from app.extensions import db
from app.models import HistoryEvent, Role
from tests.conftest import Auth, make_user, post

ROLES = list(Role)
METHODS = ("GET", "POST")


def routes(app) -> list:
    """Every rule of the application except the static files."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def undeclared_endpoints(app) -> list[str]:
    """Endpoints whose view declares neither @public nor @requires(...)."""
    with app.app_context():
        return sorted({rule.endpoint for rule in routes(app) if rule_for(rule.endpoint) is None})


def make_event(app) -> int:
    with app.app_context():
        event = HistoryEvent(
            year=1977, title_en="Yes", title_de="Ja", text_en="Text", text_de="Text"
        )
        db.session.add(event)
        db.session.commit()
        return event.id


def cases(app) -> list[tuple[str, str, str, Permission]]:
    """(endpoint, method, url, permission) for every non-public endpoint and method.

    URL converters get the id of a real row where the test makes one (events, users), so
    that a granted role reaches the view itself; any other converter gets 1 (a 404 for a
    granted role is still not a refusal)."""
    ids = {
        "event_id": make_event(app),
        "user_id": make_user(app, "target@example.org", Role.HOST_FAMILY),
        "fmt": "csv",  # a file format
        "key": "family.approved",  # an email admins reword
    }
    found = []
    with app.app_context():
        for rule in routes(app):
            permission = rule_for(rule.endpoint)
            if permission == PUBLIC:
                continue
            assert permission is not None, f"{rule.endpoint} declares no rule"
            values = {name: ids.get(name, 1) for name in rule.arguments}
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            for method in METHODS:
                if method in rule.methods:
                    found.append((rule.endpoint, method, url, Permission(permission)))
    assert found, "no protected endpoint found"
    return found


def request(client, method: str, url: str):
    if method == "POST":
        return post(client, url)  # with a valid CSRF token: a refusal is the access rule
    return client.get(url)


def goes_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def logged_in_client(app, role: Role):
    client = app.test_client()
    Auth(app, client).login_as(role)
    return client


def test_every_endpoint_declares_a_rule(app):
    assert routes(app), "the URL map is empty"
    assert undeclared_endpoints(app) == []


def test_every_permission_has_an_entry_in_the_table():
    assert set(GRANTS) == set(Permission)


def test_anonymous_visitors_are_refused_everywhere_not_public(app, client):
    refused = []
    for endpoint, method, url, _permission in cases(app):
        response = request(client, method, url)
        if not (goes_to_login(response) or response.status_code in (403, 405)):
            refused.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert refused == [], "anonymous visitors were let in"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_roles_without_the_permission_get_403(app, role):
    all_cases = cases(app)
    client = logged_in_client(app, role)
    wrong = []
    checked = 0
    for endpoint, method, url, permission in all_cases:
        if role in GRANTS[permission]:
            continue
        checked += 1
        response = request(client, method, url)
        if response.status_code != 403:
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}")
    assert wrong == [], f"{role.value} was not refused"
    if role != Role.ADMIN:
        assert checked, f"{role.value} is refused nothing: the test checked no endpoint"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_roles_with_the_permission_are_let_in(app, role):
    all_cases = cases(app)
    client = logged_in_client(app, role)
    refused = []
    for endpoint, method, url, permission in all_cases:
        if method != "GET" or role not in GRANTS[permission]:
            continue
        response = client.get(url)
        if response.status_code == 403 or goes_to_login(response):
            refused.append(f"GET {url} ({endpoint}): {response.status_code}")
    assert refused == [], f"{role.value} was refused a granted page"


def test_view_without_a_rule_is_refused_for_everybody(app_factory):
    fresh = app_factory()
    scratch = Blueprint("scratch", __name__, url_prefix="/scratch")

    @scratch.route("/", methods=["GET", "POST"])
    def forgotten():
        return "secret data"

    def also_forgotten():
        return "secret data"

    fresh.register_blueprint(scratch)
    fresh.add_url_rule("/undeclared", "undeclared", also_forgotten)

    # The walker of test_every_endpoint_declares_a_rule notices them.
    assert undeclared_endpoints(fresh) == ["scratch.forgotten", "undeclared"]

    anonymous = fresh.test_client()
    admin = fresh.test_client()
    Auth(fresh, admin).login_as(Role.ADMIN)
    for url in ("/scratch/", "/undeclared"):
        for client in (anonymous, admin):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "secret data" not in response.get_data(as_text=True)
    response = post(admin, "/scratch/")
    assert response.status_code == 403
    assert "secret data" not in response.get_data(as_text=True)


def test_guardians_hold_the_narrowest_access_and_their_page_is_theirs_alone():
    """Guardians and adult students see their own account and their own students' page;
    nothing of staff, families or teachers, and nobody else has their page."""
    held = {permission for permission in Permission if Role.GUARDIAN in GRANTS[permission]}
    assert held == {Permission.ACCOUNT, Permission.GUARDIAN_PAGE}
    assert GRANTS[Permission.GUARDIAN_PAGE] == frozenset({Role.GUARDIAN})
    assert Role.GUARDIAN not in GRANTS[Permission.INVITE_GUARDIANS]
