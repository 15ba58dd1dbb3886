"""The record of each job (app.models.Job): started by a request, run by a worker, shown and
downloaded by who asked. A job holds ids and options, never personal values; its file is in
the storage layer under jobs/<id> and goes 24 hours after it is ready (privacy_jobs)."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _

from app import storage
from app.extensions import db
from app.jobs import queue
from app.models import Job, JobStatus, Role, User
from app.models.base import utcnow
from app.models.jobs import ACTIVE
from app.services.errors import DomainError
from app.services.privacy import privacy_jobs
from app.services.validation import ValidationFailed
from app.storage import transactional
from app.unit_of_work import after_commit

log = logging.getLogger(__name__)
# A job queued or running for longer than this was lost (a worker stopped mid-job, the queue
# emptied): asking again starts a new one.
STALE = timedelta(hours=1)


def _same_as(kind: str, user: User, params: dict) -> str:
    text = json.dumps([kind, user.id, params], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def start(kind: str, user: User, params: dict) -> Job:
    """A new job, queued once the request commits; the same work asked for by the same person
    while it is queued or running (a double click) gives that job instead."""
    same_as = _same_as(kind, user, params)
    found = _active(same_as)
    if found is not None and found.created_at < utcnow() - STALE:
        _fail(found, _("The job was interrupted. Please ask again."))
        db.session.flush()
        found = None
    if found is not None:
        return found
    job = Job(kind=kind, user_id=user.id, params=params, same_as=same_as)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except sa.exc.IntegrityError:  # a colleague request of the same person was quicker
        found = _active(same_as)
        if found is None:
            raise
        return found
    job_id = job.id
    after_commit(lambda: queue.enqueue(job_id))
    return job


def _active(same_as: str) -> Job | None:
    return db.session.scalar(
        sa.select(Job).where(Job.same_as == same_as, Job.status.in_(ACTIVE)).limit(1)
    )


def visible(job_id: int, user: User) -> Job | None:
    """The job, for the person who asked for it and for admins; None for anybody else."""
    job = db.session.get(Job, job_id)
    if job is None or not (job.user_id == user.id or user.role == Role.ADMIN):
        return None
    return job


def requester(job: Job) -> User | None:
    return db.session.get(User, job.user_id) if job.user_id is not None else None


# The worker ----------------------------------------------------------------------------------


def execute(job_id: int) -> None:
    """Run the job (in the worker, in the application's context): running, then done with its
    file or failed with a message. Commits its own work."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # gone (purged, erased), or run already
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    db.session.commit()
    try:
        queue.RUNNERS[job.kind](job)
        db.session.commit()
    except (DomainError, ValidationFailed) as error:
        _failed(job_id, _message(error))
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        _failed(job_id, "")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(message for _field, message in error.problems)
    return error.message


def _failed(job_id: int, message: str) -> None:
    db.session.rollback()  # what the runner wrote (its file is removed with it)
    job = db.session.get(Job, job_id)
    if job is not None:
        _fail(job, message)
        db.session.commit()


def _fail(job: Job, message: str) -> None:
    job.status, job.finished_at, job.message = JobStatus.FAILED, utcnow(), message[:500]


def progress(job: Job, done: int, total: int) -> None:
    """How far the job got, committed at once so that its page shows it."""
    job.done, job.total = max(0, done), max(0, total)
    db.session.commit()


def finish(job: Job, content: bytes | BinaryIO, filename: str, content_type: str) -> None:
    """Store the job's file and mark it done (committed by execute)."""
    job.result_key = transactional.add(content, prefix=f"jobs/{job.id}")
    job.filename, job.content_type = filename, content_type
    job.status, job.finished_at = JobStatus.DONE, utcnow()
    job.done = max(job.done, job.total)


def complete(job: Job, done: int) -> None:
    """Mark a job without a file done, with how many things it did (committed by execute)."""
    job.done, job.total = done, max(done, job.total)
    job.status, job.finished_at = JobStatus.DONE, utcnow()


def open_file(job: Job) -> BinaryIO | None:
    """The job's file as a stream, or None when there is none (any more)."""
    if job.status != JobStatus.DONE or not job.result_key:
        return None
    if privacy_jobs.file_expired(job, utcnow()):  # the purge deletes it
        return None
    try:
        return storage.current().open(job.result_key)
    except storage.FileMissing:
        return None
