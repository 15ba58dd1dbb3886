"""The demo's cohort abroad has been looked after: its teachers called the students and their
families every month, through the same service as the web. A few calls of this month are
still to make and one student was missed last month, so that the compliance view, the
teacher's page and the dashboard have something to say; one report of homesickness is in
progress with the coordinator."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.models import Cohort, ContactWith, User
from app.services.placement import placements
from app.services.supervision import compliance, concerns, contacts, teacher_roster

WELLBEING = ("fine", "fine", "some_concerns", "fine")
MODES = ("phone", "video", "in_person", "message")


def _day_in(window: compliance.Window, today: date, number: int) -> date | None:
    """A day within the window, not after today, spread a little by the student's number."""
    day = min(window.starts + timedelta(days=2 + number % 4), window.ends, today)
    return day if day >= window.starts else None


def fill(cohort: Cohort, coordinator: User) -> int:
    """Contacts for every student of the cohort (most with the family too); how many."""
    today = compliance.local_today(cohort)
    stay = compliance.windows(cohort.departure_date, cohort.return_date, compliance.Rule.of(cohort))
    made = 0
    for placement in placements.active_placements(cohort):  # they moved in before the flight
        placement.placed_at = datetime.combine(cohort.departure_date - timedelta(days=10), time(9))
    for number, row in enumerate(teacher_roster.cohort_students(cohort)):
        enrolment = row.enrolment
        teacher = enrolment.supervising_teacher
        user = teacher.user if teacher is not None else coordinator
        open_windows = [w for w in stay if w.starts <= today]
        for index, window in enumerate(open_windows):
            current = index == len(open_windows) - 1
            if (current and number % 3 == 1) or (number == 2 and index >= len(open_windows) - 2):
                continue  # still to call this month; and one student missed since last month
            day = _day_in(window, today, number)
            if day is None:
                continue
            with_family = row.home is not None
            contacts.record(
                cohort,
                user,
                {
                    "with_whom": ContactWith.BOTH if with_family else ContactWith.STUDENT,
                    "enrolment_id": enrolment.id,
                    "application_id": row.home.id if with_family else None,
                    "contacted_on": day,
                    "mode": MODES[(number + index) % 4],
                    "participants": teacher.name if teacher is not None else "",
                    "wellbeing": WELLBEING[(number + index) % 4],
                    "notes": "Settling in well; school going fine.",
                },
            )
            made += 1
    students = teacher_roster.cohort_students(cohort)
    if students:
        first = students[0].enrolment
        report = concerns.report(
            first,
            coordinator,
            {
                "category": "homesickness",
                "severity": "routine",
                "happened_on": today - timedelta(days=3),
                "what_happened": "Misses home a lot since the winter break; calls home daily.",
                "action_taken": "Talked with the student and the host mother.",
            },
            link=lambda report_id: "",
        )
        concerns.take(report, coordinator)
        concerns.set_follow_up(report, coordinator, today + timedelta(days=7))
    db.session.flush()
    return made
