"""The host family's side: signing up, the application saved unfinished and submitted,
withdrawing, applying again next year, and the cohorts a family can offer to host."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApplicationStatus,
    CohortStatus,
    FamilyReference,
    HostApplication,
    HostFamily,
    HouseholdMember,
    OutboxEmail,
    Role,
    User,
    VettingEvent,
)
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.hosting import families, signup, vetting
from app.services.identity import accounts, recovery
from app.services.validation import ValidationFailed
from tests.conftest import PASSWORD, count, make_user
from tests.factories import (
    FAMILY_PASSWORD,
    confirm_link,
    family_values,
    make_application,
    make_cohort,
    sign_up_confirmed,
)

A = ApplicationStatus

# What the application form sends when the family has filled in nothing yet.
BLANK_FORM = {
    "address_line": "",
    "city": "",
    "state": "NY",
    "postal_code": "",
    "phone": "",
    "mobile_phone": "",
    "languages": "",
    "has_pets": False,
    "pets": "",
    "smoking_in_home": False,
    "bedrooms": None,
    "beds_offered": None,
    "shared_room": False,
    "gender_preference": "any",
    "diets": [],
    "high_school": "",
    "school_distance_miles": None,
    "motivation": "",
    "background_check_consent": False,
    "members": [],
    "references": [],
    "cohort_ids": [],
}


def outbox(app) -> list[tuple[str, str]]:
    """(recipient, subject) of every email queued, in order."""
    with app.app_context():
        return [
            (e.recipient, e.subject)
            for e in db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        ]


def sign_up(app, email: str = "miller@example.org", password: str = FAMILY_PASSWORD):
    """Sign up and commit; the new application's id, or None when nothing was created."""
    with app.app_context():
        family = signup.sign_up(email, password, confirm_link)
        db.session.commit()
        return None if family is None else families.current_application(family).id


def save(app, application_id: int, values: dict) -> None:
    with app.app_context():
        families.save_answers(db.session.get(HostApplication, application_id), values)
        db.session.commit()


def family_id_of(app, application_id: int) -> int:
    with app.app_context():
        return db.session.get(HostApplication, application_id).family_id


def row_counts(app) -> tuple[int, ...]:
    return tuple(
        count(app, model)
        for model in (User, HostFamily, HostApplication, HouseholdMember, FamilyReference)
    )


# Sign-up ------------------------------------------------------------------------------------


def test_sign_up_creates_a_family_account_with_a_draft_and_a_welcome_email(app):
    before = utcnow()
    application_id = sign_up(app, "  Miller.Family@Example.ORG ")

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        user = application.family.user
        assert user.email == "miller.family@example.org"
        assert user.role == Role.HOST_FAMILY
        assert user.active
        # Not before the family has followed the link of its welcome email (finding 4).
        assert user.email_confirmed_at is None
        assert accounts.authenticate("miller.family@example.org", FAMILY_PASSWORD) is None
        assert application.status == A.DRAFT
        assert application.submitted_at is None
        assert application.copied_from_id is None
        assert application.created_at >= before
        assert [a.id for a in application.family.applications] == [application_id]
        [email] = db.session.scalars(sa.select(OutboxEmail)).all()
        assert email.recipient == "miller.family@example.org"
        assert "Welcome" in email.subject
        assert "continue your application" in email.body
        assert email.sent_at is None
        assert email.attempts == 0
        [token] = re.findall(r"http://localhost/email/confirm/(\S+)", email.body)
        assert recovery.confirm_email(token) == user
        assert accounts.authenticate("miller.family@example.org", FAMILY_PASSWORD) == user


@pytest.mark.parametrize("taken_by", [Role.HOST_FAMILY, Role.COORDINATOR])
def test_sign_up_with_a_taken_email_creates_nothing_and_tells_the_owner(app, taken_by):
    if taken_by == Role.HOST_FAMILY:
        with app.app_context():
            sign_up_confirmed("miller@example.org")
            db.session.commit()
    else:
        make_user(app, "miller@example.org", taken_by)
    before = row_counts(app)
    emails_before = outbox(app)

    assert sign_up(app, "MILLER@example.org", "another-long-passphrase") is None

    assert row_counts(app) == before
    new_emails = outbox(app)[len(emails_before) :]
    assert [recipient for recipient, _ in new_emails] == ["miller@example.org"]
    assert "tried to sign up" in new_emails[0][1]
    with app.app_context():
        user = accounts.find_user("miller@example.org")
        assert user.role == taken_by
        old_password = FAMILY_PASSWORD if taken_by == Role.HOST_FAMILY else PASSWORD
        assert accounts.authenticate("miller@example.org", old_password) == user
        assert accounts.authenticate("miller@example.org", "another-long-passphrase") is None


@pytest.mark.parametrize(
    "password", ["short", "password1", "12345678", "iloveyou", "miller@example.org"]
)
def test_sign_up_refuses_a_weak_password_alike_for_new_and_taken_emails(app, password):
    sign_up(app, "miller@example.org")
    before = row_counts(app)
    emails_before = outbox(app)

    answers = []
    for email in ("jones@example.org", "miller@example.org"):
        with app.app_context(), pytest.raises(DomainError) as refused:
            signup.sign_up(email, password if "@" not in password else email, confirm_link)
        answers.append((refused.value.field, refused.value.message))

    assert answers[0][0] == "password"
    assert answers[0] == answers[1]
    assert row_counts(app) == before
    assert outbox(app) == emails_before


# Checking the answers ----------------------------------------------------------------------


def test_a_draft_may_be_partial(app):
    partial = {**BLANK_FORM, "city": "Buffalo", "beds_offered": 2, "has_pets": True}
    with app.app_context():
        assert families.check_application(BLANK_FORM, complete=False) == []
        assert families.check_application(partial, complete=False) == []
    application_id = sign_up(app)
    save(app, application_id, partial)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert (application.city, application.beds_offered, application.has_pets) == (
            "Buffalo",
            2,
            True,
        )
        assert application.status == A.DRAFT


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("beds_offered", 0),
        ("beds_offered", 9),
        ("bedrooms", 0),
        ("school_distance_miles", -1),
        ("school_distance_miles", 101),
        ("postal_code", "ABC"),
        ("postal_code", "1420"),
        ("diets", ["vegetarian", "raw_food"]),
        ("gender_preference", "teenager"),
        ("phone", "call me maybe"),
        ("phone", "12"),
        ("mobile_phone", "+1 (716) abc"),
        ("state", "CA"),
    ],
)
def test_malformed_answers_are_refused_even_in_a_draft(app, field, value):
    values = {**BLANK_FORM, "city": "Buffalo", field: value}
    with app.app_context():
        problems = families.check_application(values, complete=False)
    assert [f for f, _ in problems] == [field]

    application_id = sign_up(app)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        with pytest.raises(ValidationFailed) as refused:
            families.save_answers(application, values)
        assert refused.value.field == field
        db.session.commit()
    with app.app_context():
        assert db.session.get(HostApplication, application_id).city == ""


def test_malformed_household_members_are_refused(app):
    members = [
        {"name": "Pat Miller", "age": 45, "relation": "parent"},
        {"name": " ", "age": 130, "relation": ""},
    ]
    with app.app_context():
        problems = families.check_application({**BLANK_FORM, "members": members}, False)
        too_many = {**BLANK_FORM, "members": [members[0]] * 13}
        assert [f for f, _ in families.check_application(too_many, False)] == ["members"]
    assert [f for f, _ in problems] == ["members.1.name", "members.1.age", "members.1.relation"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("beds_offered", 1),
        ("beds_offered", 6),
        ("school_distance_miles", 0),
        ("school_distance_miles", 100),
        ("postal_code", "14201-1234"),
        ("gender_preference", "female"),
        ("diets", ["halal", "gluten_free"]),
        ("phone", "(716) 555-0100"),
    ],
)
def test_well_formed_edge_answers_are_accepted(app, field, value):
    with app.app_context():
        assert families.check_application({**BLANK_FORM, field: value}, complete=False) == []
        assert families.check_application(family_values([1], **{field: value}), True) == []


REQUIRED = {
    "family_name",
    "address_line",
    "city",
    "postal_code",
    "phone",
    "high_school",
    "motivation",
    "bedrooms",
    "beds_offered",
    "school_distance_miles",
    "members",
    "cohort_ids",
    "background_check_consent",
    "reference1.name",
    "reference1.relation",
    "reference1.phone",
    "reference2.name",
    "reference2.relation",
    "reference2.phone",
}


def test_complete_check_reports_every_missing_answer(app):
    with app.app_context():
        blank = {f for f, _ in families.check_application(BLANK_FORM, complete=True)}
        with_pets = families.check_application({**BLANK_FORM, "has_pets": True}, complete=True)
        complete = families.check_application(family_values([1]), complete=True)
        pets_unnamed = families.check_application(
            family_values([1], has_pets=True, pets=" "), complete=True
        )
        one_reference = family_values([1])
        one_reference["references"] = one_reference["references"][:1]
        second_missing = families.check_application(one_reference, complete=True)
        bad_reference = family_values([1])
        bad_reference["references"][1] = {
            "name": "Bob",
            "relation": "coach",
            "phone": "none",
            "email": "not-an-email",
        }
        reference_problems = families.check_application(bad_reference, complete=True)

    assert blank == REQUIRED
    assert {f for f, _ in with_pets} == REQUIRED | {"pets"}
    assert complete == []
    assert [f for f, _ in pets_unnamed] == ["pets"]
    assert [f for f, _ in second_missing] == [
        "reference2.name",
        "reference2.relation",
        "reference2.phone",
    ]
    assert [f for f, _ in reference_problems] == ["reference2.phone", "reference2.email"]


# Saving -------------------------------------------------------------------------------------


def test_save_answers_stores_household_references_cohorts_and_diets(app):
    first, second, third = make_cohort(app), make_cohort(app), make_cohort(app)
    application_id = sign_up(app)
    save(app, application_id, family_values([first, second], diets=["vegetarian", "halal"]))

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.city == "Buffalo"
        assert application.school_distance_miles == 2.5
        assert [(m.name, m.age, m.relation) for m in application.members] == [
            ("Pat Miller", 45, "parent"),
            ("Sam Miller", 16, "child"),
        ]
        assert [(r.position, r.name, r.email) for r in application.references] == [
            (1, "Ann Neighbour", "ann@example.org"),
            (2, "Bob Coach", None),
        ]
        assert sorted(c.id for c in application.cohorts) == [first, second]
        assert families.as_values(application)["diets"] == ["halal", "vegetarian"]
        assert families.check_application(families.as_values(application), True) == []

    save(
        app,
        application_id,
        family_values(
            [third],
            diets=["vegan"],
            members=[{"name": "  Alex Jones ", "age": 70, "relation": "grandparent"}],
            references=[
                {"name": "Carla New", "relation": "pastor", "phone": "+1 716 555 0133"},
                {"name": "Dan New", "relation": "teacher", "phone": "+1 716 555 0144"},
            ],
        ),
    )

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert [(m.name, m.age) for m in application.members] == [("Alex Jones", 70)]
        assert [(r.position, r.name) for r in application.references] == [
            (1, "Carla New"),
            (2, "Dan New"),
        ]
        assert [c.id for c in application.cohorts] == [third]
        assert families.as_values(application)["diets"] == ["vegan"]
    assert count(app, HouseholdMember) == 1
    assert count(app, FamilyReference) == 2


def test_save_answers_ignores_cohorts_a_family_cannot_host(app):
    hostable = make_cohort(app)
    inbound = make_cohort(app, direction="inbound")
    archived = make_cohort(app, status=CohortStatus.ARCHIVED)
    application_id = sign_up(app)
    save(app, application_id, family_values([hostable, inbound, archived]))
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert [c.id for c in application.cohorts] == [hostable]


def test_a_submitted_application_must_stay_complete(app):
    application_id = make_application(app)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        with pytest.raises(ValidationFailed) as refused:
            families.save_answers(application, {**families.as_values(application), "phone": ""})
        assert refused.value.field == "phone"
        db.session.commit()
    save(app, application_id, {**families_values_of(app, application_id), "city": "Amherst"})
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.SUBMITTED
        assert application.phone == "+1 716 555 0100"
        assert application.city == "Amherst"


# Submitting ---------------------------------------------------------------------------------


def test_submit_refuses_an_incomplete_application(app):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    application_id = sign_up(app)
    save(app, application_id, {**BLANK_FORM, "city": "Buffalo"})
    emails_before = outbox(app)

    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            families.submit(db.session.get(HostApplication, application_id))
        db.session.commit()
    assert {f for f, _ in refused.value.problems} == REQUIRED - {"city"}

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.DRAFT
        assert application.submitted_at is None
        assert application.events == []
    assert outbox(app) == emails_before


def test_submit_tells_every_active_coordinator_and_admin_once(app):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    make_user(app, "second.coordinator@example.org", Role.COORDINATOR)
    make_user(app, "admin@example.org", Role.ADMIN)
    make_user(app, "teacher@example.org", Role.TEACHER)
    make_user(app, "former@example.org", Role.COORDINATOR, active=False)
    make_user(app, "former.admin@example.org", Role.ADMIN, active=False)
    sign_up(app, "other.family@example.org")
    application_id = make_application(app, "miller@example.org", submitted=False)
    emails_before = outbox(app)
    before = utcnow()

    with app.app_context():
        families.submit(db.session.get(HostApplication, application_id))
        db.session.commit()

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.SUBMITTED
        assert before <= application.submitted_at <= utcnow()
        [event] = application.events
        assert event.to_status == A.SUBMITTED
    new_emails = outbox(app)[len(emails_before) :]
    assert sorted(recipient for recipient, _ in new_emails) == [
        "admin@example.org",
        "coordinator@example.org",
        "second.coordinator@example.org",
    ]
    assert {subject for _, subject in new_emails} == {"New host-family application"}


def test_submit_twice_is_refused(app):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    application_id = make_application(app)
    emails_before = outbox(app)
    with app.app_context():
        with pytest.raises(DomainError):
            families.submit(db.session.get(HostApplication, application_id))
        db.session.commit()
    assert outbox(app) == emails_before
    assert count(app, VettingEvent) == 1


# Withdrawing and applying again ------------------------------------------------------------


@pytest.mark.parametrize("submitted", [False, True])
def test_the_family_can_withdraw_its_application(app, submitted):
    application_id = make_application(app, submitted=submitted)
    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        user_id = application.family.user_id
        families.withdraw(application, user_id)
        db.session.commit()

    with app.app_context():
        application = db.session.get(HostApplication, application_id)
        assert application.status == A.WITHDRAWN
        assert [(e.to_status, e.by_user_id) for e in application.events][-1] == (
            A.WITHDRAWN,
            user_id,
        )
        assert len(application.members) == 2  # kept on record
        with pytest.raises(DomainError):
            families.withdraw(application, user_id)
        with pytest.raises(DomainError):
            families.save_answers(application, family_values([]))
        with pytest.raises(DomainError):
            families.submit(application)
        db.session.commit()
    with app.app_context():
        assert db.session.get(HostApplication, application_id).status == A.WITHDRAWN


def test_apply_again_is_refused_while_the_application_is_open(app):
    coordinator = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    draft_id = make_application(app, submitted=False)
    in_vetting_id = make_application(app)
    with app.app_context():
        db_app = db.session.get(HostApplication, in_vetting_id)
        vetting.check_references(db_app, coordinator)
        db.session.commit()
    for application_id in (draft_id, in_vetting_id):
        family_id = family_id_of(app, application_id)
        with app.app_context():
            with pytest.raises(DomainError):
                families.apply_again(db.session.get(HostFamily, family_id))
            db.session.commit()
    assert count(app, HostApplication) == 2


@pytest.mark.parametrize("ending", ["declined", "withdrawn"])
def test_apply_again_copies_answers_but_not_cohorts_or_vetting(app, ending):
    coordinator = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    last_year = make_cohort(app)
    old_id = make_application(
        app, cohort_ids=[last_year], diets=["kosher"], has_pets=True, pets="a cat"
    )
    with app.app_context():
        old = db.session.get(HostApplication, old_id)
        vetting.check_references(old, coordinator)
        if ending == "declined":
            vetting.decide(old, A.DECLINED, coordinator, "No bed of its own.")
        else:
            families.withdraw(old, old.family.user_id)
        db.session.commit()
        family_id = old.family_id

    with app.app_context():
        new = families.apply_again(db.session.get(HostFamily, family_id))
        db.session.commit()
        new_id = new.id

    with app.app_context():
        old = db.session.get(HostApplication, old_id)
        new = db.session.get(HostApplication, new_id)
        assert families.current_application(new.family).id == new_id
        assert new.copied_from_id == old_id
        assert new.status == A.DRAFT
        old_values, new_values = families.as_values(old), families.as_values(new)
        assert new_values == {**old_values, "cohort_ids": []}
        assert new_values["diets"] == ["kosher"]
        assert new_values["pets"] == "a cat"
        assert {m.id for m in new.members}.isdisjoint(m.id for m in old.members)
        assert len(old.members) == 2 and len(old.references) == 2  # the old stays as it was
        assert old.status == ApplicationStatus(ending)
        assert [c.id for c in old.cohorts] == [last_year]
        assert new.cohorts == []
        assert new.events == []
        assert new.submitted_at is None
        assert new.references_checked_at is None
        assert new.references_checked_by_id is None
        assert new.decided_at is None
        assert new.decision_note == ""

    this_year = make_cohort(app)
    save(app, new_id, {**families_values_of(app, new_id), "cohort_ids": [this_year]})
    with app.app_context():
        families.submit(db.session.get(HostApplication, new_id))
        db.session.commit()
        assert db.session.get(HostApplication, new_id).status == A.SUBMITTED


def families_values_of(app, application_id: int) -> dict:
    with app.app_context():
        return families.as_values(db.session.get(HostApplication, application_id))


# The cohorts a family can offer to host -----------------------------------------------------


def test_hostable_cohorts_are_the_coming_outbound_ones(app):
    soon = date.today() + timedelta(days=30)

    def dates(days_from_soon: int) -> dict:
        departure = soon + timedelta(days=days_from_soon)
        return {"departure_date": departure, "return_date": departure + timedelta(days=21)}

    planning = make_cohort(app, CohortStatus.PLANNING, **dates(5))
    open_ = make_cohort(app, CohortStatus.OPEN, **dates(0))
    closed = make_cohort(app, CohortStatus.CLOSED, **dates(10))
    returning_today = make_cohort(
        app,
        CohortStatus.CLOSED,
        departure_date=date.today() - timedelta(days=20),
        return_date=date.today(),
    )
    make_cohort(app, CohortStatus.OPEN, direction="inbound")
    make_cohort(app, CohortStatus.TRAVELLING)
    make_cohort(app, CohortStatus.COMPLETED)
    make_cohort(app, CohortStatus.ARCHIVED)
    make_cohort(
        app,
        CohortStatus.OPEN,
        departure_date=date.today() - timedelta(days=30),
        return_date=date.today() - timedelta(days=1),
    )

    with app.app_context():
        assert [c.id for c in families.hostable_cohorts()] == [
            returning_today,
            open_,
            planning,
            closed,
        ]
        # Asked later, the cohorts that have returned by then are no longer offered.
        later = families.hostable_cohorts(today=soon + timedelta(days=30))
        assert [c.id for c in later] == [closed]
