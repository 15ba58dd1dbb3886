"""Vetting by coordinators: references → background check → home visit → decision, each
step in order with who and when; the coordinators' queue; background checks that run out
before a group returns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApplicationStatus, Cohort, HostApplication, OutboxEmail, Role
from app.models.base import utcnow
from app.services.enrolment import cohorts
from app.services.errors import DomainError
from app.services.hosting import families, vetting
from tests.conftest import make_user
from tests.factories import make_application, make_cohort

A = ApplicationStatus
TODAY = date.today()
IN_A_YEAR = TODAY + timedelta(days=365)


@pytest.fixture
def coordinator(app) -> int:
    return make_user(app, "coordinator@example.org", Role.COORDINATOR)


def get(application_id: int) -> HostApplication:
    return db.session.get(HostApplication, application_id)


def advance(app, application_id: int, to: ApplicationStatus, by_id: int) -> None:
    """Take an application in vetting on through the steps up to `to` (a step, a decision
    or withdrawn)."""
    with app.app_context():
        application = get(application_id)
        if to == A.WITHDRAWN:
            families.withdraw(application, application.family.user_id)
        else:
            target = A.HOME_VISITED if to in vetting.DECISIONS else to
            while application.status != target:
                STEPS[vetting.NEXT_STEP[application.status].value](application, by_id)
            if to in vetting.DECISIONS:
                vetting.decide(application, to, by_id)
        db.session.commit()


STEPS = {
    "references_checked": lambda a, by: vetting.check_references(a, by),
    "background_cleared": lambda a, by: vetting.clear_background(a, IN_A_YEAR, by),
    "home_visited": lambda a, by: vetting.record_home_visit(a, TODAY, "J. Coordinator", "", by),
    "approved": lambda a, by: vetting.decide(a, A.APPROVED, by),
    "backup": lambda a, by: vetting.decide(a, A.BACKUP, by),
    "declined": lambda a, by: vetting.decide(a, A.DECLINED, by),
}
ALLOWED = {
    A.SUBMITTED: {"references_checked", "declined"},
    A.REFERENCES_CHECKED: {"background_cleared", "declined"},
    A.BACKGROUND_CLEARED: {"home_visited", "declined"},
    A.HOME_VISITED: {"approved", "backup", "declined"},
}
REFUSED = [
    (status, step) for status in A for step in STEPS if step not in ALLOWED.get(status, set())
]


def snapshot(app, application_id: int) -> tuple:
    """Everything vetting may change, to compare before and after a refused step."""
    with app.app_context():
        a = get(application_id)
        return (
            a.status,
            a.references_checked_at,
            a.references_checked_by_id,
            a.background_cleared_at,
            a.background_cleared_by_id,
            a.background_check_expires_on,
            a.home_visit_on,
            a.home_visit_by,
            a.home_visit_recorded_at,
            a.decided_at,
            a.decided_by_id,
            a.decision_note,
            [(e.to_status, e.by_user_id) for e in a.events],
            db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)),
        )


def emails_to(app, recipient: str) -> list[OutboxEmail]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(OutboxEmail)
                .where(OutboxEmail.recipient == recipient)
                .order_by(OutboxEmail.id)
            )
        )


# The steps ----------------------------------------------------------------------------------


def test_each_step_records_who_and_when(app, coordinator):
    other = make_user(app, "second@example.org", Role.ADMIN)
    application_id = make_application(app, "miller@example.org")
    t0 = utcnow()

    with app.app_context():
        vetting.check_references(get(application_id), coordinator, "Both called back.")
        db.session.commit()
    t1 = utcnow()
    with app.app_context():
        vetting.clear_background(get(application_id), IN_A_YEAR, other)
        db.session.commit()
    t2 = utcnow()
    with app.app_context():
        vetting.record_home_visit(
            get(application_id), TODAY, "  Jane Visitor ", " Lovely room. ", coordinator
        )
        db.session.commit()
    t3 = utcnow()
    with app.app_context():
        vetting.decide(get(application_id), A.APPROVED, other, " Welcome aboard. ")
        db.session.commit()
    t4 = utcnow()

    with app.app_context():
        a = get(application_id)
        assert a.status == A.APPROVED
        assert t0 <= a.references_checked_at <= t1
        assert a.references_checked_by_id == coordinator
        assert t1 <= a.background_cleared_at <= t2
        assert a.background_cleared_by_id == other
        assert a.background_check_expires_on == IN_A_YEAR
        assert a.home_visit_on == TODAY
        assert a.home_visit_by == "Jane Visitor"
        assert a.home_visit_notes == "Lovely room."
        assert t2 <= a.home_visit_recorded_at <= t3
        assert a.home_visit_recorded_by_id == coordinator
        assert t3 <= a.decided_at <= t4
        assert a.decided_by_id == other
        assert a.decision_note == "Welcome aboard."
        assert [(e.to_status, e.by_user_id) for e in a.events] == [
            (A.SUBMITTED, None),
            (A.REFERENCES_CHECKED, coordinator),
            (A.BACKGROUND_CLEARED, other),
            (A.HOME_VISITED, coordinator),
            (A.APPROVED, other),
        ]
        assert a.events[1].note == "Both called back."
        assert all(t0 <= e.at <= t4 for e in a.events[1:])


@pytest.mark.parametrize(("status", "step"), REFUSED, ids=[f"{s}-{t}" for s, t in REFUSED])
def test_a_step_out_of_order_is_refused_and_changes_nothing(app, coordinator, status, step):
    application_id = make_application(app, submitted=status != A.DRAFT)
    if status not in (A.DRAFT, A.SUBMITTED):
        advance(app, application_id, status, coordinator)
    before = snapshot(app, application_id)
    assert before[0] == status

    with app.app_context():
        with pytest.raises(DomainError):
            STEPS[step](get(application_id), coordinator)
        db.session.commit()

    assert snapshot(app, application_id) == before


def test_decide_refuses_what_is_not_a_decision(app, coordinator):
    application_id = make_application(app)
    advance(app, application_id, A.HOME_VISITED, coordinator)
    before = snapshot(app, application_id)
    with app.app_context():
        for not_a_decision in (A.SUBMITTED, A.WITHDRAWN, "draft"):
            with pytest.raises(DomainError) as refused:
                vetting.decide(get(application_id), not_a_decision, coordinator)
            assert refused.value.field == "decision"
        db.session.commit()
    assert snapshot(app, application_id) == before


# The background check and the home visit ----------------------------------------------------


@pytest.mark.parametrize(
    "expires_on",
    [TODAY, TODAY - timedelta(days=1), date(TODAY.year + 11, 1, 1), date(9999, 12, 31)],
)
def test_background_check_must_expire_in_the_plausible_future(app, coordinator, expires_on):
    application_id = make_application(app)
    advance(app, application_id, A.REFERENCES_CHECKED, coordinator)
    before = snapshot(app, application_id)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            vetting.clear_background(get(application_id), expires_on, coordinator)
        db.session.commit()
    assert refused.value.field == "expires_on"
    assert snapshot(app, application_id) == before


@pytest.mark.parametrize("expires_on", [TODAY + timedelta(days=1), date(TODAY.year + 10, 12, 31)])
def test_background_check_expiring_tomorrow_or_in_ten_years_is_accepted(
    app, coordinator, expires_on
):
    application_id = make_application(app)
    advance(app, application_id, A.REFERENCES_CHECKED, coordinator)
    with app.app_context():
        vetting.clear_background(get(application_id), expires_on, coordinator)
        db.session.commit()
    with app.app_context():
        a = get(application_id)
        assert (a.status, a.background_check_expires_on) == (A.BACKGROUND_CLEARED, expires_on)


@pytest.mark.parametrize(
    ("visited_on", "visited_by", "field"),
    [
        # A day of slack either way: local dates against times stored in UTC.
        (TODAY + timedelta(days=2), "Jane Visitor", "visited_on"),
        (TODAY - timedelta(days=2), "Jane Visitor", "visited_on"),  # before the submission
        (TODAY, "", "visited_by"),
        (TODAY, "   ", "visited_by"),
    ],
)
def test_home_visit_not_in_the_future_and_with_a_visitor(
    app, coordinator, visited_on, visited_by, field
):
    application_id = make_application(app)
    advance(app, application_id, A.BACKGROUND_CLEARED, coordinator)
    before = snapshot(app, application_id)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            vetting.record_home_visit(
                get(application_id), visited_on, visited_by, "notes", coordinator
            )
        db.session.commit()
    assert refused.value.field == field
    assert snapshot(app, application_id) == before


# Decisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "subject"),
    [
        (A.APPROVED, "Your host-family application is approved"),
        (A.BACKUP, "Your host-family application: on our backup list"),
        (A.DECLINED, "Your host-family application"),
    ],
)
def test_each_decision_emails_the_family(app, coordinator, decision, subject):
    application_id = make_application(app, "miller@example.org")
    advance(app, application_id, A.HOME_VISITED, coordinator)
    assert emails_to(app, "miller@example.org")[1:] == []  # the welcome email only

    with app.app_context():
        vetting.decide(get(application_id), decision.value, coordinator, "note")
        db.session.commit()

    with app.app_context():
        assert get(application_id).status == decision
    [_welcome, email] = emails_to(app, "miller@example.org")
    assert email.subject == subject
    assert "Log in to see the details" in email.body
    assert email.sent_at is None


@pytest.mark.parametrize("status", list(vetting.IN_VETTING))
def test_a_decline_is_possible_at_any_vetting_step(app, coordinator, status):
    application_id = make_application(app, "miller@example.org")
    advance(app, application_id, status, coordinator)
    with app.app_context():
        vetting.decide(get(application_id), A.DECLINED, coordinator, "References unreachable.")
        db.session.commit()
    with app.app_context():
        a = get(application_id)
        assert a.status == A.DECLINED
        assert a.decided_by_id == coordinator
        assert a.decision_note == "References unreachable."
        assert a.events[-1].to_status == A.DECLINED
    assert emails_to(app, "miller@example.org")[-1].subject == "Your host-family application"


# The coordinators' queue --------------------------------------------------------------------


def test_queue_leaves_out_drafts_and_filters(app, coordinator):
    spring, autumn = make_cohort(app), make_cohort(app)
    make_application(
        app, "draft@example.org", submitted=False, cohort_ids=[spring], city="Tonawanda"
    )
    miller = make_application(app, "miller@example.org", cohort_ids=[spring])
    jones = make_application(
        app,
        "jones@example.org",
        cohort_ids=[autumn],
        family_name="Jones",
        city="Amherst",
        address_line="5 Maple Road",
    )
    smith = make_application(
        app, "smith@example.org", cohort_ids=[spring, autumn], city="buffalo", family_name="Smith"
    )
    advance(app, jones, A.REFERENCES_CHECKED, coordinator)
    advance(app, smith, A.WITHDRAWN, coordinator)
    with app.app_context():
        get(miller).family.family_name = "Miller"
        db.session.commit()

    def ids(**filters) -> list[int]:
        filters.setdefault("statuses", None)
        if "status" in filters:
            filters["statuses"] = (filters.pop("status"),)
        with app.app_context():
            query = vetting.queue(vetting.QueueFilters(**filters))
            return [a.id for a in db.session.scalars(query)]

    assert ids() == [miller, jones, smith]  # oldest submission first, no draft
    assert ids(statuses=vetting.IN_VETTING) == [miller, jones]  # the queue's default
    assert ids(status=A.SUBMITTED) == [miller]
    assert ids(status=A.REFERENCES_CHECKED) == [jones]
    assert ids(status=A.WITHDRAWN) == [smith]
    assert ids(cohort_id=spring) == [miller, smith]
    assert ids(cohort_id=autumn) == [jones, smith]
    assert ids(city=" BUFFALO ") == [miller, smith]
    assert ids(city="Amherst") == [jones]
    assert ids(city="Buff") == []
    assert ids(query="JONES@") == [jones]
    assert ids(query="maple") == [jones]
    assert ids(query="miller") == [miller]  # by family name and by email
    assert ids(query="elmwood") == [miller, smith]
    assert ids(query="draft") == []
    assert ids(city="Tonawanda") == []
    assert ids(status=A.SUBMITTED, city="Amherst") == []
    assert ids(cohort_id=autumn, city="buffalo") == [smith]
    with app.app_context():
        cities = vetting.cities()
        in_vetting = vetting.cities(vetting.IN_VETTING)
        kept = vetting.cities(vetting.IN_VETTING, keep="BUFFALO")
        unknown = vetting.cities(vetting.IN_VETTING, keep="Atlantis")
        draft_town = vetting.cities(vetting.IN_VETTING, keep="Tonawanda")
    assert {"Amherst", "Buffalo"} <= set(cities)
    assert "Tonawanda" not in cities  # only a draft lives there
    # The queue offers the towns of what it lists, and keeps a town already chosen.
    assert in_vetting == ["Amherst", "Buffalo"]  # Smith (buffalo) withdrew
    assert kept == in_vetting
    assert unknown == in_vetting and draft_town == in_vetting


# Background checks that run out before a group returns --------------------------------------


def test_expiry_alerts_for_checks_that_run_out_before_a_chosen_group_returns(app, coordinator):
    def cohort(returns_in_days: int) -> int:
        returning = TODAY + timedelta(days=returns_in_days)
        return make_cohort(
            app, departure_date=returning - timedelta(days=21), return_date=returning
        )

    summer, early = cohort(130), cohort(40)
    short = make_application(app, cohort_ids=[summer, early])
    lasting = make_application(app, cohort_ids=[summer])
    approved_short = make_application(app, cohort_ids=[summer])
    not_cleared = make_application(app, cohort_ids=[summer])
    returned = cohort(60)
    old = make_application(app, cohort_ids=[returned])

    def clear(application_id: int, expires_on: date, today: date | None = None) -> None:
        advance(app, application_id, A.REFERENCES_CHECKED, coordinator)
        with app.app_context():
            vetting.clear_background(get(application_id), expires_on, coordinator, today)
            db.session.commit()

    clear(short, TODAY + timedelta(days=60))  # after the early group returns, before summer
    clear(lasting, TODAY + timedelta(days=365))
    clear(approved_short, TODAY + timedelta(days=100))
    advance(app, approved_short, A.APPROVED, coordinator)
    # Last year's application: its check ran out before its group came back, which is past.
    a_year_ago = TODAY - timedelta(days=365)
    clear(old, TODAY - timedelta(days=30), today=a_year_ago)
    with app.app_context():
        group = db.session.get(Cohort, returned)
        values = {key: getattr(group, key) for key in cohorts.COHORT_FIELDS}
        values["departure_date"] = TODAY - timedelta(days=40)
        values["return_date"] = TODAY - timedelta(days=10)
        cohorts.update_cohort(group, values)
        db.session.commit()

    with app.app_context():
        alerts = [(a.application.id, a.cohort.id) for a in vetting.expiry_alerts()]
    assert alerts == [(short, summer), (approved_short, summer)]
    assert not_cleared not in {application for application, _ in alerts}

    # The alerts are kept between requests (app/kept.py): a new check is seen at once.
    clear(not_cleared, TODAY + timedelta(days=10))
    with app.app_context():
        get(short).background_check_expires_on = TODAY + timedelta(days=400)  # renewed
        db.session.commit()
    with app.app_context():
        alerts = [(a.application.id, a.cohort.id) for a in vetting.expiry_alerts()]
        counted = vetting.dashboard_counts()[1]
    assert alerts == [(not_cleared, summer), (approved_short, summer)] and counted == 2
