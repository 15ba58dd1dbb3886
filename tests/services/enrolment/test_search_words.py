"""Finding students by the beginnings of the words of their name and email, in any
spelling, and the search words kept right when a student is created, edited, imported or
erased."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Student, StudentWord
from app.models.students import search_words
from app.services.enrolment import students
from tests.factories import make_student


def found(app, words: str) -> list[str]:
    with app.app_context():
        query = students.search(students.StudentFilters(query=words))
        return [s.full_name for s in db.session.scalars(query)]


def words_of(app, student_id: int) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(StudentWord.word).where(StudentWord.student_id == student_id)
            )
        )


def test_a_students_words_in_every_spelling():
    words = search_words("Jörg-Peter", "Müller-Lüdenscheidt", "JP.Mueller@Example.org")
    assert {"jörg", "jorg", "joerg", "peter", "jörgpeter"} <= words
    assert {"müller", "muller", "mueller", "lüdenscheidt", "müllerlüdenscheidt"} <= words
    assert {"jp", "mueller"} <= words
    assert "example" not in words  # the email's domain finds nobody in particular
    assert "Müller" not in words  # folded
    assert search_words("Anna", "Strauß", None) >= {"anna", "strauss"}
    assert search_words("Seán", "O'Brien", "") >= {"sean", "o", "brien", "obrien"}


def test_students_are_found_by_the_beginnings_of_their_words(app):
    make_student(app, first_name="Anna", last_name="Müller", email="anna.m@example.org")
    make_student(app, first_name="Ben", last_name="Mueller", email=None)
    make_student(app, first_name="Jan", last_name="Schmidt-Annaberg", email="js@example.org")
    both = {"Anna Müller", "Ben Mueller"}
    assert set(found(app, "mül")) == both  # Mueller is Müller spelt out
    assert set(found(app, "MUELLER")) == both
    assert found(app, "Muller") == ["Anna Müller"]
    assert found(app, "anna") == ["Anna Müller", "Jan Schmidt-Annaberg"]
    assert found(app, "anna mül") == ["Anna Müller"]  # every word must match
    assert found(app, "Müller, Anna") == ["Anna Müller"]
    assert found(app, "annaberg") == ["Jan Schmidt-Annaberg"]
    assert found(app, "schmidtanna") == ["Jan Schmidt-Annaberg"]
    assert found(app, "anna.m@example") == ["Anna Müller"]
    assert found(app, "ller") == []  # the beginning of a word, not any part
    assert found(app, "%") == found(app, "")  # no word: everybody
    assert len(found(app, "")) == 3
    assert found(app, "zz") == []


def test_the_words_follow_a_change_of_name_and_go_with_the_student(app):
    student_id = make_student(app, first_name="Anna", last_name="Müller", email=None)
    with app.app_context():
        student = db.session.get(Student, student_id)
        student.last_name = "Weber"
        db.session.commit()
    assert found(app, "müller") == []
    assert found(app, "weber") == ["Anna Weber"]
    with app.app_context():  # a change of something else leaves the words alone
        db.session.get(Student, student_id).school = "Other school"
        db.session.commit()
    assert words_of(app, student_id) == search_words("Anna", "Weber", None)
    with app.app_context():
        students_table = Student.__table__
        db.session.execute(sa.delete(students_table).where(students_table.c.id == student_id))
        db.session.commit()
    assert words_of(app, student_id) == set()  # deleted with the student
