"""The path production takes: the web request queues the job in a SQLite queue file, a Huey
consumer (what `flask jobs worker` runs) picks it up in its own thread, with its own database
connection, and the job's page follows it until the file is there."""

from __future__ import annotations

import time

import pytest

from app.jobs import queue
from tests.jobs.test_roster_jobs import ask, download

pytestmark = [pytest.mark.slow, pytest.mark.real_commits]


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(
        PDF_JOB_THRESHOLD=3, JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}", JOBS_IMMEDIATE=False
    )


@pytest.fixture
def worker(app):
    consumer = queue.start_in_background(app, workers=1)
    yield consumer
    consumer.stop(graceful=True)


def wait_for(client, job_id: int, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}/status.json").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {status['status']} after {seconds} s")


def test_a_worker_thread_runs_the_job_from_the_queue_file(
    app, roster, coordinator, client, worker, tmp_path
):
    job_id = ask(client, roster.cohort_id)
    assert (tmp_path / "jobs.db").exists()
    status = wait_for(client, job_id)
    assert status["status"] == "done", status
    assert status["file_url"] == f"/jobs/{job_id}/file"
    response = download(client, job_id)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_worker_command_refuses_immediate_mode(app_factory):
    runner = app_factory().test_cli_runner()
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output
