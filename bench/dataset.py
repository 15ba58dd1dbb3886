"""Realistic data for the benchmark at two sizes, written with bulk INSERTs (SQLAlchemy Core)
into a database migrated to the head revision.

- small: one city — one programme with a cohort a year for 50 years, about 2,000 students
  and 1,500 host families;
- national: 60 programmes × 50 years = 3,000 cohorts, about 100,000 students with guardians,
  emergency contacts, documents, consents, enrolment events and placements, 40,000 families
  with applications, household members, references and vetting steps, teachers, and audit
  rows.

Both sizes hold the same cohort to measure pages on ("Bench current"): 60 students, 50 of
them placed, two teachers. The national size adds the cohorts the other measurements need:
"Bench roster 500" (500 placed students: PDF and exports), "Bench matching 60" (60 students,
80 approved families with one bed each), "Bench matching 2000" (2,000 students, 1,250
families with two beds each) and "Bench import" (open, 6,000 places, for the CSV import).

Values are random but seeded: every run builds the same data. Past cohorts are archived
(their personal data kept, as if the retention period were long), this year's are
travelling and next year's are open, with waitlists and families in vetting.
"""
# ruff: noqa: S311, S608 (random test data; SQL built from constants and table names)

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Cohort,
    CohortTeacher,
    ConcernAction,
    ConcernReport,
    Contact,
    EmergencyContact,
    Enrolment,
    EnrolmentDocument,
    EnrolmentEvent,
    FamilyReference,
    GroupMessage,
    Guardian,
    GuardianConsent,
    HostApplication,
    HostFamily,
    HouseholdMember,
    ImportBatch,
    MessageDelivery,
    Placement,
    Programme,
    Student,
    StudentAccount,
    StudentWord,
    Teacher,
    User,
    VettingEvent,
)
from app.models.families import application_cohorts
from app.models.students import search_word_rows
from app.services.enrolment import import_mapping
from app.services.enrolment.tables import read_table

THIS_YEAR = 2026
CHUNK = 20_000
PASSWORD = "bench-harbour-lantern-42"  # noqa: S105 (accounts of a throwaway database)
COORDINATOR = "coordinator@bench.example.org"
CURRENT = "Bench current"
ROSTER_500 = "Bench roster 500"
MATCHING_60 = "Bench matching 60"
MATCHING_2000 = "Bench matching 2000"
IMPORT = "Bench import"
# The accounts of the pages other roles see, all about "Bench current": its lead teacher, a
# host family with a student of it placed and a new application in vetting (task list), a
# guardian of one of its students; the admin reads the audit trail.
ADMIN = "admin@bench.example.org"
TEACHER = "teacher@bench.example.org"
FAMILY = "family@bench.example.org"
GUARDIAN = "guardian@bench.example.org"
NEXT_OPEN = "Dortmund 2027"  # open for applications (the public pages, the import preview)
PREVIEW_ROWS = 60  # the pending import batch the preview page checks


@dataclass(frozen=True)
class Size:
    programmes: int
    years: int
    students: int  # in the historical cohorts
    families: int
    teachers: int
    audit_rows: int
    schools: int
    in_vetting: int
    specials: bool  # the cohorts for matching, PDFs, exports and the import


SIZES = {
    "small": Size(1, 50, 2_000, 1_500, 40, 20_000, 12, 60, False),
    "national": Size(60, 50, 100_000, 40_000, 1_500, 300_000, 600, 2_000, True),
}

FIRST = [
    "Lena",
    "Mia",
    "Emma",
    "Hannah",
    "Sophie",
    "Lea",
    "Marie",
    "Anna",
    "Laura",
    "Lara",
    "Lina",
    "Clara",
    "Paul",
    "Leon",
    "Lukas",
    "Jonas",
    "Finn",
    "Elias",
    "Noah",
    "Ben",
    "Felix",
    "Max",
    "Luis",
    "Tim",
    "Jan",
    "Niklas",
    "Moritz",
    "Emil",
    "Ida",
    "Greta",
    "Jakob",
    "David",
    "Aylin",
    "Mehmet",
    "Elif",
    "Can",
    "Yusuf",
    "Zeynep",
    "Milan",
    "Nora",
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Nowak",
    "Kowalski",
    "Özdemir",
    "Jansen",
]
US_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Kowalczyk",
    "Nowicki",
    "Russo",
    "Esposito",
    "Murphy",
    "O'Brien",
    "Sullivan",
]
TOWNS = [
    "Buffalo",
    "Amherst",
    "Tonawanda",
    "Cheektowaga",
    "Williamsville",
    "Orchard_Park",
    "Hamburg",
    "Lancaster",
    "Kenmore",
    "Lockport",
    "Niagara_Falls",
    "East_Aurora",
    "Grand_Island",
    "Clarence",
    "West_Seneca",
]
SCHOOL_KINDS = ("Gymnasium", "Gesamtschule", "Realschule", "Berufskolleg")
SCHOOL_NAMES = [
    "Helmholtz",
    "Goethe",
    "Schiller",
    "Humboldt",
    "Leibniz",
    "Bach",
    "Heine",
    "Mallinckrodt",
    "Stadt",
    "Max-Planck",
    "Käthe-Kollwitz",
    "Phoenix",
    "Reinoldus",
    "Bert-Brecht",
    "Annette",
    "Geschwister-Scholl",
]
INTERESTS = [
    "football",
    "piano",
    "reading",
    "hiking",
    "chess",
    "drawing",
    "theatre",
    "swimming",
    "cooking",
    "coding",
]
LANGUAGES = ("German, English", "German, English, French", "German, English, Spanish")
ACTIONS = ("login", "student.update", "roster.pdf", "roster.csv", "medical.view", "placement")


def schools(n: int) -> list[str]:
    names = [f"{name}-{kind}" for kind in SCHOOL_KINDS for name in SCHOOL_NAMES]
    return [
        f"{names[i % len(names)]} {i // len(names) + 1}" if i >= len(names) else names[i]
        for i in range(n)
    ]


class Writer:
    """Collects rows per table and writes them in large executemany batches, with ids given
    here so that rows can point at each other before anything is written."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.rows: dict[sa.Table, list[dict]] = {}
        self.ids: dict[str, count] = {}
        self.written: dict[str, int] = {}

    def next_id(self, table: sa.Table) -> int:
        return next(self.ids.setdefault(table.name, count(1)))

    def add(self, model_or_table, **values) -> int | None:
        table = model_or_table if isinstance(model_or_table, sa.Table) else model_or_table.__table__
        if "id" in table.c and "id" not in values:
            values["id"] = self.next_id(table)
        batch = self.rows.setdefault(table, [])
        batch.append(values)
        if len(batch) >= CHUNK:
            self.flush(table)
        return values.get("id")

    def flush(self, table: sa.Table | None = None) -> None:
        # Parents before children: tables in the order of their foreign keys.
        order = [t for t in db.metadata.sorted_tables if t in self.rows]
        for each in order if table is None else [table]:
            rows = self.rows.get(each)
            if not rows:
                continue
            if table is not None:  # a child's parents may still wait in their own batches
                for parent in db.metadata.sorted_tables:
                    if parent is each:
                        break
                    if self.rows.get(parent):
                        self.flush(parent)
            self.connection.execute(each.insert(), rows)
            self.written[each.name] = self.written.get(each.name, 0) + len(rows)
            self.rows[each] = []


@dataclass
class Family:
    user_id: int
    family_id: int
    name: str
    town: str


class Builder:
    def __init__(self, writer: Writer, size: Size, password_hash: str) -> None:
        self.w = writer
        self.size = size
        self.random = random.Random(1950)
        self.password_hash = password_hash
        self.schools = schools(size.schools)
        self.families: list[Family] = []
        self.next_family = 0
        self.teachers: list[int] = []
        self.staff: list[int] = []
        self.cohort_ids: dict[str, int] = {}
        self.last_guardian: tuple[int, str, str] = (0, "", "")
        # Of "Bench current": the first student (student, guardian) and the first placement.
        self.current_student: tuple[int, int] = (0, 0)
        self.own_family: Family | None = None
        self.own_teacher = 0

    # --- people ---------------------------------------------------------------------------

    def user(self, email: str, role: str) -> int:
        return self.w.add(
            User,
            email=email,
            password_hash=self.password_hash,
            role=role,
            active=True,
            created_at=datetime(2020, 1, 1),
            email_confirmed_at=datetime(2020, 1, 1),
        )

    def accounts(self) -> None:
        self.staff.append(self.user(ADMIN, "admin"))
        self.staff.append(self.user(COORDINATOR, "coordinator"))
        for i in range(4):
            self.staff.append(self.user(f"coordinator{i}@bench.example.org", "coordinator"))
        for i in range(self.size.teachers):
            user_id = self.user(f"teacher{i}@bench.example.org", "teacher")
            self.teachers.append(
                self.w.add(
                    Teacher,
                    user_id=user_id,
                    name=f"{self.random.choice(FIRST)} {self.random.choice(LAST)}",
                    school=self.random.choice(self.schools),
                    phone=f"+49 231 {100000 + i}",
                    languages="German, English",
                )
            )
        self.own_teacher = self.w.add(
            Teacher,
            user_id=self.user(TEACHER, "teacher"),
            name="Tina Bench",
            school=self.schools[0],
            phone="+49 231 999999",
            languages="German, English",
        )
        user_id = self.user(FAMILY, "host_family")
        family_id = self.w.add(
            HostFamily, user_id=user_id, family_name="Benchley", created_at=datetime(2020, 1, 1)
        )
        self.own_family = Family(user_id, family_id, "Benchley", "Buffalo")
        for i in range(self.size.families):
            user_id = self.user(f"family{i}@bench.example.org", "host_family")
            name = self.random.choice(US_LAST)
            family_id = self.w.add(
                HostFamily, user_id=user_id, family_name=name, created_at=datetime(2020, 1, 1)
            )
            self.families.append(
                Family(user_id, family_id, name, self.random.choice(TOWNS).replace("_", " "))
            )

    def family(self) -> Family:
        family = self.families[self.next_family % len(self.families)]
        self.next_family += 1
        return family

    def student(self, born_year: int, school: str | None = None) -> int:
        r = self.random
        first, last = r.choice(FIRST), r.choice(LAST)
        email = f"{first.lower()}.{last.lower()}{r.randint(1, 999)}@example.org"
        student_id = self.w.add(
            Student,
            first_name=first,
            last_name=last,
            date_of_birth=date(born_year, r.randint(1, 12), r.randint(1, 28)),
            gender=r.choice(("female", "male", "female", "male", "diverse")),
            school=school or r.choice(self.schools),
            grade=f"{r.randint(9, 11)}{r.choice('abc')}",
            email=email,
            phone=f"+49 170 {r.randint(1000000, 9999999)}",
            diet=r.choice(("none",) * 6 + ("vegetarian", "vegan", "halal", "gluten_free")),
            allergies=r.choice(("",) * 5 + ("hazelnuts", "penicillin", "pollen")),
            pet_allergy=r.random() < 0.08,
            medical_notes=r.choice(("",) * 8 + ("asthma inhaler", "type 1 diabetes")),
            no_pets=r.random() < 0.1,
            no_smokers=r.random() < 0.5,
            interests=", ".join(r.sample(INTERESTS, 2)),
            languages=r.choice(LANGUAGES),
            passport_number=f"C{r.randint(10000000, 99999999)}",
            passport_expiry=date(born_year + 25, 1, 1),
            visa_status=r.choice(("esta_approved", "visa_granted", "not_started")),
            created_at=datetime(born_year + 15, 1, 10),
            updated_at=datetime(born_year + 15, 1, 10),
        )
        for word in search_word_rows(student_id, first, last, email):
            self.w.add(StudentWord, **word)
        guardian_name = f"{r.choice(FIRST)} {last}"
        guardian_id = self.w.add(
            Guardian,
            student_id=student_id,
            position=1,
            name=guardian_name,
            relation="mother",
            phone=f"+49 231 {r.randint(100000, 999999)}",
            email=f"g{student_id}@example.org",
        )
        self.last_guardian = (guardian_id, guardian_name, f"g{student_id}@example.org")
        if r.random() < 0.7:
            self.w.add(
                Guardian,
                student_id=student_id,
                position=2,
                name=f"{r.choice(FIRST)} {last}",
                relation="father",
                phone=f"+49 231 {r.randint(100000, 999999)}",
                email=None,
            )
        self.w.add(
            EmergencyContact,
            student_id=student_id,
            name=f"{r.choice(FIRST)} {r.choice(LAST)}",
            relation="aunt",
            phone=f"+49 231 {r.randint(100000, 999999)}",
            email=None,
        )
        return student_id

    # --- cohorts --------------------------------------------------------------------------

    def cohort(
        self,
        programme_id: int,
        name: str,
        year: int,
        students: int,
        *,
        places: int | None = None,
        status: str | None = None,
        lead: int | None = None,
    ) -> tuple[int, date, date]:
        departure, returns = date(year, 8, 15), date(year, 12, 15)
        if status is None:
            status = (
                "archived" if year < THIS_YEAR else "travelling" if year == THIS_YEAR else "open"
            )
        places = places or students
        cohort_id = self.w.add(
            Cohort,
            programme_id=programme_id,
            name=name,
            direction="outbound",
            departure_date=departure,
            return_date=returns,
            enrolment_deadline=date(year, 5, 1),
            places=places,
            places_taken=min(places, students),
            waitlist_counter=max(0, students - places),
            students_per_teacher=10,
            status=status,
            created_at=datetime(year - 1, 9, 1),
            completed_at=datetime(year, 12, 20) if status == "archived" else None,
        )
        self.cohort_ids[name] = cohort_id
        lead = lead or self.teachers[cohort_id % len(self.teachers)]
        assistant = self.teachers[(cohort_id * 7 + 1) % len(self.teachers)]
        self.w.add(
            CohortTeacher,
            cohort_id=cohort_id,
            teacher_id=lead,
            role="lead",
            assigned_at=datetime(year, 3, 1),
        )
        if assistant != lead:
            self.w.add(
                CohortTeacher,
                cohort_id=cohort_id,
                teacher_id=assistant,
                role="assistant",
                assigned_at=datetime(year, 3, 1),
            )
        return cohort_id, departure, returns

    def enrol(
        self,
        cohort_id: int,
        year: int,
        student_id: int,
        *,
        waitlist: int | None,
        done: bool,
        teacher: int,
    ) -> int:
        r = self.random
        status = "waitlisted" if waitlist else "completed" if done else "accepted"
        at = datetime(year - 1, 11, r.randint(1, 28))
        enrolment_id = self.w.add(
            Enrolment,
            student_id=student_id,
            cohort_id=cohort_id,
            status=status,
            waitlist_number=waitlist,
            supervising_teacher_id=None if waitlist else teacher,
            created_at=at,
            status_changed_at=at,
        )
        self.w.add(
            EnrolmentEvent,
            enrolment_id=enrolment_id,
            from_status=None,
            to_status=status,
            reason="",
            by_user_id=self.staff[1],
            at=at,
        )
        kinds = ("medical_form", "insurance", "passport_visa", "code_of_conduct")
        for kind in kinds if done else [k for k in kinds if r.random() < 0.6]:
            self.w.add(
                EnrolmentDocument,
                enrolment_id=enrolment_id,
                kind=kind,
                received_at=at + timedelta(days=30),
                received_by_id=self.staff[1],
            )
        if done or r.random() < 0.8:
            self.w.add(
                GuardianConsent,
                enrolment_id=enrolment_id,
                guardian_id=None,
                given_by="Guardian",
                given_at=at,
                wording_version="2026-01",
                recorded_by_id=self.staff[1],
                recorded_at=at,
                withdrawn_at=None,
                withdrawn_by_id=None,
                withdrawal_note="",
            )
        return enrolment_id

    def application(
        self,
        family: Family,
        year: int,
        status: str,
        beds: int,
        cohort_id: int | None,
        returns: date,
        submitted: datetime | None = None,
    ) -> int:
        r = self.random
        submitted = submitted or datetime(year - 1, 10, r.randint(1, 28))
        approved = status == "approved"
        steps = ("references_checked", "background_cleared", "home_visited", "approved")
        reached = steps.index(status) + 1 if status in steps else 0
        application_id = self.w.add(
            HostApplication,
            family_id=family.family_id,
            status=status,
            address_line=f"{r.randint(1, 999)} Elm Street",
            city=family.town,
            state="NY",
            postal_code=f"14{r.randint(100, 299)}",
            phone=f"+1 716 {r.randint(1000000, 9999999)}",
            mobile_phone="",
            languages="English",
            has_pets=r.random() < 0.4,
            pets="dog" if r.random() < 0.4 else "",
            smoking_in_home=r.random() < 0.05,
            bedrooms=4,
            beds_offered=beds,
            shared_room=False,
            gender_preference="any",
            diets="vegetarian" if r.random() < 0.3 else "",
            high_school=f"{family.town} High School",
            school_distance_miles=round(r.uniform(0.5, 9), 1),
            motivation="We would love to host a student.",
            interests=", ".join(r.sample(INTERESTS, 2)),
            background_check_consent=True,
            created_at=submitted,
            updated_at=submitted,
            submitted_at=submitted,
            references_checked_at=submitted + timedelta(days=7) if reached >= 1 else None,
            references_checked_by_id=self.staff[1] if reached >= 1 else None,
            background_cleared_at=submitted + timedelta(days=20) if reached >= 2 else None,
            background_cleared_by_id=self.staff[1] if reached >= 2 else None,
            background_check_expires_on=returns + timedelta(days=365) if reached >= 2 else None,
            home_visit_on=(submitted + timedelta(days=30)).date() if reached >= 3 else None,
            home_visit_by="Coordinator" if reached >= 3 else "",
            home_visit_recorded_at=submitted + timedelta(days=31) if reached >= 3 else None,
            home_visit_recorded_by_id=self.staff[1] if reached >= 3 else None,
            decided_at=submitted + timedelta(days=40) if approved else None,
            decided_by_id=self.staff[1] if approved else None,
        )
        for position in (1, 2):
            self.w.add(
                FamilyReference,
                application_id=application_id,
                position=position,
                name=f"{r.choice(FIRST)} {r.choice(US_LAST)}",
                relation="neighbour",
                phone=f"+1 716 {r.randint(1000000, 9999999)}",
                email=None,
            )
        self.w.add(
            HouseholdMember,
            application_id=application_id,
            name=f"{r.choice(FIRST)} {family.name}",
            age=r.randint(30, 60),
            relation="parent",
        )
        self.w.add(
            HouseholdMember,
            application_id=application_id,
            name=f"{r.choice(FIRST)} {family.name}",
            age=r.randint(5, 17),
            relation="child",
        )
        for step in steps[:reached]:
            self.w.add(
                VettingEvent,
                application_id=application_id,
                to_status=step,
                by_user_id=self.staff[1],
                at=submitted + timedelta(days=10),
                note="",
            )
        if cohort_id is not None:
            self.w.add(
                application_cohorts,
                application_id=application_id,
                cohort_id=cohort_id,
                beds_taken=0,
            )
        return application_id

    def fill_cohort(
        self,
        programme_id: int,
        name: str,
        year: int,
        students: int,
        *,
        placed: int,
        waitlisted: int = 0,
        beds: int = 2,
        extra_families: int = 0,
    ) -> int:
        """A cohort with its students enrolled (the last ones waitlisted), the first placed
        ones living with approved families of `beds` beds each, and extra approved families
        offering a bed to it that nobody lives with yet. Cohorts of the last years have the
        group messages sent to their guardians; cohorts abroad now their contacts and
        concern reports, past ones a few closed reports."""
        current = name == CURRENT
        places = students - waitlisted
        cohort_id, _departure, returns = self.cohort(
            programme_id,
            name,
            year,
            students,
            places=places,
            lead=self.own_teacher if current else None,
        )
        done = year < THIS_YEAR
        teacher = self.teachers[cohort_id % len(self.teachers)]
        enrolments = []
        guardians = []
        for i in range(students):
            student_id = self.student(year - 16, None)
            guardians.append(self.last_guardian)
            number = i - places + 1 if i >= places else None
            enrolments.append(
                self.enrol(cohort_id, year, student_id, waitlist=number, done=done, teacher=teacher)
            )
            if current and i == 0:
                self.current_student = (student_id, self.last_guardian[0])
        beds_taken: list[tuple[int, int]] = []  # (application id, beds taken)
        homes: list[tuple[int, int]] = []  # (enrolment id, application id)
        to_place = enrolments[:placed]
        while to_place:
            taking, to_place = to_place[:beds], to_place[beds:]
            family = self.own_family if current and not beds_taken else self.family()
            application_id = self.application(family, year, "approved", beds, None, returns)
            beds_taken.append((application_id, len(taking)))
            for enrolment_id in taking:
                homes.append((enrolment_id, application_id))
                self.w.add(
                    Placement,
                    cohort_id=cohort_id,
                    enrolment_id=enrolment_id,
                    application_id=application_id,
                    status="active",
                    placed_by_id=self.staff[1],
                    placed_at=datetime(year, 6, 1),
                    reason="",
                    override_reason="",
                    overridden_rules="",
                    cancelled_at=None,
                    cancelled_by_id=None,
                    cancel_reason="",
                )
        for application_id, taken in beds_taken:
            self.w.add(
                application_cohorts,
                application_id=application_id,
                cohort_id=cohort_id,
                beds_taken=taken,
            )
        for _ in range(extra_families):
            self.application(self.family(), year, "approved", beds, cohort_id, returns)
        if THIS_YEAR - 2 <= year <= THIS_YEAR and students <= 100:
            self.messages(cohort_id, year, guardians)
        if year == THIS_YEAR and students <= 100:
            self.care(cohort_id, year, homes)
        elif done and self.random.random() < 0.3:
            self.concern(cohort_id, enrolments[0], year, "closed")
        return cohort_id

    # --- care, messages -------------------------------------------------------------------

    def messages(self, cohort_id: int, year: int, guardians: list[tuple[int, str, str]]) -> None:
        """Three messages to the cohort's guardians (the first guardian of each student)."""
        for number, month in enumerate((3, 6, 9), 1):
            at = datetime(year, month, 10, 9, 0)
            message_id = self.w.add(
                GroupMessage,
                audience="guardians",
                cohort_id=cohort_id,
                subject_en=f"News {number} about the exchange",
                body_en="Dear {name},\n\nthe meeting is next Tuesday at 7 pm in the school hall.",
                subject_de=f"Neuigkeiten {number} zum Austausch",
                body_de="Liebe/r {name},\n\ndas Treffen ist nächsten Dienstag um 19 Uhr.",
                sent_by_id=self.staff[1],
                created_at=at,
                sent_at=at,
            )
            for guardian_id, name, email in guardians:
                self.w.add(
                    MessageDelivery,
                    message_id=message_id,
                    name=name,
                    email=email,
                    recipient_kind="guardian",
                    recipient_id=guardian_id,
                    language="de",
                    outbox_email_id=None,
                    status="queued",
                )

    def care(self, cohort_id: int, year: int, homes: list[tuple[int, int]]) -> None:
        """A cohort abroad: a contact a month with each placed student and family since
        arrival, and concern reports (open, in progress, resolved)."""
        r = self.random
        for enrolment_id, application_id in homes:
            for month in (8, 9, 10, 11):
                self.w.add(
                    Contact,
                    cohort_id=cohort_id,
                    enrolment_id=enrolment_id,
                    application_id=application_id,
                    with_whom="both",
                    contacted_on=date(year, month, 20 if month == 8 else r.randint(1, 28)),
                    mode=r.choice(("in_person", "phone", "video")),
                    participants="",
                    wellbeing=r.choice(("fine",) * 8 + ("some_concerns",)),
                    notes="Settling in well; school started.",
                    recorded_by_id=self.staff[1],
                    recorded_at=datetime(year, month, 28),
                )
        for index, status in enumerate(("open", "in_progress", "resolved")):
            if index < len(homes):
                self.concern(cohort_id, homes[index][0], year, status)

    def concern(self, cohort_id: int, enrolment_id: int, year: int, status: str) -> None:
        r = self.random
        at = datetime(year, 10, r.randint(1, 28), 14, 0)
        taken = status != "open"
        report_id = self.w.add(
            ConcernReport,
            cohort_id=cohort_id,
            enrolment_id=enrolment_id,
            student_name=f"{r.choice(FIRST)} {r.choice(LAST)}",
            student_born=None,
            category=r.choice(("health", "homesickness", "school", "behaviour")),
            severity=r.choice(("routine", "routine", "urgent")),
            happened_on=at.date(),
            what_happened="Felt unwell at school and was picked up by the host mother.",
            action_taken="Called the family.",
            reported_by_id=self.staff[1],
            reported_at=at,
            contact_id=None,
            owner_id=self.staff[1] if taken else None,
            taken_at=at + timedelta(hours=2) if taken else None,
            status=status,
            follow_up_on=(at + timedelta(days=14)).date() if status == "in_progress" else None,
            follow_up_reminded_on=None,
            outcome="Recovered; nothing further." if status in ("resolved", "closed") else "",
            placement_id=None,
            closed_at=at + timedelta(days=20) if status == "closed" else None,
        )
        self.w.add(
            ConcernAction,
            report_id=report_id,
            kind="reported",
            text="",
            by_id=self.staff[1],
            at=at,
        )

    def other_roles(self) -> None:
        """The guardian's account (linked to the first student of "Bench current"), the
        bench family's new application in vetting and a pending import batch."""
        student_id, guardian_id = self.current_student
        user_id = self.user(GUARDIAN, "guardian")
        self.w.add(
            StudentAccount,
            user_id=user_id,
            student_id=student_id,
            guardian_id=guardian_id,
            created_at=datetime(THIS_YEAR, 2, 1),
        )
        next_open = self.cohort_ids[NEXT_OPEN]
        self.application(
            self.own_family,
            THIS_YEAR + 1,
            "submitted",
            1,
            next_open,
            date(THIS_YEAR + 1, 12, 15),
            submitted=datetime(THIS_YEAR, 11, 30),
        )
        table = read_table(import_csv(PREVIEW_ROWS).encode(), "school-list.csv")
        self.w.add(
            ImportBatch,
            filename="school-list.csv",
            content=json.dumps({"header": table.header, "records": table.records}),
            source={"kind": table.kind, "encoding": table.encoding, "sheets": []},
            mapping=import_mapping.guess(table.header),
            cohort_id=next_open,
            status="pending",
            uploaded_by_id=self.staff[1],
            uploaded_at=datetime(THIS_YEAR, 11, 30),
            finished_by_id=None,
            finished_at=None,
            result=None,
        )

    def build(self) -> dict[str, int]:
        size, r = self.size, self.random
        self.accounts()
        cohorts = size.programmes * size.years
        per_cohort = size.students // cohorts
        first_year = THIS_YEAR + 1 - size.years
        for p in range(size.programmes):
            city = "Dortmund" if p == 0 else f"City {p + 1}"
            programme_id = self.w.add(
                Programme,
                name=f"{city}–Buffalo high school exchange" if p == 0 else f"{city} exchange",
                home_city=city,
                partner_city="Buffalo",
                first_year=first_year,
            )
            for year in range(first_year, THIS_YEAR + 1):
                students = per_cohort + r.randint(-3, 3)
                self.fill_cohort(
                    programme_id,
                    f"{city} {year}",
                    year,
                    students,
                    placed=students if year < THIS_YEAR else students - 2,
                )
            if p == 0:
                self.fill_cohort(
                    programme_id, CURRENT, THIS_YEAR, 60, placed=50, beds=1, extra_families=12
                )
                # Next year's cohort: open, full, with a waitlist; families in vetting.
                self.fill_cohort(
                    programme_id,
                    f"{city} {THIS_YEAR + 1}",
                    THIS_YEAR + 1,
                    per_cohort + 5,
                    placed=0,
                    waitlisted=5,
                    extra_families=5,
                )
            if size.specials and p == 0:
                self.fill_cohort(programme_id, ROSTER_500, THIS_YEAR, 500, placed=500)
                self.fill_cohort(
                    programme_id,
                    MATCHING_60,
                    THIS_YEAR + 1,
                    60,
                    placed=0,
                    beds=1,
                    extra_families=80,
                )
                self.fill_cohort(
                    programme_id,
                    MATCHING_2000,
                    THIS_YEAR + 1,
                    2000,
                    placed=0,
                    beds=2,
                    extra_families=1250,
                )
                self.cohort(programme_id, IMPORT, THIS_YEAR + 1, 0, places=6000)
        next_open = self.cohort_ids["Dortmund 2027"]
        returns = date(THIS_YEAR + 1, 12, 15)
        stages = ("submitted", "references_checked", "background_cleared", "home_visited")
        for i in range(size.in_vetting):
            self.application(self.family(), THIS_YEAR + 1, stages[i % 4], 2, next_open, returns)
        self.other_roles()
        people = self.staff + [f.user_id for f in self.families[:1000]]
        start = datetime(THIS_YEAR - 2, 1, 1)
        for i in range(size.audit_rows):
            self.w.add(
                AuditEntry,
                at=start + timedelta(minutes=7 * i),
                user_id=r.choice(people),
                action=r.choice(ACTIONS),
                record_type="student",
                record_id=r.randint(1, max(1, size.students)),
                details={},
                ip_address="127.0.0.1",
            )
        self.w.flush()
        return self.cohort_ids


def import_csv(rows: int) -> str:
    """A school's list of students as the CSV import takes it, the same at every call."""
    import csv
    import io

    from app.services.enrolment.student_csv import COLUMN_NAMES

    chance = random.Random(5000)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    for i in range(rows):
        first, last = chance.choice(FIRST), chance.choice(LAST)
        writer.writerow(
            {
                "first_name": first,
                "last_name": f"{last}-{i}",
                "date_of_birth": f"2010-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}",
                "gender": chance.choice(("female", "male")),
                "school": chance.choice(SCHOOL_NAMES) + "-Gymnasium",
                "grade": "10a",
                "email": f"import{i}@example.org",
                "phone": "+49 170 1234567",
                "guardian1_name": f"Anna {last}",
                "guardian1_relation": "mother",
                "guardian1_phone": "+49 231 123456",
                "emergency1_name": "Eva Schmidt",
                "emergency1_relation": "aunt",
                "emergency1_phone": "+49 231 777888",
                "diet": "vegetarian",
                "allergies": "hazelnuts" if i % 7 == 0 else "",
                "no_smokers": "yes",
                "interests": "football, piano",
                "languages": "German, English",
            }
        )
    return out.getvalue()


def build(size_name: str, password_hash: str) -> tuple[dict[str, int], dict[str, int]]:
    """Fill the (migrated, empty) database of the current app; the measured cohorts' ids and
    the rows written per table."""
    engine = db.engine
    with engine.begin() as connection:
        writer = Writer(connection)
        ids = Builder(writer, SIZES[size_name], password_hash).build()
        if engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.name in writer.written:
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))
        else:
            connection.execute(sa.text("ANALYZE"))
    return ids, writer.written
