"""Counts read right: with one of everything (one student, one teacher, one family, one mile)
no page says "1 students" or "1 Meilen", and nothing says "0 free beds with 0 families"."""

from __future__ import annotations

import html
import re

import pytest

from app.models import Role
from tests.conftest import Auth
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
)

PLURAL_AFTER_ONE = {
    "en": re.compile(
        r"\b1 (students|teachers|supervising teachers|families|miles|beds|free beds|places"
        r"|applications|years|cohorts|rows|documents|people|members|days|hours|minutes)\b"
    ),
    "de": re.compile(
        r"\b1 (Schülerinnen und Schüler|Schüler|Lehrkräfte|begleitende Lehrkräfte|Familien"
        r"|Meilen|Betten|freie Betten|Plätze|Bewerbungen|Jahre|Gruppen|Zeilen|Personen|Tage"
        r"|Stunden|Minuten)\b"
    ),
}


def visible_text(page: str) -> str:
    """The page as a reader sees it: tags gone, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def one_of_each(app):
    cohort = make_cohort(app, name="Buffalo 2027", places=1, students_per_teacher=1)
    enrolment = enrol(app, make_student(app, first_name="Lena", last_name="Abel"), cohort)
    teacher = make_teacher(app, "Anna Lehmann", email="anna@example.org")
    assign_teacher(app, cohort, teacher, students=[enrolment])
    family = make_approved_family(
        app, [cohort], email="millers@example.org", beds_offered=1, school_distance_miles=1
    )
    return {"cohort": cohort, "enrolment": enrolment, "family": family}


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_says_one_with_a_plural(app, client, one_of_each, language):
    Auth(app, client).login_as(Role.ADMIN)
    client.set_cookie("lang", language)
    cohort, family = one_of_each["cohort"], one_of_each["family"]
    pages = [
        "/dashboard",
        "/cohorts/",
        f"/cohorts/{cohort}",
        f"/placements/cohorts/{cohort}",
        f"/placements/cohorts/{cohort}/proposal",
        f"/teachers/cohorts/{cohort}",
        "/teachers/",
        "/students/",
        "/vetting/",
        f"/vetting/{family}",
        f"/rosters/cohorts/{cohort}",
        f"/enrolments/{one_of_each['enrolment']}",
    ]
    seen = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.get_data(as_text=True))
        seen[url] = text
        wrong = PLURAL_AFTER_ONE[language].findall(text)
        assert not wrong, f"{url} says 1 {wrong}"
    mile = {"en": "1 mile", "de": "1 Meile"}[language]
    assert mile in seen[f"/vetting/{family}"]
    assert re.search(mile + r"\b(?! ?n)", seen[f"/placements/cohorts/{cohort}/proposal"])


def test_nothing_says_zero_free_beds_with_zero_families(app, client):
    cohort = make_cohort(app, name="Buffalo 2027")
    Auth(app, client).login_as(Role.COORDINATOR)
    text = visible_text(client.get(f"/placements/cohorts/{cohort}").get_data(as_text=True))
    assert "0 families" not in text
    assert "0 free beds no approved family yet" in text
