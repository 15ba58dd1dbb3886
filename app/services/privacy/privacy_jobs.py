"""Background jobs' records and files (app.models.Job) in the purge, and in a staff account's
export and erasure. A job's file (a roster or emergency cards: students' names, and health
data when such columns were chosen) goes FILE_HOURS after it is ready; the row, which holds
ids and options only, JOB_DAYS after it was asked for. Erasing the account that asked
deletes its jobs and their files. Only flushes: the command commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Job
from app.services.privacy.rows import chunks, delete_rows, row
from app.storage import transactional

FILE_HOURS = 24
JOB_DAYS = 30
EXPORTED = ("id", "kind", "params", "status", "done", "total", "message", "filename",
            "created_at", "started_at", "finished_at")  # fmt: skip


def file_expired(job: Job, now: datetime) -> bool:
    """Whether the job's file is past its FILE_HOURS (served no more, deleted by the purge)."""
    return job.finished_at is not None and job.finished_at < now - timedelta(hours=FILE_HOURS)


def plan_purge(report: Any) -> None:
    """Add to the purge report the jobs whose rows are due and those whose files are."""
    report.job_ids = list(
        db.session.scalars(
            sa.select(Job.id).where(Job.created_at < report.now - timedelta(days=JOB_DAYS))
        )
    )
    report.job_file_ids = list(
        db.session.scalars(
            sa.select(Job.id).where(
                Job.result_key.is_not(None),
                Job.finished_at < report.now - timedelta(hours=FILE_HOURS),
                Job.id.not_in(report.job_ids) if report.job_ids else sa.true(),
            )
        )
    )


def purge(report: Any) -> None:
    """Delete what plan_purge found: the files (once the purge commits), then the rows or
    their keys."""
    delete_files(report.job_file_ids, keep_rows=True)
    delete_files(report.job_ids)


def delete_files(job_ids: list[int], keep_rows: bool = False) -> None:
    """Delete the jobs' files (after the commit) and the rows, or only their keys."""
    for chunk in chunks(job_ids):
        for job_id in chunk:
            transactional.delete_all(f"jobs/{job_id}")
        if keep_rows:
            db.session.execute(sa.update(Job).where(Job.id.in_(chunk)).values(result_key=None))
    if not keep_rows:
        delete_rows(Job, Job.id, job_ids)


def of_user(user_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Job.id).where(Job.user_id == user_id)))


def exported(user_id: int) -> list[dict]:
    """The account's jobs, for its export (the files are not: they are lists of students)."""
    jobs = db.session.scalars(sa.select(Job).where(Job.user_id == user_id).order_by(Job.id))
    return [row(job, EXPORTED) for job in jobs]


def erase(user_id: int) -> None:
    """Delete the account's jobs and their files (a running one fails: its row is gone)."""
    delete_files(of_user(user_id))
