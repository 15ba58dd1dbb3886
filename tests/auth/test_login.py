from app.models import Role
from tests.conftest import PASSWORD, make_user


def test_login_lands_staff_on_dashboard(app, client, auth):
    make_user(app, "staff@example.org", Role.COORDINATOR)
    response = auth.login("staff@example.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert "Dashboard" in client.get("/dashboard").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client, auth):
    make_user(app, "staff@example.org")
    wrong = auth.login("staff@example.org", "not-the-password")
    unknown = auth.login("nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    message = "Email or password is not correct."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(app, client, auth):
    make_user(app, "gone@example.org", active=False)
    response = auth.login("gone@example.org")  # the right password
    assert response.status_code == 200
    # Told the same as for a wrong password, so the page does not reveal the account.
    assert "Email or password is not correct." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still not logged in


def test_email_is_case_insensitive(app, client, auth):
    make_user(app, "staff@example.org")
    assert auth.login("Staff@Example.ORG").status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_logout_ends_the_session(app, client, auth):
    auth.login_as(Role.COORDINATOR)
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_replayed_session_cookie_is_refused_after_logout(app, client, auth):
    auth.login_as(Role.COORDINATOR)
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_replayed_remember_cookie_is_refused_after_logout(app, client, auth):
    make_user(app, "staff@example.org")
    auth.login("staff@example.org", PASSWORD, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/dashboard").status_code == 200  # the cookie works while logged in
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert replay.get("/dashboard").status_code == 302


def test_login_clears_the_previous_session(app, client, auth):
    client.get("/")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    auth.login_as(Role.COORDINATOR)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_cookie_flags(app, auth):
    make_user(app, "staff@example.org")
    response = auth.login("staff@example.org", PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE
    assert ProductionConfig.REMEMBER_COOKIE_SECURE
