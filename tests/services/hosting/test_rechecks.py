"""A family's changes after vetting (finding 2 of the 2026-12 outside audit): once a check is
recorded, a change to what it covered reopens it, the application falls back, a decision
waits until the check is recorded again, and the first check stays on record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApplicationStatus,
    AuditEntry,
    Enrolment,
    HostApplication,
    Placement,
    PlacementStatus,
    Role,
)
from app.services.errors import DomainError
from app.services.hosting import families, rechecks, vetting
from app.services.hosting.rechecks import Check, Topic
from app.services.placement import placements
from app.services.validation import ValidationFailed
from tests.conftest import make_user
from tests.factories import (
    enrol,
    family_values,
    make_cohort,
    make_student,
    make_vetted_family,
    place,
)

A = ApplicationStatus
TODAY = date.today()
PARENT = {"name": "Pat Miller", "age": 45, "relation": "parent"}
CHILD = {"name": "Sam Miller", "age": 16, "relation": "child"}
LODGER = {"name": "Rick Lodger", "age": 38, "relation": "lodger"}


@pytest.fixture
def coordinator(app) -> int:
    return make_user(app, "coordinator@example.org", Role.COORDINATOR)


def vetted(app, status: str = "home_visited", **answers) -> int:
    return make_vetted_family(app, [make_cohort(app)], status, **answers)


def change(app, application_id: int, **answers) -> dict:
    """Save the application's answers with these changed, as its family; the checks reopened."""
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        values = {**families.as_values(application), **answers}
        reopened = families.save_answers(application, values, application.family.user_id)
        db.session.commit()
        return reopened


def state(app, application_id: int) -> tuple[A, dict]:
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        return application.status, rechecks.pending(application)


# The finding ---------------------------------------------------------------------------------


def test_a_new_address_and_adult_after_the_checks_reopen_them_and_approval_waits(app, coordinator):
    application_id = vetted(app)
    with app.app_context():
        before = db.session.get(HostApplication, application_id)
        first = (
            before.background_cleared_at,
            before.background_check_expires_on,
            before.home_visit_on,
            before.home_visit_by,
            before.home_visit_notes,
            before.home_visit_recorded_at,
        )
        family_user = before.family.user_id

    reopened = change(
        app, application_id, address_line="7 Delaware Road", members=[PARENT, CHILD, LODGER]
    )

    assert reopened == {
        Check.BACKGROUND: [Topic.ADULTS],
        Check.HOME_VISIT: [Topic.ADDRESS, Topic.MEMBERS],
    }
    assert state(app, application_id) == (A.REFERENCES_CHECKED, reopened)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        with pytest.raises(DomainError) as refused:
            vetting.decide(application, A.APPROVED, coordinator)
        assert str(refused.value) == (
            "Approval waits: the family changed answers after the checks (adults in the "
            "home, address, household members). Record these checks again first: background "
            "check, home visit."
        )
        with pytest.raises(DomainError):
            vetting.decide(application, A.BACKUP, coordinator)
        db.session.rollback()
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.REFERENCES_CHECKED
        # What was checked, by whom and when stays until the check is recorded again.
        assert (
            application.background_cleared_at,
            application.background_check_expires_on,
            application.home_visit_on,
            application.home_visit_by,
            application.home_visit_notes,
            application.home_visit_recorded_at,
        ) == first
        *_, last = application.events
        assert (last.to_status, last.by_user_id, last.reopened) == (
            A.REFERENCES_CHECKED,
            family_user,
            "background:adults,home_visit:address,home_visit:members",
        )
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "application.reopened")
        )
        assert (entry.record_id, entry.user_id, entry.details) == (
            application_id,
            family_user,
            {"checks": ["background", "home_visit"], "changed": ["address", "adults", "members"]},
        )


def test_the_reopened_checks_recorded_again_allow_the_decision(app, coordinator):
    application_id = vetted(app)
    change(app, application_id, address_line="7 Delaware Road", members=[PARENT, CHILD, LODGER])
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        vetting.clear_background(application, TODAY + timedelta(days=400), coordinator)
        db.session.commit()
        assert application.status == A.BACKGROUND_CLEARED
        assert rechecks.pending(application) == {Check.HOME_VISIT: [Topic.ADDRESS, Topic.MEMBERS]}
        with pytest.raises(DomainError, match="Record these checks again first: home visit"):
            vetting.decide(application, A.APPROVED, coordinator)
        db.session.rollback()
        application = db.session.get(HostApplication, application_id)
        vetting.record_home_visit(application, TODAY, "K. Wojcik", "Lodger met.", coordinator)
        vetting.decide(application, A.APPROVED, coordinator)
        db.session.commit()
        assert application.status == A.APPROVED
        assert application.to_check_again == ""
        assert [(e.to_status, bool(e.reopened)) for e in application.events] == [
            (A.SUBMITTED, False),
            (A.REFERENCES_CHECKED, False),
            (A.BACKGROUND_CLEARED, False),
            (A.HOME_VISITED, False),  # the first visit, kept
            (A.REFERENCES_CHECKED, True),  # the family's change
            (A.BACKGROUND_CLEARED, False),
            (A.HOME_VISITED, False),
            (A.APPROVED, False),
        ]


# What each check covered -----------------------------------------------------------------------


NEW_REFERENCE = {"name": "Cy Pastor", "relation": "pastor", "phone": "+1 716 555 0199", "email": ""}
COACH = family_values()["references"][1]
COVERED = [
    ({"city": "Amherst"}, {Check.HOME_VISIT: [Topic.ADDRESS]}),
    ({"postal_code": "14226"}, {Check.HOME_VISIT: [Topic.ADDRESS]}),
    (
        {"members": [PARENT, CHILD, {"name": "Baby Miller", "age": 0, "relation": "daughter"}]},
        {Check.HOME_VISIT: [Topic.MEMBERS]},
    ),
    ({"members": [PARENT]}, {Check.HOME_VISIT: [Topic.MEMBERS]}),  # somebody moved out
    ({"members": [PARENT, {**CHILD, "age": 18}]}, {Check.BACKGROUND: [Topic.ADULTS]}),
    (
        {"members": [{**PARENT, "name": "Rick Lodger"}, CHILD]},
        {Check.BACKGROUND: [Topic.ADULTS], Check.HOME_VISIT: [Topic.MEMBERS]},
    ),
    ({"has_pets": True, "pets": "a dog"}, {Check.HOME_VISIT: [Topic.PETS]}),
    ({"smoking_in_home": True}, {Check.HOME_VISIT: [Topic.SMOKING]}),
    ({"bedrooms": 3}, {Check.HOME_VISIT: [Topic.BEDROOMS]}),
    ({"beds_offered": 2}, {Check.HOME_VISIT: [Topic.BEDS]}),
    (
        {"shared_room": True, "gender_preference": "female"},
        {Check.HOME_VISIT: [Topic.SHARED_ROOM]},
    ),
]


@pytest.mark.parametrize(("answers", "expected"), COVERED)
def test_each_change_reopens_the_checks_that_covered_it(app, answers, expected):
    application_id = vetted(app)
    assert change(app, application_id, **answers) == expected
    assert state(app, application_id) == (
        A.REFERENCES_CHECKED if Check.BACKGROUND in expected else A.BACKGROUND_CLEARED,
        expected,
    )


def test_new_references_reopen_only_the_references(app, coordinator):
    application_id = vetted(app)
    with app.app_context():
        kept = families.as_values(db.session.get(HostApplication, application_id))["references"]
    reopened = change(app, application_id, references=[kept[0], NEW_REFERENCE])
    assert reopened == {Check.REFERENCES: [Topic.REFERENCES]}
    assert state(app, application_id) == (A.SUBMITTED, reopened)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        vetting.check_references(application, coordinator, "Pastor called.")
        db.session.commit()
        # The background check and the home visit still stand: on to the decision.
        assert application.status == A.HOME_VISITED
        assert rechecks.pending(application) == {}


def test_a_save_that_changes_nothing_covered_reopens_nothing(app):
    application_id = vetted(app)
    with app.app_context():
        values = families.as_values(db.session.get(HostApplication, application_id))
    first, second = values["references"]
    reopened = change(
        app,
        application_id,
        # Spelling and order are not a new answer; an adult's birthday is no new person.
        address_line="  12 ELMWOOD   avenue ",
        members=[CHILD, {**PARENT, "age": 46, "relation": "mother"}],
        references=[{**second, "phone": "+1 (716) 555-0122"}, first],
        # Answers no check covered.
        phone="+1 716 555 0177",
        languages="English, German",
        diets=["vegan"],
        motivation="We hosted before.",
        high_school="Hutch Tech",
        gender_preference="male",
        pets="a goldfish",  # no pets ticked: nothing the visit saw
    )
    assert reopened == {}
    assert state(app, application_id) == (A.HOME_VISITED, {})
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.phone == "+1 716 555 0177"
        assert not any(event.reopened for event in application.events)
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEntry.action == "application.reopened")
            )
            == 0
        )


def test_only_recorded_checks_reopen(app):
    application_id = vetted(app, "references_checked")
    reopened = change(app, application_id, address_line="7 Delaware Road", members=[PARENT])
    assert reopened == {}  # nobody has visited or checked the adults yet
    assert state(app, application_id) == (A.REFERENCES_CHECKED, {})
    submitted = vetted(app, "submitted")
    assert change(app, submitted, references=[NEW_REFERENCE, COACH]) == {}


def test_changes_before_the_step_is_recorded_again_add_up(app):
    application_id = vetted(app)
    change(app, application_id, bedrooms=5)
    change(app, application_id, smoking_in_home=True, references=[NEW_REFERENCE, COACH])
    assert state(app, application_id) == (
        A.SUBMITTED,
        {
            Check.REFERENCES: [Topic.REFERENCES],
            Check.HOME_VISIT: [Topic.SMOKING, Topic.BEDROOMS],
        },
    )


# A family already decided ----------------------------------------------------------------------


def test_an_approved_family_keeps_its_approval_for_changes_no_check_covered(app):
    application_id = vetted(app, "approved")
    assert change(app, application_id, phone="+1 716 555 0177", diets=["halal"]) == {}
    assert state(app, application_id) == (A.APPROVED, {})


@pytest.mark.parametrize("decision", ["approved", "backup"])
def test_a_decided_family_that_moves_is_vetted_again(app, coordinator, decision):
    application_id = vetted(app, decision, decision_note="A lovely family.")
    change(app, application_id, address_line="7 Delaware Road")
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.BACKGROUND_CLEARED
        assert (application.decided_at, application.decided_by_id, application.decision_note) == (
            None,
            None,
            "",
        )
        decided = [e for e in application.events if e.to_status == A(decision)]
        assert len(decided) == 1  # the decision stays in the history
        vetting.record_home_visit(application, TODAY, "K. Wojcik", "New flat seen.", coordinator)
        vetting.decide(application, A.APPROVED, coordinator)
        db.session.commit()
        assert application.status == A.APPROVED


def test_an_approved_family_with_a_student_placed_gets_no_other_until_checked_again(
    app, coordinator
):
    cohort_id = make_cohort(app)
    application_id = make_vetted_family(app, [cohort_id], "approved", beds_offered=2)
    placed = enrol(app, make_student(app), cohort_id)
    waiting = enrol(app, make_student(app), cohort_id)
    placement_id = place(app, placed, application_id)

    change(app, application_id, smoking_in_home=True)

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.BACKGROUND_CLEARED
        assert rechecks.students_placed(application) == 1
        # The student already there stays: moving a minor is the coordinators' decision.
        assert db.session.get(Placement, placement_id).status == PlacementStatus.ACTIVE
        with pytest.raises(DomainError, match="The family is not approved"):
            placements.place(db.session.get(Enrolment, waiting), application, coordinator)
        db.session.rollback()

        application = db.session.get(HostApplication, application_id)
        # Back in vetting, the family cannot withdraw with a student in its home.
        with pytest.raises(DomainError, match="A student lives with you"):
            families.withdraw(application, application.family.user_id)
        db.session.rollback()

        application = db.session.get(HostApplication, application_id)
        vetting.record_home_visit(application, TODAY, "K. Wojcik", "Smokes outside.", coordinator)
        vetting.decide(application, A.APPROVED, coordinator)
        placements.place(db.session.get(Enrolment, waiting), application, coordinator)
        db.session.commit()


def test_a_family_with_a_student_keeps_the_group_and_the_beds(app):
    cohort_id = make_cohort(app)
    other_id = make_cohort(app)
    application_id = make_vetted_family(app, [cohort_id, other_id], "approved", beds_offered=2)
    place(app, enrol(app, make_student(app), cohort_id), application_id)
    place(app, enrol(app, make_student(app), cohort_id), application_id)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        values = families.as_values(application)
        with pytest.raises(ValidationFailed) as refused:
            families.save_answers(application, {**values, "cohort_ids": [other_id]})
        assert refused.value.field == "cohort_ids"
        with pytest.raises(ValidationFailed) as refused:
            families.save_answers(application, {**values, "beds_offered": 1})
        assert refused.value.problems == [
            ("beds_offered", "2 students are placed with you: offer at least 2 beds.")
        ]
        db.session.rollback()
    # Leaving the other group, where nobody is placed, is the family's choice.
    assert change(app, application_id, cohort_ids=[cohort_id]) == {}
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert [c.id for c in application.cohorts] == [cohort_id]
        assert application.status == A.APPROVED


@pytest.mark.parametrize("ending", ["declined", "withdrawn"])
def test_a_declined_or_withdrawn_application_stays_closed(app, ending):
    application_id = vetted(app, ending)
    with pytest.raises(DomainError, match="This application is closed"):
        change(app, application_id, city="Amherst")


def test_a_decision_reads_the_application_afresh(app, coordinator):
    """The coordinator's page was loaded before the family saved its change: the decision
    does not go through on what the page had read."""
    application_id = vetted(app)
    with app.app_context():
        seen = db.session.get(HostApplication, application_id)
        assert seen.status == A.HOME_VISITED
        change(app, application_id, address_line="7 Delaware Road")  # its own request
        with pytest.raises(DomainError, match="Approval waits"):
            vetting.decide(seen, A.APPROVED, coordinator)
        db.session.rollback()
    assert state(app, application_id) == (
        A.BACKGROUND_CLEARED,
        {Check.HOME_VISIT: [Topic.ADDRESS]},
    )
