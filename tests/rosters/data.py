"""A cohort worth printing: students with care needs, families, two teachers, one withdrawn
student and one ended placement (neither may appear), one student not placed yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.models import Enrolment, Placement
from app.services.enrolment import enrolments
from app.services.placement import placements
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
    place,
)

STUDENTS = [
    # last name, first name, gender, care
    ("Becker", "Jonas", "male", {"allergies": "Peanuts (carries an EpiPen)", "diet": "none"}),
    ("Demir", "Aylin", "female", {"diet": "halal"}),
    ("Fischer", "Lea", "female", {"medical_notes": "Asthma; inhaler in bag.", "diet": "vegan"}),
    ("Hoffmann", "Paul", "male", {}),
    ("Kowalski", "Mia", "female", {"allergies": "Lactose", "diet": "lactose_free"}),
    ("Nguyen", "Linh", "female", {}),
    ("Schulz", "Tim", "male", {"medical_notes": "Type 1 diabetes: insulin pen, check at meals."}),
]
FAMILIES = [
    # family name, town, address, phone, beds
    ("Miller", "Amherst", "45 Maple Road", "+1 716 555 0101", 2),
    ("Kowalczyk", "Cheektowaga", "9 Union Road", "+1 716 555 0102", 2),
    ("Schneider", "Buffalo", "210 Elmwood Avenue", "+1 716 555 0103", 2),
    ("O'Brien", "Tonawanda", "77 Niagara Street", "+1 716 555 0104", 1),
]


@dataclass
class RosterCohort:
    cohort_id: int
    enrolments: dict[str, int] = field(default_factory=dict)  # last name → enrolment id
    families: dict[str, int] = field(default_factory=dict)  # family name → application id
    teachers: dict[str, int] = field(default_factory=dict)  # name → teacher id
    teacher_emails: dict[str, str] = field(default_factory=dict)
    withdrawn: str = "Zimmermann"
    unplaced: str = "Nguyen"
    moved_out: str = "Hoffmann"  # placement ended: on the roster, but not placed


def build(app, *, name: str | None = None) -> RosterCohort:
    extra = {"name": name} if name else {}
    dates = {"departure_date": date(2027, 8, 20), "return_date": date(2027, 11, 20)}
    cohort_id = make_cohort(app, places=12, **dates, **extra)
    data = RosterCohort(cohort_id)
    for last, first, gender, care in [*STUDENTS, ("Zimmermann", "Emma", "female", {})]:
        student_id = make_student(app, last_name=last, first_name=first, gender=gender, **care)
        data.enrolments[last] = enrol(app, student_id, cohort_id)
    for family, town, address, phone, beds in FAMILIES:
        data.families[family] = make_approved_family(
            app, [cohort_id], family_name=family, city=town, address_line=address,
            phone=phone, beds_offered=beds, gender_preference="any",
        )  # fmt: skip
    for teacher, phone in (("Anna Lehmann", "+49 171 2000001"), ("Bernd Vogel", "+49 171 2000002")):
        email = f"{teacher.split()[0].lower()}.{cohort_id}@example.org"
        data.teachers[teacher] = make_teacher(app, teacher, email, phone=phone)
        data.teacher_emails[teacher] = email
    anna = [data.enrolments[n] for n in ("Becker", "Demir", "Fischer", "Hoffmann")]
    bernd = [data.enrolments[n] for n in ("Kowalski", "Schulz", "Zimmermann")]
    assign_teacher(app, cohort_id, data.teachers["Anna Lehmann"], "lead", anna)
    assign_teacher(app, cohort_id, data.teachers["Bernd Vogel"], "assistant", bernd)
    homes = {"Becker": "Miller", "Schulz": "Miller", "Demir": "Schneider", "Fischer": "Schneider",
             "Kowalski": "Kowalczyk", "Hoffmann": "O'Brien", "Zimmermann": "Kowalczyk"}  # fmt: skip
    for student, family in homes.items():
        place(app, data.enrolments[student], data.families[family])
    with app.app_context():
        placement = db.session.scalar(
            db.select(Placement).where(Placement.enrolment_id == data.enrolments["Hoffmann"])
        )
        placements.cancel(placement, None, "Family moved away")
        enrolments.withdraw(db.session.get(Enrolment, data.enrolments["Zimmermann"]))
        db.session.commit()
    return data


# The students holding a place in the cohort, by last name.
CURRENT = [
    "Jonas Becker",
    "Aylin Demir",
    "Lea Fischer",
    "Paul Hoffmann",
    "Mia Kowalski",
    "Linh Nguyen",
    "Tim Schulz",
]
WITHDRAWN = "Emma Zimmermann"
FULL_COLUMNS = [
    "name",
    "age",
    "school",
    "family",
    "address",
    "family_phone",
    "teacher",
    "guardians",
    "emergency",
    "allergies",
    "diet",
    "medical",
]
FULL_LABELS = [
    "Name",
    "Age",
    "School",
    "Host family",
    "Address",
    "Family phones",
    "Supervising teacher",
    "Guardians",
    "Emergency contacts",
    "Allergies",
    "Diet",
    "Medical notes",
]
