"""The queue: a Huey instance per application, made from JOBS_URL, with one task that runs a
job by its id in the application's context. What a job does is found by its kind in RUNNERS
(registered by the blueprints that start such jobs, e.g. app/rosters/pdf_jobs.py).

    JOBS_URL=sqlite:////path/jobs.db    # one machine (the default: instance/jobs.db)
    JOBS_URL=redis://host:6379/0        # several machines share the queue (needs redis)
    JOBS_URL=memory://                  # the tests, with JOBS_IMMEDIATE=True

The worker is `flask jobs worker` (app/cli/jobs.py): Huey's consumer with threads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from app.models import Job

log = logging.getLogger(__name__)
EXTENSION = "jobs.queue"
NAME = "austausch"
# kind → the function that does the work; it reports progress and finishes the job through
# app.jobs.records, and raises to fail it.
RUNNERS: dict[str, Callable[[Job], None]] = {}


def runner(kind: str) -> Callable:
    def register(function: Callable[[Job], None]) -> Callable[[Job], None]:
        RUNNERS[kind] = function
        return function

    return register


def make_huey(url: str, immediate: bool = False) -> Huey:
    """The queue JOBS_URL names."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=url, immediate=immediate)  # imports redis
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path), immediate=immediate)
    if url == "memory://":
        return MemoryHuey(NAME, immediate=immediate)
    raise ValueError('JOBS_URL must start with "sqlite:///", "redis://" or be "memory://".')


def init_app(app: Flask) -> None:
    huey = make_huey(app.config["JOBS_URL"], app.config.get("JOBS_IMMEDIATE", False))

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            from app.jobs import records

            records.execute(job_id)

    app.extensions[EXTENSION] = (huey, run_job)


def huey_of(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions[EXTENSION][0]


def enqueue(job_id: int) -> None:
    """Hand the job to the workers (in immediate mode: run it now)."""
    current_app.extensions[EXTENSION][1](job_id)


def consumer(app: Flask, workers: int) -> Consumer:
    """Huey's consumer for the application's queue: threads, no periodic tasks."""
    return huey_of(app).create_consumer(workers=workers, worker_type="thread", periodic=False)


def start_in_background(app: Flask, workers: int = 1) -> Consumer:
    """A consumer whose threads run next to the caller's (a test, a single process); stop it
    with consumer.stop(graceful=True). Signals stay with the caller."""
    found = consumer(app, workers)
    found._set_signal_handlers = lambda: None  # only the main thread may set them
    found.start()
    return found
