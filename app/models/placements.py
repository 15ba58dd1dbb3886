"""Placements of students with host families."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.cohorts import Cohort
from app.models.enrolments import Enrolment
from app.models.families import HostApplication


class PlacementStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class PlacementKind(LabelledEnum):
    REGULAR = "regular", _l("for the stay")
    TEMPORARY = "temporary", _l("temporary")


class Placement(db.Model):
    """A student of a cohort living with a host family. Cancelled placements stay on record;
    a student has at most one active placement per enrolment."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("host_applications.id"), index=True)
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, "placement_status"), default=PlacementStatus.ACTIVE
    )
    placed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")  # why, when moved
    # A temporary placement (an emergency move) ends on a set day; a regular one with the stay.
    kind: Mapped[PlacementKind] = mapped_column(
        enum_column(PlacementKind, "placement_kind"),
        default=PlacementKind.REGULAR,
        server_default=PlacementKind.REGULAR.value,
    )
    ends_on: Mapped[date | None]
    override_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    overridden_rules: Mapped[str] = mapped_column(sa.String(200), default="")
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    cohort: Mapped[Cohort] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    application: Mapped[HostApplication] = relationship()

    __table_args__ = (
        sa.Index(
            "uq_placements_active_enrolment",
            "enrolment_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
        # The temporary placements ending soon (the dashboard): only they have an end day.
        sa.Index("ix_placements_ends_on", "ends_on"),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_at"
        ),
        sa.CheckConstraint(
            "overridden_rules = '' OR override_reason <> ''", name="override_has_reason"
        ),
        sa.CheckConstraint("(kind = 'temporary') = (ends_on IS NOT NULL)", name="temporary_ends"),
    )
