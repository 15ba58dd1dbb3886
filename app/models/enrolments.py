"""Enrolments of students in cohorts, their history, documents and guardian consents."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.cohorts import Cohort
from app.models.students import Student

if TYPE_CHECKING:
    from app.models.document_files import DocumentFile
    from app.models.teachers import Teacher


class EnrolmentStatus(LabelledEnum):
    APPLIED = "applied", _l("applied")
    ACCEPTED = "accepted", _l("accepted")
    WAITLISTED = "waitlisted", _l("waitlisted")
    WITHDRAWN = "withdrawn", _l("withdrawn")
    COMPLETED = "completed", _l("completed")


class EventReason(LabelledEnum):
    """Why the application changed an enrolment's status by itself (EnrolmentEvent.reason,
    beside the reasons staff type): stored as the value, shown as the label."""

    PLACE_FREE = "place free", _l("a place was free")
    COHORT_FULL = "cohort full", _l("the cohort was full")
    MOVED_UP = "moved up from the waitlist", _l("moved up from the waitlist")
    ENROLMENT_WITHDRAWN = "enrolment withdrawn", _l("the enrolment was withdrawn")


# Statuses that hold one of the cohort's places.
HOLDS_PLACE = (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.COMPLETED)


class DocumentKind(LabelledEnum):
    GUARDIAN_CONSENT = "guardian_consent", _l("Guardian consent")
    MEDICAL_FORM = "medical_form", _l("Medical form")
    INSURANCE = "insurance", _l("Insurance")
    PASSPORT_VISA = "passport_visa", _l("Passport / visa")
    CODE_OF_CONDUCT = "code_of_conduct", _l("Code of conduct")


class Enrolment(db.Model):
    """A student in a cohort. Waitlisted enrolments queue by waitlist_number."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(sa.ForeignKey("students.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column(EnrolmentStatus, "enrolment_status")
    )
    waitlist_number: Mapped[int | None]
    supervising_teacher_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("teachers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship()
    cohort: Mapped[Cohort] = relationship()
    supervising_teacher: Mapped[Teacher | None] = relationship()
    documents: Mapped[list[EnrolmentDocument]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", passive_deletes=True
    )
    consents: Mapped[list[GuardianConsent]] = relationship(
        back_populates="enrolment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GuardianConsent.given_at",
    )
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="enrolment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentFile.id",
    )
    events: Mapped[list[EnrolmentEvent]] = relationship(
        back_populates="enrolment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EnrolmentEvent.id",
    )

    __table_args__ = (
        sa.UniqueConstraint("student_id", "cohort_id", name="uq_enrolments_student_cohort"),
        sa.UniqueConstraint("cohort_id", "waitlist_number", name="uq_enrolments_waitlist"),
        sa.CheckConstraint(
            "(status = 'waitlisted') = (waitlist_number IS NOT NULL)", name="waitlist_number"
        ),
        sa.Index("ix_enrolments_student_id", "student_id"),
        sa.Index("ix_enrolments_cohort_status", "cohort_id", "status"),
        # The student list's status filter: the students with an enrolment in that status.
        sa.Index("ix_enrolments_status_student", "status", "student_id"),
    )


class EnrolmentEvent(db.Model):
    """A change of an enrolment's status, with who made it (none: the system)."""

    __tablename__ = "enrolment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[EnrolmentStatus | None] = mapped_column(
        enum_column(EnrolmentStatus, "event_from_status")
    )
    to_status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column(EnrolmentStatus, "event_to_status")
    )
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="events")


class EnrolmentDocument(db.Model):
    """A document received for an enrolment (guardian consent is a GuardianConsent instead)."""

    __tablename__ = "enrolment_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    enrolment: Mapped[Enrolment] = relationship(back_populates="documents")

    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "kind", name="uq_enrolment_documents_kind"),
        sa.CheckConstraint("kind <> 'guardian_consent'", name="consent_elsewhere"),
    )


class GuardianConsent(db.Model):
    """A guardian's consent to the exchange: who gave it, when, which wording; withdrawable."""

    __tablename__ = "guardian_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardians.id", ondelete="SET NULL"), index=True
    )
    given_by: Mapped[str] = mapped_column(sa.String(200))
    given_at: Mapped[datetime]
    wording_version: Mapped[str] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdrawal_note: Mapped[str] = mapped_column(sa.String(300), default="")

    enrolment: Mapped[Enrolment] = relationship(back_populates="consents")

    __table_args__ = (
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= given_at", name="withdrawn_after_given"
        ),
    )

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
