"""The contact rule during a stay and who is due or overdue under it.

The rule (per programme): the first contact with every student and every host family within
`first_days` days of arrival, then at least one in every calendar month (or week) of the
stay. Days are the host area's days: "today" is the date in the stay's time zone, so a call
at 23:30 in Buffalo on 31 January counts for January, whatever the server's clock says.

A period the stay covers for less than half (the few days of a month before the flight home)
asks for no contact of its own, nor does one that ends within the first window.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, Contact, ContactPeriod, ContactWith, Teacher
from app.models.base import utcnow
from app.services.supervision import teacher_roster

SOON = 7  # days: "due this week"


def today_in(timezone: str, now: datetime | None = None) -> date:
    """The date in the time zone at the (naive UTC) moment given, or now."""
    moment = (now or utcnow()).replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_today(cohort: Cohort, now: datetime | None = None) -> date:
    """Today where the cohort's students live during the stay."""
    return today_in(cohort.stay_timezone, now)


@dataclass(frozen=True)
class Rule:
    period: ContactPeriod = ContactPeriod.MONTH
    first_days: int = 7

    @staticmethod
    def of(cohort: Cohort) -> Rule:
        programme = cohort.programme
        return Rule(programme.contact_period, programme.contact_first_days)


@dataclass(frozen=True)
class Window:
    """Days (both included) within which one contact is asked for."""

    starts: date
    ends: date
    first: bool = False

    def holds(self, day: date) -> bool:
        return self.starts <= day <= self.ends


def _periods(starts: date, ends: date, period: ContactPeriod) -> list[tuple[date, date]]:
    """The calendar months or weeks that meet the days from starts to ends: (first, last)."""
    found = []
    if period is ContactPeriod.WEEK:
        cursor = starts - timedelta(days=starts.weekday())
        while cursor <= ends:
            found.append((cursor, cursor + timedelta(days=6)))
            cursor += timedelta(days=7)
        return found
    cursor = starts.replace(day=1)
    while cursor <= ends:
        last = cursor.replace(day=monthrange(cursor.year, cursor.month)[1])
        found.append((cursor, last))
        cursor = last + timedelta(days=1)
    return found


def windows(arrival: date, leaving: date, rule: Rule) -> list[Window]:
    """The windows of a stay from arrival to leaving (both included), in order."""
    if leaving < arrival:
        return []
    first = Window(arrival, min(arrival + timedelta(days=rule.first_days - 1), leaving), True)
    found = [first]
    for period_start, period_end in _periods(arrival, leaving, rule.period):
        starts, ends = max(period_start, arrival), min(period_end, leaving)
        length = (period_end - period_start).days + 1
        if ends <= first.ends or ((ends - starts).days + 1) * 2 < length:
            continue
        found.append(Window(starts, ends))
    return found


class State(StrEnum):
    NOT_STARTED = "not_started"  # the stay has not begun
    DONE = "done"  # every window open today has its contact
    DUE = "due"  # a window open today still waits for its contact
    OVERDUE = "overdue"  # a window ended without a contact, and none since
    ENDED = "ended"  # the stay is over


@dataclass(frozen=True)
class Standing:
    """Where one student or family stands under the rule on a day."""

    state: State
    deadline: date | None  # the last day of the window still waiting (due), or that passed
    last_contact: date | None
    met: int  # windows with their contact, so far
    missed: int  # windows that ended without one
    soon: bool = False  # overdue, or due within the week (SOON days)


def standing(
    windows_: list[Window], contacts: list[date], today: date, leaving: date | None = None
) -> Standing:
    """Judge the contacts (days) against the windows on `today`; the stay ends on `leaving`
    (else with its last window: the last days of a stay may ask for nothing)."""
    days = sorted(contacts)
    last = max((d for d in days if d <= today), default=None)
    met = missed = 0
    overdue_since: date | None = None
    waiting: date | None = None
    for window in windows_:
        has = any(window.holds(day) for day in days)
        if has:
            met += 1
        elif window.ends < today:
            missed += 1
            if last is None or last <= window.ends:
                overdue_since = window.ends if overdue_since is None else overdue_since
        elif window.starts <= today:
            waiting = window.ends if waiting is None else min(waiting, window.ends)
    if not windows_ or today < windows_[0].starts:
        state, deadline = State.NOT_STARTED, windows_[0].ends if windows_ else None
    elif overdue_since is not None:
        state, deadline = State.OVERDUE, overdue_since
    elif waiting is not None:
        state, deadline = State.DUE, waiting
    elif today > (leaving or windows_[-1].ends):
        state, deadline = State.ENDED, None
    else:
        state, deadline = State.DONE, None
    soon = state is State.OVERDUE or (
        state is State.DUE and deadline is not None and deadline < today + timedelta(days=SOON)
    )
    return Standing(state, deadline, last, met, missed, soon)


class SubjectKind(StrEnum):
    STUDENT = "student"
    FAMILY = "family"


@dataclass(frozen=True)
class Subject:
    """A student or a host family the rule asks contacts with."""

    kind: SubjectKind
    id: int  # the enrolment's id, or the family's application's id
    name: str
    teacher_id: int | None
    standing: Standing
    enrolment_id: int | None = None  # for a family: its (first) student, to record both
    application_id: int | None = None  # for a student: where they live


@dataclass
class Compliance:
    """A cohort under the rule on a day: every subject, and the counts by teacher."""

    cohort: Cohort
    today: date
    rule: Rule
    subjects: list[Subject] = field(default_factory=list)
    teachers: dict[int, str] = field(default_factory=dict)

    def of_teacher(self, teacher_id: int | None) -> list[Subject]:
        return [s for s in self.subjects if s.teacher_id == teacher_id]

    def count(self, state: State, teacher_id: int | bool | None = False) -> int:
        chosen = self.subjects if teacher_id is False else self.of_teacher(teacher_id)
        return sum(1 for s in chosen if s.standing.state is state)

    def due_soon(self, teacher_id: int | bool | None = False) -> int:
        """Contacts due within the week, the overdue ones included."""
        chosen = self.subjects if teacher_id is False else self.of_teacher(teacher_id)
        return sum(1 for s in chosen if s.standing.soon)

    def due_this_week(self, teacher_id: int | bool | None = False) -> int:
        """Contacts due within the week that are not overdue yet."""
        chosen = self.subjects if teacher_id is False else self.of_teacher(teacher_id)
        return sum(1 for s in chosen if s.standing.soon and s.standing.state is State.DUE)

    def totals(self, teacher_id: int | bool | None = False) -> tuple[int, int]:
        """Over the stay so far: (windows met, windows missed)."""
        chosen = self.subjects if teacher_id is False else self.of_teacher(teacher_id)
        return (
            sum(s.standing.met for s in chosen),
            sum(s.standing.missed for s in chosen),
        )


Days = dict[int, list[date]]


def _contact_days(cohort_ids: list[int]) -> dict[int, tuple[Days, Days]]:
    """Each cohort's contact days: by enrolment (with the student) and by application."""
    found: dict[int, tuple[Days, Days]] = {
        cohort_id: (defaultdict(list), defaultdict(list)) for cohort_id in cohort_ids
    }
    rows = db.session.execute(
        sa.select(
            Contact.cohort_id,
            Contact.enrolment_id,
            Contact.application_id,
            Contact.with_whom,
            Contact.contacted_on,
        ).where(Contact.cohort_id.in_(cohort_ids))
    ).all()
    for cohort_id, enrolment_id, application_id, with_whom, day in rows:
        students, families = found[cohort_id]
        if ContactWith(with_whom).student and enrolment_id is not None:
            students[enrolment_id].append(day)
        if ContactWith(with_whom).family and application_id is not None:
            families[application_id].append(day)
    return found


def _placed_since(cohorts: list[Cohort]) -> dict[tuple[int, int], date]:
    """When each family's current stay with a cohort began (its earliest active placement),
    as a day in the host area: (cohort id, application id) → day."""
    from app.models import Placement, PlacementStatus

    zones = {cohort.id: cohort.stay_timezone for cohort in cohorts}
    rows = db.session.execute(
        sa.select(Placement.cohort_id, Placement.application_id, sa.func.min(Placement.placed_at))
        .where(Placement.cohort_id.in_(zones), Placement.status == PlacementStatus.ACTIVE)
        .group_by(Placement.cohort_id, Placement.application_id)
    ).all()
    departures = {cohort.id: cohort.departure_date for cohort in cohorts}
    # A placement made two days or more before the departure (most) was made before it in
    # any time zone too, and counts from the departure: the UTC day does.
    return {
        (cohort_id, application_id): placed.date()
        if placed.date() < departures[cohort_id] - timedelta(days=1)
        else today_in(zones[cohort_id], placed)
        for cohort_id, application_id, placed in rows
    }


def cohort_compliance(cohort: Cohort, now: datetime | None = None) -> Compliance:
    """Every student holding a place and every family housing one, under the rule, today
    in the host area. Four statements."""
    return compliances([cohort], now)[0]


def compliances(cohorts: list[Cohort], now: datetime | None = None) -> list[Compliance]:
    """cohort_compliance of several cohorts at once (their programmes loaded): four
    statements, however many cohorts."""
    if not cohorts:
        return []
    ids = [cohort.id for cohort in cohorts]
    students = teacher_roster.subject_rows(ids)
    days, since, judged = _contact_days(ids), _placed_since(cohorts), {}
    results = []
    for cohort in cohorts:
        result = Compliance(cohort, local_today(cohort, now), Rule.of(cohort))
        families = []
        for row, family, found in _standings(
            cohort, now, students[cohort.id], days[cohort.id], since, judged
        ):
            ids_ = (row.teacher_id, found, row.enrolment_id, row.application_id)
            kind, id_, name = (
                (SubjectKind.FAMILY, row.application_id, row.family_name)
                if family
                else (SubjectKind.STUDENT, row.enrolment_id, row.name)
            )
            (families if family else result.subjects).append(Subject(kind, id_, name, *ids_))
        result.subjects.extend(sorted(families, key=lambda s: s.name.casefold()))
        results.append(result)
    teacher_ids = {s.teacher_id for r in results for s in r.subjects if s.teacher_id is not None}
    if teacher_ids:
        found = sa.select(Teacher.id, Teacher.name).where(Teacher.id.in_(teacher_ids))
        names = dict(db.session.execute(found).all())
        for result in results:
            wanted = {s.teacher_id for s in result.subjects if s.teacher_id is not None}
            result.teachers = {i: names[i] for i in wanted if i in names}
    return results


def counts(
    cohorts: list[Cohort], now: datetime | None = None, teacher_id: int | bool | None = False
) -> list[tuple[Cohort, Counter]]:
    """Per cohort, its subjects (one teacher's if given) by state, and under "soon" those due
    within the week (overdue ones included). Three statements, the students read as columns:
    for counts (the dashboard's cohorts abroad, a teacher's portal)."""
    if not cohorts:
        return []
    ids = [cohort.id for cohort in cohorts]
    students = teacher_roster.subject_rows(ids, names=False)
    days, since, judged = _contact_days(ids), _placed_since(cohorts), {}
    results = []
    for cohort in cohorts:
        tally: Counter = Counter()
        for row, _family, found in _standings(
            cohort, now, students[cohort.id], days[cohort.id], since, judged
        ):
            if teacher_id is False or row.teacher_id == teacher_id:
                tally[found.state] += 1
                tally["soon"] += found.soon
        results.append((cohort, tally))
    return results


def _windows(judged: dict, arrival: date, leaving: date, rule: Rule) -> list[Window]:
    key = (arrival, leaving, rule.period, rule.first_days)
    found = judged.get(key)
    if found is None:
        found = judged[key] = windows(arrival, leaving, rule)
    return found


def _standings(cohort: Cohort, now, students, days, since, judged: dict):
    """(row, whether the family, standing) of each student and then of the family housing
    them (once a family); the same windows and days are judged once (`judged`)."""
    today, rule, leaving = local_today(cohort, now), Rule.of(cohort), cohort.return_date
    by_student, by_family = days
    stay = _windows(judged, cohort.departure_date, leaving, rule)
    seen: set[int] = set()

    def judge(stay_windows: list[Window], contacts: list[date]) -> Standing:
        key = (id(stay_windows), tuple(contacts), today)  # the windows: kept in `judged`
        found = judged.get(key)
        if found is None:
            found = judged[key] = standing(stay_windows, contacts, today, leaving)
        return found

    for row in students:
        yield row, False, judge(stay, by_student.get(row.enrolment_id, []))
        home = row.application_id
        if home is not None and home not in seen:
            seen.add(home)
            placed = since.get((cohort.id, home), cohort.departure_date)
            family_windows = _windows(judged, max(cohort.departure_date, placed), leaving, rule)
            yield row, True, judge(family_windows, by_family.get(home, []))
