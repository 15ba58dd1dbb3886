"""Long work done off the request path (app/jobs/): one row per job, so that any web worker
can show its progress and serve its file. The file itself is in the storage layer under
`jobs/<id>`; the row keeps its key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow


class JobStatus(LabelledEnum):
    QUEUED = "queued", _l("waiting to start")
    RUNNING = "running", _l("in progress")
    DONE = "done", _l("ready")
    FAILED = "failed", _l("failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(db.Model):
    """A piece of long work someone asked for: what (kind and params: ids and options, never
    personal values), who, how far it got, and where its result file is."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The same work asked for again while it runs (a double click) finds this job.
    same_as: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    result_key: Mapped[str | None] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    content_type: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint("done >= 0 AND total >= 0", name="progress_not_negative"),
        # One running job per piece of work: a second request for it finds the first.
        sa.Index(
            "uq_jobs_active_same_as",
            "same_as",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    @property
    def active(self) -> bool:
        return self.status in ACTIVE
