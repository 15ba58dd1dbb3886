"""Fixtures: the test database (SQLite, or PostgreSQL via TEST_DATABASE_URL), one for each
pytest-xdist worker, its schema built once; each test in a transaction that is rolled back;
a client that sends CSRF tokens like a browser; factory helpers.

Isolation. The application built by `app_factory` runs every statement of the test on one
connection whose transaction is rolled back afterwards: the sessions of the test, of its
requests and of its CLI commands join it through a SAVEPOINT (SQLAlchemy's
join_transaction_mode="create_savepoint"), so the application's own commit() and rollback()
release and roll back savepoints. Tests whose data must be seen by other connections,
threads or processes (a live server, threads racing, a subprocess, an outage) are marked
`real_commits`: their writes are committed and the tables emptied afterwards. Tests using
`live_server` get that mark by themselves."""

from __future__ import annotations

import os
import re
from typing import ClassVar

import flask
import jinja2
import pytest
import sqlalchemy as sa
import werkzeug.routing.rules
from flask.ctx import RequestContext
from flask.testing import EnvironBuilder
from flask_wtf.csrf import generate_csrf

from app import create_app
from app.extensions import db
from app.models import Role
from app.services.identity import accounts
from config import TestingConfig

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# app.extensions key: the connection (in the test's transaction) that the app's sessions use.
TEST_CONNECTION = "tests.connection"
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


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker per core, and none (one process) on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if cores and cores >= 2 else 0


def _on_postgresql() -> bool:
    url = os.environ.get("TEST_DATABASE_URL")
    return bool(url) and sa.make_url(url).get_backend_name() == "postgresql"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test served to a browser by `live_server` is a slow browser test with real commits
    (the server's thread has its own connection). A test marked `postgresql` is left out
    (reported as deselected, never skipped) when the suite runs on SQLite: `.ci/run` runs
    it in its PostgreSQL pass."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.real_commits)
    if _on_postgresql():
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


# --- the database ---------------------------------------------------------------------------


def _worker() -> str:
    """The xdist worker's name ("gw0", "gw1" ...), or "" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def _create_postgres_database(url: sa.URL) -> None:
    """Create the database of url unless it exists (its server's user may create databases),
    and let it take connections (a run stopped during the outage test may have left it shut)."""
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            conn.execute(sa.text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true'))
    finally:
        admin.dispose()


def worker_database_url(base: str | None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database of this process: TEST_DATABASE_URL's, with "_gw0" ... appended to its
    name under xdist (created when missing); a new SQLite file when no URL is given."""
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = _worker()
    if not worker:
        return base
    url = sa.make_url(base)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return base
        root, ext = os.path.splitext(url.database)
        return url.set(database=f"{root}_{worker}{ext}").render_as_string(hide_password=False)
    url = url.set(database=f"{url.database}_{worker}")
    if url.get_backend_name() == "postgresql":
        _create_postgres_database(url)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """This worker's test database, with the models' schema built once for the run."""
    url = worker_database_url(os.environ.get("TEST_DATABASE_URL"), tmp_path_factory)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            db.metadata.drop_all(conn)  # a database kept from an earlier run: its schema anew
            db.metadata.create_all(conn)
    finally:
        engine.dispose()
    return url


def make_config(database_url: str, **overrides: object) -> type[TestingConfig]:
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
    return type("TestConfig", (TestingConfig,), attrs)


def empty_tables() -> None:
    """Delete every row, children first, as plain SQL (this runs before every test). On
    PostgreSQL the DELETEs go to the server as one string: one round trip, not one a table."""
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    deletes = [
        f"DELETE FROM {quote(table.name)}"  # noqa: S608 (our own table names)
        for table in reversed(db.metadata.sorted_tables)
    ]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("; ".join(deletes))
    else:
        for delete in deletes:
            connection.exec_driver_sql(delete)
    db.session.commit()


# --- sessions inside the test's transaction --------------------------------------------------


def _get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
    """Flask-SQLAlchemy's Session picks the app's engine by bind key; an app of a
    transactional test answers with the test's connection instead."""
    if bind is None:
        connection = flask.current_app.extensions.get(TEST_CONNECTION)
        if connection is not None:
            return connection
    return _flask_get_bind(self, mapper=mapper, clause=clause, bind=bind, **kwargs)


_session_factory = db.session.session_factory
_flask_get_bind = _session_factory.class_.get_bind
_session_factory.class_ = type("TestSession", (_session_factory.class_,), {"get_bind": _get_bind})
# A session given a connection in a transaction works in a SAVEPOINT of it: commit() releases
# the savepoint, rollback() rolls back to it. Sessions on an engine are not concerned.
_session_factory.configure(join_transaction_mode="create_savepoint")


READING = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK TO|BEGIN|PRAGMA)\b", re.IGNORECASE)


class Savepoints:
    """The savepoints open on an engine's connection, and those a write or an error went into.

    Every app context has its own session, and each session works in its own SAVEPOINT of
    the test's one connection. Savepoints nest: a test's `with app.app_context()` that has
    read something holds one while a helper or request inside it opens, writes and commits
    another. Rolling back the outer one (closing its session does) would undo the inner
    commit, which a real database keeps. So a savepoint that saw no write and no error is
    ended by RELEASE instead of ROLLBACK TO: the same for its session, and the others keep
    their commits."""

    def __init__(self, engine: sa.Engine) -> None:
        self.open: list[str] = []  # innermost last
        self.written: set[str] = set()
        dialect = engine.dialect
        savepoint = dialect.do_savepoint
        release = dialect.do_release_savepoint
        rollback_to = dialect.do_rollback_to_savepoint

        def do_savepoint(connection, name):
            savepoint(connection, name)
            self.open.append(name)

        def do_release_savepoint(connection, name):
            self._forget(name)
            release(connection, name)

        def do_rollback_to_savepoint(connection, name):
            undo = name in self.written
            self._forget(name)
            (rollback_to if undo else release)(connection, name)

        dialect.do_savepoint = do_savepoint
        dialect.do_release_savepoint = do_release_savepoint
        dialect.do_rollback_to_savepoint = do_rollback_to_savepoint
        sa.event.listen(engine, "before_cursor_execute", self._note_statement)
        sa.event.listen(engine, "handle_error", self._note_error)

    def reset(self) -> None:
        self.open.clear()
        self.written.clear()

    def _forget(self, name: str) -> None:
        if name in self.open:
            at = self.open.index(name)
            self.written.difference_update(self.open[at:])
            del self.open[at:]

    def _mark(self) -> None:
        if self.open:
            self.written.add(self.open[-1])

    def _note_statement(self, _conn, _cursor, statement, *_args) -> None:
        if not READING.match(statement):
            self._mark()

    def _note_error(self, _context) -> None:
        self._mark()  # PostgreSQL must roll back to the savepoint to go on


class WorkerEngine:
    """The engine the transactional tests of this process share (one per database and
    engine settings): SQLAlchemy keeps its compiled statements per engine, and a new engine
    for every test would compile every statement again. It is the engine of the first app
    built with these settings; later apps are given it instead of their own."""

    shared: ClassVar[dict[tuple, WorkerEngine]] = {}

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.savepoints = Savepoints(engine)

    @classmethod
    def of(cls, application: flask.Flask) -> WorkerEngine:
        """The shared engine for the app (in its app context), put in place of its own."""
        config = application.config
        key = (
            config["SQLALCHEMY_DATABASE_URI"],
            repr(config.get("SQLALCHEMY_ENGINE_OPTIONS")),
            config.get("SQLITE_BUSY_TIMEOUT_MS"),
        )
        own = db.engine
        worker = cls.shared.get(key)
        if worker is None:
            worker = cls.shared[key] = cls(own)
        elif worker.engine is not own:
            db._app_engines[application][None] = worker.engine  # Flask-SQLAlchemy's engines
            own.dispose()
        return worker


class RolledBackTransaction:
    """The connection of a transactional test, in a transaction rolled back at its end."""

    def __init__(self, worker: WorkerEngine) -> None:
        self.worker = worker
        worker.savepoints.reset()
        self.connection = worker.engine.connect()
        if worker.engine.dialect.name == "sqlite":
            # pysqlite begins transactions late and cannot keep SAVEPOINTs in them: it is
            # told to leave transactions alone, and BEGIN is sent when SQLAlchemy begins one.
            self.connection.connection.driver_connection.isolation_level = None
            sa.event.listen(self.connection, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        self.transaction = self.connection.begin()

    def end(self) -> None:
        self.transaction.rollback()
        self.connection.close()
        self.worker.savepoints.reset()


class SharedTemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept for the whole run: every test builds a new app, whose Jinja
    environment would otherwise compile each template again (the source is still checked)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplateCache()


def _cached_url_builders() -> None:
    """Werkzeug compiles two URL-building functions for every rule of every new app (a third
    of the time of building one). A rule's builders depend only on its parts, defaults,
    converters' types and whether unknown arguments are appended; identical rules of later
    apps get the functions already compiled."""
    compile_builder = werkzeug.routing.rules.Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def cached(rule, append_unknown: bool = True):
        key = (
            tuple(rule._trace),
            append_unknown,
            repr(sorted((rule.defaults or {}).items())),
            tuple((name, type(converter)) for name, converter in rule._converters.items()),
        )
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    werkzeug.routing.rules.Rule._compile_builder = cached


def _cached_rule_parsing() -> None:
    """Werkzeug also parses every rule of every new app again (most of the rest of the time
    of building one). A rule's text parses to the same parts, trace and converter calls
    whenever the map has the same converters: later apps replay the parse, each rule with
    converter objects of its own map."""
    parse = werkzeug.routing.rules.Rule._parse_rule
    parsed: dict[tuple, tuple] = {}

    def cached(rule, text: str):
        key = (text, tuple(sorted(rule.map.converters.items())))
        if key not in parsed:
            calls: list[tuple] = []
            get_converter = rule.get_converter

            def recording(*call):
                calls.append(call)
                return get_converter(*call)

            start = len(rule._trace)
            rule.get_converter = recording
            try:
                parts = list(parse(rule, text))
            finally:
                del rule.get_converter
            parsed[key] = (parts, rule._trace[start:], calls)
            return parts
        parts, trace, calls = parsed[key]
        rule._trace.extend(trace)
        for call in calls:
            rule._converters[call[0]] = rule.get_converter(*call)
            rule.arguments.add(call[0])
        return list(parts)

    werkzeug.routing.rules.Rule._parse_rule = cached


_cached_url_builders()
_cached_rule_parsing()


@pytest.fixture
def app_factory(database_url: str, request: pytest.FixtureRequest):
    """Build an application on the test database. Its writes are rolled back after the test,
    or, for a test marked real_commits, committed and the tables emptied afterwards. Every
    app of a test sees the same data; each build starts with empty tables, as a new app
    on a fresh database would."""
    real_commits = request.node.get_closest_marker("real_commits") is not None
    built: list[flask.Flask] = []
    transactions: dict[WorkerEngine, RolledBackTransaction] = {}

    def build(**overrides: object) -> flask.Flask:
        application = create_app(make_config(database_url, **overrides))
        application.jinja_env.bytecode_cache = TEMPLATES
        with application.app_context():
            if real_commits:
                empty_tables()
            else:
                worker = WorkerEngine.of(application)
                if worker not in transactions:
                    transactions[worker] = RolledBackTransaction(worker)
                application.extensions[TEST_CONNECTION] = transactions[worker].connection
                empty_tables()  # in the transaction: what tests without it left is not seen
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.session.remove()
    for transaction in transactions.values():
        transaction.end()
    for application in built:
        with application.app_context():
            if real_commits:
                empty_tables()
                db.session.remove()
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
    """The CSRF token of the client's session, made as flask-wtf makes it for a form (and
    stored in the session like a page would), without loading a page. That real pages carry
    a working token is tested in tests/auth/test_security.py."""
    app = client.application
    with client.session_transaction() as session, app.app_context():
        environ = EnvironBuilder(app).get_environ()
        with RequestContext(app, environ, session=session):
            return generate_csrf()


def csrf_token_of_page(client, url: str = "/") -> str:
    """The CSRF token a page carries, read from its HTML like a browser would."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
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
