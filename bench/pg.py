"""A throwaway PostgreSQL server for `make bench` and `make load`, started the way CI starts
its own (.ci/run): the newest /usr/lib/postgresql/*/bin, a data directory in a new temporary
directory, trust authentication, a free port on 127.0.0.1, fsync off. As root the server runs
as the user postgres (`su postgres`, as PostgreSQL refuses to run as root); as anybody else,
as that user. Stopped and removed when the `with` block ends, also on an error or Ctrl+C.

    with throwaway_server() as server:      # None: no PostgreSQL binaries on this machine
        url = server.url("austausch_bench")  # a new, empty database

    python -m bench.pg                       # start one, print its URL, wait for Ctrl+C
"""
# ruff: noqa: S603 (the server's own programs, with fixed arguments)

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

PROGRAMS = ("initdb", "pg_ctl", "postgres")


def find_binaries() -> Path | None:
    """The newest installed server's bin directory (initdb, pg_ctl, postgres), or None."""
    found = []
    for directory in Path("/usr/lib/postgresql").glob("*/bin"):
        if all(os.access(directory / name, os.X_OK) for name in PROGRAMS):
            try:
                found.append((int(directory.parent.name), directory))
            except ValueError:
                continue
    return max(found)[1] if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    binaries: Path
    directory: Path
    port: int
    as_postgres: bool  # started through `su postgres` (we are root)

    def url(self, database: str) -> str:
        """A new empty database (dropped first if it exists) and its SQLAlchemy URL."""
        self.run_sql(f'DROP DATABASE IF EXISTS "{database}"')
        self.run_sql(f'CREATE DATABASE "{database}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def run_sql(self, sql: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def version(self) -> str:
        done = subprocess.run(
            [str(self.binaries / "postgres"), "--version"], capture_output=True, text=True
        )
        return done.stdout.strip()


def _as_server_user(command: list[str], as_postgres: bool, cwd: Path) -> None:
    if as_postgres:
        line = f"cd {shlex.quote(str(cwd))} && " + " ".join(shlex.quote(c) for c in command)
        command = ["su", "postgres", "-s", "/bin/sh", "-c", line]
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def _stop(server: Server) -> None:
    data = server.directory / "data"
    if (data / "postmaster.pid").exists():
        try:
            _as_server_user(
                [str(server.binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                server.as_postgres,
                server.directory,
            )
        except subprocess.CalledProcessError:
            print(f"warning: pg_ctl stop failed; see {server.directory}/log", file=sys.stderr)
            return
    shutil.rmtree(server.directory, ignore_errors=True)


@contextmanager
def throwaway_server(say=print) -> Iterator[Server | None]:
    """A PostgreSQL server for the length of the block; None when no binaries are found."""
    binaries = find_binaries()
    if binaries is None:
        say(
            "No PostgreSQL server binaries found (/usr/lib/postgresql/*/bin with initdb, "
            "pg_ctl, postgres): install the package postgresql, or give a database URL."
        )
        yield None
        return
    as_postgres = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="austausch-postgres-"))
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    server = Server(binaries, directory, free_port(), as_postgres)
    data = directory / "data"
    # SIGTERM (a CI runner's stop, `kill`) ends the block like Ctrl+C does: the server stops.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        try:
            _as_server_user(
                [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--locale=C.UTF-8"],
                as_postgres,
                directory,
            )  # fmt: skip
            options = f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            _as_server_user(
                [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"),
                 "-w", "-t", "60", "-o", options, "start"],
                as_postgres,
                directory,
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            log = directory / "log"
            raise SystemExit(
                f"PostgreSQL failed to start ({error}): "
                + (log.read_text()[-2000:] if log.exists() else "no log")
            ) from error
        say(f"PostgreSQL ({server.version()}) started on 127.0.0.1:{server.port} in {directory}")
        yield server
    finally:
        _stop(server)
        signal.signal(signal.SIGTERM, previous)
        say("PostgreSQL stopped")


def main() -> int:
    with throwaway_server() as server:
        if server is None:
            return 1
        print(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/postgres", flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
