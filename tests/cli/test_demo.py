"""`flask demo`: a fictional programme year in an empty database, logins for each role, and a
refusal on a database that holds data."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from app.cli import demo_data
from app.extensions import db
from app.models import (
    Cohort,
    Enrolment,
    GuardianConsent,
    HostApplication,
    Placement,
    Role,
    Student,
    Teacher,
    User,
)
from app.models.base import utcnow
from tests.conftest import Auth, count, make_user
from tests.factories import make_cohort, make_student


def statuses(app, model) -> Counter:
    with app.app_context():
        return Counter(s.value for s in db.session.scalars(sa.select(model.status)))


@pytest.fixture
def filled(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_fills_an_empty_database_with_a_programme_year(app, filled):
    assert statuses(app, Cohort) == {"travelling": 1, "open": 1, "planning": 1}
    assert statuses(app, Enrolment) == {
        "accepted": 8 + 9,  # everybody abroad; nine of the open cohort (one withdrew)
        "applied": 3,  # two not yet accepted, and the first of the waitlist, moved up
        "waitlisted": 2,
        "withdrawn": 1,
    }
    assert statuses(app, HostApplication) == {
        "draft": 1,
        "submitted": 2,
        "references_checked": 1,
        "background_cleared": 1,
        "home_visited": 1,
        "approved": 7,
        "declined": 1,
    }
    assert statuses(app, Placement) == {"active": 12}
    assert count(app, Teacher) == 3
    with app.app_context():
        roles = Counter(r.value for r in db.session.scalars(sa.select(User.role)))
        abroad = db.session.scalar(sa.select(Cohort).where(Cohort.status == "travelling"))
        abroad_ids = sa.select(Enrolment.id).where(Enrolment.cohort_id == abroad.id)
        consents = db.session.scalar(
            sa.select(sa.func.count(GuardianConsent.id)).where(
                GuardianConsent.enrolment_id.in_(abroad_ids)
            )
        )
        unsupervised = db.session.scalar(
            sa.select(sa.func.count(Enrolment.id)).where(
                Enrolment.status.in_(("accepted", "applied")),
                Enrolment.supervising_teacher_id.is_(None),
            )
        )
        submitted = db.session.scalars(
            sa.select(HostApplication.submitted_at).where(HostApplication.status != "draft")
        ).all()
    assert roles == {"admin": 1, "coordinator": 1, "teacher": 3, "host_family": 14, "guardian": 2}
    assert consents == 8  # every student abroad has the guardians' consent
    assert unsupervised == 0  # everybody holding a place has a supervising teacher
    # the families applied over the past weeks, not all this morning
    assert len({moment.date() for moment in submitted}) == len(submitted) == 13
    assert max(submitted) <= utcnow()
    assert "snowy-lakeshore-lantern" in filled
    assert "made up" in filled


def printed_logins(filled: str) -> list[tuple[str, str]]:
    """(role, email) of each login line the command printed."""
    lines = filled.split("password", 1)[1].splitlines()
    found = []
    for line in lines:
        words = line.split()
        at = next((i for i, word in enumerate(words) if "@" in word), None)
        if line.startswith("  ") and at is not None:
            found.append((" ".join(words[:at]), words[at]))
    return found


def test_every_printed_login_works_through_the_login_page(app, filled):
    printed = printed_logins(filled)
    assert [role for role, _email in printed].count("guardian") == 2
    assert {email for _role, email in printed} >= {e for _r, e, _w in demo_data.LOGINS}
    for role, email in printed:
        client = app.test_client()
        response = Auth(app, client).login(email, demo_data.PASSWORD)
        assert response.status_code == 302, (role, email)
        home = client.get(response.headers["Location"], follow_redirects=True)
        assert home.status_code == 200, (role, email)


def home_after_login(app, email: str) -> str:
    client = app.test_client()
    response = Auth(app, client).login(email, demo_data.PASSWORD)
    return client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)


def test_the_teacher_sees_the_cohort_abroad_and_the_family_its_students(app, filled):
    teacher = home_after_login(app, "teacher@example.org")
    assert "not registered as a supervising teacher" not in teacher
    assert "Buffalo" in teacher
    family = home_after_login(app, "family@example.org")
    assert "Lena" in family and "Jonas" in family  # the two students the Kowalskis host
    draft = home_after_login(app, "patel@example.com")
    assert "draft" in draft


@pytest.mark.parametrize(
    "existing",
    [
        lambda app: make_user(app, "someone@example.org", Role.COORDINATOR),
        lambda app: make_cohort(app),
        lambda app: make_student(app),
    ],
    ids=["an account", "a cohort", "a student"],
)
def test_refuses_a_database_that_holds_data(app, runner, existing):
    existing(app)
    users, students = count(app, User), count(app, Student)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "already holds data" in result.output
    assert "changed nothing" in result.output
    assert (count(app, User), count(app, Student)) == (users, students)


def test_refuses_with_the_production_settings(app, runner):
    app.config["DEMO_ALLOWED"] = False
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert count(app, User) == 0


def test_check_admin_offers_the_demo_only_on_an_empty_database(app, runner):
    offered = runner.invoke(args=["users", "check-admin"]).output
    assert "Or explore fictional sample data" in offered
    assert ".venv/bin/flask demo" in offered
    make_cohort(app)
    later = runner.invoke(args=["users", "check-admin"]).output
    assert "There is no admin account yet." in later
    assert "flask demo" not in later


def test_the_guardians_see_the_host_family_and_what_is_missing(app, filled):
    abroad, missing = [email for role, email in printed_logins(filled) if role == "guardian"]
    page = home_after_login(app, abroad)  # in German, the guardians' language
    assert "Kowalski" in page  # the host family, with its address and phone
    assert "Begleitende Lehrkraft" in page
    assert "Was noch fehlt" not in page  # everything is in for the cohort abroad
    assert "Was noch fehlt" in home_after_login(app, missing)
