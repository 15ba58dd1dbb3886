"""Ids no database can hold get a clear 4xx, never a 500."""

import pytest

from app.extensions import db
from app.models import Cohort, Programme
from tests.conftest import count, post
from tests.factories import make_cohort

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/students/{HUGE}",
        f"/cohorts/{HUGE}",
        f"/enrolments/{HUGE}",
        f"/vetting/{HUGE}",
        f"/placements/cohorts/{HUGE}",
        f"/students/import/{HUGE}",
        f"/students/new?cohort={HUGE}",
    ],
)
def test_a_huge_id_in_the_address_is_not_found(auth, client, url):
    auth.login_as("coordinator")
    assert client.get(url).status_code in (400, 404)


def test_a_huge_id_in_a_form_is_a_bad_request(app, auth, client):
    cohort = make_cohort(app)
    auth.login_as("coordinator")
    response = post(client, f"/cohorts/{cohort}/enrol", {"student_id": HUGE})
    assert response.status_code in (302, 400)
    assert "Traceback" not in response.get_data(as_text=True)


def test_opening_the_new_cohort_form_stores_nothing(app, auth, client):
    auth.login_as("coordinator")
    assert client.get("/cohorts/new").status_code == 200
    assert count(app, Programme) == 0
    response = post(
        client,
        "/cohorts/new",
        {
            "programme_id": "0",
            "name": "Buffalo spring 2027",
            "direction": "outbound",
            "departure_date": "2027-01-25",
            "return_date": "2027-05-28",
            "places": "20",
            "students_per_teacher": "10",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(db.select(Cohort))
        assert cohort.programme.partner_city == "Buffalo"
