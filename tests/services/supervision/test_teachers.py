"""Supervising teachers: accounts, one lead per cohort, who supervises whom, balancing by area,
and the warning when a cohort has too few teachers."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    CohortTeacher,
    Enrolment,
    EnrolmentStatus,
    Placement,
    Role,
    Teacher,
    TeacherRole,
)
from app.services.enrolment import enrolments
from app.services.errors import DomainError
from app.services.supervision import area_split, ratio, teachers
from app.services.validation import ValidationFailed
from tests.conftest import PASSWORD
from tests.factories import enrol, make_application, make_cohort, make_student

LEAD, ASSISTANT = TeacherRole.LEAD, TeacherRole.ASSISTANT


def make_teacher(app, name: str = "Katrin Weber", **overrides) -> int:
    email = overrides.pop("email", f"{name.split()[0].lower()}@example.org")
    with app.app_context():
        teacher = teachers.create_teacher(
            email,
            PASSWORD,
            name,
            overrides.pop("school", "Goethe-Gymnasium"),
            overrides.pop("phone", "+49 171 2345678"),
            overrides.pop("languages", "German, English"),
        )
        db.session.commit()
        return teacher.id


def assign(app, cohort_id: int, teacher_id: int, role=ASSISTANT) -> None:
    with app.app_context():
        teachers.assign(
            db.session.get(Cohort, cohort_id), db.session.get(Teacher, teacher_id), role
        )
        db.session.commit()


def enrol_students(app, cohort_id: int, count: int, **overrides) -> list[int]:
    return [enrol(app, make_student(app, **overrides), cohort_id) for _ in range(count)]


def place(app, enrolment_id: int, application_id: int) -> None:
    """An active placement, written directly: these tests are about teachers, not beds."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        db.session.add(
            Placement(
                cohort_id=enrolment.cohort_id,
                enrolment_id=enrolment_id,
                application_id=application_id,
            )
        )
        db.session.commit()


def supervisors(app, enrolment_ids: list[int]) -> list[int | None]:
    with app.app_context():
        return [db.session.get(Enrolment, i).supervising_teacher_id for i in enrolment_ids]


def test_create_teacher_makes_a_teacher_account(app):
    teacher_id = make_teacher(app, "Katrin Weber", languages="German, English, French")
    with app.app_context():
        teacher = db.session.get(Teacher, teacher_id)
        assert teacher.user.role == Role.TEACHER
        assert teacher.user.email == "katrin@example.org"
        assert (teacher.school, teacher.languages) == (
            "Goethe-Gymnasium",
            "German, English, French",
        )


def test_create_teacher_refuses_bad_details_and_taken_emails(app):
    make_teacher(app, "Katrin Weber")
    with app.app_context():
        with pytest.raises(ValidationFailed) as failed:
            teachers.create_teacher("new@example.org", PASSWORD, "", "School", "call me", "")
        assert {field for field, _ in failed.value.problems} == {"name", "phone"}
        with pytest.raises(DomainError) as taken:
            teachers.create_teacher(
                "KATRIN@example.org", PASSWORD, "K. W.", "School", "+49 171 1111", ""
            )
        assert taken.value.field == "email"


def test_update_teacher(app):
    teacher_id = make_teacher(app)
    with app.app_context():
        teacher = db.session.get(Teacher, teacher_id)
        teachers.update_teacher(teacher, "Katrin Weber-Schmidt", "Helmholtz", "+49 231 1111", "")
        db.session.commit()
        assert db.session.get(Teacher, teacher_id).name == "Katrin Weber-Schmidt"
        with pytest.raises(ValidationFailed):
            teachers.update_teacher(teacher, "x" * 201, "Helmholtz", "+49 231 1111", "")


def test_a_cohort_has_one_lead_at_most_and_reassigning_changes_the_role(app):
    cohort = make_cohort(app)
    weber, schulz = make_teacher(app, "Katrin Weber"), make_teacher(app, "Martin Schulz")
    assign(app, cohort, weber, LEAD)
    with app.app_context(), pytest.raises(DomainError, match="Katrin Weber already leads"):
        teachers.assign(db.session.get(Cohort, cohort), db.session.get(Teacher, schulz), LEAD)
    assign(app, cohort, schulz, ASSISTANT)
    assign(app, cohort, weber, LEAD)  # the lead again: no change, no error
    assign(app, cohort, weber, ASSISTANT)
    assign(app, cohort, schulz, LEAD)
    with app.app_context():
        rows = db.session.execute(
            sa.select(CohortTeacher.teacher_id, CohortTeacher.role).order_by(
                CohortTeacher.teacher_id
            )
        ).all()
        assert rows == [(weber, ASSISTANT), (schulz, LEAD)]
        with pytest.raises(DomainError):
            teachers.assign(db.session.get(Cohort, cohort), db.session.get(Teacher, weber), "boss")


def test_the_same_teacher_may_lead_two_cohorts(app):
    first, second = make_cohort(app), make_cohort(app)
    weber = make_teacher(app)
    assign(app, first, weber, LEAD)
    assign(app, second, weber, LEAD)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CohortTeacher)) == 2


def test_unassign_clears_supervision_in_that_cohort_only(app):
    first, second = make_cohort(app), make_cohort(app)
    weber = make_teacher(app)
    assign(app, first, weber)
    assign(app, second, weber)
    mine_first = enrol_students(app, first, 2)
    mine_second = enrol_students(app, second, 1)
    with app.app_context():
        for cohort_id in (first, second):
            teachers.balance(db.session.get(Cohort, cohort_id))
        db.session.commit()
    assert supervisors(app, mine_first + mine_second) == [weber, weber, weber]
    with app.app_context():
        freed = teachers.unassign(db.session.get(Cohort, first), db.session.get(Teacher, weber))
        db.session.commit()
        assert freed == 2
        with pytest.raises(DomainError):
            teachers.unassign(db.session.get(Cohort, first), db.session.get(Teacher, weber))
    assert supervisors(app, mine_first + mine_second) == [None, None, weber]


def test_set_supervisor_needs_a_teacher_of_the_students_cohort(app):
    mine, other = make_cohort(app), make_cohort(app)
    weber, schulz = make_teacher(app, "Katrin Weber"), make_teacher(app, "Martin Schulz")
    assign(app, mine, weber)
    assign(app, other, schulz)
    (enrolment_id,) = enrol_students(app, mine, 1)
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        with pytest.raises(DomainError, match="Martin Schulz is not a teacher of this cohort"):
            teachers.set_supervisor(enrolment, db.session.get(Teacher, schulz))
        teachers.set_supervisor(enrolment, db.session.get(Teacher, weber))
        assert enrolment.supervising_teacher_id == weber
        teachers.set_supervisor(enrolment, None)
        assert enrolment.supervising_teacher_id is None


def test_set_supervisor_refuses_students_without_a_place(app):
    cohort = make_cohort(app, places=1)
    weber = make_teacher(app)
    assign(app, cohort, weber)
    _placed, waitlisted = enrol_students(app, cohort, 2)
    with app.app_context():
        enrolment = db.session.get(Enrolment, waitlisted)
        assert enrolment.status == EnrolmentStatus.WAITLISTED
        with pytest.raises(DomainError, match="hold a place"):
            teachers.set_supervisor(enrolment, db.session.get(Teacher, weber))


def test_split_sets_many_and_refuses_other_cohorts_students(app):
    mine, other = make_cohort(app), make_cohort(app)
    weber, schulz = make_teacher(app, "Katrin Weber"), make_teacher(app, "Martin Schulz")
    assign(app, mine, weber)
    assign(app, other, schulz)
    a, b = enrol_students(app, mine, 2)
    (foreign,) = enrol_students(app, other, 1)
    with app.app_context():
        cohort = db.session.get(Cohort, mine)
        assert teachers.split(cohort, {a: weber, b: None}) == 1
        db.session.commit()
        with pytest.raises(DomainError):
            teachers.split(cohort, {a: weber, foreign: weber})
        with pytest.raises(DomainError):
            teachers.split(cohort, {b: schulz})
        with pytest.raises(DomainError):
            teachers.split(cohort, {b: 999999})
        db.session.rollback()
    assert supervisors(app, [a, b, foreign]) == [weber, None, None]


def test_balance_gives_each_town_to_one_teacher_when_shares_allow(app):
    cohort = make_cohort(app, places=12)
    ids = [make_teacher(app, name) for name in ("Anna Alt", "Bernd Berg", "Carla Cremer")]
    for teacher_id in ids:
        assign(app, cohort, teacher_id)
    towns = {}
    for town in ("Amherst", "Tonawanda", "Buffalo"):
        home = make_application(app, cohort_ids=[cohort], city=town)
        towns[town] = enrol_students(app, cohort, 4)
        for enrolment_id in towns[town]:
            place(app, enrolment_id, home)
    with app.app_context():
        result = teachers.balance(db.session.get(Cohort, cohort))
        db.session.commit()
    assert (result.students, result.teachers, result.areas, result.split_areas) == (12, 3, 3, 0)
    owners = {town: set(supervisors(app, members)) for town, members in towns.items()}
    assert all(len(owner) == 1 for owner in owners.values())
    assert set().union(*owners.values()) == set(ids)


def test_balance_spreads_evenly_places_towns_first_and_falls_back_to_schools(app):
    cohort = make_cohort(app, places=12)
    weber, schulz = make_teacher(app, "Katrin Weber"), make_teacher(app, "Martin Schulz")
    assign(app, cohort, weber, LEAD)
    assign(app, cohort, schulz)
    amherst = make_application(app, cohort_ids=[cohort], city="Amherst")
    buffalo = make_application(app, cohort_ids=[cohort], city="Buffalo")
    in_amherst = enrol_students(app, cohort, 5)
    in_buffalo = enrol_students(app, cohort, 3)
    for enrolment_id in in_amherst:
        place(app, enrolment_id, amherst)
    for enrolment_id in in_buffalo:
        place(app, enrolment_id, buffalo)
    helmholtz = enrol_students(app, cohort, 2, school="Helmholtz-Gymnasium")
    goethe = enrol_students(app, cohort, 1, school="Goethe-Gymnasium")
    with app.app_context():
        result = teachers.balance(db.session.get(Cohort, cohort))
        db.session.commit()
        loads = [load.students for load in ratio.teachers_of(db.session.get(Cohort, cohort))]
    assert sorted(loads) == [5, 6]
    assert len(set(supervisors(app, in_amherst))) == 1
    assert len(set(supervisors(app, in_buffalo))) == 1
    assert len(set(supervisors(app, helmholtz))) == 1
    assert set(supervisors(app, in_amherst)) != set(supervisors(app, in_buffalo))
    assert None not in supervisors(app, goethe)
    assert result.split_areas == 0


def test_balance_ignores_waitlisted_and_withdrawn_students(app):
    cohort = make_cohort(app, places=2)
    weber = make_teacher(app)
    assign(app, cohort, weber)
    placed, withdrawn = enrol_students(app, cohort, 2)
    (waitlisted,) = enrol_students(app, cohort, 1)
    with app.app_context():
        enrolments.withdraw(db.session.get(Enrolment, withdrawn))
        db.session.commit()
    (waitlisted_again,) = enrol_students(app, cohort, 1)
    with app.app_context():
        result = teachers.balance(db.session.get(Cohort, cohort))
        db.session.commit()
    assert result.students == 2  # the first waitlisted student moved up into the freed place
    assert supervisors(app, [placed, withdrawn, waitlisted, waitlisted_again]) == [
        weber,
        None,
        weber,
        None,
    ]


def test_balance_needs_a_teacher(app):
    cohort = make_cohort(app)
    enrol_students(app, cohort, 1)
    with app.app_context(), pytest.raises(DomainError, match="Assign at least one teacher"):
        teachers.balance(db.session.get(Cohort, cohort))


def test_spread_keeps_shares_within_one_and_splits_as_little_as_it_must():
    shares, split = area_split.spread([list("AAAAAAA"), list("BBB")], ["x", "y"])
    assert sorted(len(members) for members in shares.values()) == [5, 5]
    assert split == 1
    assert any(set(members) == {"B"} | {"A"} for members in shares.values())
    shares, split = area_split.spread([list("AAAAAA"), list("BBBBB")], ["x", "y"])
    assert sorted(map(sorted, shares.values())) == [list("AAAAAA"), list("BBBBB")]
    assert split == 0
    rng = random.Random(1950)
    for _ in range(200):
        groups = [["s"] * rng.randint(1, 9) for _ in range(rng.randint(1, 8))]
        teachers_ = list(range(rng.randint(1, 5)))
        shares, split = area_split.spread(groups, teachers_)
        sizes = [len(members) for members in shares.values()]
        assert sum(sizes) == sum(map(len, groups))
        assert max(sizes) - min(sizes) <= 1
        assert split <= len(groups)


@pytest.mark.parametrize(
    ("students", "teacher_count", "per_teacher", "warns"),
    [
        (0, 0, 10, False),
        (1, 0, 10, True),
        (3, 0, 10, True),
        (10, 1, 10, False),
        (11, 1, 10, True),
        (11, 1, 20, True),  # two teachers from 11 students on, whatever the ratio
        (11, 2, 10, False),
        (25, 2, 10, True),
        (25, 3, 10, False),
    ],
)
def test_ratio_warning(app, students, teacher_count, per_teacher, warns):
    cohort = make_cohort(app, places=30, students_per_teacher=per_teacher)
    for number in range(teacher_count):
        assign(app, cohort, make_teacher(app, f"Teacher{number} Person"))
    enrol_students(app, cohort, students)
    with app.app_context():
        summary = ratio.supervision(db.session.get(Cohort, cohort))
    warning = summary.warning
    assert (warning is not None) is warns
    assert summary.students == students
    if warns:
        who = "1 student needs" if students == 1 else f"{students} students need"
        assert f"{who} at least" in warning
        assert not re.search(r"\b1 (students|teachers|supervising teachers)\b", warning)


def test_waitlisted_students_do_not_count_towards_the_ratio(app):
    cohort = make_cohort(app, places=10)
    assign(app, cohort, make_teacher(app))
    enrol_students(app, cohort, 12)  # 10 places, 2 waitlisted
    with app.app_context():
        assert ratio.supervision(db.session.get(Cohort, cohort)).warning is None


def test_teachers_of_lists_the_lead_first_with_counts_in_a_fixed_number_of_queries(app):
    cohort = make_cohort(app, places=20)
    lead = make_teacher(app, "Zora Zander")
    assign(app, cohort, lead, LEAD)
    enrol_students(app, cohort, 6)

    def queries_for_supervision() -> tuple[int, ratio.Supervision]:
        statements = []

        def count(*_args):
            statements.append(1)

        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                summary = ratio.supervision(db.session.get(Cohort, cohort))
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements), summary

    with app.app_context():
        teachers.balance(db.session.get(Cohort, cohort))
        db.session.commit()
    few, _ = queries_for_supervision()
    for name in ("Anna Alt", "Bernd Berg", "Carla Cremer"):
        assign(app, cohort, make_teacher(app, name))
    with app.app_context():
        teachers.balance(db.session.get(Cohort, cohort))
        db.session.commit()
    many, summary = queries_for_supervision()
    assert many == few
    assert summary.teachers[0].teacher.name == "Zora Zander"
    assert [load.role for load in summary.teachers] == [LEAD, ASSISTANT, ASSISTANT, ASSISTANT]
    assert sorted(load.students for load in summary.teachers) == [1, 1, 2, 2]
    assert summary.unsupervised == 0
