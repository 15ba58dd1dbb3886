"""Fixtures: a fresh database per test (SQLite, or PostgreSQL via TEST_DATABASE_URL),
a client that sends CSRF tokens like a browser, and factory helpers."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Role
from app.services.identity import accounts
from config import TestingConfig

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK_RE = re.compile(r"https?://[^/\s]+(/(?:email/confirm|password/reset)/\S+)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that passed no test fails; in CI a skipped test fails the run too."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus not in (0, 5):
        return
    passed = reporter.stats.get("passed", [])
    skipped = reporter.stats.get("skipped", [])
    if session.config.option.collectonly:
        return
    if not passed:
        session.exitstatus = 1
        reporter.write_line("FAILED: no test was executed.", red=True)
    elif skipped and os.environ.get("CI") == "true":
        session.exitstatus = 1
        reporter.write_line(f"FAILED: {len(skipped)} test(s) skipped in CI.", red=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_config(database_url: str, **overrides: object) -> type[TestingConfig]:
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
    return type("TestConfig", (TestingConfig,), attrs)


def empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app_factory(database_url: str):
    """Build an application on the test database; tables are emptied afterwards."""
    built = []

    def build(**overrides: object):
        application = create_app(make_config(database_url, **overrides))
        with application.app_context():
            db.create_all()
            empty_tables()
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.session.remove()
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get("/").get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the home page"
    return match.group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def make_user(
    app,
    email: str = "staff@example.org",
    role: Role | str = Role.COORDINATOR,
    password: str = PASSWORD,
    active: bool = True,
) -> int:
    """Create an account and return its id."""
    with app.app_context():
        user = accounts.create_user(email, password, role)
        user.active = active
        db.session.commit()
        return user.id


class Auth:
    """Log in and out through the real forms."""

    def __init__(self, app, client) -> None:
        self.app = app
        self.client = client

    def login(self, email: str = "staff@example.org", password: str = PASSWORD, **extra):
        return post(self.client, "/login", {"email": email, "password": password, **extra})

    def login_as(self, role: Role | str, email: str | None = None):
        email = email or f"{Role(role).value}@example.org"
        with self.app.app_context():
            if accounts.find_user(email) is None:
                make_user(self.app, email, role)
        response = self.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return post(self.client, "/logout")


def emailed_links(app, recipient: str, kind: str = "/email/confirm/") -> list[str]:
    """The paths of the links of this kind (confirming the address, or "/password/reset/")
    in the emails queued for the recipient, oldest first."""
    from app.models import OutboxEmail

    with app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxEmail.body)
            .where(OutboxEmail.recipient == recipient)
            .order_by(OutboxEmail.id)
        ).all()
    return [path for body in bodies for path in LINK_RE.findall(body) if path.startswith(kind)]


def confirm_address(app, client, recipient: str):
    """Follow the newest confirmation link emailed to the recipient, as a browser would:
    open it, press the button."""
    path = emailed_links(app, recipient)[-1]
    assert client.get(path).status_code == 200
    return post(client, path)


@pytest.fixture
def auth(app, client) -> Auth:
    return Auth(app, client)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))
