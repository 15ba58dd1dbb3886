"""Concern reports, the rules: who may report about whom, the alert email (one per active
coordinator and admin, in their language, without the student's name), taking a report,
its status, follow-up and closing, and a move to a temporary family under the placement
rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ConcernReport,
    ConcernStatus,
    Enrolment,
    HostApplication,
    OutboxEmail,
    PlacementKind,
    Role,
)
from app.services.errors import DomainError
from app.services.placement import placements
from app.services.placement.placements import PlacementRefused
from app.services.supervision import compliance, concern_access, concerns
from tests.concerns.world import LINK, build, make_report, user, values
from tests.conftest import make_user


@pytest.fixture
def world(app):
    return build(app)


def _report(app, enrolment_id, by, **overrides):
    with app.app_context():
        return concerns.report(
            db.session.get(Enrolment, enrolment_id), user(by), values(**overrides), LINK
        )


def test_staff_the_cohorts_teacher_and_the_host_family_report(app, world):
    a = world.a
    for by in (world.coordinator, world.admin, a.teacher_email, a.family_email):
        report_id = make_report(app, a.placed_id, by)
        with app.app_context():
            report = db.session.get(ConcernReport, report_id)
            assert report.student_name == a.student_name
            assert report.status is ConcernStatus.OPEN
            assert [action.kind.value for action in report.actions] == ["reported"]


@pytest.mark.parametrize("who", ["teacher", "family"])
def test_another_cohorts_teacher_and_another_family_are_refused(app, world, who):
    by = world.b.teacher_email if who == "teacher" else world.b.family_email
    with app.app_context(), pytest.raises(DomainError, match="cannot report"):
        _report(app, world.a.placed_id, by)


def test_a_family_reports_only_about_the_student_living_with_it(app, world):
    with app.app_context(), pytest.raises(DomainError):
        _report(app, world.a.other_id, world.a.family_email)


def _outbox(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def _clear_outbox(app) -> None:
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()


@pytest.mark.parametrize(
    "overrides",
    [{"severity": "urgent"}, {"severity": "emergency"}, {"category": "safeguarding"}],
)
def test_an_alerting_report_emails_every_coordinator_and_admin_without_the_name(
    app, world, overrides
):
    make_user(app, "german-coord@example.org", Role.COORDINATOR)
    make_user(app, "gone@example.org", Role.COORDINATOR, active=False)
    with app.app_context():
        user("german-coord@example.org").locale = "de"
        db.session.commit()
    _clear_outbox(app)
    make_report(app, world.a.placed_id, world.a.teacher_email, **overrides)
    emails = _outbox(app)
    assert sorted(e.recipient for e in emails) == sorted(
        [world.coordinator, world.coordinator2, world.admin, "german-coord@example.org"]
    )
    for email in emails:
        for part in ("Mia", "Placed", "misses home"):
            assert part not in email.subject and part not in email.body
        assert "Cohort A" in email.body and "/care/concerns/" in email.body
    german = next(e for e in emails if e.recipient == "german-coord@example.org")
    english = next(e for e in emails if e.recipient == world.coordinator)
    assert "bitte" in german.subject.lower() and "please log in" in english.subject


def test_a_routine_report_sends_no_email(app, world):
    _clear_outbox(app)
    make_report(app, world.a.placed_id, world.a.teacher_email)
    assert _outbox(app) == []


def test_take_status_follow_up_and_close(app, world):
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, severity="urgent")
    with app.app_context():
        report = db.session.get(ConcernReport, report_id)
        coordinator = user(world.coordinator)
        assert concerns.awaiting_owner(coordinator) == [report]
        concerns.take(report, coordinator)
        assert report.owner_id == coordinator.id
        assert report.status is ConcernStatus.IN_PROGRESS
        assert concerns.awaiting_owner(coordinator) == []
        concerns.add_action(report, user(world.a.teacher_email), "Visited the family.")
        concerns.set_status(report, coordinator, "resolved")
        day = compliance.local_today(report.cohort) + timedelta(days=3)
        concerns.set_follow_up(report, coordinator, day)
        assert report.follow_up_on == day
        with pytest.raises(DomainError, match="outcome"):
            concerns.close(report, coordinator, "  ")
        assert report.status is ConcernStatus.RESOLVED
        concerns.close(report, coordinator, "Settled in again.")
        assert report.status is ConcernStatus.CLOSED and report.follow_up_on is None
        for attempt in (
            lambda: concerns.set_status(report, coordinator, "open"),
            lambda: concerns.close(report, coordinator, "Again."),
            lambda: concerns.add_action(report, coordinator, "More."),
            lambda: concerns.take(report, user(world.coordinator2)),
        ):
            with pytest.raises(DomainError):
                attempt()
        kinds = [action.kind.value for action in report.actions]
        assert kinds == ["reported", "taken", "note", "status", "follow_up", "closed"]


def test_a_teacher_cannot_manage_and_a_family_cannot_add_actions(app, world):
    report_id = make_report(app, world.a.placed_id, world.a.family_email)
    with app.app_context():
        report = db.session.get(ConcernReport, report_id)
        with pytest.raises(DomainError):
            concerns.set_status(report, user(world.a.teacher_email), "resolved")
        with pytest.raises(DomainError):
            concerns.add_action(report, user(world.a.family_email), "We talked.")


def test_the_second_of_two_coordinators_taking_it_is_told_who_was_quicker(app, world):
    for category in ("health", "safeguarding"):
        report_id = make_report(
            app, world.a.placed_id, world.a.teacher_email, severity="urgent", category=category
        )
        with app.app_context():
            report = db.session.get(ConcernReport, report_id)
            concerns.take(report, user(world.coordinator), unowned_only=True)
            db.session.commit()
            with pytest.raises(DomainError, match=f"{world.coordinator} took this report"):
                concerns.take(report, user(world.coordinator2), unowned_only=True)
            assert report.owner.email == world.coordinator


def test_a_safeguarding_report_is_seen_by_admins_and_its_owner_only(app, world):
    report_id = make_report(app, world.a.placed_id, world.a.teacher_email, category="safeguarding")
    with app.app_context():
        report = db.session.get(ConcernReport, report_id)
        seeing = {
            email: concern_access.may_see(user(email), report)
            for email in (world.admin, world.coordinator, world.a.teacher_email)
        }
        assert seeing == {world.admin: True, world.coordinator: False, world.a.teacher_email: False}
        concerns.take(report, user(world.coordinator))
        assert concern_access.may_see(user(world.coordinator), report)
        assert not concern_access.may_see(user(world.coordinator2), report)
        teacher = user(world.a.teacher_email)
        assert report not in db.session.scalars(concern_access.visible(teacher)).all()


def test_a_move_to_a_temporary_family_ends_on_its_day(app, world):
    a = world.a
    report_id = make_report(app, a.placed_id, a.teacher_email, severity="emergency")
    with app.app_context():
        report = db.session.get(ConcernReport, report_id)
        coordinator = user(world.coordinator)
        concerns.take(report, coordinator)
        ends = compliance.local_today(report.cohort) + timedelta(days=7)
        current = placements.active_placement(report.enrolment)
        spare = db.session.get(HostApplication, a.spare_application_id)
        moved = placements.move(current, spare, coordinator.id, "Conflict at home", ends_on=ends)
        concerns.moved(report, coordinator, moved)
        assert moved.kind is PlacementKind.TEMPORARY and moved.ends_on == ends
        assert report.placement_id == moved.id
        assert report.actions[-1].kind.value == "move"


def test_a_hard_rule_refuses_a_move_even_with_an_override_reason(app, world):
    a = world.a
    with app.app_context():
        spare = db.session.get(HostApplication, a.spare_application_id)
        spare.has_pets = True
        spare.pets = "two cats"
        enrolment = db.session.get(Enrolment, a.placed_id)
        enrolment.student.pet_allergy = True
        db.session.commit()
        current = placements.active_placement(enrolment)
        with pytest.raises(PlacementRefused) as refused:
            placements.move(current, spare, None, "Conflict", "It is an emergency")
        assert not refused.value.overridable
        db.session.rollback()
        assert placements.active_placement(enrolment).application_id == a.application_id


def test_a_safeguarding_report_waits_for_any_coordinator_to_take_it(app, world):
    """On every coordinator's dashboard, to take without seeing it first."""
    make_report(app, world.a.placed_id, world.a.teacher_email, category="safeguarding")
    with app.app_context():
        coordinator = user(world.coordinator)
        waiting = concerns.awaiting_owner(coordinator)
        assert len(waiting) == 1
        assert concern_access.may_take(coordinator, waiting[0])
        assert not concern_access.may_see(coordinator, waiting[0])
