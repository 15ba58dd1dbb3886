"""`flask backup` and `flask restore`: a backup of a migrated database with data, restored into
a fresh database, is at the migration head and holds all the data. Runs on the database the
suite uses: SQLite files, or two scratch databases on the PostgreSQL server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import Enrolment, Guardian, Placement, Student
from tests.conftest import make_config
from tests.rosters.data import build

COUNTED = (Student, Guardian, Enrolment, Placement)


@contextlib.contextmanager
def scratch_database(database_url: str, tmp_path) -> Iterator[str]:
    """A new, empty database of the suite's kind; dropped afterwards (PostgreSQL)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
        return
    name = f"austausch_backup_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def snapshot(app) -> dict:
    with app.app_context():
        counts = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                  for m in COUNTED}  # fmt: skip
        names = sorted(db.session.scalars(sa.select(Student.last_name)))
        notes = sorted(db.session.scalars(sa.select(Student.medical_notes)))
        return {"counts": counts, "names": names, "notes": notes}


def migration_head(app) -> tuple[str | None, str]:
    with app.app_context():
        current = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        return current, script.get_current_head()


def test_a_backup_restored_into_a_fresh_database_is_complete(database_url, tmp_path):
    with (
        scratch_database(database_url, tmp_path) as live_url,
        scratch_database(database_url, tmp_path) as fresh_url,
    ):
        live = create_app(make_config(live_url))
        with live.app_context():
            upgrade()
        build(live)
        before = snapshot(live)
        assert before["counts"]["students"] == 8

        target = tmp_path / "austausch.backup"
        result = live.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert "Backup written" in result.output
        assert target.stat().st_mode & 0o077 == 0  # readable by its owner only
        with live.app_context():
            db.engine.dispose()

        fresh = create_app(make_config(fresh_url))
        result = fresh.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output

        current, head = migration_head(fresh)
        assert current == head
        assert snapshot(fresh) == before
        with fresh.app_context():
            db.engine.dispose()


def test_a_backup_never_overwrites_a_file(app, tmp_path, runner):
    target = tmp_path / "taken.backup"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_text() == "keep me"


@pytest.mark.real_commits  # restore works on the database from other connections
def test_restoring_something_that_is_not_a_backup_changes_nothing(app, tmp_path, runner):
    build(app)
    before = snapshot(app)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    # SQLite: "not an SQLite backup"; pg_restore: "input file does not appear to be ..."
    assert "Error" in result.output
    assert snapshot(app) == before
