"""What the purge would delete now, on the admin's privacy page, worked out by a background job
(app/jobs/) when the database is large (seconds at national size): the page starts the job,
shows that it is working and loads itself again when the job is done; the report is kept as
a JSON file of the job (ids and cohort names, no personal values) and shown for
FRESH_MINUTES. Small databases get it in the request, as before."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_login import current_user

from app.extensions import db
from app.jobs import queue, records
from app.models import Job, Student
from app.models.base import utcnow
from app.models.jobs import ACTIVE
from app.services.privacy import privacy_purge, settings
from app.services.privacy.privacy_report import CohortLine, PurgeReport

KIND = "purge_preview"
FRESH_MINUTES = 10


def report_or_job(now: datetime, start: bool = True) -> tuple[PurgeReport | None, Job | None]:
    """The dry run's report, or the job working it out (then the report is None); neither
    when there is no fresh report and start is False (a refused form: nothing is kept)."""
    if _students() <= current_app.config["PURGE_PREVIEW_JOB_STUDENTS"]:
        return privacy_purge.purge(now, dry_run=True), None
    params = {"settings": _settings()}
    latest = db.session.scalar(
        sa.select(Job)
        .where(Job.kind == KIND, Job.user_id == current_user.id)
        .order_by(Job.id.desc())
        .limit(1)
    )
    if latest is not None and latest.params == params:
        if latest.status in ACTIVE:
            return None, latest
        fresh = latest.finished_at and latest.finished_at > now - timedelta(minutes=FRESH_MINUTES)
        stream = records.open_file(latest) if fresh else None
        if stream is not None:
            with stream:
                return _loaded(json.load(stream)), None
    return None, records.start(KIND, current_user, params) if start else None


def _students() -> int:
    return db.session.scalar(sa.select(sa.func.count(Student.id))) or 0


def _settings() -> list[int]:
    """The settings the report depends on: a change makes a new report."""
    return [
        settings.retention_months(),
        settings.family_inactive_months(),
        settings.safeguarding_keep_until_age(),
    ]


@queue.runner(KIND)
def purge_preview(job: Job) -> None:
    records.progress(job, 0, 1)
    report = privacy_purge.purge(utcnow(), dry_run=True)
    data = json.dumps(asdict(report), default=datetime.isoformat).encode()
    job.total = 1
    records.finish(job, data, "purge-preview.json", "application/json")


def _loaded(data: dict) -> PurgeReport:
    lines = [
        CohortLine(**{**line, "due": datetime.fromisoformat(line["due"])})
        for line in data.pop("cohorts")
    ]
    return PurgeReport(**{**data, "now": datetime.fromisoformat(data["now"]), "cohorts": lines})
