"""The dashboard lists the students living with a temporary family (an emergency move) whose
stay there ends within the week or has already ended, so that somebody decides what next."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.extensions import db
from app.models import Placement, PlacementKind
from app.services.supervision import care_alerts
from tests.factories import enrol, make_approved_family, make_cohort, make_student, place


def _section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="temporary-heading".*?</section>', page, re.S)
    return found.group(0) if found else ""


def _placed(app, cohort_id: int, last_name: str, family: str, ends_in: int | None) -> int:
    enrolment = enrol(app, make_student(app, first_name="Kim", last_name=last_name), cohort_id)
    place(app, enrolment, make_approved_family(app, [cohort_id], family_name=family))
    if ends_in is not None:  # made temporary as a move with an end date would make it
        with app.app_context():
            placement = db.session.scalar(db.select(Placement).filter_by(enrolment_id=enrolment))
            placement.kind = PlacementKind.TEMPORARY
            placement.ends_on = date.today() + timedelta(days=ends_in)
            db.session.commit()
    return enrolment


def test_temporary_families_ending_soon_or_ended_are_listed(app, auth):
    today = date.today()
    cohort = make_cohort(
        app, departure_date=today - timedelta(days=30), return_date=today + timedelta(days=60)
    )
    soon = _placed(app, cohort, "Bald", "Short", 3)
    _placed(app, cohort, "Vorbei", "Over", -2)
    _placed(app, cohort, "Spaeter", "Later", 20)
    _placed(app, cohort, "Regulaer", "Regular", None)

    with app.app_context():
        found = {
            s.placement.enrolment.student.last_name: s.ended for s in care_alerts.temporary_ending()
        }
    assert found == {"Vorbei": True, "Bald": False}

    auth.login_as("coordinator")
    section = _section(auth.client.get("/dashboard").get_data(as_text=True))
    assert "Temporary families ending" in section
    assert "Kim Bald" in section and "The Short family" in section
    assert "Kim Vorbei" in section and "ended on" in section
    assert f'href="/placements/cohorts/{cohort}#enrolment-{soon}"' in section
    for absent in ("Spaeter", "Regulaer"):
        assert absent not in section


def test_nothing_is_shown_without_temporary_families(app, auth):
    auth.login_as("admin")
    assert _section(auth.client.get("/dashboard").get_data(as_text=True)) == ""
