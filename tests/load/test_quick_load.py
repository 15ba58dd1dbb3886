"""The quick load test of `make test`: bench/load.py with 10 users for 15 s against gunicorn
with 2 workers, on the suite's database (a separate database on the PostgreSQL server of
TEST_DATABASE_URL, else a temporary SQLite file). `make load` runs the long variant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.load import recreate_postgres

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def load_database() -> tuple[str, str | None]:
    """("sqlite", None), or ("postgresql", the URL of a new database on the test server)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or sa.make_url(url).get_backend_name() != "postgresql":
        return "sqlite", None
    name = f"austausch_load_{uuid.uuid4().hex[:8]}"
    return "postgresql", sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def test_quick_load_has_no_errors_no_lost_writes_and_keeps_capacity(tmp_path):
    backend, url = load_database()
    result_file = tmp_path / "result.json"
    command = [
        sys.executable, "-m", "bench.load", "--db", backend, "--users", "10",
        "--spawn-rate", "5", "--seconds", "15", "--workers", "2", "--json", str(result_file),
    ]  # fmt: skip
    if url:
        command += ["--database-url", url]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
    finally:
        if url:
            recreate_postgres(url, drop_only=True)
    output = f"{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
    assert result_file.exists(), output
    result = json.loads(result_file.read_text())
    assert result["failures"] == 0, result["failure_rows"]
    assert result["verification"]["lost"] == [], output
    assert result["verification"]["breaches"] == [], output
    assert result["server"]["database is locked"] == 0, output
    assert all(count == 0 for count in result["server"].values()), result["server"]
    assert result["requests"] > 0 and sum(result["writes"].values()) > 0, output
    assert done.returncode == 0, output
