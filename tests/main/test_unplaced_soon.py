"""The dashboard lists the students still without a host family within their programme's weeks
before departure (6 by default), per cohort with a count, each name linking to the board."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.extensions import db
from app.models import Programme
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place


def _cohort(app, name: str, days: int) -> int:
    leaves = date.today() + timedelta(days=days)
    return make_cohort(
        app, name=name, departure_date=leaves, return_date=leaves + timedelta(days=21)
    )


def _section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="unplaced-soon-heading".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_the_dashboard_lists_who_is_unplaced_before_departure(app, auth):
    soon = _cohort(app, "Buffalo soon", 20)
    ina = enrol(app, make_student(app, first_name="Ina", last_name="Unplatziert"), soon)
    enrol(app, make_student(app, first_name="Olaf", last_name="Ohnefamilie"), soon)
    placed = enrol(app, make_student(app, first_name="Gert", last_name="Gutversorgt"), soon)
    place(app, placed, make_approved_family(app, [soon]))
    later = _cohort(app, "Buffalo later", 60)  # after the 6 weeks
    enrol(app, make_student(app, first_name="Sepp", last_name="Spaetabreise"), later)
    ready = _cohort(app, "Buffalo ready", 10)  # everybody placed
    done = enrol(app, make_student(app, first_name="Rita", last_name="Fertig"), ready)
    place(app, done, make_approved_family(app, [ready]))

    auth.login_as("coordinator")
    section = _section(auth.client.get("/dashboard").get_data(as_text=True))
    assert "Leaving soon without a host family" in section
    assert "Buffalo soon" in section and "2 students without a host family" in section
    assert "Ina Unplatziert" in section and "Olaf Ohnefamilie" in section
    assert f'href="/placements/cohorts/{soon}#enrolment-{ina}"' in section
    for absent in ("Gutversorgt", "Buffalo later", "Spaetabreise", "Buffalo ready", "Fertig"):
        assert absent not in section

    with app.app_context():  # the programme's setting: 9 weeks brings the later cohort in
        db.session.scalar(db.select(Programme)).unplaced_alert_weeks = 9
        db.session.commit()
    section = _section(auth.client.get("/dashboard").get_data(as_text=True))
    assert "Sepp Spaetabreise" in section and "1 student without a host family" in section


def test_nothing_is_shown_when_nobody_leaving_soon_is_unplaced(app, auth):
    enrol(app, make_student(app, last_name="Spaetabreise"), _cohort(app, "Buffalo later", 60))
    auth.login_as("admin")
    page = auth.client.get("/dashboard").get_data(as_text=True)
    assert _section(page) == "" and "Spaetabreise" not in page
