"""`flask demo`: fill an empty database with a fictional programme year to explore, through
the same services as the web (so every rule holds), and print a login for each role.

A cohort abroad (all placed, documents in, two teachers, monthly calls: demo_care), one taking
enrolments (accepted, applied, waitlisted, one withdrawn; documents partly in, some placed), one
in planning, families at every step of vetting, two guardians with accounts (demo_guardians)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.cli import demo_care, demo_dates, demo_guardians
from app.cli import demo_data as data
from app.extensions import db
from app.models import (
    ApplicationStatus,
    Cohort,
    DocumentKind,
    Enrolment,
    HostApplication,
    HostFamily,
    OutboxEmail,
    Student,
    Teacher,
    User,
)
from app.services.enrolment import cohorts, documents, enrolments, students
from app.services.hosting import families, signup, vetting
from app.services.identity import accounts, recovery
from app.services.placement import placements
from app.services.supervision import teachers
from app.unit_of_work import committed

# What makes a database hold real data: the demo only fills one with none of these.
REAL_DATA = (
    (User, "accounts"),
    (Cohort, "cohorts"),
    (HostFamily, "host families"),
    (Student, "students"),
)
OTHER_DOCUMENTS = [kind for kind in DocumentKind if kind != DocumentKind.GUARDIAN_CONSENT]


def real_data() -> list[str]:
    """What the database already holds that the demo must not mix with: "3 accounts", ..."""
    found = []
    for model, name in REAL_DATA:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        if count:
            found.append(f"{count} {name}")
    return found


@dataclass
class Year:
    """What the demo made, by the keys of demo_data."""

    today: date
    by_id: int  # the coordinator, who does the staff's work
    cohorts: dict[str, Cohort]
    enrolments: dict[tuple[str, str], Enrolment]
    applications: dict[str, HostApplication]


def _cohort(name_day: date, returns: date, places: int, per_teacher: int, deadline=None):
    return cohorts.create_cohort(
        {
            "programme_id": cohorts.ensure_default_programme().id,
            "name": f"Buffalo {data.MONTHS[name_day.month - 1]} {name_day.year}",
            "direction": "outbound",
            "departure_date": name_day,
            "return_date": returns,
            "enrolment_deadline": deadline,
            "places": places,
            "students_per_teacher": per_teacher,
        }
    )


def _make_cohorts(today: date) -> dict[str, Cohort]:
    """Abroad since ten weeks; leaving in about four months; planned for next autumn. The
    programme's stay lasts about four months."""
    away = today - timedelta(days=75)
    leaves = today + timedelta(days=110)
    planned = today + timedelta(days=290)
    made = {
        "travelling": _cohort(away, away + timedelta(days=120), 8, 4),
        "open": _cohort(leaves, leaves + timedelta(days=120), 12, 8, today + timedelta(days=40)),
        "planning": _cohort(planned, planned + timedelta(days=120), 16, 8),
    }
    for key in ("travelling", "open"):
        cohorts.set_status(made[key], "open")
    return made


def _student_values(s: data.DemoStudent, today: date, number: int) -> dict:
    years, month, day = s.born
    return {
        "first_name": s.first,
        "last_name": s.last,
        "date_of_birth": date(today.year - years, month, day),
        "gender": s.gender,
        "school": s.school,
        "grade": s.grade,
        "email": f"{s.first}.{s.last}@example.org".lower().replace("ü", "ue"),
        "phone": f"+49 171 555 {1000 + number}",
        "diet": s.diet,
        "allergies": s.allergies,
        "pet_allergy": s.pet_allergy,
        "no_pets": s.pet_allergy,
        "medical_notes": s.medical_notes,
        "interests": s.interests,
        "languages": "German, English" + (", French" if number % 3 == 0 else ""),
        "passport_number": f"C{number:02d}X4K7{number * 37 % 100:02d}",
        "passport_expiry": date(today.year + 4, s.born[1], 1),
        "visa_status": s.visa,
        "guardians": [
            {
                "name": s.guardian[0],
                "relation": s.guardian[1],
                "phone": f"+49 231 555 {2000 + number}",
                "email": f"{s.guardian[0].split()[0]}.{s.last}@example.com".lower(),
            }
        ],
        "emergency_contacts": [
            {
                "name": s.contact[0],
                "relation": s.contact[1],
                "phone": f"+49 231 555 {3000 + number}",
            }
        ],
    }


def _documents(enrolment: Enrolment, guardian: str, kinds: list, consent_on: date | None, by_id):
    for kind in kinds:
        documents.set_received(enrolment, kind, True, by_id)
    if consent_on is not None:
        documents.record_consent(
            enrolment,
            guardian,
            datetime.combine(consent_on, time()),
            documents.current_wording_version(),
            by_id,
            enrolment.student.guardians[0].id,
        )


def _make_students(year: Year) -> None:
    """Enrol everybody (the open cohort fills up and starts a waitlist), accept, tick
    documents: all in for the cohort abroad, some still missing for the open one."""
    accepted_in_open = 0
    for number, s in enumerate(data.STUDENTS, start=1):
        student = students.create_student(_student_values(s, year.today, number), year.today)
        enrolment = enrolments.enrol(student, year.cohorts[s.cohort], year.by_id)
        year.enrolments[(s.first, s.last)] = enrolment
        travelling = s.cohort == "travelling"
        if not travelling and accepted_in_open >= data.ACCEPTED_IN_OPEN:
            continue
        accepted_in_open += not travelling
        enrolments.change_status(enrolment, "accepted", year.by_id)
        if travelling or accepted_in_open <= 5:  # all in; for the open cohort, the first five
            kinds, consent_on = OTHER_DOCUMENTS, year.today - timedelta(days=150 + number)
        else:  # still coming in
            kinds = OTHER_DOCUMENTS[: number % 3 + 1]
            consent_on = year.today - timedelta(days=number) if number % 2 else None
        _documents(enrolment, s.guardian[0], kinds, consent_on, year.by_id)


def _family_values(f: data.DemoFamily, number: int, cohort_ids: list[int]) -> dict:
    references = [
        {"name": name, "relation": relation, "phone": phone, "email": ""}
        for name, relation, phone in (data.REFERENCES[(number + i) % 4] for i in (0, 1))
    ]
    return {
        "family_name": f.family_name,
        "address_line": f.address,
        "city": f.city,
        "state": "NY",
        "postal_code": f.postal_code,
        "phone": f.phone,
        "mobile_phone": "",
        "languages": f.languages,
        "has_pets": bool(f.pets),
        "pets": f.pets,
        "smoking_in_home": False,
        "bedrooms": f.bedrooms,
        "beds_offered": f.beds,
        "shared_room": f.shared_room,
        "gender_preference": f.gender_preference,
        "diets": list(f.diets),
        "high_school": f.high_school,
        "school_distance_miles": f.miles or None,
        "motivation": f.motivation,
        "interests": f.interests,
        "background_check_consent": f.status != "draft",
        "members": [{"name": n, "age": a, "relation": r} for n, a, r in f.members],
        "references": references if f.status != "draft" else [],
        "cohort_ids": cohort_ids,
    }


def _vet(application: HostApplication, status: ApplicationStatus, year: Year, note: str) -> None:
    """Walk the application through vetting up to `status` (a step or a decision)."""
    by_id = year.by_id
    steps = {
        ApplicationStatus.REFERENCES_CHECKED: lambda: vetting.check_references(
            application, by_id, "Both references called back warmly."
        ),
        ApplicationStatus.BACKGROUND_CLEARED: lambda: vetting.clear_background(
            application, year.today + timedelta(days=730), by_id
        ),
        ApplicationStatus.HOME_VISITED: lambda: vetting.record_home_visit(
            application,
            year.today,
            data.COORDINATOR_NAME,
            "A warm, tidy home; the student's room has a desk and a window.",
            by_id,
        ),
    }
    if status == ApplicationStatus.DECLINED:
        vetting.check_references(application, by_id)
        vetting.decide(application, status, by_id, note)
        return
    target = ApplicationStatus.HOME_VISITED if status in vetting.DECISIONS else status
    while application.status != target:
        steps[vetting.NEXT_STEP[application.status]]()
    if status in vetting.DECISIONS:
        vetting.decide(application, status, by_id, note)


def _make_families(year: Year) -> None:
    for number, f in enumerate(data.FAMILIES):
        tokens: list[str] = []
        family = signup.sign_up(
            f.email, data.PASSWORD, lambda token, kept=tokens: kept.append(token) or token
        )
        recovery.confirm_email(tokens[0])  # as if the family had followed its welcome email
        application = families.current_application(family)
        cohort_ids = [year.cohorts[key].id for key in f.cohorts]
        families.save_answers(application, _family_values(f, number, cohort_ids))
        year.applications[f.key] = application
        if f.status == "draft":
            continue
        families.submit(application)
        _vet(application, ApplicationStatus(f.status), year, f.decision_note)


def _make_teachers(year: Year) -> dict[str, Teacher]:
    made = {}
    for t in data.TEACHERS:
        teacher = teachers.create_teacher(
            t.email, data.PASSWORD, t.name, t.school, t.phone, t.languages
        )
        for cohort_key, role in t.assignments:
            teachers.assign(year.cohorts[cohort_key], teacher, role)
        made[t.email] = teacher
    return made


def _place_and_supervise(year: Year, staff: dict[str, Teacher]) -> int:
    """Place the students the data places; split each cohort's students between its teachers."""
    db.session.expire_all()  # read back as the next request would (enums, not the strings given)
    placed = 0
    for s in data.STUDENTS:
        if s.family:
            enrolment = year.enrolments[(s.first, s.last)]
            placements.place(enrolment, year.applications[s.family], year.by_id)
            placed += 1
    for cohort_key in ("travelling", "open"):
        cohort = year.cohorts[cohort_key]
        team = [staff[t.email] for t in data.TEACHERS if cohort_key in dict(t.assignments)]
        holding = [
            e
            for e in year.enrolments.values()
            if e.cohort_id == cohort.id and e.status.value in ("accepted", "applied")
        ]
        teachers.split(cohort, {e.id: team[i % len(team)].id for i, e in enumerate(holding)})
    return placed


def fill(today: date | None = None) -> dict:
    """Make the year; what was made, counted, and the demo logins."""
    today = today or date.today()
    first_email = db.session.scalar(sa.select(sa.func.max(OutboxEmail.id))) or 0
    staff_users = [accounts.create_user(email, data.PASSWORD, role) for email, role in data.STAFF]
    year = Year(today, staff_users[1].id, _make_cohorts(today), {}, {})
    staff = _make_teachers(year)
    _make_students(year)
    enrolments.withdraw(
        year.enrolments[data.WITHDRAWS], year.by_id, "The family moves to Munich in March."
    )
    _make_families(year)
    demo_dates.spread(list(year.applications.values()))
    placed = _place_and_supervise(year, staff)
    travelling = year.cohorts["travelling"]
    cohorts.set_status(travelling, "closed")
    cohorts.set_status(travelling, "travelling")
    demo_care.fill(travelling, staff_users[1])
    # The emails the sign-ups and decisions queued went to made-up addresses: none is sent.
    db.session.execute(sa.delete(OutboxEmail).where(OutboxEmail.id > first_email))
    db.session.flush()
    return {
        "cohorts": [(c.name, c.status.value) for c in year.cohorts.values()],
        "students": len(data.STUDENTS),
        "families": len(data.FAMILIES),
        "teachers": len(data.TEACHERS),
        "placements": placed,
        "logins": demo_guardians.fill(year.enrolments),  # with the guardians' logins
    }


def _print_summary(made: dict) -> None:
    click.echo("The database now holds a fictional programme year:")
    for name, status in made["cohorts"]:
        click.echo(f"  {name} ({status})")
    click.echo(
        f"  {made['students']} students, {made['families']} host families, "
        f"{made['teachers']} teachers, {made['placements']} students placed"
    )
    click.echo("")
    click.echo(f"Log in (with make run: http://127.0.0.1:5000/login), password {data.PASSWORD}")
    for role, email, what in made["logins"]:
        click.echo(f"  {role:12} {email:26} {what}")
    click.echo("Every person, address and phone number is made up; no email was sent.")


@click.command("demo")
@with_appcontext
@committed
def demo() -> None:
    """Fill an EMPTY database with a fictional programme year and print logins for each role."""
    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException(
            "The demo's accounts share a published password: it does not run with the "
            "production settings (AUSTAUSCH_ENV=production). Nothing was changed."
        )
    found = real_data()
    if found:
        raise click.ClickException(
            "The database already holds data (" + ", ".join(found) + "): the demo fills only "
            "an empty one and changed nothing. Point DATABASE_URL at a new database to try it."
        )
    _print_summary(fill())
