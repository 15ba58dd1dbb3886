"""The accounts of guardians and adult students: which students an account may see, and the
invitations by email that link an account to a student."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.students import Guardian, Student
from app.models.users import User


class StudentAccount(db.Model):
    """An account that may see a student: one of the student's guardians (guardian_id), or
    the student themself when 18 or more (guardian_id empty)."""

    __tablename__ = "student_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    student: Mapped[Student] = relationship()
    guardian: Mapped[Guardian | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "student_id", name="uq_student_accounts_user_student"),
    )


class Invitation(db.Model):
    """An email inviting a guardian (or the adult student: guardian_id empty) to check and
    complete a student's data. Only the SHA-256 of the link's token is kept. It works once,
    until expires_at; sending it again replaces it (replaced_at) and the old link is dead."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardians.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    replaced_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    student: Mapped[Student] = relationship()
    guardian: Mapped[Guardian | None] = relationship()


class ApplicationDraft(db.Model):
    """An application for a cohort made online, while it is written: the answers (in the
    shape the student service takes, dates as ISO text) stay here, outside the students and
    enrolments, so drafts take no place and appear in no staff list. Submitted, it becomes a
    student with an enrolment (student_id, submitted_at) and keeps no answers."""

    __tablename__ = "application_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    submitted_at: Mapped[datetime | None]
    student_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("students.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship()
    student: Mapped[Student | None] = relationship()
