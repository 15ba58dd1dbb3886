"""Teacher pages through the web: staff register teachers, assign them and split the
students; a teacher sees their own cohorts' students with care and emergency data, and
nothing of other cohorts."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Cohort, Enrolment, Placement, Role, Teacher, TeacherRole
from app.services.identity import accounts
from app.services.supervision import ratio, teachers
from tests.conftest import PASSWORD, count, post
from tests.factories import (
    FAMILY_PASSWORD,
    enrol,
    make_application,
    make_cohort,
    make_student,
)


def make_teacher(app, name: str, email: str) -> int:
    with app.app_context():
        teacher = teachers.create_teacher(
            email, PASSWORD, name, "Goethe-Gymnasium", "+49 171 1", ""
        )
        db.session.commit()
        return teacher.id


def assign(app, cohort_id: int, teacher_id: int, role=TeacherRole.ASSISTANT) -> None:
    with app.app_context():
        cohort, teacher = db.session.get(Cohort, cohort_id), db.session.get(Teacher, teacher_id)
        teachers.assign(cohort, teacher, role)
        db.session.commit()


def supervisor_of(app, enrolment_id: int) -> int | None:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).supervising_teacher_id


@pytest.fixture
def staff(auth):
    auth.login_as(Role.COORDINATOR)
    return auth.client


def test_staff_register_a_teacher_who_then_lands_on_the_portal(app, staff, auth):
    response = post(
        staff,
        "/teachers/new",
        {
            "name": "Katrin Weber",
            "school": "Goethe-Gymnasium",
            "phone": "+49 171 2345678",
            "languages": "German, English",
            "email": "weber@example.org",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    listing = staff.get("/teachers/").get_data(as_text=True)
    assert "Katrin Weber" in listing
    assert "weber@example.org" in listing
    auth.logout()
    response = auth.login("weber@example.org")
    assert response.headers["Location"].endswith("/teachers/me")
    page = staff.get("/teachers/me").get_data(as_text=True)
    assert "not assigned to a cohort yet" in page


def test_a_bad_new_teacher_is_shown_again_with_the_problems(app, staff):
    make_teacher(app, "Katrin Weber", "weber@example.org")
    response = post(
        staff,
        "/teachers/new",
        {
            "name": "K. Weber",
            "school": "Goethe",
            "phone": "ring ring",
            "email": "weber@example.org",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Enter a phone number of digits" in response.get_data(as_text=True)
    assert count(app, Teacher) == 1


def test_staff_edit_a_teacher(app, staff):
    teacher_id = make_teacher(app, "Katrin Weber", "weber@example.org")
    assert "Katrin Weber" in staff.get(f"/teachers/{teacher_id}/edit").get_data(as_text=True)
    response = post(
        staff,
        f"/teachers/{teacher_id}/edit",
        {
            "name": "Katrin Weber-Roth",
            "school": "Helmholtz",
            "phone": "+49 231 99",
            "languages": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        teacher = db.session.get(Teacher, teacher_id)
        assert (teacher.name, teacher.school) == ("Katrin Weber-Roth", "Helmholtz")


def test_staff_assign_change_role_and_unassign(app, staff):
    cohort = make_cohort(app)
    weber = make_teacher(app, "Katrin Weber", "weber@example.org")
    schulz = make_teacher(app, "Martin Schulz", "schulz@example.org")
    page = staff.get(f"/teachers/cohorts/{cohort}").get_data(as_text=True)
    assert "Martin Schulz (Goethe-Gymnasium)" in page
    url = f"/teachers/cohorts/{cohort}/assign"
    post(staff, url, {"teacher_id": weber, "role": "lead"})
    response = post(staff, url, {"teacher_id": schulz, "role": "lead"}, follow_redirects=True)
    assert "Katrin Weber already leads this cohort" in response.get_data(as_text=True)
    post(staff, url, {"teacher_id": schulz, "role": "assistant"})
    post(staff, url, {"teacher_id": weber, "role": "assistant"})
    post(staff, url, {"teacher_id": schulz, "role": "lead"})
    with app.app_context():
        summary = ratio.supervision(db.session.get(Cohort, cohort))
        assert [(t.teacher.name, t.role) for t in summary.teachers] == [
            ("Martin Schulz", TeacherRole.LEAD),
            ("Katrin Weber", TeacherRole.ASSISTANT),
        ]
    response = post(staff, f"/teachers/cohorts/{cohort}/teachers/{weber}/remove")
    assert response.status_code == 302
    with app.app_context():
        assert len(ratio.supervision(db.session.get(Cohort, cohort)).teachers) == 1


def test_staff_split_by_hand_and_balance_by_area(app, staff):
    cohort = make_cohort(app)
    weber = make_teacher(app, "Katrin Weber", "weber@example.org")
    schulz = make_teacher(app, "Martin Schulz", "schulz@example.org")
    assign(app, cohort, weber, TeacherRole.LEAD)
    assign(app, cohort, schulz)
    first, second = (enrol(app, make_student(app), cohort) for _ in range(2))
    response = post(
        staff,
        f"/teachers/cohorts/{cohort}/split",
        {f"supervisor-{first}": str(schulz), f"supervisor-{second}": ""},
        follow_redirects=True,
    )
    assert "1 student has a new supervising teacher." in response.get_data(as_text=True)
    assert (supervisor_of(app, first), supervisor_of(app, second)) == (schulz, None)
    response = post(staff, f"/teachers/cohorts/{cohort}/balance", follow_redirects=True)
    assert "2 students were shared among the teachers by area." in response.get_data(as_text=True)
    assert {supervisor_of(app, first), supervisor_of(app, second)} == {weber, schulz}


def test_a_split_naming_another_cohorts_student_changes_nothing(app, staff):
    mine, other = make_cohort(app), make_cohort(app)
    weber = make_teacher(app, "Katrin Weber", "weber@example.org")
    assign(app, mine, weber)
    assign(app, other, weber)
    own = enrol(app, make_student(app), mine)
    foreign = enrol(app, make_student(app), other)
    post(
        staff,
        f"/teachers/cohorts/{mine}/split",
        {f"supervisor-{own}": str(weber), f"supervisor-{foreign}": str(weber)},
    )
    assert (supervisor_of(app, own), supervisor_of(app, foreign)) == (None, None)


def test_balance_without_a_csrf_token_is_refused(app, staff):
    cohort = make_cohort(app)
    assign(app, cohort, make_teacher(app, "Katrin Weber", "weber@example.org"))
    enrolment = enrol(app, make_student(app), cohort)
    response = staff.post(f"/teachers/cohorts/{cohort}/balance")
    assert response.status_code in (302, 400)
    assert supervisor_of(app, enrolment) is None


def test_the_cohort_page_shows_its_teachers_and_the_ratio_warning(app, staff):
    cohort = make_cohort(app, places=12)
    assign(app, cohort, make_teacher(app, "Katrin Weber", "weber@example.org"), TeacherRole.LEAD)
    for _ in range(11):
        enrol(app, make_student(app), cohort)
    page = staff.get(f"/cohorts/{cohort}").get_data(as_text=True)
    assert "Supervising teachers" in page
    assert "Katrin Weber" in page
    assert "11 students need at least 2 supervising teachers" in page
    assert f"/teachers/cohorts/{cohort}" in page
    split_page = staff.get(f"/teachers/cohorts/{cohort}").get_data(as_text=True)
    assert "11 students need at least 2 supervising teachers" in split_page


def student_with_care(app, cohort_id: int, last_name: str, **overrides) -> int:
    student = make_student(
        app,
        last_name=last_name,
        allergies="peanuts",
        pet_allergy=True,
        medical_notes=f"{last_name} carries an inhaler",
        emergency_contacts=[
            {"name": f"Oma {last_name}", "relation": "grandmother", "phone": "+49 231 444"}
        ],
        **overrides,
    )
    return enrol(app, student, cohort_id)


@pytest.fixture
def two_cohorts(app):
    """Weber teaches cohort `mine` (Albers is hers, Becker is Schulz's); Yilmaz teaches
    `other` with Otherkid."""
    mine, other = make_cohort(app), make_cohort(app)
    ids = {
        "weber": make_teacher(app, "Katrin Weber", "weber@example.org"),
        "schulz": make_teacher(app, "Martin Schulz", "schulz@example.org"),
        "yilmaz": make_teacher(app, "Aylin Yilmaz", "yilmaz@example.org"),
    }
    assign(app, mine, ids["weber"], TeacherRole.LEAD)
    assign(app, mine, ids["schulz"])
    assign(app, other, ids["yilmaz"], TeacherRole.LEAD)
    albers = student_with_care(app, mine, "Albers")
    becker = student_with_care(app, mine, "Becker")
    otherkid = student_with_care(app, other, "Otherkid")
    home = make_application(app, cohort_ids=[mine], city="Amherst", address_line="45 Maple Road")
    with app.app_context():
        db.session.add(Placement(cohort_id=mine, enrolment_id=albers, application_id=home))
        cohort = db.session.get(Cohort, mine)
        teachers.split(cohort, {albers: ids["weber"], becker: ids["schulz"]})
        teachers.balance(db.session.get(Cohort, other))
        db.session.commit()
    return {"mine": mine, "other": other, "otherkid": otherkid, **ids}


def test_a_teacher_sees_their_cohort_with_care_and_emergency_data(app, auth, two_cohorts):
    auth.login("weber@example.org")
    for url in ("/teachers/me", f"/teachers/me/cohorts/{two_cohorts['mine']}"):
        response = auth.client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        for text in (
            "Albers",
            "Becker",  # the whole cohort, not only her own students
            "Albers carries an inhaler",
            "Becker carries an inhaler",
            "Oma Albers",
            "+49 231 444",
            "allergic to pets",
            "45 Maple Road",
            "Amherst",
            "not placed yet",
            "your student",
            "supervised by Martin Schulz",
        ):
            assert text in page, text
        assert page.index("Albers") < page.index("Becker")
        assert page.count("your student") == 1
        assert "Otherkid" not in page


def test_a_teacher_cannot_open_another_cohort_by_id(app, auth, two_cohorts):
    auth.login("weber@example.org")
    response = auth.client.get(f"/teachers/me/cohorts/{two_cohorts['other']}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Otherkid" not in page
    assert "Aylin Yilmaz" not in page
    assert auth.client.get("/teachers/me/cohorts/999999").status_code == 404


def test_teachers_are_refused_staff_pages(app, auth, two_cohorts):
    auth.login("weber@example.org")
    mine = two_cohorts["mine"]
    for url in (
        "/cohorts/",
        f"/cohorts/{mine}",
        "/students/",
        "/vetting/",
        "/teachers/",
        "/teachers/new",
        f"/teachers/cohorts/{mine}",
        f"/teachers/{two_cohorts['weber']}/edit",
    ):
        assert auth.client.get(url).status_code == 403, url
    for url in (f"/teachers/cohorts/{mine}/balance", f"/teachers/cohorts/{mine}/assign"):
        assert post(auth.client, url).status_code == 403, url


def test_a_teacher_account_without_a_teacher_record_sees_no_cohort(app, auth, two_cohorts):
    auth.login_as(Role.TEACHER, "new-teacher@example.org")
    page = auth.client.get("/teachers/me").get_data(as_text=True)
    assert "not registered as a supervising teacher" in page
    assert "Albers" not in page
    assert auth.client.get(f"/teachers/me/cohorts/{two_cohorts['mine']}").status_code == 404


def test_families_are_refused_teacher_pages(app, client, two_cohorts):
    make_application(app, "family@example.org", cohort_ids=[two_cohorts["mine"]])
    post(client, "/login", {"email": "family@example.org", "password": FAMILY_PASSWORD})
    for url in ("/teachers/me", f"/teachers/me/cohorts/{two_cohorts['mine']}", "/teachers/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Albers" not in response.get_data(as_text=True)


def test_the_teacher_list_is_paged_by_name(app, staff, monkeypatch):
    monkeypatch.setattr(accounts, "hash_password", lambda password: "unusable")  # speed: scrypt
    for number in range(52):
        make_teacher(app, f"Teacher {number:02d}", f"t{number:02d}@example.org")
    first = staff.get("/teachers/").get_data(as_text=True)
    names = re.findall(r">(Teacher \d\d)</a>", first)
    assert names == [f"Teacher {n:02d}" for n in range(50)]
    assert "Page 1 of 2" in first
    second = staff.get("/teachers/?page=2").get_data(as_text=True)
    assert re.findall(r">(Teacher \d\d)</a>", second) == ["Teacher 50", "Teacher 51"]


def test_removing_a_teacher_names_the_students_who_lose_their_supervisor(app, staff):
    cohort = make_cohort(app, name="Buffalo spring 2027")
    weber = make_teacher(app, "Katrin Weber", "weber@example.org")
    assign(app, cohort, weber, TeacherRole.LEAD)
    jonas = enrol(app, make_student(app, first_name="Jonas", last_name="Becker"), cohort)
    with app.app_context():
        teachers.set_supervisor(db.session.get(Enrolment, jonas), db.session.get(Teacher, weber))
        db.session.commit()
    url = f"/teachers/cohorts/{cohort}/teachers/{weber}/remove"
    assert f'href="{url}"' in staff.get(f"/teachers/cohorts/{cohort}").get_data(as_text=True)

    page = staff.get(url).get_data(as_text=True)
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Remove Katrin Weber from Buffalo spring 2027?" in words
    assert "1 student loses their supervising teacher: Jonas Becker." in words
    assert '<button type="submit" class="destructive">Remove Katrin Weber</button>' in page
    with app.app_context():
        assert len(ratio.supervision(db.session.get(Cohort, cohort)).teachers) == 1

    done = post(staff, url, follow_redirects=True).get_data(as_text=True)
    assert (
        "Katrin Weber is no longer a teacher of this cohort; 1 student now has no supervising "
        "teacher." in done
    )
    twice = post(staff, url, follow_redirects=True).get_data(as_text=True)
    assert "This teacher is not assigned to this cohort." in twice
    with app.app_context():
        assert ratio.supervision(db.session.get(Cohort, cohort)).teachers == []
        assert db.session.get(Enrolment, jonas).supervising_teacher_id is None
