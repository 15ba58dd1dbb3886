"""A login with the teacher role but no teacher record (made with `flask users create`, or
given the role under Users) is offered on the teacher list and completed there; "New teacher"
says where to go instead of only refusing the email. Teachers print their students straight
from their cohorts."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Cohort, Role, Teacher, TeacherRole, User
from app.services.supervision import teachers
from tests.conftest import PASSWORD, Auth, count, make_user, post
from tests.factories import enrol, make_cohort, make_student

DETAILS = {
    "name": "Jana Roth",
    "school": "Helmholtz-Gymnasium",
    "phone": "+49 171 5550199",
    "languages": "German, English",
}


@pytest.fixture
def staff(auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


@pytest.fixture
def stuck(app, runner) -> int:
    """A teacher's login made as the README says, on the command line."""
    result = runner.invoke(
        args=["users", "create", "roth@example.org", "--role", "teacher", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "roth@example.org"))


def test_the_teacher_list_offers_a_teacher_login_without_details(app, staff, stuck):
    make_user(app, "someone@example.org", Role.COORDINATOR)  # not a teacher: not offered
    listing = staff.get("/teachers/").get_data(as_text=True)
    assert "Teacher logins without teacher details" in listing
    assert "roth@example.org" in listing
    assert f'href="/teachers/new?account={stuck}"' in listing
    assert "someone@example.org" not in listing


def test_staff_complete_the_account_and_the_teacher_sees_their_cohort(app, staff, stuck):
    form = staff.get(f"/teachers/new?account={stuck}").get_data(as_text=True)
    assert "roth@example.org" in form
    assert 'name="password"' not in form  # the account keeps its password
    response = post(staff, f"/teachers/new?account={stuck}", DETAILS)
    assert response.status_code == 302
    with app.app_context():
        teacher = teachers.teacher_for_user(db.session.get(User, stuck))
        assert (teacher.name, teacher.school) == ("Jana Roth", "Helmholtz-Gymnasium")
        cohort_id = make_cohort(app, name="Buffalo March 2027")
        enrol(app, make_student(app, last_name="Albers"), cohort_id)
        teachers.assign(db.session.get(Cohort, cohort_id), teacher, TeacherRole.LEAD)
        db.session.commit()
    listing = staff.get("/teachers/").get_data(as_text=True)
    assert "Teacher logins without teacher details" not in listing
    assert "Jana Roth" in listing
    assert staff.get(f"/teachers/new?account={stuck}").status_code == 404  # done once

    teacher = app.test_client()
    assert Auth(app, teacher).login("roth@example.org").status_code == 302
    page = teacher.get("/teachers/me").get_data(as_text=True)
    assert "not registered as a supervising teacher" not in page
    assert "Buffalo March 2027" in page and "Albers" in page


def test_bad_details_are_shown_again_and_nothing_is_made(app, staff, stuck):
    response = post(staff, f"/teachers/new?account={stuck}", {**DETAILS, "phone": "ring ring"})
    assert response.status_code == 200
    assert "Enter a phone number of digits" in response.get_data(as_text=True)
    assert count(app, Teacher) == 0


def test_only_a_teacher_login_without_details_can_be_completed(app, staff, stuck):
    coordinator = make_user(app, "other@example.org", Role.COORDINATOR)
    assert staff.get(f"/teachers/new?account={coordinator}").status_code == 404
    assert post(staff, f"/teachers/new?account={coordinator}", DETAILS).status_code == 404
    assert staff.get("/teachers/new?account=999999").status_code == 404
    assert staff.get("/teachers/new?account=abc").status_code == 400
    assert count(app, Teacher) == 0


def test_new_teacher_with_that_email_says_where_to_complete_it(app, staff, stuck):
    response = post(
        staff, "/teachers/new", {**DETAILS, "email": "roth@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "complete it from the list of teachers" in response.get_data(as_text=True)
    assert count(app, Teacher) == 0


def test_teachers_print_their_students_straight_from_their_cohorts(app, auth, stuck):
    post_staff = Auth(app, app.test_client())
    post_staff.login_as(Role.COORDINATOR)
    post(post_staff.client, f"/teachers/new?account={stuck}", DETAILS)
    cohort_id = make_cohort(app, name="Buffalo March 2027")
    with app.app_context():
        record = db.session.scalar(db.select(Teacher).where(Teacher.user_id == stuck))
        teachers.assign(db.session.get(Cohort, cohort_id), record, TeacherRole.LEAD)
        db.session.commit()
        teacher_id = record.id
    auth.login("roth@example.org")
    page = auth.client.get("/teachers/me").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)"[^>]*>Print my students</a>', page)
    assert link is not None
    assert f"/rosters/cohorts/{cohort_id}" in link.group(1)
    assert f"teacher={teacher_id}" in link.group(1)
    assert "Page for printing" not in page
    assert auth.client.get(link.group(1).replace("&amp;", "&")).status_code == 200
