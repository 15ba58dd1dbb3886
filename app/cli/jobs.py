"""`flask jobs worker`: the worker that runs background jobs (app/jobs/), Huey's consumer with
threads, each job in the application's context. Run one per machine next to the web
servers (or on machines of its own); with JOBS_URL=redis://... they all share one queue.
Ctrl+C (SIGINT) lets the running jobs finish; SIGTERM stops at once (such jobs are marked
failed when asked for again after an hour)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import queue

jobs_cli = AppGroup("jobs", help="Background jobs: large PDFs.")


@jobs_cli.command("worker")
@click.option(
    "--workers", type=click.IntRange(1, 32), default=None,
    help="Threads that run jobs at once (JOBS_WORKERS, default 2).",
)  # fmt: skip
def worker(workers: int | None) -> None:
    """Run the jobs the web servers queue, until stopped."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_IMMEDIATE"):
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run where they are queued.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    count = workers or app.config["JOBS_WORKERS"]
    click.echo(f"Jobs worker: {count} thread(s) on {_where(app.config['JOBS_URL'])}")
    queue.consumer(app, count).run()


def _where(url: str) -> str:
    """The queue's address without a password."""
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
