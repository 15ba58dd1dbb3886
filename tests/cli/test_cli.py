"""The flask commands an operator uses: users and history."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from app.models import HistoryEvent, Role, User
from app.services.history import SEED_FILE
from app.services.identity import accounts
from tests.conftest import PASSWORD, Auth, count, make_user


def role_of(app, email: str) -> Role | None:
    with app.app_context():
        user = accounts.find_user(email)
        return user.role if user else None


def is_active(app, email: str) -> bool:
    with app.app_context():
        return accounts.find_user(email).active


def can_log_in(app, email: str, password: str = PASSWORD) -> bool:
    return Auth(app, app.test_client()).login(email, password).status_code == 302


# --- users create ---------------------------------------------------------------------


def test_create_with_password_option(app, runner):
    result = runner.invoke(
        args=["users", "create", "New@Example.org", "--role", "teacher", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "Created new@example.org with the role teacher." in result.output
    assert role_of(app, "new@example.org") == Role.TEACHER
    assert can_log_in(app, "new@example.org")


def test_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "coordinator"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert role_of(app, "new@example.org") == Role.COORDINATOR
    assert can_log_in(app, "new@example.org")


def test_create_refuses_differing_prompted_passwords(app, runner):
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "coordinator"],
        input=f"{PASSWORD}\n{PASSWORD}-typo\n",
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert count(app, User) == 0


def test_create_refuses_a_taken_email(app, runner):
    make_user(app, "taken@example.org", Role.TEACHER)
    result = runner.invoke(
        args=["users", "create", "Taken@example.org", "--role", "admin", "--password", PASSWORD]
    )
    assert result.exit_code != 0
    assert "An account with this email already exists." in result.output
    assert "Traceback" not in result.output
    assert count(app, User) == 1
    assert role_of(app, "taken@example.org") == Role.TEACHER


def test_create_refuses_an_unknown_role(app, runner):
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "superuser", "--password", PASSWORD]
    )
    assert result.exit_code != 0
    assert "superuser" in result.output
    assert "admin" in result.output  # the valid choices are listed
    assert count(app, User) == 0


def test_create_refuses_an_invalid_email(app, runner):
    result = runner.invoke(
        args=["users", "create", "not-an-email", "--role", "teacher", "--password", PASSWORD]
    )
    assert result.exit_code != 0
    assert "Enter a valid email address." in result.output
    assert count(app, User) == 0


def test_create_refuses_a_weak_password(app, runner):
    for weak, message in (("password123", "too common"), ("short", "at least 8")):
        result = runner.invoke(
            args=["users", "create", "new@example.org", "--role", "teacher", "--password", weak]
        )
        assert result.exit_code != 0
        assert message in result.output
    assert count(app, User) == 0


# --- users list / set-role / deactivate / activate ------------------------------------


def test_list_shows_accounts_roles_and_state(app, runner):
    assert "No accounts yet." in runner.invoke(args=["users", "list"]).output
    make_user(app, "boss@example.org", Role.ADMIN)
    make_user(app, "family@example.org", Role.HOST_FAMILY, active=False)
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}
    assert lines["boss@example.org"] == ["admin", "active"]
    assert lines["family@example.org"] == ["host_family", "deactivated"]


def test_set_role(app, runner):
    make_user(app, "staff@example.org", Role.TEACHER)
    result = runner.invoke(args=["users", "set-role", "staff@example.org", "coordinator"])
    assert result.exit_code == 0, result.output
    assert "staff@example.org is now coordinator." in result.output
    assert role_of(app, "staff@example.org") == Role.COORDINATOR


def test_set_role_of_an_unknown_account(app, runner):
    result = runner.invoke(args=["users", "set-role", "nobody@example.org", "teacher"])
    assert result.exit_code != 0
    assert "No account with the email nobody@example.org." in result.output


def test_set_role_refuses_an_unknown_role(app, runner):
    make_user(app, "staff@example.org", Role.TEACHER)
    result = runner.invoke(args=["users", "set-role", "staff@example.org", "superuser"])
    assert result.exit_code != 0
    assert role_of(app, "staff@example.org") == Role.TEACHER


def test_deactivate_stops_login_and_ends_open_sessions(app, runner):
    make_user(app, "staff@example.org", Role.COORDINATOR)
    browser = app.test_client()
    Auth(app, browser).login("staff@example.org")
    assert browser.get("/dashboard").status_code == 200

    result = runner.invoke(args=["users", "deactivate", "staff@example.org"])
    assert result.exit_code == 0, result.output
    assert "staff@example.org is deactivated." in result.output

    response = browser.get("/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert not can_log_in(app, "staff@example.org")


def test_activate_lets_the_account_log_in_again(app, runner):
    make_user(app, "staff@example.org", Role.TEACHER, active=False)
    assert not can_log_in(app, "staff@example.org")
    result = runner.invoke(args=["users", "activate", "staff@example.org"])
    assert result.exit_code == 0, result.output
    assert can_log_in(app, "staff@example.org")


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, runner):
    make_user(app, "boss@example.org", Role.ADMIN)
    make_user(app, "gone@example.org", Role.ADMIN, active=False)  # does not count

    result = runner.invoke(args=["users", "set-role", "boss@example.org", "coordinator"])
    assert result.exit_code != 0
    assert "last active admin" in result.output
    assert role_of(app, "boss@example.org") == Role.ADMIN

    result = runner.invoke(args=["users", "deactivate", "boss@example.org"])
    assert result.exit_code != 0
    assert "last active admin" in result.output
    assert is_active(app, "boss@example.org")
    assert can_log_in(app, "boss@example.org")


def test_an_admin_can_be_demoted_when_another_remains(app, runner):
    make_user(app, "boss@example.org", Role.ADMIN)
    make_user(app, "deputy@example.org", Role.ADMIN)
    result = runner.invoke(args=["users", "set-role", "boss@example.org", "coordinator"])
    assert result.exit_code == 0, result.output
    assert role_of(app, "boss@example.org") == Role.COORDINATOR
    # Now the deputy is the last one.
    result = runner.invoke(args=["users", "deactivate", "deputy@example.org"])
    assert result.exit_code != 0
    assert "last active admin" in result.output
    assert is_active(app, "deputy@example.org")


# --- users check-admin ----------------------------------------------------------------


def test_check_admin_explains_how_to_create_the_first_admin(app, runner):
    make_user(app, "staff@example.org", Role.COORDINATOR)
    result = runner.invoke(args=["users", "check-admin"])
    assert result.exit_code == 0, result.output
    assert "There is no admin account yet." in result.output
    assert "users create" in result.output
    assert "--role admin" in result.output
    assert role_of(app, "staff@example.org") == Role.COORDINATOR
    assert count(app, User) == 1  # no tty: nothing was asked and nothing created


def test_check_admin_ignores_a_deactivated_admin(app, runner):
    make_user(app, "gone@example.org", Role.ADMIN, active=False)
    result = runner.invoke(args=["users", "check-admin"])
    assert "There is no admin account yet." in result.output


def test_check_admin_is_silent_when_an_admin_exists(app, runner):
    make_user(app, "boss@example.org", Role.ADMIN)
    result = runner.invoke(args=["users", "check-admin"])
    assert result.exit_code == 0
    assert result.output == ""


# --- history seed ---------------------------------------------------------------------


def test_history_seed_loads_the_events_once(app, runner, client):
    expected = len(json.loads(SEED_FILE.read_text(encoding="utf-8")))
    assert expected > 0

    result = runner.invoke(args=["history", "seed"])
    assert result.exit_code == 0, result.output
    assert f"Loaded {expected} history events." in result.output
    assert count(app, HistoryEvent) == expected
    assert "A key from Buffalo" in client.get("/").get_data(as_text=True)

    result = runner.invoke(args=["history", "seed"])
    assert result.exit_code == 0, result.output
    assert "The timeline already has events." in result.output
    assert count(app, HistoryEvent) == expected


def test_history_list_shows_the_seeded_timeline(app, runner):
    runner.invoke(args=["history", "seed"])
    result = runner.invoke(args=["history", "list"])
    assert result.exit_code == 0
    assert "1950\tA key from Buffalo" in result.output
