"""Placing students with host families: hard rules always refuse, soft rules give way to a
written reason, beds are counted exactly (also when coordinators press "place" at the same
moment), moves are all or nothing, and a withdrawn student's bed is freed.

Every service call runs in its own app context and commits, like a request. A refused
placement is followed by a commit as well, where the service promises to have written
nothing, so that a stray write would be stored and seen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.extensions import db
from app.models import (
    ApplicationStatus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    HostApplication,
    Placement,
    PlacementStatus,
    Role,
)
from app.models.families import application_cohorts
from app.services.enrolment import enrolments
from app.services.errors import DomainError
from app.services.placement import placements
from app.services.placement.placement_rules import HARD, MESSAGES, SOFT, Rule
from app.services.placement.placements import PlacementRefused
from tests.conftest import make_user
from tests.factories import (
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_vetted_family,
)

A = ApplicationStatus
P = PlacementStatus
REASON = "The student's school asked for a family closer by."


@pytest.fixture
def coordinator(app) -> int:
    return make_user(app, "coordinator@example.org", Role.COORDINATOR)


@pytest.fixture
def cohort_id(app) -> int:
    return make_cohort(app, places=10)


# Helpers ---------------------------------------------------------------------------------


def enrolled(app, cohort_id: int, **student) -> int:
    """A new student enrolled in the cohort (holding a place while there is one)."""
    return enrol(app, make_student(app, **student), cohort_id)


def place(app, enrolment_id: int, application_id: int, by_id: int | None = None, **kwargs) -> int:
    """Place through the service and commit; the placement's id."""
    with app.app_context():
        placement = placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, application_id),
            by_id,
            **kwargs,
        )
        db.session.commit()
        return placement.id


def snapshot(app) -> tuple:
    """Every placement and every bed count, to compare before and after a refusal."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Placement.id,
                Placement.enrolment_id,
                Placement.application_id,
                Placement.status,
                Placement.cancel_reason,
                Placement.cancelled_at,
            ).order_by(Placement.id)
        ).all()
        beds = db.session.execute(
            sa.select(application_cohorts).order_by(
                application_cohorts.c.application_id, application_cohorts.c.cohort_id
            )
        ).all()
        return [tuple(row) for row in rows], [tuple(row) for row in beds]


def refused(
    app, enrolment_id: int, application_id: int, rules: list[Rule], **kwargs
) -> PlacementRefused:
    """place() refuses with exactly these rules and their messages, and stores nothing even
    when the caller commits afterwards."""
    before = snapshot(app)
    with app.app_context():
        with pytest.raises(PlacementRefused) as caught:
            placements.place(
                db.session.get(Enrolment, enrolment_id),
                db.session.get(HostApplication, application_id),
                None,
                **kwargs,
            )
        db.session.commit()
        error = caught.value
        assert error.rules == rules
        assert error.overridable == all(rule in SOFT for rule in rules)
        for rule in rules:
            assert str(MESSAGES[rule]) in error.message
        assert error.field == "application_id"
    assert snapshot(app) == before
    return error


def refused_for_good(app, enrolment_id: int, application_id: int, rules: list[Rule]) -> None:
    """A hard rule refuses without a reason and with one."""
    assert any(rule in HARD for rule in rules)
    error = refused(app, enrolment_id, application_id, rules)
    assert error.overridable is False
    error = refused(
        app, enrolment_id, application_id, rules, override_reason="The coordinator insists."
    )
    assert error.overridable is False


def beds_taken(app, application_id: int, cohort_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(application_cohorts.c.beds_taken).where(
                application_cohorts.c.application_id == application_id,
                application_cohorts.c.cohort_id == cohort_id,
            )
        )


def active(app, cohort_id: int) -> dict[int, int]:
    """The cohort's active placements: enrolment id → application id."""
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Placement.enrolment_id, Placement.application_id).where(
                    Placement.cohort_id == cohort_id, Placement.status == P.ACTIVE
                )
            ).all()
        )


def assert_beds_add_up(app, cohort_id: int) -> None:
    """Each family's beds_taken is its number of active placements, never over its offer."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                application_cohorts.c.application_id,
                application_cohorts.c.beds_taken,
                HostApplication.beds_offered,
            )
            .join(HostApplication, HostApplication.id == application_cohorts.c.application_id)
            .where(application_cohorts.c.cohort_id == cohort_id)
        ).all()
    placed = active(app, cohort_id)
    for application_id, taken, offered in rows:
        living = sum(1 for family in placed.values() if family == application_id)
        assert taken == living, (application_id, taken, living)
        assert taken <= offered, (application_id, taken, offered)


def get_placement(app, placement_id: int) -> Placement:
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        db.session.expunge(placement)
        return placement


# Placing ---------------------------------------------------------------------------------


def test_a_placement_that_breaks_no_rule_is_stored(app, coordinator, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    enrolment_id = enrolled(app, cohort_id)

    placement_id = place(
        app, enrolment_id, family, coordinator, override_reason="not needed", reason=" first "
    )

    placement = get_placement(app, placement_id)
    assert placement.status == P.ACTIVE
    assert (placement.cohort_id, placement.enrolment_id, placement.application_id) == (
        cohort_id,
        enrolment_id,
        family,
    )
    assert placement.placed_by_id == coordinator
    assert placement.placed_at is not None
    assert placement.reason == "first"
    # Nothing was overridden, so no override is recorded.
    assert (placement.override_reason, placement.overridden_rules) == ("", "")
    assert placement.cancelled_at is None
    assert beds_taken(app, family, cohort_id) == 1
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert placements.placeable_enrolments(cohort) == []
        assert [p.id for p in placements.active_placements(cohort)] == [placement_id]


@pytest.mark.parametrize("status", [EnrolmentStatus.WAITLISTED, EnrolmentStatus.WITHDRAWN])
def test_a_student_without_a_place_is_refused(app, status):
    cohort_id = make_cohort(app, places=1)
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    holder = enrolled(app, cohort_id)
    waiting = enrolled(app, cohort_id)
    if status == EnrolmentStatus.WITHDRAWN:
        with app.app_context():
            enrolments.withdraw(db.session.get(Enrolment, holder))
            db.session.commit()
        enrolment_id = holder
    else:
        enrolment_id = waiting
    with app.app_context():
        assert db.session.get(Enrolment, enrolment_id).status == status

    refused_for_good(app, enrolment_id, family, [Rule.ENROLMENT_ACTIVE])


def test_an_accepted_student_can_be_placed(app, cohort_id):
    family = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    with app.app_context():
        enrolments.change_status(db.session.get(Enrolment, enrolment_id), EnrolmentStatus.ACCEPTED)
        db.session.commit()

    place(app, enrolment_id, family)

    assert active(app, cohort_id) == {enrolment_id: family}


@pytest.mark.parametrize(
    "status", [A.REFERENCES_CHECKED, A.BACKGROUND_CLEARED, A.HOME_VISITED, A.BACKUP, A.DECLINED]
)
def test_a_family_that_is_not_approved_is_refused(app, cohort_id, status):
    family = make_vetted_family(app, [cohort_id], status)
    enrolment_id = enrolled(app, cohort_id)
    expected = [Rule.FAMILY_APPROVED]
    if status == A.REFERENCES_CHECKED:  # no background check yet either
        expected.append(Rule.BACKGROUND_CHECK)

    refused_for_good(app, enrolment_id, family, expected)


def test_a_withdrawn_family_is_refused(app, cohort_id):
    family = make_vetted_family(app, [cohort_id], A.WITHDRAWN)
    enrolment_id = enrolled(app, cohort_id)

    refused_for_good(app, enrolment_id, family, [Rule.FAMILY_APPROVED])


def test_a_family_that_did_not_offer_to_host_the_cohort_is_refused(app, cohort_id):
    other_cohort = make_cohort(app)
    family = make_approved_family(app, [other_cohort], beds_offered=3)
    enrolment_id = enrolled(app, cohort_id)
    before = snapshot(app)

    with app.app_context():
        with pytest.raises(PlacementRefused) as caught:
            placements.place(
                db.session.get(Enrolment, enrolment_id),
                db.session.get(HostApplication, family),
                None,
                override_reason="The coordinator insists.",
            )
        db.session.commit()
    # The family has no bed for a cohort it did not offer to host, so BEDS may come too.
    assert caught.value.rules[0] == Rule.FAMILY_AVAILABLE
    assert set(caught.value.rules) <= {Rule.FAMILY_AVAILABLE, Rule.BEDS}
    assert caught.value.overridable is False
    assert str(MESSAGES[Rule.FAMILY_AVAILABLE]) in caught.value.message
    assert snapshot(app) == before
    assert beds_taken(app, family, cohort_id) is None  # no row was made up


def test_a_background_check_expiring_before_the_return_is_refused(app, cohort_id):
    with app.app_context():
        returns = db.session.get(Cohort, cohort_id).return_date
    expiring = make_approved_family(
        app, [cohort_id], background_valid_until=returns - timedelta(days=1)
    )
    just_enough = make_approved_family(app, [cohort_id], background_valid_until=returns)
    enrolment_id = enrolled(app, cohort_id)

    refused_for_good(app, enrolment_id, expiring, [Rule.BACKGROUND_CHECK])

    place(app, enrolment_id, just_enough)  # valid on the day they return is enough
    assert active(app, cohort_id) == {enrolment_id: just_enough}


def test_a_family_without_a_free_bed_is_refused(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=1)
    first = enrolled(app, cohort_id)
    second = enrolled(app, cohort_id)
    place(app, first, family)

    refused_for_good(app, second, family, [Rule.BEDS])

    assert beds_taken(app, family, cohort_id) == 1
    assert active(app, cohort_id) == {first: family}


def test_a_student_allergic_to_pets_is_not_placed_with_pets(app, cohort_id):
    family = make_approved_family(app, [cohort_id], has_pets=True, pets="two cats")
    allergic = enrolled(app, cohort_id, pet_allergy=True)
    not_allergic = enrolled(app, cohort_id)

    refused_for_good(app, allergic, family, [Rule.PET_ALLERGY])

    place(app, not_allergic, family)
    assert active(app, cohort_id) == {not_allergic: family}


def test_a_shared_room_is_never_shared_with_another_gender(app, cohort_id):
    # A shared room needs a gender preference; the coordinator overrode it for a boy.
    family = make_approved_family(
        app, [cohort_id], beds_offered=3, shared_room=True, gender_preference="female"
    )
    boy = enrolled(app, cohort_id, first_name="Jonas", gender="male")
    girl = enrolled(app, cohort_id, first_name="Lena", gender="female")
    diverse = enrolled(app, cohort_id, first_name="Alex", gender="diverse")
    other_boy = enrolled(app, cohort_id, first_name="Paul", gender="male")
    place(app, boy, family, override_reason="Only family near his school.")

    refused_for_good(app, girl, family, [Rule.SHARED_ROOM_GENDER])
    refused_for_good(app, diverse, family, [Rule.SHARED_ROOM_GENDER, Rule.GENDER_PREFERENCE])
    # Another boy may share the room; only the (soft) preference needs a reason.
    error = refused(app, other_boy, family, [Rule.GENDER_PREFERENCE])
    assert error.overridable is True
    place(app, other_boy, family, override_reason="Brother of the first boy's friend.")

    assert active(app, cohort_id) == {boy: family, other_boy: family}
    assert beds_taken(app, family, cohort_id) == 2


def test_a_shared_room_refuses_both_rules_at_once(app, cohort_id):
    family = make_approved_family(
        app, [cohort_id], beds_offered=2, shared_room=True, gender_preference="female"
    )
    girl = enrolled(app, cohort_id, gender="female")
    boy = enrolled(app, cohort_id, gender="male")
    place(app, girl, family)

    refused_for_good(app, boy, family, [Rule.SHARED_ROOM_GENDER, Rule.GENDER_PREFERENCE])


def test_without_a_shared_room_genders_may_mix(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    girl = enrolled(app, cohort_id, gender="female")
    boy = enrolled(app, cohort_id, gender="male")

    place(app, girl, family)
    place(app, boy, family)

    assert active(app, cohort_id) == {girl: family, boy: family}


def test_a_placed_student_is_not_placed_again(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    other = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    place(app, enrolment_id, family)
    before = snapshot(app)

    for application_id in (family, other):
        with app.app_context():
            with pytest.raises(DomainError) as caught:
                placements.place(
                    db.session.get(Enrolment, enrolment_id),
                    db.session.get(HostApplication, application_id),
                    None,
                    override_reason="The coordinator insists.",
                )
            db.session.commit()
        assert not isinstance(caught.value, PlacementRefused)
        assert "already placed" in caught.value.message

    assert snapshot(app) == before


# Soft rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("student", "family_answers", "rules"),
    [
        ({"no_smokers": True}, {"smoking_in_home": True}, [Rule.NO_SMOKERS]),
        ({"gender": "female"}, {"gender_preference": "male"}, [Rule.GENDER_PREFERENCE]),
        ({"gender": "diverse"}, {"gender_preference": "female"}, [Rule.GENDER_PREFERENCE]),
        (
            {"gender": "male", "no_smokers": True},
            {"gender_preference": "female", "smoking_in_home": True},
            [Rule.NO_SMOKERS, Rule.GENDER_PREFERENCE],
        ),
    ],
)
def test_soft_rules_give_way_to_a_written_reason(
    app, coordinator, cohort_id, student, family_answers, rules
):
    family = make_approved_family(app, [cohort_id], **family_answers)
    enrolment_id = enrolled(app, cohort_id, **student)

    for reason in ("", "   "):
        error = refused(app, enrolment_id, family, rules, override_reason=reason)
        assert error.overridable is True

    placement_id = place(
        app,
        enrolment_id,
        family,
        coordinator,
        override_reason="  The family smokes only in the garden; agreed with the parents.  ",
    )

    placement = get_placement(app, placement_id)
    assert placement.status == P.ACTIVE
    assert placement.override_reason == (
        "The family smokes only in the garden; agreed with the parents."
    )
    assert placement.overridden_rules == ",".join(rule.value for rule in rules)
    assert placement.placed_by_id == coordinator
    assert beds_taken(app, family, cohort_id) == 1


def test_no_smoker_and_no_preference_mean_no_soft_rule(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2, gender_preference="male")
    smoking = make_approved_family(app, [cohort_id], smoking_in_home=True)
    boy = enrolled(app, cohort_id, gender="male", no_smokers=False)
    girl = enrolled(app, cohort_id, gender="female")

    place(app, boy, family)
    place(app, girl, smoking)

    with app.app_context():
        rules = db.session.scalars(sa.select(Placement.overridden_rules)).all()
    assert rules == ["", ""]


def test_a_long_override_reason_is_cut_to_fit(app, cohort_id):
    family = make_approved_family(app, [cohort_id], smoking_in_home=True)
    enrolment_id = enrolled(app, cohort_id, no_smokers=True)

    placement_id = place(app, enrolment_id, family, override_reason="x" * 800)

    assert get_placement(app, placement_id).override_reason == "x" * 500


def test_the_database_refuses_an_override_without_a_reason(app, cohort_id):
    family = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    with app.app_context():
        db.session.add(
            Placement(
                cohort_id=cohort_id,
                enrolment_id=enrolment_id,
                application_id=family,
                overridden_rules="no_smokers",
                override_reason="",
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# Beds and cancelling ---------------------------------------------------------------------


def test_beds_are_taken_and_freed_and_never_more_than_offered(app, coordinator, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    students = [enrolled(app, cohort_id) for _ in range(4)]

    first = place(app, students[0], family)
    assert beds_taken(app, family, cohort_id) == 1
    place(app, students[1], family)
    assert beds_taken(app, family, cohort_id) == 2
    refused(app, students[2], family, [Rule.BEDS])
    assert_beds_add_up(app, cohort_id)

    with app.app_context():
        placements.cancel(db.session.get(Placement, first), coordinator, "  Family ill.  ")
        db.session.commit()
    assert beds_taken(app, family, cohort_id) == 1
    cancelled = get_placement(app, first)
    assert cancelled.status == P.CANCELLED
    assert cancelled.cancel_reason == "Family ill."
    assert cancelled.cancelled_by_id == coordinator
    assert cancelled.cancelled_at is not None

    place(app, students[2], family)
    assert beds_taken(app, family, cohort_id) == 2
    refused(app, students[3], family, [Rule.BEDS])
    # The student whose placement ended can be placed again elsewhere.
    elsewhere = make_approved_family(app, [cohort_id])
    place(app, students[0], elsewhere)
    assert active(app, cohort_id) == {
        students[0]: elsewhere,
        students[1]: family,
        students[2]: family,
    }
    assert_beds_add_up(app, cohort_id)


def test_beds_are_counted_per_cohort(app):
    spring, autumn = make_cohort(app), make_cohort(app)
    family = make_approved_family(app, [spring, autumn], beds_offered=1)
    place(app, enrolled(app, spring), family)

    place(app, enrolled(app, autumn), family)

    assert beds_taken(app, family, spring) == 1
    assert beds_taken(app, family, autumn) == 1
    assert_beds_add_up(app, spring)
    assert_beds_add_up(app, autumn)


def test_cancelling_needs_a_reason_and_happens_once(app, cohort_id):
    family = make_approved_family(app, [cohort_id])
    placement_id = place(app, enrolled(app, cohort_id), family)

    for reason in ("", "   ", None):
        with app.app_context():
            with pytest.raises(DomainError) as caught:
                placements.cancel(db.session.get(Placement, placement_id), None, reason)
            db.session.commit()
        assert caught.value.field == "reason"
        assert get_placement(app, placement_id).status == P.ACTIVE
        assert beds_taken(app, family, cohort_id) == 1

    with app.app_context():
        placements.cancel(db.session.get(Placement, placement_id), None, "Plans changed.")
        db.session.commit()
    with app.app_context():
        with pytest.raises(DomainError):
            placements.cancel(db.session.get(Placement, placement_id), None, "Again.")
        db.session.commit()

    assert get_placement(app, placement_id).cancel_reason == "Plans changed."
    assert beds_taken(app, family, cohort_id) == 0


# Moving ----------------------------------------------------------------------------------


def move(app, placement_id: int, application_id: int, by_id=None, reason=REASON, **kwargs) -> int:
    with app.app_context():
        new = placements.move(
            db.session.get(Placement, placement_id),
            db.session.get(HostApplication, application_id),
            by_id,
            reason,
            **kwargs,
        )
        db.session.commit()
        return new.id


def test_a_move_cancels_the_old_placement_and_starts_a_new_one(app, coordinator, cohort_id):
    old_family = make_approved_family(app, [cohort_id])
    new_family = make_approved_family(app, [cohort_id], beds_offered=2)
    enrolment_id = enrolled(app, cohort_id)
    old_id = place(app, enrolment_id, old_family)

    new_id = move(app, old_id, new_family, coordinator)

    old, new = get_placement(app, old_id), get_placement(app, new_id)
    assert old.status == P.CANCELLED
    assert old.cancel_reason == REASON
    assert old.cancelled_by_id == coordinator
    assert old.cancelled_at is not None
    assert new.status == P.ACTIVE
    assert (new.enrolment_id, new.application_id, new.cohort_id) == (
        enrolment_id,
        new_family,
        cohort_id,
    )
    assert new.reason == REASON
    assert new.placed_by_id == coordinator
    assert beds_taken(app, old_family, cohort_id) == 0
    assert beds_taken(app, new_family, cohort_id) == 1
    assert active(app, cohort_id) == {enrolment_id: new_family}
    assert_beds_add_up(app, cohort_id)

    # And back again: the first family's bed is free.
    back_id = move(app, new_id, old_family, coordinator)
    assert get_placement(app, back_id).application_id == old_family
    assert beds_taken(app, old_family, cohort_id) == 1
    assert beds_taken(app, new_family, cohort_id) == 0
    assert_beds_add_up(app, cohort_id)


def test_a_move_needs_a_reason(app, cohort_id):
    old_family = make_approved_family(app, [cohort_id])
    new_family = make_approved_family(app, [cohort_id])
    placement_id = place(app, enrolled(app, cohort_id), old_family)
    before = snapshot(app)

    for reason in ("", "  ", None):
        with app.app_context():
            with pytest.raises(DomainError) as caught:
                placements.move(
                    db.session.get(Placement, placement_id),
                    db.session.get(HostApplication, new_family),
                    None,
                    reason,
                )
            db.session.commit()
        assert caught.value.field == "reason"
        assert snapshot(app) == before


def test_a_move_to_the_same_family_is_refused(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    placement_id = place(app, enrolled(app, cohort_id), family)
    before = snapshot(app)

    with app.app_context():
        with pytest.raises(DomainError) as caught:
            placements.move(
                db.session.get(Placement, placement_id),
                db.session.get(HostApplication, family),
                None,
                REASON,
            )
        db.session.commit()

    assert caught.value.field == "application_id"
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("new_family_answers", "rules"),
    [
        ({"beds_offered": 1, "full": True}, [Rule.BEDS]),
        ({"has_pets": True, "pets": "a dog"}, [Rule.PET_ALLERGY]),
        ({"other_cohort": True}, None),
    ],
    ids=["full", "pets", "not-available"],
)
def test_a_move_that_breaks_a_hard_rule_changes_nothing(
    app, coordinator, cohort_id, new_family_answers, rules
):
    answers = dict(new_family_answers)
    full = answers.pop("full", False)
    cohorts = [make_cohort(app)] if answers.pop("other_cohort", False) else [cohort_id]
    old_family = make_approved_family(app, [cohort_id])
    new_family = make_approved_family(app, cohorts, **answers)
    if full:
        place(app, enrolled(app, cohort_id), new_family)
    enrolment_id = enrolled(app, cohort_id, pet_allergy=True)
    placement_id = place(app, enrolment_id, old_family)
    before = snapshot(app)

    with app.app_context():
        with pytest.raises(PlacementRefused) as caught:
            placements.move(
                db.session.get(Placement, placement_id),
                db.session.get(HostApplication, new_family),
                coordinator,
                REASON,
                override_reason="The coordinator insists.",
            )
        db.session.rollback()  # as every route does after a DomainError

    if rules is not None:
        assert caught.value.rules == rules
    else:
        assert caught.value.rules[0] == Rule.FAMILY_AVAILABLE
    assert caught.value.overridable is False
    assert snapshot(app) == before
    old = get_placement(app, placement_id)
    assert old.status == P.ACTIVE
    assert old.cancel_reason == ""
    assert active(app, cohort_id)[enrolment_id] == old_family
    assert beds_taken(app, old_family, cohort_id) == 1
    assert_beds_add_up(app, cohort_id)


def test_a_move_against_a_soft_rule_needs_an_override_reason(app, coordinator, cohort_id):
    old_family = make_approved_family(app, [cohort_id])
    smoking = make_approved_family(app, [cohort_id], smoking_in_home=True)
    enrolment_id = enrolled(app, cohort_id, no_smokers=True)
    placement_id = place(app, enrolment_id, old_family)
    before = snapshot(app)

    with app.app_context():
        with pytest.raises(PlacementRefused) as caught:
            placements.move(
                db.session.get(Placement, placement_id),
                db.session.get(HostApplication, smoking),
                coordinator,
                REASON,
            )
        db.session.rollback()
    assert caught.value.overridable is True
    assert snapshot(app) == before

    new_id = move(
        app, placement_id, smoking, coordinator, override_reason="They smoke only outside."
    )

    new = get_placement(app, new_id)
    assert (new.overridden_rules, new.override_reason) == ("no_smokers", "They smoke only outside.")
    assert new.reason == REASON
    assert get_placement(app, placement_id).status == P.CANCELLED
    assert_beds_add_up(app, cohort_id)


# Withdrawing -----------------------------------------------------------------------------


def test_withdrawing_a_placed_student_ends_the_placement_and_frees_the_bed(
    app, coordinator, cohort_id
):
    family = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    placement_id = place(app, enrolment_id, family)
    assert beds_taken(app, family, cohort_id) == 1

    with app.app_context():
        enrolments.withdraw(db.session.get(Enrolment, enrolment_id), coordinator, "Broke a leg.")
        db.session.commit()

    placement = get_placement(app, placement_id)
    assert placement.status == P.CANCELLED
    assert placement.cancel_reason == "Broke a leg."
    assert placement.cancelled_by_id == coordinator
    assert beds_taken(app, family, cohort_id) == 0
    assert active(app, cohort_id) == {}
    # The freed bed goes to somebody else; the withdrawn student cannot come back.
    other = enrolled(app, cohort_id)
    place(app, other, family)
    refused_for_good(
        app, enrolment_id, make_approved_family(app, [cohort_id]), [Rule.ENROLMENT_ACTIVE]
    )
    assert_beds_add_up(app, cohort_id)


def test_withdrawing_without_a_reason_still_records_one(app, cohort_id):
    family = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    placement_id = place(app, enrolment_id, family)

    with app.app_context():
        enrolments.withdraw(db.session.get(Enrolment, enrolment_id))
        db.session.commit()

    assert get_placement(app, placement_id).cancel_reason == "enrolment withdrawn"
    assert beds_taken(app, family, cohort_id) == 0


# The database itself -----------------------------------------------------------------------


def test_the_database_refuses_two_active_placements_of_one_enrolment(app, cohort_id):
    family = make_approved_family(app, [cohort_id], beds_offered=2)
    other = make_approved_family(app, [cohort_id])
    enrolment_id = enrolled(app, cohort_id)
    place(app, enrolment_id, family)

    with app.app_context():
        db.session.add(
            Placement(cohort_id=cohort_id, enrolment_id=enrolment_id, application_id=other)
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()

    # Cancelled placements do not count: many may stay on record.
    with app.app_context():
        for _ in range(2):
            db.session.add(
                Placement(
                    cohort_id=cohort_id,
                    enrolment_id=enrolment_id,
                    application_id=other,
                    status=P.CANCELLED,
                    cancelled_at=sa.func.now(),
                )
            )
        db.session.commit()
    assert active(app, cohort_id) == {enrolment_id: family}


# Concurrency -----------------------------------------------------------------------------
#
# Each thread works in its own application context (its own session and connection) and
# commits, like a request on another worker. On a lock or serialization error it rolls back
# and tries the whole transaction again; a refusal is an answer, not an error. The checks
# look at what was committed, so a retry cannot hide overbooking.

THREADS = 8
BEDS = 2
ROUNDS = 4
ATTEMPTS = 8
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


def retryable(error: DBAPIError) -> bool:
    if isinstance(error, OperationalError) and "locked" in str(error.orig).lower():
        return True
    return getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES


def run_together(app, jobs: list[Callable[[], object]]) -> list[object]:
    """Run each job in its own thread and app context, all released at once; each result is
    the job's return value or the DomainError/IntegrityError that refused it."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def work(index: int, job: Callable[[], object]) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                for attempt in range(ATTEMPTS):
                    try:
                        results[index] = job()
                        db.session.commit()
                        break
                    except (DomainError, IntegrityError) as refusal:
                        db.session.rollback()
                        results[index] = refusal
                        break
                    except DBAPIError as error:
                        db.session.rollback()
                        if not retryable(error) or attempt == ATTEMPTS - 1:
                            raise
                        time.sleep(0.01 * (attempt + 1))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(i, job), daemon=True) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], errors
    return results


def place_job(enrolment_id: int, application_id: int, **kwargs) -> Callable[[], int]:
    def job() -> int:
        return placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, application_id),
            None,
            **kwargs,
        ).id

    return job


@pytest.mark.real_commits  # threads with their own connections
def test_simultaneous_placements_never_overbook_a_family(app):
    for round_number in range(ROUNDS):
        cohort_id = make_cohort(app, places=THREADS)
        family = make_approved_family(app, [cohort_id], beds_offered=BEDS)
        students = [enrolled(app, cohort_id) for _ in range(THREADS)]

        results = run_together(app, [place_job(e, family) for e in students])

        placed = [r for r in results if isinstance(r, int)]
        refusals = [r for r in results if not isinstance(r, int)]
        assert len(placed) == BEDS, f"round {round_number}: {results}"
        assert all(isinstance(r, PlacementRefused) for r in refusals), results
        assert all(r.rules == [Rule.BEDS] for r in refusals), [r.rules for r in refusals]
        living = active(app, cohort_id)
        assert len(living) == BEDS, f"round {round_number}: {len(living)} placed"
        assert set(living.values()) == {family}
        assert beds_taken(app, family, cohort_id) == BEDS
        assert_beds_add_up(app, cohort_id)
        with app.app_context():
            stored = db.session.scalar(
                sa.select(sa.func.count(Placement.id)).where(Placement.cohort_id == cohort_id)
            )
        assert stored == BEDS  # refused attempts left no row behind


@pytest.mark.real_commits  # threads with their own connections
def test_one_student_placed_twice_at_once_lives_with_one_family(app):
    cohort_id = make_cohort(app)
    families = [make_approved_family(app, [cohort_id], beds_offered=2) for _ in range(4)]
    enrolment_id = enrolled(app, cohort_id)

    results = run_together(app, [place_job(enrolment_id, family) for family in families])

    assert sum(isinstance(r, int) for r in results) == 1, results
    living = active(app, cohort_id)
    assert list(living) == [enrolment_id]
    assert sum(beds_taken(app, family, cohort_id) for family in families) == 1
    assert_beds_add_up(app, cohort_id)


@pytest.mark.real_commits  # threads with their own connections
def test_simultaneous_placements_never_mix_genders_in_a_shared_room(app):
    """Two girls and two boys (the family's preference for girls overridden) placed at the
    same moment with a family whose students share a room: whoever comes first, the room
    ends up with one gender only. A hard rule must hold under concurrency as beds do."""
    for round_number in range(ROUNDS + 1):
        cohort_id = make_cohort(app)
        family = make_approved_family(
            app, [cohort_id], beds_offered=4, shared_room=True, gender_preference="female"
        )
        girls = [enrolled(app, cohort_id, gender="female") for _ in range(2)]
        boys = [enrolled(app, cohort_id, gender="male") for _ in range(2)]

        results = run_together(
            app,
            [place_job(e, family) for e in girls]
            + [place_job(e, family, override_reason="Agreed with the family.") for e in boys],
        )

        living = set(active(app, cohort_id))
        assert living, f"round {round_number}: nobody placed: {results}"
        assert living <= set(girls) or living <= set(boys), (
            f"round {round_number}: girls {sorted(living & set(girls))} and boys "
            f"{sorted(living & set(boys))} share a room"
        )
        for result in results:
            if not isinstance(result, int):
                assert isinstance(result, PlacementRefused), results
                assert Rule.SHARED_ROOM_GENDER in result.rules, results
        assert_beds_add_up(app, cohort_id)
