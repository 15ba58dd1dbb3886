"""Security properties a visitor or an attacker would run into: CSRF, login throttling,
open redirects, headers, error pages, health check, production settings, passwords and
the change-password page."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask

from app import create_app
from app.access import public
from app.extensions import db
from app.models import Role, User
from app.services.identity import accounts
from config import ProductionConfig
from tests.conftest import (
    PASSWORD,
    Auth,
    count,
    csrf_token,
    csrf_token_of_page,
    make_config,
    make_user,
    post,
)
from tests.form_errors import field_error

NEW_PASSWORD = "purple-elephant-umbrella"


def assert_friendly_error(response, code: int, heading: str, *, hidden: str = "") -> str:
    """An error page with a helpful heading and no trace of the code behind it."""
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert "Traceback" not in page
    assert 'File "' not in page
    if hidden:
        assert hidden not in page
    return page


def logged_in(app, role: Role = Role.COORDINATOR, email: str = "staff@example.org"):
    client = app.test_client()
    Auth(app, client).login_as(role, email)
    return client


def can_log_in(app, email: str, password: str) -> bool:
    client = app.test_client()
    return Auth(app, client).login(email, password).status_code == 302


def session_alive(client) -> bool:
    return client.get("/account/").status_code == 200


# --- (a) CSRF -------------------------------------------------------------------------


def test_the_token_a_page_carries_is_accepted(app, client):
    """Like a browser: the token is read from the login page's form (the other tests make the
    session's token without loading a page)."""
    make_user(app, "staff@example.org")
    token = csrf_token_of_page(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "email": "staff@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert session_alive(client)


def test_login_without_csrf_token_is_refused(app, client):
    make_user(app, "staff@example.org")
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    page = assert_friendly_error(response, 400, "Bad request")
    assert "The form has expired or was not sent from this site." in page
    assert not session_alive(client)


def test_logout_without_csrf_token_is_refused(app):
    client = logged_in(app)
    response = client.post("/logout")
    assert_friendly_error(response, 400, "Bad request")
    assert session_alive(client)


def test_language_switch_without_csrf_token_is_refused(client):
    response = client.post("/language", data={"language": "de", "next": "/"})
    assert_friendly_error(response, 400, "Bad request")
    assert client.get_cookie("lang") is None
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_password_change_without_csrf_token_is_refused(app):
    client = logged_in(app)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert_friendly_error(response, 400, "Bad request")
    assert can_log_in(app, "staff@example.org", PASSWORD)
    assert not can_log_in(app, "staff@example.org", NEW_PASSWORD)


def test_account_creation_without_csrf_token_is_refused(app):
    client = logged_in(app, Role.ADMIN, "admin@example.org")
    before = count(app, User)
    response = client.post(
        "/admin/users",
        data={"email": "new@example.org", "role": "admin", "password": NEW_PASSWORD},
    )
    assert_friendly_error(response, 400, "Bad request")
    assert count(app, User) == before
    with app.app_context():
        assert accounts.find_user("new@example.org") is None


def test_a_token_from_another_session_is_refused(app):
    make_user(app, "staff@example.org")
    attacker = app.test_client()
    stolen = csrf_token(attacker)
    victim = app.test_client()
    victim.get("/")
    response = victim.post(
        "/login",
        data={"csrf_token": stolen, "email": "staff@example.org", "password": PASSWORD},
    )
    assert response.status_code == 400


# --- (b) login throttling -------------------------------------------------------------


def per_minute(limit: str) -> int:
    match = re.search(r"(\d+)\s*(?:per|/)\s*minute", limit)
    assert match, f"no per-minute limit in {limit!r}"
    return int(match.group(1))


def test_repeated_wrong_passwords_are_throttled(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    make_user(app, "staff@example.org")
    auth = Auth(app, app.test_client())
    limit = per_minute(app.config["LOGIN_FAILURE_LIMIT"])
    for attempt in range(limit):
        response = auth.login("staff@example.org", "wrong-password")
        assert response.status_code == 200, f"attempt {attempt + 1}"
        assert "Email or password is not correct." in response.get_data(as_text=True)
    response = auth.login("staff@example.org", "wrong-password")
    assert_friendly_error(response, 429, "Too many attempts", hidden="RateLimitExceeded")
    # While throttled even the right password waits.
    assert auth.login("staff@example.org", PASSWORD).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    make_user(app, "staff@example.org")
    limit = per_minute(app.config["LOGIN_FAILURE_LIMIT"])
    failing = Auth(app, app.test_client())
    for _ in range(limit - 1):
        assert failing.login("staff@example.org", "wrong-password").status_code == 200
    for _ in range(limit + 2):
        assert can_log_in(app, "staff@example.org", PASSWORD)
    assert failing.login("staff@example.org", "wrong-password").status_code == 200
    assert failing.login("staff@example.org", "wrong-password").status_code == 429


# --- (c) open redirects ---------------------------------------------------------------

EVIL_TARGETS = [
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "http:evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "///evil.example",
    "/\t/evil.example",
    " //evil.example",
]


def points_off_site(location: str) -> bool:
    """How a browser would read the Location: backslashes as slashes, tabs dropped."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost")


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_redirects_off_site(app, auth, target):
    make_user(app, "staff@example.org")
    response = auth.login("staff@example.org", PASSWORD, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert not points_off_site(location), location
    # Following it stays here too (at worst a 404 of this site).
    followed = auth.client.get(location)
    assert not points_off_site(followed.headers.get("Location", "")), location


def login_form_next(page: str) -> str:
    """The value of the login form's hidden next field."""
    match = re.search(r'<input id="next" name="next" type="hidden" value="([^"]*)">', page)
    assert match, "the login form has no next field"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_page_does_not_carry_an_off_site_next(client, target):
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert not points_off_site(login_form_next(page) or "/")


def test_login_follows_a_local_next(app, auth):
    make_user(app, "staff@example.org")
    response = auth.login("staff@example.org", PASSWORD, next="/account/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"


def test_protected_page_sends_back_after_login(app, client, auth):
    make_user(app, "staff@example.org")
    response = client.get("/account/password")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    next_value = login_form_next(client.get(login_url).get_data(as_text=True))
    assert next_value == "/account/password"
    response = auth.login("staff@example.org", PASSWORD, next=next_value)
    assert response.headers["Location"] == "/account/password"


# --- (d) security headers -------------------------------------------------------------


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = {part.strip() for part in csp.split(";")}
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in directives, csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "Strict-Transport-Security" not in response.headers


def test_error_pages_carry_security_headers_too(client):
    response = client.get("/no-such-page")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_logged_in_pages_are_not_cached(app):
    client = logged_in(app)
    response = client.get("/account/")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_hsts_when_configured(app_factory):
    client = app_factory(HSTS=True).test_client()
    hsts = client.get("/").headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600


# --- (e) error pages ------------------------------------------------------------------


def test_400_page(client):
    assert_friendly_error(client.post("/login"), 400, "Bad request")


def test_403_page(app):
    client = logged_in(app, Role.COORDINATOR)
    page = assert_friendly_error(client.get("/admin/users"), 403, "Not allowed")
    assert "Your account may not open this page." in page


def test_404_page(client):
    page = assert_friendly_error(client.get("/no-such-page"), 404, "Page not found")
    assert "Back to the home page" in page


def test_405_page(client):
    page = assert_friendly_error(client.get("/logout"), 405, "Not allowed")
    assert "This page cannot be used in this way." in page


def test_413_page_for_an_oversize_post(app, client):
    make_user(app, "staff@example.org")
    limit = app.config["MAX_CONTENT_LENGTH"]
    token = csrf_token(client)
    body = (
        f"csrf_token={token}&email=staff%40example.org&password={PASSWORD}&junk=".encode()
        + b"x" * limit
    )
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert_friendly_error(response, 413, "Too large")
    assert not session_alive(client)


def test_500_page_hides_the_exception(app_factory):
    app = app_factory()

    @public
    def boom():
        raise RuntimeError("kaboom: secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    response = app.test_client().get("/boom")
    page = assert_friendly_error(response, 500, "Something went wrong", hidden="kaboom")
    assert "RuntimeError" not in page
    assert "secret internal detail" not in page


# --- (f) health check -----------------------------------------------------------------


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"


def test_healthz_reports_an_unreachable_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'nested' / 'x.db'}"
    app = create_app(make_config(url))  # starts although the database cannot be opened
    try:
        client = app.test_client()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.is_json
        assert response.get_json()["status"] != "ok"
        # Pages say so in words instead of showing a traceback.
        assert_friendly_error(client.get("/"), 503, "Temporarily unavailable")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_app_starts_with_a_database_in_a_nonexistent_directory():
    app = create_app(make_config("sqlite:////nonexistent/dir/x.db"))
    try:
        assert app.test_client().get("/healthz").status_code == 503
    finally:
        with app.app_context():
            db.engine.dispose()


# --- (g) production settings ----------------------------------------------------------


def production(database_url: str, secret_key: str | None) -> type[ProductionConfig]:
    return type(
        "Production",
        (ProductionConfig,),
        {"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": database_url},
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "changeme", "change-me", "dev", "x" * 31],
    ids=["none", "empty", "changeme", "change-me", "dev", "too-short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(database_url, secret_key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(database_url, secret_key))


def test_production_starts_with_a_real_secret_key(database_url):
    app = create_app(production(database_url, "a1b2c3d4" * 8))
    try:
        assert isinstance(app, Flask)
        assert not app.testing
        response = app.test_client().get("/healthz")
        assert response.status_code == 200
        assert "max-age=" in response.headers["Strict-Transport-Security"]
        assert app.config["SESSION_COOKIE_SECURE"]
        assert app.config["REMEMBER_COOKIE_SECURE"]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- (h) passwords --------------------------------------------------------------------


def create_account(client, email: str, password: str):
    return post(client, "/admin/users", {"email": email, "role": "teacher", "password": password})


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3$xyz", "Use at least 8 characters."),
        ("password123", "too common"),
        ("qwerty123", "too common"),
        ("PASSWORD123", "too common"),
        ("new@example.org", "too common"),
        # Found by the outside audit: not in the list of common passwords, still easy to guess.
        ("aaaaaaaa", "too common"),
        ("abcdefgh", "too common"),
        ("austausch", "too common"),
        ("Dortmund2026", "too common"),
        ("newnewnew1", "too common"),  # the email's own words
    ],
    ids=[
        "short",
        "password123",
        "qwerty123",
        "uppercase-common",
        "same-as-email",
        "repeated",
        "sequence",
        "site-word",
        "city-and-year",
        "email-words",
    ],
)
def test_weak_passwords_are_refused(app, password, message):
    admin = logged_in(app, Role.ADMIN, "admin@example.org")
    before = count(app, User)
    response = create_account(admin, "new@example.org", password)
    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "password")
    assert count(app, User) == before


@pytest.mark.parametrize("password", ["maple-syrup-waffles", "Kq8#vT2p", "tr0ub4dor&3"])
def test_passwords_hard_to_guess_are_accepted(app, password):
    admin = logged_in(app, Role.ADMIN, "admin@example.org")
    assert create_account(admin, "new@example.org", password).status_code == 302
    assert can_log_in(app, "new@example.org", password)


def test_the_form_explains_the_rule(app):
    """Families read the rule before they choose (account page and sign-up say the same)."""
    client = app.test_client()
    page = html.unescape(client.get("/family/signup").get_data(as_text=True))
    assert "not easy to guess" in page and "no words of this site" in page


def test_long_passphrase_is_accepted_and_not_truncated(app):
    passphrase = ("Grüne Äpfel fallen nachts leise vom alten Baum; " * 5)[:199] + "Z"
    assert len(passphrase) == 200
    admin = logged_in(app, Role.ADMIN, "admin@example.org")
    response = create_account(admin, "long@example.org", passphrase)
    assert response.status_code == 302
    assert can_log_in(app, "long@example.org", passphrase)
    assert not can_log_in(app, "long@example.org", passphrase[:-1] + "Y")
    assert not can_log_in(app, "long@example.org", passphrase[:72])
    with app.app_context():
        assert accounts.find_user("long@example.org").password_hash.startswith("scrypt:")


# --- the account page: changing the password ------------------------------------------


def change_password(client, current: str, new: str, confirm: str | None = None):
    return post(
        client,
        "/account/password",
        {
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_change_password_needs_the_current_password(app):
    client = logged_in(app)
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "current_password") == "The current password is not correct."
    assert can_log_in(app, "staff@example.org", PASSWORD)
    assert not can_log_in(app, "staff@example.org", NEW_PASSWORD)


def test_change_password_refuses_a_mismatch(app):
    client = logged_in(app)
    response = change_password(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "confirm") == "The two passwords differ."
    assert can_log_in(app, "staff@example.org", PASSWORD)


def test_change_password_refuses_a_common_password(app):
    client = logged_in(app)
    response = change_password(client, PASSWORD, "password123")
    assert response.status_code == 200
    assert "too common" in field_error(response.get_data(as_text=True), "new_password")
    assert can_log_in(app, "staff@example.org", PASSWORD)
    assert not can_log_in(app, "staff@example.org", "password123")


def test_change_password_logs_out_other_devices_only(app):
    laptop = logged_in(app)
    phone = app.test_client()
    Auth(app, phone).login("staff@example.org", PASSWORD)
    assert session_alive(laptop) and session_alive(phone)

    response = change_password(laptop, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/"
    assert "Your password was changed." in laptop.get("/account/").get_data(as_text=True)

    assert session_alive(laptop)
    response = phone.get("/account/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"

    assert can_log_in(app, "staff@example.org", NEW_PASSWORD)
    assert not can_log_in(app, "staff@example.org", PASSWORD)
