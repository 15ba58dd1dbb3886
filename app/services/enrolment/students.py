"""Students with guardians and emergency contacts: the rules every entry path obeys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import (
    Cohort,
    Diet,
    EmergencyContact,
    Enrolment,
    EnrolmentStatus,
    Gender,
    Guardian,
    Student,
    StudentWord,
    VisaStatus,
)
from app.models.students import HIGHEST, fold, searched_spellings
from app.services.validation import Checker, ValidationFailed

MIN_AGE, MAX_AGE = 12, 21
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
SCALAR_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "school",
    "grade",
    "email",
    "phone",
    "diet",
    "allergies",
    "pet_allergy",
    "medical_notes",
    "no_pets",
    "no_smokers",
    "interests",
    "languages",
    "passport_number",
    "passport_expiry",
    "visa_status",
)
PERSON_FIELDS = ("name", "relation", "phone", "email")
GUARDIAN_FIELDS = (*PERSON_FIELDS, "locale")  # the language to write to them in
GUARDIAN_LANGUAGES = ("en", "de")


def age_on(born: date, day: date) -> int:
    """Completed years on the given day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _person_given(person: dict | None) -> bool:
    return bool(person) and any((person.get(key) or "").strip() for key in PERSON_FIELDS)


def _check_person(check: Checker, person: dict, prefix: str) -> None:
    own = Checker()
    own.text(person, "name", required=True, max_length=200)
    own.text(person, "relation", required=True, max_length=50)
    own.phone(person, "phone", required=True)
    own.email(person, "email")
    if (person.get("locale") or "") not in ("", *GUARDIAN_LANGUAGES):
        own.add("locale", _l("Choose English or German."))
    check.problems.extend((f"{prefix}.{field}", message) for field, message in own.problems)


def check_student(values: dict, today: date | None = None) -> list[tuple[str, str]]:
    """Every problem with these values, as (field, message); empty when all is well."""
    today = today or date.today()
    check = Checker()
    check.text(values, "first_name", required=True, max_length=100)
    check.text(values, "last_name", required=True, max_length=100)
    if values.get("date_of_birth") is None:
        check.add("date_of_birth", _l("This field is required."))
    check.date_between(
        values,
        "date_of_birth",
        date(today.year - MAX_AGE - 1, today.month, 1),
        date(today.year - MIN_AGE, 12, 31),
        _l("A student is between %(low)d and %(high)d years old.", low=MIN_AGE, high=MAX_AGE),
    )
    check.choice(values, "gender", Gender)
    check.text(values, "school", required=True, max_length=200)
    check.text(values, "grade", required=True, max_length=20)
    check.email(values, "email")
    check.phone(values, "phone", required=False)
    check.choice(values, "diet", Diet)
    for field in ("allergies", "medical_notes", "interests"):
        check.text(values, field, required=False, max_length=2000)
    check.text(values, "languages", required=False, max_length=200)
    passport = (values.get("passport_number") or "").strip().upper()
    if passport and not PASSPORT_RE.match(passport):
        check.add("passport_number", _l("Use 5 to 20 letters and digits, without spaces."))
    check.date_between(
        values,
        "passport_expiry",
        date(today.year - 20, 1, 1),
        date(today.year + 12, 12, 31),
        _l("This expiry date is not plausible."),
    )
    check.choice(values, "visa_status", VisaStatus)
    guardians = values.get("guardians") or []
    if not _person_given(guardians[0] if guardians else None):
        check.add("guardian1.name", _l("Give at least one guardian."))
    for number, guardian in enumerate(guardians[:2], start=1):
        if _person_given(guardian):
            _check_person(check, guardian, f"guardian{number}")
    contacts = values.get("emergency_contacts") or []
    if not _person_given(contacts[0] if contacts else None):
        check.add("emergency1.name", _l("Give at least one emergency contact."))
    for number, contact in enumerate(contacts[:2], start=1):
        if _person_given(contact):
            _check_person(check, contact, f"emergency{number}")
    return check.problems


def _refuse_problems(values: dict, today: date | None) -> None:
    problems = check_student(values, today)
    if problems:
        raise ValidationFailed(problems)


def normalise(values: dict) -> dict:
    """The scalar fields of checked values, trimmed, as Student columns take them."""
    clean = {key: values.get(key) for key in SCALAR_FIELDS}
    for key, value in clean.items():
        if isinstance(value, str):
            clean[key] = value.strip()
    clean["passport_number"] = (clean["passport_number"] or "").upper() or None
    clean["email"] = clean["email"] or None
    clean["phone"] = clean["phone"] or None
    for key in ("allergies", "medical_notes", "interests", "languages"):
        clean[key] = clean[key] or ""
    for key in ("pet_allergy", "no_pets", "no_smokers"):
        clean[key] = bool(clean[key])
    return clean


def people(values: dict, key: str) -> list[dict]:
    """The given guardians or emergency contacts (at most two), trimmed; a guardian also
    with the language to write to them in ("en", "de" or None)."""
    fields = GUARDIAN_FIELDS if key == "guardians" else PERSON_FIELDS
    return [
        {field: (person.get(field) or "").strip() or None for field in fields}
        for person in (values.get(key) or [])[:2]
        if _person_given(person)
    ]


def create_student(values: dict, today: date | None = None) -> Student:
    """Create a student with guardians and emergency contacts; refuses any bad field."""
    _refuse_problems(values, today)
    student = Student(**normalise(values))
    _set_people(student, values)
    db.session.add(student)
    db.session.flush()
    return student


def update_student(student: Student, values: dict, today: date | None = None) -> None:
    """Replace the student's details with these values; all or nothing."""
    _refuse_problems(values, today)
    for key, value in normalise(values).items():
        setattr(student, key, value)
    # In place, so that only what really changed is changed (and named in the audit trail).
    _update_people(student.guardians, people(values, "guardians"), Guardian, numbered=True)
    _update_people(
        student.emergency_contacts, people(values, "emergency_contacts"), EmergencyContact
    )
    db.session.flush()


def _update_people(current: list, wanted: list[dict], model: type, numbered: bool = False) -> None:
    """Make the list of guardians or contacts say `wanted`: change, add, remove at the end."""
    for index, person in enumerate(wanted):
        if index < len(current):
            for key, value in person.items():
                if getattr(current[index], key) != value:
                    setattr(current[index], key, value)
        else:
            current.append(model(**person, **({"position": index + 1} if numbered else {})))
    del current[len(wanted) :]


def _set_people(student: Student, values: dict) -> None:
    for position, guardian in enumerate(people(values, "guardians"), start=1):
        student.guardians.append(Guardian(position=position, **guardian))
    for contact in people(values, "emergency_contacts"):
        student.emergency_contacts.append(EmergencyContact(**contact))


def as_values(student: Student) -> dict:
    """The student's details in the shape create_student and update_student take."""
    values = {key: getattr(student, key) for key in SCALAR_FIELDS}
    values["guardians"] = [{k: getattr(g, k) for k in GUARDIAN_FIELDS} for g in student.guardians]
    values["emergency_contacts"] = [
        {k: getattr(c, k) for k in PERSON_FIELDS} for c in student.emergency_contacts
    ]
    return values


@dataclass(frozen=True)
class StudentFilters:
    query: str = ""
    cohort_id: int | None = None
    status: EnrolmentStatus | None = None
    school: str = ""
    missing_documents: bool = False


def _words(filters: StudentFilters) -> list[str]:
    # An email is found by its local part: "anna.m@example.org" searches for "anna" and "m".
    typed = " ".join(token.partition("@")[0] for token in filters.query.split())
    return fold(typed)[:QUERY_WORDS]


def by_words(filters: StudentFilters) -> bool:
    """Whether the search looks students up by words (then only those found are read)."""
    return bool(_words(filters))


def search(filters: StudentFilters) -> sa.Select:
    """A query for students matching the filters, ordered by name."""
    from app.services.enrolment.documents import lacks_documents

    query = sa.select(Student).order_by(Student.last_name, Student.first_name, Student.id)
    words = _words(filters)
    if filters.school:
        query = query.where(
            sa.func.lower(Student.school).like(_contains(filters.school), escape="\\")
        )
    enrolment_filter = []
    if filters.cohort_id:
        enrolment_filter.append(Enrolment.cohort_id == filters.cohort_id)
    if filters.status:
        enrolment_filter.append(Enrolment.status == filters.status)
    if filters.missing_documents:
        enrolment_filter.append(lacks_documents())
    for position, word in enumerate(words):
        # The enrolments' conditions are joined to the first word's lookup: the students both
        # find are few, and the list's query then reads only those (PostgreSQL otherwise
        # hashed every student to join two lists of ids).
        query = query.where(
            Student.id.in_(found_by(word, enrolment_filter if position == 0 else []))
        )
    if enrolment_filter and not words:
        query = query.where(
            Student.id.in_(sa.select(Enrolment.student_id).where(*enrolment_filter))
        )
    return query


QUERY_WORDS = 5  # words of a search that count; more narrow nothing down in practice


def found_by(word: str, enrolment_filter: list | None = None) -> sa.Select:
    """The ids of the students one of whose search words begins with the word, however it is
    spelt (Müller, Muller and Mueller find each other); with conditions on Enrolment, only
    those with such an enrolment."""
    # One key range per spelling, each read on its own from the words' index (an OR of the
    # ranges made PostgreSQL read the table's rows as well, a bitmap scan).
    ranges = sa.union_all(
        *(
            sa.select(StudentWord.student_id).where(
                StudentWord.word >= spelling, StudentWord.word < spelling + HIGHEST
            )
            for spelling in sorted(searched_spellings(word))
        )
    ).subquery("words")
    found = sa.select(ranges.c.student_id)
    if enrolment_filter:
        found = found.join(Enrolment, Enrolment.student_id == ranges.c.student_id).where(
            *enrolment_filter
        )
    # OFFSET 0 keeps PostgreSQL from folding the lookup into the list's query: else, to fill
    # a page sorted by name, it walks the students in name order and looks up each one's
    # words (200 ms where finding the words first takes 30).
    return found.offset(0)


def _contains(words: str) -> str:
    """A LIKE pattern (escape character backslash) for text containing these words, any case."""
    escaped = words.strip().lower()
    for char in ("\\", "%", "_"):
        escaped = escaped.replace(char, "\\" + char)
    return f"%{escaped}%"


def not_enrolled_in(cohort: Cohort, words: str, limit: int = 20) -> list[Student]:
    """Students the search words find who are not enrolled in the cohort yet, by name."""
    if not words.strip():
        return []
    enrolled = sa.select(Enrolment.student_id).where(Enrolment.cohort_id == cohort.id)
    query = search(StudentFilters(query=words)).where(Student.id.not_in(enrolled))
    return list(db.session.scalars(query.limit(limit)))


def enrolments_of(student: Student) -> list[Enrolment]:
    """The student's enrolments, newest cohort first."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Enrolment.cohort)
            .where(Enrolment.student_id == student.id)
            .options(
                selectinload(Enrolment.documents),
                selectinload(Enrolment.files),
                selectinload(Enrolment.consents),
                contains_eager(Enrolment.cohort).joinedload(Cohort.programme),
            )
            .order_by(Cohort.departure_date.desc())
        )
    )


def guardians_with_email(student: Student) -> list[Guardian]:
    """The student's guardians with an email address, once per address (two guardians may
    share one): whom an email about the student goes to."""
    found, seen = [], set()
    for guardian in student.guardians:
        address = (guardian.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            found.append(guardian)
    return found
