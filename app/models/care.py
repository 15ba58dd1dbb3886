"""Duty of care during the stay: contacts with students and host families, and reports of
concerns and incidents with their timeline of actions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.cohorts import Cohort
from app.models.enrolments import Enrolment
from app.models.families import HostApplication
from app.models.placements import Placement
from app.models.users import User


class ContactMode(LabelledEnum):
    IN_PERSON = "in_person", _l("in person")
    PHONE = "phone", _l("phone")
    VIDEO = "video", _l("video call")
    MESSAGE = "message", _l("message")


class ContactWith(LabelledEnum):
    STUDENT = "student", _l("the student")
    FAMILY = "family", _l("the host family")
    BOTH = "both", _l("the student and the host family")

    @property
    def student(self) -> bool:
        return self is not ContactWith.FAMILY

    @property
    def family(self) -> bool:
        return self is not ContactWith.STUDENT


class Wellbeing(LabelledEnum):
    FINE = "fine", _l("fine")
    SOME_CONCERNS = "some_concerns", _l("some concerns")
    SERIOUS = "serious", _l("serious concern")


class Contact(db.Model):
    """A contact with a student, their host family, or both, during the stay. A contact with
    the student names the enrolment; one with the family names the family's application."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("host_applications.id", ondelete="CASCADE"), index=True
    )
    with_whom: Mapped[ContactWith] = mapped_column(enum_column(ContactWith, "contact_with"))
    contacted_on: Mapped[date]  # the day in the host area's time zone
    mode: Mapped[ContactMode] = mapped_column(enum_column(ContactMode, "contact_mode"))
    participants: Mapped[str] = mapped_column(sa.String(300), default="")
    wellbeing: Mapped[Wellbeing | None] = mapped_column(enum_column(Wellbeing, "wellbeing"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    enrolment: Mapped[Enrolment | None] = relationship()
    application: Mapped[HostApplication | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("(with_whom = 'family') = (enrolment_id IS NULL)", name="student_named"),
        sa.CheckConstraint(
            "(with_whom = 'student') OR application_id IS NOT NULL", name="family_named"
        ),
        sa.CheckConstraint(
            "(with_whom = 'family') = (wellbeing IS NULL)", name="wellbeing_of_student"
        ),
        # The cohort's log and its compliance view read the cohort's contacts by date.
        sa.Index("ix_contacts_cohort_date", "cohort_id", "contacted_on"),
    )


class ConcernCategory(LabelledEnum):
    HEALTH = "health", _l("health")
    SAFETY = "safety", _l("safety")
    BEHAVIOUR = "behaviour", _l("behaviour")
    HOMESICKNESS = "homesickness", _l("homesickness")
    SCHOOL = "school", _l("school")
    FAMILY_CONFLICT = "family_conflict", _l("host family conflict")
    SAFEGUARDING = "safeguarding", _l("safeguarding (abuse or neglect)")


class Severity(LabelledEnum):
    ROUTINE = "routine", _l("routine")
    URGENT = "urgent", _l("urgent")
    EMERGENCY = "emergency", _l("emergency")


class ConcernStatus(LabelledEnum):
    OPEN = "open", _l("open")
    IN_PROGRESS = "in_progress", _l("in progress")
    RESOLVED = "resolved", _l("resolved")
    CLOSED = "closed", _l("closed")


class ActionKind(LabelledEnum):
    REPORTED = "reported", _l("reported")
    TAKEN = "taken", _l("taken")
    NOTE = "note", _l("action")
    STATUS = "status", _l("status changed")
    FOLLOW_UP = "follow_up", _l("follow-up date set")
    MOVE = "move", _l("student moved")
    CLOSED = "closed", _l("closed")


class ConcernReport(db.Model):
    """A concern or incident about a student. Safeguarding reports are seen by admins and
    their owner only. The student's name and birth date are kept on the report so that a
    safeguarding report can outlive the cohort's purge (see the register)."""

    __tablename__ = "concern_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="SET NULL"), index=True
    )
    student_name: Mapped[str] = mapped_column(sa.String(201))
    student_born: Mapped[date | None]
    category: Mapped[ConcernCategory] = mapped_column(
        enum_column(ConcernCategory, "concern_category")
    )
    severity: Mapped[Severity] = mapped_column(enum_column(Severity, "severity"))
    happened_on: Mapped[date]
    what_happened: Mapped[str] = mapped_column(sa.Text)
    action_taken: Mapped[str] = mapped_column(sa.Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    taken_at: Mapped[datetime | None]
    status: Mapped[ConcernStatus] = mapped_column(
        enum_column(ConcernStatus, "concern_status"), default=ConcernStatus.OPEN
    )
    follow_up_on: Mapped[date | None]
    follow_up_reminded_on: Mapped[date | None]  # the follow-up date a reminder went out for
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    placement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="SET NULL"), index=True
    )  # the placement the student was moved to, where the outcome is a move
    closed_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()
    enrolment: Mapped[Enrolment | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    placement: Mapped[Placement | None] = relationship()
    actions: Mapped[list[ConcernAction]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConcernAction.at, ConcernAction.id",
    )

    __table_args__ = (
        sa.CheckConstraint("status <> 'closed' OR outcome <> ''", name="closed_with_outcome"),
        sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at"),
        sa.CheckConstraint("owner_id IS NULL OR taken_at IS NOT NULL", name="taken_at"),
        # The dashboard: reports not closed, the most severe first.
        sa.Index("ix_concern_reports_status", "status", "severity"),
        sa.Index("ix_concern_reports_cohort", "cohort_id", "reported_at"),
    )

    @property
    def safeguarding(self) -> bool:
        return self.category is ConcernCategory.SAFEGUARDING

    @property
    def alerting(self) -> bool:
        """Whether the report alerts coordinators and admins at once."""
        return self.safeguarding or self.severity is not Severity.ROUTINE


class ConcernAction(db.Model):
    """One step in a report's timeline: who did what, when."""

    __tablename__ = "concern_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("concern_reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActionKind] = mapped_column(enum_column(ActionKind, "concern_action"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[ConcernReport] = relationship(back_populates="actions")
    by: Mapped[User | None] = relationship()
