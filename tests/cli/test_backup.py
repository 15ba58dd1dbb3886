"""`flask backup` and `flask restore`: a backup of a migrated database with data and stored
files, restored into a fresh database and an empty folder, is at the migration head and holds
all the data and the files. Runs on the database the suite uses: SQLite files, or two scratch
databases on the PostgreSQL server."""

from __future__ import annotations

import contextlib
import io
import stat
import tarfile
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app, storage
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


def stored_files(app) -> dict[str, bytes]:
    files = storage.current(app)
    return {key: files.read(key) for key in files.keys(prefix="")}


def test_a_backup_restored_into_a_fresh_database_is_complete(database_url, tmp_path):
    with (
        scratch_database(database_url, tmp_path) as live_url,
        scratch_database(database_url, tmp_path) as fresh_url,
    ):
        live = create_app(make_config(live_url, STORAGE_FOLDER=str(tmp_path / "live-files")))
        with live.app_context():
            upgrade()
        build(live)
        before = snapshot(live)
        assert before["counts"]["students"] == 8
        files = storage.current(live)
        passport = files.add(bytes(range(256)) * 100, prefix="enrolments/1")
        form = files.add(b"%PDF-1.7 medical form", prefix="enrolments/2")

        target = tmp_path / "austausch.backup"
        result = live.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert "Backup written" in result.output
        assert target.stat().st_mode & 0o077 == 0  # readable by its owner only
        with tarfile.open(target) as archive:
            names = set(archive.getnames())
        assert {f"files/{passport}", f"files/{form}"} <= names
        with live.app_context():
            db.engine.dispose()

        fresh_folder = tmp_path / "fresh-files"
        fresh = create_app(make_config(fresh_url, STORAGE_FOLDER=str(fresh_folder)))
        storage.current(fresh).add(b"left over, not in the backup", prefix="stray")
        result = fresh.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output

        current, head = migration_head(fresh)
        assert current == head
        assert snapshot(fresh) == before
        assert stored_files(fresh) == stored_files(live)  # and nothing else
        restored = storage.current(fresh).path(passport)
        assert stat.S_IMODE(restored.stat().st_mode) == 0o600
        assert stat.S_IMODE(fresh_folder.stat().st_mode) == 0o700
        assert sorted(p.name for p in fresh_folder.parent.iterdir() if "files" in p.name) == [
            "fresh-files",
            "live-files",
        ]  # no staging or old folder left behind
        with fresh.app_context():
            db.engine.dispose()


@pytest.mark.real_commits  # restore works on the database from other connections
def test_restoring_a_backup_with_a_file_outside_the_folder_changes_nothing(app_factory, tmp_path):
    app = app_factory(STORAGE_FOLDER=str(tmp_path / "files"))
    kept = storage.current(app).add(b"kept", prefix="enrolments/1")
    before = snapshot(app)
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as archive:
        database = tarfile.TarInfo("database.sqlite")
        database.size = 4
        archive.addfile(database, io.BytesIO(b"junk"))
        folder = tarfile.TarInfo("files")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        escape = tarfile.TarInfo("files/../../escaped")
        escape.size = 5
        archive.addfile(escape, io.BytesIO(b"owned"))
    result = app.test_cli_runner().invoke(args=["restore", str(evil), "--yes"])
    assert result.exit_code != 0
    assert "is not a storage key" in result.output
    assert not (tmp_path / "escaped").exists() and not (tmp_path.parent / "escaped").exists()
    assert stored_files(app) == {kept: b"kept"}
    assert snapshot(app) == before


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
