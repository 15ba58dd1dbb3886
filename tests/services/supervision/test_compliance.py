"""The contact rule in the host area's days: around midnight in Buffalo, at month ends, the
first window after arrival, the weekly rule, a family placed during the stay, and the last
days of a stay."""

from __future__ import annotations

from datetime import date, datetime

from app.extensions import db
from app.models import Cohort, ContactPeriod
from app.services.supervision import compliance
from app.services.supervision.compliance import Rule, State, SubjectKind, windows
from tests.services.supervision.care_data import buffalo_cohort, contact, family, student

# 20 December 2026 to 10 March 2027: December (12 days) and March (10 days) are less than
# half a month and ask nothing of their own; the first week, January and February do.
DEPARTURE, RETURN = date(2026, 12, 20), date(2027, 3, 10)


def standing_of(app, cohort_id: int, now: datetime, kind=SubjectKind.STUDENT, index=0):
    with app.app_context():
        found = compliance.cohort_compliance(db.session.get(Cohort, cohort_id), now)
        return [s for s in found.subjects if s.kind is kind][index].standing, found


def test_half_past_four_utc_on_1_february_is_still_31_january_in_buffalo(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert compliance.local_today(cohort, datetime(2027, 2, 1, 4, 30)) == date(2027, 1, 31)
        assert compliance.local_today(cohort, datetime(2027, 2, 1, 5, 30)) == date(2027, 2, 1)


def test_a_contact_on_31_january_counts_for_january(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    enrolment_id = student(app, cohort_id)
    contact(app, cohort_id, date(2026, 12, 21), enrolment_id)  # the first week
    contact(app, cohort_id, date(2027, 1, 31), enrolment_id)  # 23:30 in Buffalo
    standing, _found = standing_of(app, cohort_id, datetime(2027, 2, 1, 4, 30))
    assert (standing.state, standing.met, standing.missed) == (State.DONE, 2, 0)
    # Past midnight in Buffalo February is open, January stays met.
    standing, _found = standing_of(app, cohort_id, datetime(2027, 2, 1, 5, 30))
    assert (standing.state, standing.deadline) == (State.DUE, date(2027, 2, 28))
    assert (standing.met, standing.missed, standing.soon) == (2, 0, False)


def test_january_without_a_contact_is_overdue_only_after_midnight_in_buffalo(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    enrolment_id = student(app, cohort_id)
    contact(app, cohort_id, date(2026, 12, 21), enrolment_id)
    standing, found = standing_of(app, cohort_id, datetime(2027, 2, 1, 4, 30))
    assert (standing.state, standing.deadline, standing.soon) == (
        State.DUE,
        date(2027, 1, 31),
        True,
    )
    assert (found.due_this_week(), found.count(State.OVERDUE)) == (1, 0)
    standing, found = standing_of(app, cohort_id, datetime(2027, 2, 1, 5, 30))
    assert (standing.state, standing.deadline, standing.missed) == (
        State.OVERDUE,
        date(2027, 1, 31),
        1,
    )
    assert (found.due_this_week(), found.count(State.OVERDUE)) == (0, 1)
    # A contact in February puts it right, January stays missed.
    contact(app, cohort_id, date(2027, 2, 3), enrolment_id)
    standing, _found = standing_of(app, cohort_id, datetime(2027, 2, 4, 12))
    assert (standing.state, standing.met, standing.missed) == (State.DONE, 2, 1)


def test_the_first_contact_is_due_within_the_first_days(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN, first_days=7)
    student(app, cohort_id)
    before, _found = standing_of(app, cohort_id, datetime(2026, 12, 19, 12))
    assert before.state is State.NOT_STARTED
    standing, _found = standing_of(app, cohort_id, datetime(2026, 12, 22, 12))
    assert (standing.state, standing.deadline, standing.soon) == (
        State.DUE,
        date(2026, 12, 26),
        True,
    )
    # 26 December, 23:59 in Buffalo: still due; 27 December: overdue.
    standing, _found = standing_of(app, cohort_id, datetime(2026, 12, 27, 4, 59))
    assert standing.state is State.DUE
    standing, _found = standing_of(app, cohort_id, datetime(2026, 12, 27, 5, 1))
    assert (standing.state, standing.deadline) == (State.OVERDUE, date(2026, 12, 26))


def test_the_weekly_rule_counts_monday_to_sunday_in_buffalo(app):
    # Wednesday 6 January: the first window is 6–12 January, then the weeks from the 11th.
    cohort_id = buffalo_cohort(
        app, date(2027, 1, 6), date(2027, 2, 20), period=ContactPeriod.WEEK, first_days=7
    )
    enrolment_id = student(app, cohort_id)
    contact(app, cohort_id, date(2027, 1, 7), enrolment_id)
    # Sunday 17 January, 23:45 in Buffalo: the week of the 11th is still due today.
    standing, _found = standing_of(app, cohort_id, datetime(2027, 1, 18, 4, 45))
    assert (standing.state, standing.deadline) == (State.DUE, date(2027, 1, 17))
    # Monday 00:30: overdue.
    standing, _found = standing_of(app, cohort_id, datetime(2027, 1, 18, 5, 30))
    assert (standing.state, standing.deadline) == (State.OVERDUE, date(2027, 1, 17))
    # A call on Sunday evening in Buffalo counts for that week.
    contact(app, cohort_id, date(2027, 1, 17), enrolment_id)
    standing, _found = standing_of(app, cohort_id, datetime(2027, 1, 18, 5, 30))
    assert (standing.state, standing.deadline) == (State.DUE, date(2027, 1, 24))
    assert (standing.met, standing.missed) == (2, 0)


def test_a_family_placed_during_the_stay_gets_its_own_first_window(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    enrolment_id = student(app, cohort_id)
    # Placed on 10 February at 10:00 in Buffalo (15:00 UTC).
    family(app, cohort_id, enrolment_id, placed_at=datetime(2027, 2, 10, 15))
    now = datetime(2027, 2, 12, 17)
    family_standing, _found = standing_of(app, cohort_id, now, SubjectKind.FAMILY)
    assert (family_standing.state, family_standing.deadline) == (State.DUE, date(2027, 2, 16))
    assert family_standing.missed == 0
    # The student, who has been there since December, missed the first week and January.
    student_standing, _found = standing_of(app, cohort_id, now)
    assert (student_standing.state, student_standing.missed) == (State.OVERDUE, 2)


def test_a_family_placed_in_the_evening_in_buffalo_starts_on_that_day(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    enrolment_id = student(app, cohort_id)
    # 10 February, 22:00 in Buffalo is already 11 February in UTC.
    family(app, cohort_id, enrolment_id, placed_at=datetime(2027, 2, 11, 3))
    standing, _found = standing_of(app, cohort_id, datetime(2027, 2, 12, 17), SubjectKind.FAMILY)
    assert standing.deadline == date(2027, 2, 16)


def test_a_stay_ending_two_days_into_a_month_asks_nothing_for_that_month(app):
    rule = Rule(ContactPeriod.MONTH, 7)
    found = windows(date(2027, 1, 10), date(2027, 3, 2), rule)
    assert [(w.starts, w.ends, w.first) for w in found] == [
        (date(2027, 1, 10), date(2027, 1, 16), True),
        (date(2027, 1, 10), date(2027, 1, 31), False),
        (date(2027, 2, 1), date(2027, 2, 28), False),
    ]
    cohort_id = buffalo_cohort(app, date(2027, 1, 10), date(2027, 3, 2))
    enrolment_id = student(app, cohort_id)
    for day in (date(2027, 1, 11), date(2027, 2, 26)):
        contact(app, cohort_id, day, enrolment_id)
    # 1 and 2 March: nothing is due; after the return, the stay is over.
    standing, _found = standing_of(app, cohort_id, datetime(2027, 3, 2, 20))
    assert (standing.state, standing.met, standing.missed) == (State.DONE, 3, 0)
    standing, _found = standing_of(app, cohort_id, datetime(2027, 3, 3, 20))
    assert standing.state is State.ENDED


def test_a_cohort_coming_to_dortmund_counts_in_berlin_time(app):
    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.direction = "inbound"
        db.session.commit()
        # 23:30 UTC on 31 January is 00:30 on 1 February in Dortmund.
        assert compliance.local_today(cohort, datetime(2027, 1, 31, 23, 30)) == date(2027, 2, 1)


def test_counts_by_teacher(app):
    from tests.factories import assign_teacher, make_teacher

    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    mine, theirs = student(app, cohort_id, "Becker"), student(app, cohort_id, "Schulz")
    anna, ben = make_teacher(app, "Anna Lehmann"), make_teacher(app, "Ben Koch")
    assign_teacher(app, cohort_id, anna, "lead", [mine])
    assign_teacher(app, cohort_id, ben, "assistant", [theirs])
    family(app, cohort_id, mine)
    contact(app, cohort_id, date(2026, 12, 21), mine)
    _standing, found = standing_of(app, cohort_id, datetime(2027, 1, 10, 12))
    # Anna: her student is due in January, the family (no contact yet) overdue since the
    # first week; Ben: his student is overdue.
    assert found.count(State.OVERDUE, anna) == 1
    assert found.due_this_week(anna) == 0
    assert found.count(State.DUE, anna) == 1
    assert found.count(State.OVERDUE, ben) == 1
    assert found.teachers == {anna: "Anna Lehmann", ben: "Ben Koch"}


def test_the_counts_of_many_cohorts_take_as_many_statements_as_of_one(app):
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    from app.services.supervision import contact_rule

    ids = []
    for number in range(3):
        cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
        enrolment_id = student(app, cohort_id, f"Becker{number}")
        family(app, cohort_id, enrolment_id)
        contact(app, cohort_id, date(2026, 12, 21), enrolment_id)
        ids.append(cohort_id)

    def statements(cohort_ids: list[int]) -> tuple[int, list]:
        with app.app_context():
            cohorts = db.session.scalars(
                sa.select(Cohort)
                .options(joinedload(Cohort.programme))
                .where(Cohort.id.in_(cohort_ids))
            ).all()
            seen = []
            engine = db.engine
            note = lambda *args: seen.append(args[2])  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", note)
            try:
                found = contact_rule.due(cohorts, now=datetime(2027, 1, 10, 12))
            finally:
                sa.event.remove(engine, "before_cursor_execute", note)
            return len(seen), [(d.overdue, d.due_this_week) for d in found]

    one, counts_one = statements(ids[:1])
    three, counts_three = statements(ids)
    assert one == three <= 4
    # Each student is due in January; each family (placed today, in 2026) missed its first week.
    assert counts_one == [(1, 0)]
    assert counts_three == [(1, 0)] * 3


def test_early_in_a_month_the_calls_still_to_make_are_counted_as_due_later(app):
    from app.services.supervision import contact_rule

    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    called, waiting = student(app, cohort_id, "Becker"), student(app, cohort_id, "Schulz")
    for enrolment_id in (called, waiting):
        contact(app, cohort_id, date(2026, 12, 21), enrolment_id)
        contact(app, cohort_id, date(2027, 1, 15), enrolment_id)
    contact(app, cohort_id, date(2027, 2, 2), called)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        [early] = contact_rule.due([cohort], now=datetime(2027, 2, 3, 15))
        [late] = contact_rule.due([cohort], now=datetime(2027, 2, 25, 15))
    # On 3 February Schulz's call is due by the 28th: not this week, but not forgotten.
    assert (early.overdue, early.due_this_week, early.due_later) == (0, 0, 1)
    assert (late.overdue, late.due_this_week, late.due_later) == (0, 1, 0)


def test_a_family_counts_for_the_teacher_of_its_first_student_by_name_on_every_page(app):
    """The teacher's portal counts (contact_rule.due) as the compliance view lists: a family
    housing students of two teachers is the one of its first student by name."""
    from app.models import Placement
    from app.services.supervision import contact_rule
    from tests.factories import assign_teacher, make_teacher

    cohort_id = buffalo_cohort(app, DEPARTURE, RETURN)
    schulz = student(app, cohort_id, "Schulz")  # enrolled first
    becker = student(app, cohort_id, "Becker")
    anna, ben = make_teacher(app, "Anna Lehmann"), make_teacher(app, "Ben Koch")
    assign_teacher(app, cohort_id, anna, "lead", [becker])
    assign_teacher(app, cohort_id, ben, "assistant", [schulz])
    application_id = family(app, cohort_id, schulz)
    with app.app_context():
        db.session.add(
            Placement(cohort_id=cohort_id, enrolment_id=becker, application_id=application_id)
        )
        db.session.commit()
    now = datetime(2027, 1, 10, 12)
    _standing, found = standing_of(app, cohort_id, now)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        [for_anna] = contact_rule.due([cohort], anna, now=now)
        [for_ben] = contact_rule.due([cohort], ben, now=now)
    # Nobody was called: Becker and the family overdue for Anna, Schulz for Ben.
    assert [s.teacher_id for s in found.subjects if s.kind is SubjectKind.FAMILY] == [anna]
    assert (for_anna.overdue, found.count(State.OVERDUE, anna)) == (2, 2)
    assert (for_ben.overdue, found.count(State.OVERDUE, ben)) == (1, 1)
