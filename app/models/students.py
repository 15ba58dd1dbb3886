"""Students, their guardians and emergency contacts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_column, utcnow


class Gender(LabelledEnum):
    FEMALE = "female", _l("female")
    MALE = "male", _l("male")
    DIVERSE = "diverse", _l("diverse")


class Diet(LabelledEnum):
    NONE = "none", _l("no special diet")
    VEGETARIAN = "vegetarian", _l("vegetarian")
    VEGAN = "vegan", _l("vegan")
    HALAL = "halal", _l("halal")
    KOSHER = "kosher", _l("kosher")
    GLUTEN_FREE = "gluten_free", _l("gluten-free")
    LACTOSE_FREE = "lactose_free", _l("lactose-free")
    OTHER = "other", _l("other (see allergies and notes)")


class VisaStatus(LabelledEnum):
    NOT_STARTED = "not_started", _l("not started")
    ESTA_APPLIED = "esta_applied", _l("ESTA applied for")
    ESTA_APPROVED = "esta_approved", _l("ESTA approved")
    VISA_APPLIED = "visa_applied", _l("visa applied for")
    VISA_GRANTED = "visa_granted", _l("visa granted")
    NOT_NEEDED = "not_needed", _l("not needed")


class Student(db.Model):
    """A student taking part in an exchange. Medical notes are special-category data."""

    __tablename__ = "students"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    # Indexed for the import's check of duplicates (the students born on a file's days).
    date_of_birth: Mapped[date] = mapped_column(index=True)
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
    # The language letters and emails to the guardian are written in ("en" or "de"); none
    # known: German (the guardians are in Dortmund). See notifications.guardian_language.
    locale: Mapped[str | None] = mapped_column(sa.String(5))

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


# --- search words -------------------------------------------------------------------------
# The student list finds students by the beginnings of the words of their name and email
# ("mül", "anna mül"). `lower(name) LIKE '%mül%'` can use no index and reads all 100,000
# students of a national organisation on every search; the words, kept in a table of their
# own and compared as ranges (word >= "mül" AND word < "mül" + HIGHEST), are found through
# its primary key. Each word is kept as written (case folded), without accents (muller) and
# with German umlauts spelt out (mueller), so that any spelling finds the student.

WORD_MAX = 100
HIGHEST = "\U0010ffff"  # sorts after every character, byte by byte (collation "C")
_SEPARATORS = re.compile(r"[\W_]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


class StudentWord(db.Model):
    """A word of a student's name or email, folded for searching; rewritten whenever the
    name or email changes, deleted with the student."""

    __tablename__ = "student_words"

    # Compared byte by byte on PostgreSQL too, so that a range is exactly the words that
    # begin with the searched letters, whatever the database's language settings.
    word: Mapped[str] = mapped_column(
        sa.String(WORD_MAX).with_variant(sa.String(WORD_MAX, collation="C"), "postgresql"),
        primary_key=True,
    )
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def spellings(word: str) -> set[str]:
    """A folded word as written, without accents, and with umlauts spelt out."""
    return {word, _plain(word), word.translate(_UMLAUTS)}


def searched_spellings(word: str) -> set[str]:
    """The spellings to look up for a searched word: without accents (every stored word has
    that spelling too, so it finds the word however it is written) and with umlauts spelt
    out (so that "müller" also finds Mueller)."""
    return {_plain(word), word.translate(_UMLAUTS)}


def fold(text: str) -> list[str]:
    """The words of a text, case folded (ß becomes ss), in order."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return [word[:WORD_MAX] for word in _SEPARATORS.split(folded) if word]


def search_words(first_name: str, last_name: str, email: str | None) -> set[str]:
    """What a student is found by: every word of the names and of the email's local part in
    every spelling, and each name without its spaces and hyphens (O'Brien: "obrien")."""
    words: set[str] = set()
    for name in (first_name or "", last_name or ""):
        parts = fold(name)
        for word in [*parts, "".join(parts)[:WORD_MAX]]:
            if word:
                words |= spellings(word)
    for word in fold((email or "").partition("@")[0]):  # the domain finds nobody in particular
        words |= spellings(word)
    return words


def search_word_rows(student_id: int, first_name: str, last_name: str, email: str | None):
    """The rows of student_words for one student, for a bulk insert."""
    return [
        {"student_id": student_id, "word": word}
        for word in sorted(search_words(first_name, last_name, email))
    ]


def _write_words(connection: sa.Connection, student: Student) -> None:
    table = StudentWord.__table__
    connection.execute(sa.delete(table).where(table.c.student_id == student.id))
    rows = search_word_rows(student.id, student.first_name, student.last_name, student.email)
    if rows:
        connection.execute(sa.insert(table), rows)


@sa.event.listens_for(Student, "after_insert")
def _words_of_new_student(_mapper, connection: sa.Connection, student: Student) -> None:
    _write_words(connection, student)


@sa.event.listens_for(Student, "after_update")
def _words_of_changed_student(_mapper, connection: sa.Connection, student: Student) -> None:
    state = sa.inspect(student)
    if any(
        state.attrs[name].history.has_changes() for name in ("first_name", "last_name", "email")
    ):
        _write_words(connection, student)
