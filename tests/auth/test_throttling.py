"""Limits on guessing passwords (outside audit 2026-12, findings 1 and 6): per account with a
wait that grows, per client address far above one person's typos, behind a proxy per visitor,
in the database that every worker shares; the same for the password change, whose failures
are audited; the account holder is told by email, in their language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from limits import parse_many

from app.extensions import db
from app.models import Attempt, AuditEntry, OutboxEmail, Role, User
from app.services.identity.passwords import verify_password
from config import Config
from tests.conftest import PASSWORD, make_user, post

WRONG = "not-the-password"
NEW_PASSWORD = "purple-elephant-umbrella"
MESSAGE = "Email or password is not correct."


@pytest.fixture
def limited(app_factory):
    """The application with its limits on, as in production."""
    return app_factory(RATELIMIT_ENABLED=True)


def visitor(app, address: str = "127.0.0.1", **headers):
    """A browser connecting from the address (or through a proxy that sends headers)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    if headers.get("x_forwarded_proto") == "https":  # Flask-WTF checks the referrer on HTTPS
        client.environ_base["HTTP_REFERER"] = "https://localhost/login"
    return client


def log_in(client, email: str, password: str = PASSWORD) -> int:
    return post(client, "/login", {"email": email, "password": password}).status_code


def age_attempts(app, seconds: int) -> None:
    """Let time pass for the limits: every attempt so far happened `seconds` earlier."""
    with app.app_context():
        for attempt in db.session.scalars(sa.select(Attempt)):
            attempt.at -= timedelta(seconds=seconds)
        db.session.commit()


def per_window(setting: str) -> dict[int, int]:
    """A limit as {window in seconds: amount}."""
    return {item.get_expiry(): item.amount for item in parse_many(getattr(Config, setting))}


# --- finding 1: one person cannot lock others out ----------------------------------------


def test_wrong_passwords_for_one_account_do_not_stop_another_at_the_same_address(limited):
    make_user(limited, "teacher@example.org", Role.TEACHER)
    make_user(limited, "colleague@example.org", Role.TEACHER)
    school = visitor(limited)
    for _ in range(5):
        assert log_in(school, "teacher@example.org", WRONG) == 200
    assert log_in(school, "teacher@example.org", WRONG) == 429
    # The colleague at the next desk (same address, same browser even) gets in.
    assert log_in(school, "colleague@example.org") == 302


def test_a_whole_school_behind_one_address_keeps_logging_in(limited):
    """Before, the 20th wrong password of the hour from one address refused every login of
    everybody behind it for an hour, the right passwords too."""
    teachers = [f"teacher{n}@example.org" for n in range(12)]
    for email in teachers:
        make_user(limited, email, Role.TEACHER)
    for email in teachers:
        for _ in range(2):  # two typos each: 24 wrong passwords from the school's address
            assert log_in(visitor(limited), email, WRONG) == 200
    for email in teachers:
        assert log_in(visitor(limited), email) == 302


def test_one_persons_typos_cannot_reach_the_address_limit():
    """Each window of the address limit takes more failures than one account may make in it,
    and lets a school's worth of people mistype."""
    account = per_window("LOGIN_FAILURE_LIMIT")
    address = per_window("LOGIN_ADDRESS_LIMIT")
    for window, amount in address.items():
        allowed = min(n for w, n in account.items() if w <= window)
        assert amount >= 5 * allowed, (window, amount, allowed)


def test_an_account_is_limited_from_every_address(limited):
    make_user(limited, "staff@example.org")
    for n in range(5):
        assert log_in(visitor(limited, f"198.51.100.{n}"), "staff@example.org", WRONG) == 200
    elsewhere = visitor(limited, "203.0.113.9")
    assert log_in(elsewhere, "staff@example.org", WRONG) == 429
    assert log_in(elsewhere, "staff@example.org") == 429  # while it waits, the right one too


def test_the_wait_grows_with_the_failures(limited):
    """Failing on and waiting each time as told: about a minute after 5 failures, up to ten
    minutes after 10, up to an hour after 20 (LOGIN_FAILURE_LIMIT)."""
    make_user(limited, "staff@example.org")
    client = visitor(limited)
    failures, waits = 0, {}
    while failures < 20:
        response = post(client, "/login", {"email": "staff@example.org", "password": WRONG})
        if response.status_code == 200:
            failures += 1
            continue
        assert response.status_code == 429
        waits[failures] = int(response.headers["Retry-After"])
        age_attempts(limited, waits[failures])
    response = post(client, "/login", {"email": "staff@example.org", "password": PASSWORD})
    waits[failures] = int(response.headers["Retry-After"])
    assert 0 < waits[5] <= 60
    assert 60 < waits[10] <= 600
    assert 600 < waits[20] <= 3600
    page = response.get_data(as_text=True)
    assert "<h1>Too many attempts</h1>" in page
    minutes = -(-waits[20] // 60)
    assert f"Please wait {minutes} minutes before you try again." in page
    assert 'href="/password/forgot"' in page  # the way in without the password


def test_the_wait_ends(limited):
    make_user(limited, "staff@example.org")
    client = visitor(limited)
    for _ in range(5):
        log_in(client, "staff@example.org", WRONG)
    assert log_in(client, "staff@example.org") == 429
    age_attempts(limited, 61)
    assert log_in(client, "staff@example.org") == 302


def strip_tokens(page: str, email: str) -> str:
    """The page without what differs for any two visitors: the CSRF token, the email typed."""
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page).replace(email, "@")


def test_unknown_and_known_emails_are_answered_and_limited_alike(limited):
    make_user(limited, "staff@example.org")
    answers = {}
    for email in ("staff@example.org", "nobody@example.org"):
        client = visitor(limited)
        pages = [post(client, "/login", {"email": email, "password": WRONG}) for _ in range(6)]
        answers[email] = [
            (r.status_code, strip_tokens(r.get_data(as_text=True), email)) for r in pages
        ]
    assert answers["staff@example.org"] == answers["nobody@example.org"]
    assert [status for status, _page in answers["nobody@example.org"]] == [200] * 5 + [429]
    assert MESSAGE in answers["nobody@example.org"][0][1]


def test_the_address_limit_stops_trying_many_accounts(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_ADDRESS_LIMIT="4 per minute")
    make_user(app, "staff@example.org")
    sprayer = visitor(app, "192.0.2.66")
    for n in range(4):
        assert log_in(sprayer, f"guess{n}@example.org", WRONG) == 200
    assert log_in(sprayer, "staff@example.org") == 429
    assert log_in(visitor(app, "192.0.2.67"), "staff@example.org") == 302


# --- behind a proxy ------------------------------------------------------------------------


def failed_login_addresses(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.ip_address)
                .where(AuditEntry.action == "login.failed")
                .order_by(AuditEntry.id)
            )
        )


def test_behind_a_trusted_proxy_each_visitor_has_their_own_address(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, LOGIN_ADDRESS_LIMIT="4 per minute")
    make_user(app, "staff@example.org")
    proxy = "10.0.0.1"  # every request arrives from the TLS proxy
    sprayer = visitor(app, proxy, x_forwarded_for="192.0.2.66", x_forwarded_proto="https")
    for n in range(4):
        assert log_in(sprayer, f"guess{n}@example.org", WRONG) == 200
    assert log_in(sprayer, "staff@example.org") == 429
    teacher = visitor(app, proxy, x_forwarded_for="192.0.2.99", x_forwarded_proto="https")
    assert log_in(teacher, "staff@example.org") == 302
    assert failed_login_addresses(app) == ["192.0.2.66"] * 4


def test_without_trusted_proxies_forwarded_headers_are_ignored(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    assert app.config["TRUSTED_PROXIES"] == 0
    make_user(app, "staff@example.org")
    liar = visitor(app, "192.0.2.66", x_forwarded_for="203.0.113.1")
    assert log_in(liar, "staff@example.org", WRONG) == 200
    assert failed_login_addresses(app) == ["192.0.2.66"]


def test_a_negative_number_of_proxies_is_refused(app_factory):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        app_factory(TRUSTED_PROXIES=-1)


# --- several workers ------------------------------------------------------------------------


def test_workers_share_the_limits(app_factory):
    """Two workers (two applications on one database): failures at one count at the other."""
    first = app_factory(RATELIMIT_ENABLED=True)
    second = app_factory(RATELIMIT_ENABLED=True)
    make_user(first, "staff@example.org")
    for _ in range(5):
        assert log_in(visitor(first), "staff@example.org", WRONG) == 200
    assert log_in(visitor(second), "staff@example.org") == 429


# --- the account holder is told ------------------------------------------------------------


def warnings_to(app, email: str) -> list[OutboxEmail]:
    with app.app_context():
        found = list(
            db.session.scalars(
                sa.select(OutboxEmail)
                .where(OutboxEmail.recipient == email)
                .order_by(OutboxEmail.id)
            )
        )
        db.session.expunge_all()
        return found


def test_the_account_holder_is_told_of_repeated_failures_in_their_language(limited):
    user_id = make_user(limited, "lehrerin@example.org", Role.TEACHER)
    with limited.app_context():
        db.session.get(User, user_id).locale = "de"
        db.session.commit()
    threshold = limited.config["LOGIN_FAILURE_WARNING"]
    attacker = visitor(limited)  # an English browser
    for n in range(threshold + 3):
        if n == threshold - 1:
            assert warnings_to(limited, "lehrerin@example.org") == []
        assert log_in(attacker, "lehrerin@example.org", WRONG) == 200
        age_attempts(limited, 3600)  # spread over the day: the limits let every attempt in
    [warning] = warnings_to(limited, "lehrerin@example.org")
    assert warning.subject == "Falsche Passwörter für Ihr Konto"
    assert f"{threshold} Mal" in warning.body
    assert "Passwort vergessen?" in warning.body
    assert log_in(attacker, "nobody@example.org", WRONG) == 200  # no account: nobody to tell


# --- finding 6: the password change --------------------------------------------------------


def change_password(client, current: str, new: str = NEW_PASSWORD):
    data = {"current_password": current, "new_password": new, "confirm": new}
    return post(client, "/account/password", data)


def logged_in(app, email: str = "staff@example.org"):
    make_user(app, email)
    client = visitor(app)
    assert log_in(client, email) == 302
    return client


def test_wrong_current_passwords_are_throttled(limited):
    """Before, 8 wrong current passwords in a row were answered 8 × 200."""
    client = logged_in(limited)
    for _ in range(5):
        assert change_password(client, WRONG).status_code == 200
    response = change_password(client, WRONG)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert change_password(client, PASSWORD).status_code == 429  # the right one waits too
    with limited.app_context():  # nothing changed
        user = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
        assert verify_password(user.password_hash, PASSWORD)


def test_wrong_current_passwords_count_against_the_account_like_failed_logins(limited):
    """A stolen session cannot guess the password beside the login's limit."""
    client = logged_in(limited)
    for _ in range(5):
        assert change_password(client, WRONG).status_code == 200
    assert log_in(visitor(limited, "10.9.9.9"), "staff@example.org") == 429


def test_failed_password_changes_are_in_the_audit_trail(app):
    client = logged_in(app)
    for _ in range(3):
        assert change_password(client, WRONG).status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "password.change_failed")
        ).all()
        assert [(e.user_id, e.record_type, e.record_id) for e in entries] == [
            (user.id, "user", user.id)
        ] * 3
        assert all(e.ip_address == "127.0.0.1" for e in entries)
        assert all(WRONG not in str(e.details) for e in entries)


def test_a_right_password_change_still_works(limited):
    client = logged_in(limited)
    assert change_password(client, WRONG).status_code == 200
    assert change_password(client, PASSWORD).status_code == 302
    assert log_in(visitor(limited), "staff@example.org", NEW_PASSWORD) == 302
