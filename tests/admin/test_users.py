"""Account management through the web, as the admin sees it."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.models import Role, User
from app.services.identity import accounts
from tests.conftest import PASSWORD, Auth, count, make_user, post
from tests.form_errors import field_error, summary_links, title

NEW_PASSWORD = "purple-elephant-umbrella"


def input_value(page: str, field: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{field}"[^>]*>', page)
    assert match, f"no input {field}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def can_log_in(app, email: str, password: str = PASSWORD) -> bool:
    return Auth(app, app.test_client()).login(email, password).status_code == 302


def user_id(app, email: str) -> int:
    with app.app_context():
        return accounts.find_user(email).id


def role_of(app, email: str) -> Role:
    with app.app_context():
        return accounts.find_user(email).role


@pytest.fixture
def admin(app, client, auth):
    auth.login_as(Role.ADMIN, "admin@example.org")
    return client


def create(client, email: str, password: str = NEW_PASSWORD, role: str = "teacher"):
    return post(client, "/admin/users", {"email": email, "role": role, "password": password})


def test_admin_creates_an_account(app, admin):
    response = create(admin, "Teacher@Example.org", role="teacher")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/users"
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "The account was created." in page
    assert "teacher@example.org" in page
    assert "Supervising teacher" in page
    assert role_of(app, "teacher@example.org") == Role.TEACHER
    assert can_log_in(app, "teacher@example.org", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("not-an-email", NEW_PASSWORD, "email", "Enter a valid email address."),
        ("new@example.org", "short", "password", "Use at least 8 characters."),
        ("new@example.org", "password123", "password", "too common"),
        ("admin@example.org", NEW_PASSWORD, "email", "already exists"),
        ("ADMIN@example.org", NEW_PASSWORD, "email", "already exists"),
    ],
    ids=["invalid-email", "short-password", "common-password", "duplicate", "duplicate-case"],
)
def test_bad_input_is_shown_next_to_the_field(app, admin, email, password, field, message):
    before = count(app, User)
    response = create(admin, email, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert field in summary_links(page)  # the summary at the top links to the field
    assert title(page).startswith("Error: ")
    assert input_value(page, "email") == email  # what was typed is kept
    assert not input_value(page, "password")  # a password is never sent back
    assert count(app, User) == before


def test_missing_fields_create_nothing(app, admin):
    before = count(app, User)
    response = post(admin, "/admin/users", {"email": "", "role": "teacher", "password": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "email")
    assert field_error(page, "password")
    assert count(app, User) == before


def test_unknown_role_creates_nothing(app, admin):
    before = count(app, User)
    response = create(admin, "new@example.org", role="superuser")
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "role")
    assert count(app, User) == before


def change_role(client, user_id: int, role: str, from_role: str):
    """Confirm a role change as the confirmation page sends it."""
    return post(client, f"/admin/users/{user_id}/role", {"role": role, "from_role": from_role})


def test_a_role_changed_meanwhile_is_not_overwritten(app, admin):
    target = make_user(app, "staff@example.org", Role.TEACHER)
    change_role(admin, target, "coordinator", "teacher")
    stale = change_role(admin, target, "admin", "teacher")  # the page showed "teacher"
    page = html.unescape(admin.get(stale.headers["Location"]).get_data(as_text=True))
    assert "The role of staff@example.org was changed meanwhile; nothing was changed." in page
    assert role_of(app, "staff@example.org") == Role.COORDINATOR


def test_admin_changes_a_role(app, admin):
    target = make_user(app, "staff@example.org", Role.TEACHER)
    page = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert f'<form method="get" action="/admin/users/{target}/role"' in page
    confirmation = admin.get(f"/admin/users/{target}/role?role=coordinator")
    words = html.unescape(confirmation.get_data(as_text=True))
    assert "Give staff@example.org the role “Coordinator”?" in words
    assert "The role changes from “Supervising teacher” to “Coordinator”." in words
    assert role_of(app, "staff@example.org") == Role.TEACHER
    response = change_role(admin, target, "coordinator", "teacher")
    assert response.status_code == 302
    page = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "The role was changed." in page
    assert "Coordinator" in page
    assert role_of(app, "staff@example.org") == Role.COORDINATOR
    again = change_role(admin, target, "coordinator", "teacher")  # a double click
    assert (
        "staff@example.org already has the role “Coordinator”; nothing was changed."
        in html.unescape(admin.get(again.headers["Location"]).get_data(as_text=True))
    )
    # The new role takes effect: a coordinator may open the dashboard.
    staff = app.test_client()
    Auth(app, staff).login("staff@example.org")
    assert staff.get("/dashboard").status_code == 200


def test_a_role_change_applies_to_an_open_session(app, admin):
    target = make_user(app, "staff@example.org", Role.COORDINATOR)
    staff = app.test_client()
    Auth(app, staff).login("staff@example.org")
    assert staff.get("/dashboard").status_code == 200
    change_role(admin, target, "host_family", "coordinator")
    assert staff.get("/dashboard").status_code == 403


def test_admin_deactivates_and_activates_an_account(app, admin):
    target = make_user(app, "staff@example.org", Role.COORDINATOR)
    staff = app.test_client()
    Auth(app, staff).login("staff@example.org")
    assert staff.get("/dashboard").status_code == 200

    confirmation = admin.get(f"/admin/users/{target}/active").get_data(as_text=True)
    assert "Deactivate staff@example.org?" in confirmation
    assert "is logged out everywhere at once and cannot log in any more." in confirmation
    assert can_log_in(app, "staff@example.org")
    response = post(admin, f"/admin/users/{target}/active", {"want": "deactivate"})
    assert response.status_code == 302
    page = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "The account was deactivated and logged out everywhere." in page
    again = post(admin, f"/admin/users/{target}/active", {"want": "deactivate"})  # double click
    assert "Nothing was changed: the account is already in that state." in admin.get(
        again.headers["Location"]
    ).get_data(as_text=True)
    assert "deactivated" in admin.get("/admin/users").get_data(as_text=True)
    response = staff.get("/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert not can_log_in(app, "staff@example.org")

    response = post(admin, f"/admin/users/{target}/active", {"want": "activate"})
    assert response.status_code == 302
    assert "The account was activated." in admin.get(f"/admin/users/{target}").get_data(
        as_text=True
    )
    assert can_log_in(app, "staff@example.org")


def test_the_last_admin_cannot_lock_themselves_out(app, admin):
    me = user_id(app, "admin@example.org")
    change_role(admin, me, "coordinator", "admin")
    assert role_of(app, "admin@example.org") == Role.ADMIN
    response = post(admin, f"/admin/users/{me}/active", {"want": "deactivate"})
    assert response.status_code == 302
    page = admin.get(f"/admin/users/{me}").get_data(as_text=True)
    assert "last active admin" in page
    assert admin.get("/admin/users").status_code == 200


def test_unknown_account_is_404(admin):
    assert admin.get("/admin/users/999999").status_code == 404
    assert post(admin, "/admin/users/999999/active", {"want": "deactivate"}).status_code == 404


def test_deactivation_needs_a_confirmed_post(app, admin):
    target = make_user(app, "staff@example.org", Role.TEACHER)
    assert admin.get(f"/admin/users/{target}/active").status_code == 200
    assert post(admin, f"/admin/users/{target}/active").status_code == 400  # no wish sent
    with app.app_context():
        assert accounts.find_user("staff@example.org").active


def test_coordinator_may_not_manage_users(app, client, auth):
    target = make_user(app, "teacher@example.org", Role.TEACHER)
    auth.login_as(Role.COORDINATOR)
    before = count(app, User)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{target}").status_code == 403
    assert create(client, "new@example.org", role="admin").status_code == 403
    assert change_role(client, target, "admin", "teacher").status_code == 403
    assert post(client, f"/admin/users/{target}/active", {"want": "deactivate"}).status_code == 403
    assert count(app, User) == before
    assert role_of(app, "teacher@example.org") == Role.TEACHER
    assert can_log_in(app, "teacher@example.org")
    assert 'href="/admin/users"' not in client.get("/dashboard").get_data(as_text=True)


def test_the_account_list_is_paged_and_filtered_by_role_and_email(app, admin, monkeypatch):
    monkeypatch.setattr(accounts, "hash_password", lambda password: "unusable")  # speed: scrypt
    with app.app_context():
        for number in range(55):
            accounts.create_user(f"family{number:02d}@example.org", PASSWORD, Role.HOST_FAMILY)
        accounts.create_user("lehrerin@schule.example", PASSWORD, Role.TEACHER)
        db.session.commit()

    def emails(page: str) -> list[str]:
        return re.findall(r'/admin/users/\d+">([^<]+)</a>', page)

    first = admin.get("/admin/users").get_data(as_text=True)
    assert len(emails(first)) == 50
    assert "57 accounts found." in first and "Page 1 of 2" in first
    second = admin.get("/admin/users?page=2").get_data(as_text=True)
    assert len(emails(second)) == 7
    assert emails(admin.get("/admin/users?role=teacher").get_data(as_text=True)) == [
        "lehrerin@schule.example"
    ]
    response = post(admin, "/admin/users", {"q": "SCHULE", "role": ""})
    assert response.status_code == 302 and "q=" not in response.location  # not in the address
    assert emails(admin.get("/admin/users").get_data(as_text=True)) == ["lehrerin@schule.example"]
    assert admin.get("/admin/users?role=nonsense").status_code == 400
