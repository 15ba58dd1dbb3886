"""Supervising teachers and their assignments to cohorts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow
from app.models.cohorts import Cohort
from app.models.users import User


class TeacherRole(LabelledEnum):
    LEAD = "lead", _l("lead teacher")
    ASSISTANT = "assistant", _l("assistant teacher")


class Teacher(db.Model):
    """A supervising teacher; logs in with the teacher role."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    school: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(40))
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    assignments: Mapped[list[CohortTeacher]] = relationship(
        back_populates="teacher", cascade="all, delete-orphan"
    )


class CohortTeacher(db.Model):
    """A teacher's assignment to a cohort, as lead or assistant."""

    __tablename__ = "cohort_teachers"

    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    teacher_id: Mapped[int] = mapped_column(
        sa.ForeignKey("teachers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[TeacherRole] = mapped_column(enum_column(TeacherRole, "teacher_role"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    teacher: Mapped[Teacher] = relationship(back_populates="assignments")
