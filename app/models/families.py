"""Host families and their yearly applications, with household, references and vetting."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.cohorts import Cohort
from app.models.users import User


class ApplicationStatus(LabelledEnum):
    DRAFT = "draft", _l("draft")  # saved unfinished by the family
    SUBMITTED = "submitted", _l("submitted")
    REFERENCES_CHECKED = "references_checked", _l("references checked")
    BACKGROUND_CLEARED = "background_cleared", _l("background check cleared")
    HOME_VISITED = "home_visited", _l("home visit done")
    APPROVED = "approved", _l("approved")
    DECLINED = "declined", _l("declined")
    BACKUP = "backup", _l("backup list")  # kept on the backup list
    WITHDRAWN = "withdrawn", _l("withdrawn")  # by the family


# The statuses of an application still in vetting: the work in progress, always few.
IN_VETTING = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REFERENCES_CHECKED,
    ApplicationStatus.BACKGROUND_CLEARED,
    ApplicationStatus.HOME_VISITED,
)
IN_VETTING_SQL = "status IN ({})".format(", ".join(f"'{status.value}'" for status in IN_VETTING))


class GenderPreference(LabelledEnum):
    ANY = "any", _l("no preference")
    FEMALE = "female", _l("a girl")
    MALE = "male", _l("a boy")


class HostFamily(db.Model):
    """A family that hosts or wants to host; one login account per family."""

    __tablename__ = "host_families"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    family_name: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    applications: Mapped[list[HostApplication]] = relationship(
        back_populates="family",
        cascade="all, delete-orphan",
        order_by="HostApplication.created_at.desc()",
    )


class HostApplication(db.Model):
    """A family's answers for one season, the cohorts it can host, and its vetting."""

    __tablename__ = "host_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(
        sa.ForeignKey("host_families.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"),
        default=ApplicationStatus.DRAFT,
        index=True,
    )
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("host_applications.id", ondelete="SET NULL"), index=True
    )
    # Home and household
    address_line: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    state: Mapped[str] = mapped_column(sa.String(2), default="NY")
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    mobile_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    has_pets: Mapped[bool] = mapped_column(default=False)
    pets: Mapped[str] = mapped_column(sa.String(200), default="")
    smoking_in_home: Mapped[bool] = mapped_column(default=False)
    bedrooms: Mapped[int | None]
    beds_offered: Mapped[int | None]
    shared_room: Mapped[bool] = mapped_column(default=False)
    gender_preference: Mapped[GenderPreference] = mapped_column(
        enum_column(GenderPreference, "gender_preference"), default=GenderPreference.ANY
    )
    diets: Mapped[str] = mapped_column(sa.String(200), default="")  # comma-separated Diet values
    high_school: Mapped[str] = mapped_column(sa.String(200), default="")
    school_distance_miles: Mapped[float | None]
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # for matching
    background_check_consent: Mapped[bool] = mapped_column(default=False)
    # Life cycle
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)  # the queue's order
    # Vetting: each step with who and when
    references_checked_at: Mapped[datetime | None]
    references_checked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    background_cleared_at: Mapped[datetime | None]
    background_cleared_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    background_check_expires_on: Mapped[date | None]
    home_visit_on: Mapped[date | None]
    home_visit_by: Mapped[str] = mapped_column(sa.String(200), default="")
    home_visit_notes: Mapped[str] = mapped_column(sa.Text, default="")
    home_visit_recorded_at: Mapped[datetime | None]
    home_visit_recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")
    # Recorded checks whose topics the family changed since, as "check:topic" pairs
    # (app/services/hosting/rechecks.py); empty when every recorded check still stands.
    to_check_again: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")

    family: Mapped[HostFamily] = relationship(back_populates="applications")
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )
    references: Mapped[list[FamilyReference]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="FamilyReference.position",
    )
    cohorts: Mapped[list[Cohort]] = relationship(secondary="application_cohorts")
    events: Mapped[list[VettingEvent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="VettingEvent.id"
    )

    __table_args__ = (
        sa.CheckConstraint("beds_offered IS NULL OR beds_offered BETWEEN 1 AND 6", name="beds"),
        sa.CheckConstraint("bedrooms IS NULL OR bedrooms BETWEEN 1 AND 20", name="bedrooms"),
        sa.CheckConstraint(
            "school_distance_miles IS NULL OR school_distance_miles BETWEEN 0 AND 100",
            name="distance",
        ),
        sa.CheckConstraint(
            "status = 'draft' OR status = 'withdrawn' OR submitted_at IS NOT NULL",
            name="submitted_at",
        ),
        # The vetting queue: the few applications still in vetting, oldest submission first
        # (app.services.hosting.vetting.in_vetting says the same condition in its queries).
        sa.Index(
            "ix_host_applications_in_vetting",
            "submitted_at",
            "id",
            sqlite_where=sa.text(IN_VETTING_SQL),
            postgresql_where=sa.text(IN_VETTING_SQL),
        ),
    )


application_cohorts = sa.Table(
    "application_cohorts",
    db.metadata,
    sa.Column(
        "application_id",
        sa.ForeignKey("host_applications.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("cohort_id", sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    # Beds of this family taken by this cohort's active placements; placements take a bed
    # with a guarded UPDATE (beds_taken < beds_offered), so concurrent requests never overbook.
    sa.Column("beds_taken", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.Index("ix_application_cohorts_cohort_id", "cohort_id"),
    sa.CheckConstraint("beds_taken >= 0", name="beds_taken"),
)


class HouseholdMember(db.Model):
    """Somebody who lives in the home."""

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("host_applications.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    age: Mapped[int]
    relation: Mapped[str] = mapped_column(sa.String(50))

    application: Mapped[HostApplication] = relationship(back_populates="members")

    __table_args__ = (sa.CheckConstraint("age BETWEEN 0 AND 120", name="age"),)


class FamilyReference(db.Model):
    """One of the two references a family gives."""

    __tablename__ = "family_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("host_applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    relation: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))

    application: Mapped[HostApplication] = relationship(back_populates="references")

    __table_args__ = (
        sa.CheckConstraint("position IN (1, 2)", name="position"),
        sa.UniqueConstraint("application_id", "position", name="uq_family_references_position"),
    )


class VettingEvent(db.Model):
    """A step of an application's life: submitted, checked, visited, decided, or reopened by
    a change of the family's answers after a check."""

    __tablename__ = "vetting_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("host_applications.id", ondelete="CASCADE"), index=True
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "vetting_to_status")
    )
    by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # The checks this event reopened, as "check:topic" pairs: the family changed what they
    # covered. Empty for every other event.
    reopened: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")

    application: Mapped[HostApplication] = relationship(back_populates="events")
