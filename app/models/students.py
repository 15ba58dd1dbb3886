"""Students, their guardians and emergency contacts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"


class Diet(StrEnum):
    NONE = "none"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"
    HALAL = "halal"
    KOSHER = "kosher"
    GLUTEN_FREE = "gluten_free"
    LACTOSE_FREE = "lactose_free"
    OTHER = "other"


class VisaStatus(StrEnum):
    NOT_STARTED = "not_started"
    ESTA_APPLIED = "esta_applied"
    ESTA_APPROVED = "esta_approved"
    VISA_APPLIED = "visa_applied"
    VISA_GRANTED = "visa_granted"
    NOT_NEEDED = "not_needed"


class Student(db.Model):
    """A student taking part in an exchange. Medical notes are special-category data."""

    __tablename__ = "students"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    date_of_birth: Mapped[date]
    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "gender"))
    school: Mapped[str] = mapped_column(sa.String(200), index=True)
    grade: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    diet: Mapped[Diet] = mapped_column(enum_column(Diet, "diet"), default=Diet.NONE)
    allergies: Mapped[str] = mapped_column(sa.Text, default="")
    pet_allergy: Mapped[bool] = mapped_column(default=False)
    medical_notes: Mapped[str] = mapped_column(sa.Text, default="")
    no_pets: Mapped[bool] = mapped_column(default=False)
    no_smokers: Mapped[bool] = mapped_column(default=False)
    interests: Mapped[str] = mapped_column(sa.Text, default="")
    languages: Mapped[str] = mapped_column(sa.String(200), default="")
    passport_number: Mapped[str | None] = mapped_column(sa.String(20))
    passport_expiry: Mapped[date | None]
    visa_status: Mapped[VisaStatus] = mapped_column(
        enum_column(VisaStatus, "visa_status"), default=VisaStatus.NOT_STARTED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="student", cascade="all, delete-orphan", order_by="Guardian.position"
    )
    emergency_contacts: Mapped[list[EmergencyContact]] = relationship(
        back_populates="student", cascade="all, delete-orphan", order_by="EmergencyContact.id"
    )

    # Lists of students are ordered by name, page by page: read in this order, never sorted.
    __table_args__ = (sa.Index("ix_students_name", "last_name", "first_name", "id"),)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Guardian(db.Model):
    """A parent or legal guardian; a student has one or two."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(200))
    relation: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))

    student: Mapped[Student] = relationship(back_populates="guardians")

    __table_args__ = (
        sa.CheckConstraint("position IN (1, 2)", name="position"),
        sa.UniqueConstraint("student_id", "position", name="uq_guardians_student_position"),
    )


class EmergencyContact(db.Model):
    """Who to call in an emergency; every student has at least one."""

    __tablename__ = "emergency_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    relation: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))

    student: Mapped[Student] = relationship(back_populates="emergency_contacts")
