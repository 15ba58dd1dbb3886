"""Faults: the database unavailable for a moment gives a clear 503 page and the application
recovers by itself; a process killed in the middle of a write leaves nothing half-written."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.extensions import db
from app.models import Cohort, EmergencyContact, Guardian, Role, Student
from app.services.enrolment import cohorts
from tests.conftest import csrf_token, make_user
from tests.factories import cohort_values

ROOT = Path(__file__).resolve().parents[2]
# Other connections and processes: the database cut off, a writer killed.
pytestmark = pytest.mark.real_commits


def new_cohort_form(app, client, name: str) -> dict:
    with app.app_context():
        programme_id = cohorts.ensure_default_programme().id
        db.session.commit()
    values = cohort_values(name=name)
    return {
        "csrf_token": csrf_token(client),
        "programme_id": str(programme_id),
        "name": name,
        "direction": values["direction"],
        "departure_date": values["departure_date"].isoformat(),
        "return_date": values["return_date"].isoformat(),
        "places": "10",
        "students_per_teacher": "10",
    }


def cohort_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Cohort.name)))


@pytest.fixture
def outage(app_factory, database_url, tmp_path):
    """(app, cut, restore): an application whose database can be made unavailable."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        # The server refuses the database and drops its connections, as in a restart.
        app = app_factory()
        name = url.database
        admin_url = url.set(drivername="postgresql", database="postgres")
        admin = psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True)

        def cut() -> None:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )

        def allow() -> None:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        yield app, cut, allow, "postgresql"
        allow()
        admin.close()
        return
    # SQLite: another process holds the write lock longer than the busy timeout.
    app = app_factory(SQLITE_BUSY_TIMEOUT_MS=300)
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    holder = sqlite3.connect(path, isolation_level=None, timeout=5)

    def cut() -> None:
        holder.execute("BEGIN IMMEDIATE")

    def restore() -> None:
        holder.execute("ROLLBACK")

    yield app, cut, restore, "sqlite"
    holder.close()


@pytest.mark.slow
def test_a_database_outage_gives_a_clear_503_and_recovery_needs_nobody(outage, auth, client):
    app, cut, restore, kind = outage
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    auth.login("coordinator@example.org")
    assert client.get("/healthz").status_code == 200

    form = new_cohort_form(app, client, "During the outage")
    cut()
    try:
        response = client.post("/cohorts/new", data=form)
        assert response.status_code == 503, response.headers.get("Location")
        page = response.get_data(as_text=True)
        assert "Temporarily unavailable" in page
        assert "Traceback" not in page and "OperationalError" not in page
        if kind == "postgresql":  # no connection at all (SQLite: reading still works)
            assert client.get("/healthz").status_code == 503
    finally:
        restore()
    assert "During the outage" not in cohort_names(app)  # nothing half-written

    assert client.get("/healthz").status_code == 200  # back by itself, no restart
    form = new_cohort_form(app, client, "After the outage")
    assert client.post("/cohorts/new", data=form).status_code == 302
    assert "After the outage" in cohort_names(app)


def _wait_until_ended(database_url: str) -> None:
    """pg_terminate_backend only signals: wait until the server has ended those sessions."""
    url = make_url(database_url)
    admin_url = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin_url.render_as_string(hide_password=False)) as admin:
        for _ in range(100):
            left = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (url.database,)
            ).fetchone()[0]
            if not left:
                return
            time.sleep(0.05)
    raise AssertionError("the server did not end the sessions")


@pytest.mark.postgresql  # SQLite has no server that could end its connections
def test_connections_the_server_ended_are_replaced_before_a_request_uses_them(outage, client):
    """A restart of PostgreSQL ends the pooled connections between two requests: the next
    request gets a new connection instead of a 503 (the socket is polled at checkout, in
    place of a round trip per request)."""
    app, cut, restore, kind = outage
    assert kind == "postgresql"
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        pooled = db.engine.pool.checkedin()
    assert pooled >= 1
    cut()
    restore()
    _wait_until_ended(app.config["SQLALCHEMY_DATABASE_URI"])
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200


KILLED_WRITER = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {root!r})
    from app import create_app
    from app.extensions import db
    from app.services.enrolment import students
    from tests.conftest import make_config
    from tests.factories import student_values

    app = create_app(make_config({url!r}))
    with app.app_context():
        students.create_student(student_values(last_name="Halbgeschrieben"))
        db.session.flush()  # the student, guardian and contact rows are written, not committed
        print("written", flush=True)
        sys.stdin.readline()  # killed here, before the commit
    """
)


def test_a_process_killed_in_the_middle_of_a_write_leaves_nothing_half_written(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER.format(root=str(ROOT), url=url)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        try:
            assert writer.stdout.readline().strip() == "written"
            writer.send_signal(signal.SIGKILL)
        finally:
            writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    with app.app_context():
        db.engine.dispose()
        for model in (Student, Guardian, EmergencyContact):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        # The database takes the next write at once: no lock or transaction was left behind.
        programme = cohorts.ensure_default_programme()
        cohorts.create_cohort(cohort_values(name="Next", programme_id=programme.id))
        db.session.commit()
