"""Programmes between two partner cities, and their yearly cohorts."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow


class Direction(LabelledEnum):
    # From the home city to the partner city (Dortmund → Buffalo), and back the other way.
    OUTBOUND = "outbound", _l("outbound: home city → partner city")
    INBOUND = "inbound", _l("inbound: partner city → home city")


class CohortStatus(LabelledEnum):
    PLANNING = "planning", _l("planning")
    OPEN = "open", _l("open")
    CLOSED = "closed", _l("closed")
    TRAVELLING = "travelling", _l("travelling")
    COMPLETED = "completed", _l("completed")
    ARCHIVED = "archived", _l("archived")


class ContactPeriod(LabelledEnum):
    # How often the rule asks for a contact with every student and every host family.
    MONTH = "month", _l("at least once every calendar month")
    WEEK = "week", _l("at least once every calendar week (Monday to Sunday)")


class Programme(db.Model):
    """An exchange programme between a home city and a partner city."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    home_city: Mapped[str] = mapped_column(sa.String(100))
    partner_city: Mapped[str] = mapped_column(sa.String(100))
    first_year: Mapped[int | None]  # the year the programme's first cohort travelled
    # The time zones of the two cities: "today" during a stay is the host area's day.
    home_timezone: Mapped[str] = mapped_column(
        sa.String(50), default="Europe/Berlin", server_default="Europe/Berlin"
    )
    partner_timezone: Mapped[str] = mapped_column(
        sa.String(50), default="America/New_York", server_default="America/New_York"
    )
    # The contact rule during a stay: the first contact within so many days of arrival, then
    # one in every period (calendar month or week) with every student and every host family.
    contact_period: Mapped[ContactPeriod] = mapped_column(
        enum_column(ContactPeriod, "contact_period"),
        default=ContactPeriod.MONTH,
        server_default=ContactPeriod.MONTH.value,
    )
    contact_first_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # Students still unplaced this many weeks before departure are listed and sent weekly.
    unplaced_alert_weeks: Mapped[int] = mapped_column(default=6, server_default="6")
    unplaced_alerted_on: Mapped[date | None]  # the last day the weekly list went out
    # Each guardian listed for a student must consent (online or on paper), not just one.
    consent_of_both: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    cohorts: Mapped[list[Cohort]] = relationship(back_populates="programme")

    __table_args__ = (
        sa.CheckConstraint("contact_first_days BETWEEN 1 AND 60", name="contact_first_days"),
        sa.CheckConstraint("unplaced_alert_weeks BETWEEN 1 AND 52", name="unplaced_alert_weeks"),
    )


class Cohort(db.Model):
    """One year's group of students travelling together."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    direction: Mapped[Direction] = mapped_column(
        enum_column(Direction, "direction"), default=Direction.OUTBOUND
    )
    departure_date: Mapped[date]
    return_date: Mapped[date]
    enrolment_deadline: Mapped[date | None]
    places: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlist_counter: Mapped[int] = mapped_column(default=0, server_default="0")
    students_per_teacher: Mapped[int] = mapped_column(default=10, server_default="10")
    status: Mapped[CohortStatus] = mapped_column(
        enum_column(CohortStatus, "cohort_status"), default=CohortStatus.PLANNING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]  # when it was set to completed; retention runs from here
    purged_at: Mapped[datetime | None]  # when its personal data was deleted

    programme: Mapped[Programme] = relationship(back_populates="cohorts")

    __table_args__ = (
        sa.CheckConstraint("return_date > departure_date", name="returns_after_departure"),
        sa.CheckConstraint(
            "enrolment_deadline IS NULL OR enrolment_deadline <= departure_date",
            name="deadline_before_departure",
        ),
        sa.CheckConstraint("places BETWEEN 1 AND 10000", name="places_range"),
        sa.CheckConstraint("places_taken >= 0 AND places_taken <= places", name="places_taken"),
        sa.CheckConstraint("students_per_teacher BETWEEN 1 AND 100", name="ratio_range"),
        sa.UniqueConstraint("programme_id", "name", name="uq_cohorts_programme_name"),
        # Lists of cohorts are newest first, page by page.
        sa.Index("ix_cohorts_departure", "departure_date", "id"),
    )

    @property
    def stay_timezone(self) -> str:
        """The time zone of where the students live during the stay."""
        programme = self.programme
        if self.direction is Direction.OUTBOUND:
            return programme.partner_timezone
        return programme.home_timezone

    @property
    def places_free(self) -> int:
        return self.places - self.places_taken
