"""Backups that are safe while the application runs, and restoring them: SQLite through its
online backup API (a consistent copy even with writers in WAL mode), PostgreSQL through
pg_dump and pg_restore (custom format).

`flask backup` puts this copy in one archive with the stored files: app/cli/backup_archive.py."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.services.validation import whole_number


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest PostgreSQL installed under /usr/lib."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    if not candidates:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")
    return candidates[0]


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    try:
        return whole_number(part, 0)
    except ValueError:
        return 0


def _pg_args(url: URL) -> tuple[list[str], dict]:
    """libpq connection arguments; the password goes through the environment, not argv."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict) -> None:
    # The program is pg_dump/pg_restore and the arguments come from the configured URL.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


def backup_database(database_url: str, target: Path) -> Path:
    """Write a copy of the database to target (a new file, owner-only); its path."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_path(url)}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env,
        )
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()}.")
    target.chmod(0o600)  # it holds minors' personal data
    return target


def restore_database(database_url: str, source: Path) -> None:
    """Replace the database's contents with the copy in source."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup: {error}") from error
        live = sqlite3.connect(_sqlite_path(url))
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args]
        _run([*command, str(source)], env)
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()}.")
