"""Login sessions end on the server: after a time without use and after a longest lifetime,
whatever the browser's cookies say (a remember cookie from a year ago is refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import LoginSession
from app.models.base import utcnow
from app.services.identity.accounts import SEEN_EVERY
from tests.conftest import PASSWORD, Auth, make_user


def sessions(app) -> list[LoginSession]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(LoginSession)))
        db.session.expunge_all()
        return rows


def age_sessions(app, *, used: timedelta = timedelta(0), begun: timedelta = timedelta(0)):
    """Pretend every login session was last used `used` ago and begun `begun` ago."""
    now = utcnow()
    with app.app_context():
        db.session.execute(
            sa.update(LoginSession).values(last_seen_at=now - used, created_at=now - begun)
        )
        db.session.commit()


@pytest.fixture
def logged_in(app, client, auth):
    make_user(app, "staff@example.org")
    assert auth.login("staff@example.org", PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200
    return client


def test_a_session_idle_longer_than_the_limit_has_ended(app, logged_in):
    idle = app.config["SESSION_IDLE_LIMIT"]
    age_sessions(app, used=idle + timedelta(minutes=1), begun=idle + timedelta(minutes=1))
    response = logged_in.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert sessions(app) == []  # the ended session's row is gone


def test_a_session_in_use_goes_on_and_notes_when_it_was_used(app, logged_in):
    idle = app.config["SESSION_IDLE_LIMIT"]
    age_sessions(app, used=idle - timedelta(minutes=1), begun=timedelta(days=1))
    assert logged_in.get("/dashboard").status_code == 200
    (row,) = sessions(app)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_a_recent_use_is_not_written_again_on_every_request(app, logged_in):
    age_sessions(app, used=SEEN_EVERY / 2)
    before = sessions(app)[0].last_seen_at
    assert logged_in.get("/dashboard").status_code == 200
    assert sessions(app)[0].last_seen_at == before


def test_a_session_older_than_the_longest_lifetime_has_ended_even_in_use(app, logged_in):
    longest = app.config["SESSION_MAX_AGE"]
    age_sessions(app, used=timedelta(0), begun=longest + timedelta(minutes=1))
    assert logged_in.get("/dashboard").status_code == 302
    assert sessions(app) == []


def test_a_remember_cookie_of_an_old_login_is_refused(app, client, auth):
    make_user(app, "staff@example.org")
    auth.login("staff@example.org", PASSWORD, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    reopened = app.test_client()  # the browser reopened: only the remember cookie is left
    reopened.set_cookie("remember_token", remember.value)
    assert reopened.get("/dashboard").status_code == 200
    age_sessions(app, used=timedelta(days=365), begun=timedelta(days=365))
    a_year_later = app.test_client()
    a_year_later.set_cookie("remember_token", remember.value)
    assert a_year_later.get("/dashboard").status_code == 302


def test_the_limits_are_settings(app_factory):
    app = app_factory(SESSION_IDLE_LIMIT=timedelta(minutes=5))
    client = app.test_client()
    make_user(app, "staff@example.org")
    Auth(app, client).login("staff@example.org", PASSWORD)
    age_sessions(app, used=timedelta(minutes=6), begun=timedelta(minutes=6))
    assert client.get("/dashboard").status_code == 302


def test_the_purge_deletes_sessions_that_ended_by_time(app, logged_in, runner):
    age_sessions(app, used=timedelta(days=400), begun=timedelta(days=400))
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert sessions(app) == []


def age_logins(app, begun: timedelta) -> None:
    """Every login session began `begun` ago, and nothing else about it is touched: the audit's
    scenario, which on the audited code (no idle time kept) still opened pages."""
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(created_at=utcnow() - begun))
        db.session.commit()


def test_a_login_begun_a_year_ago_no_longer_opens_pages(app, logged_in):
    age_logins(app, timedelta(days=365))
    response = logged_in.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


def test_the_remember_cookie_of_a_year_old_login_does_not_open_pages(app, client, auth):
    make_user(app, "staff@example.org")
    auth.login("staff@example.org", PASSWORD, remember="y")
    remember = client.get_cookie("remember_token")
    assert remember is not None
    age_logins(app, timedelta(days=365))
    a_year_later = app.test_client()  # the browser was closed: only the remember cookie is left
    a_year_later.set_cookie("remember_token", remember.value)
    assert a_year_later.get("/dashboard").status_code == 302
