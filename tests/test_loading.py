"""One way to load a record that a URL names within its parent (app/loading.py): the id of a
record that exists, but belongs to another parent, is answered like an unknown id, with 404,
and nothing is changed."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.loading import child_or_404, found_or_404
from app.models import CohortTeacher, Enrolment, GuardianConsent, HostApplication, Role
from app.services.enrolment import documents
from tests.conftest import post
from tests.factories import (
    assign_teacher,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
    make_teacher,
    place,
)

WORDING = documents.current_wording_version()


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


@pytest.fixture
def two_cohorts(app) -> tuple[int, int]:
    return make_cohort(app, name="Here"), make_cohort(app, name="Elsewhere")


def test_a_child_is_found_within_its_parent_only(app, two_cohorts):
    here, elsewhere = two_cohorts
    enrolment_id = enrol(app, make_student(app), here)
    application_id = make_approved_family(app, [here])
    with app.test_request_context():
        assert child_or_404(Enrolment, enrolment_id, cohort_id=here).id == enrolment_id
        offered_here = HostApplication.cohorts.any(id=here)
        assert child_or_404(HostApplication, application_id, offered_here).id == application_id
        for wrong in (
            lambda: child_or_404(Enrolment, enrolment_id, cohort_id=elsewhere),
            lambda: child_or_404(Enrolment, 999999, cohort_id=here),
            lambda: child_or_404(Enrolment, None, cohort_id=here),
            lambda: child_or_404(
                HostApplication, application_id, HostApplication.cohorts.any(id=elsewhere)
            ),
            lambda: found_or_404(None),
        ):
            with pytest.raises(NotFound):
                wrong()


def test_a_consent_of_another_enrolment_is_not_found(app, coordinator, two_cohorts):
    here, elsewhere = two_cohorts
    mine, other = enrol(app, make_student(app), here), enrol(app, make_student(app), elsewhere)
    with app.app_context():
        enrolment = db.session.get(Enrolment, other)
        consent_id = documents.record_consent(
            enrolment, "Maria", datetime(2026, 1, 10), WORDING, None
        ).id
        db.session.commit()

    url = f"/enrolments/{mine}/consents/{consent_id}/withdraw"
    assert post(coordinator, url, {"note": "no"}).status_code == 404
    with app.app_context():
        assert db.session.get(GuardianConsent, consent_id).withdrawn_at is None
    assert (
        post(coordinator, f"/enrolments/{other}/consents/{consent_id}/withdraw").status_code == 302
    )


def test_a_placement_of_another_cohort_has_no_move_page(app, coordinator, two_cohorts):
    here, elsewhere = two_cohorts
    enrolment_id = enrol(app, make_student(app), elsewhere)
    placement_id = place(app, enrolment_id, make_approved_family(app, [elsewhere]))
    assert (
        coordinator.get(f"/placements/cohorts/{here}/placements/{placement_id}/move").status_code
        == 404
    )
    assert (
        coordinator.get(
            f"/placements/cohorts/{elsewhere}/placements/{placement_id}/move"
        ).status_code
        == 200
    )


def test_a_teacher_of_another_cohort_cannot_be_removed_through_this_one(
    app, coordinator, two_cohorts
):
    here, elsewhere = two_cohorts
    teacher_id = make_teacher(app)
    assign_teacher(app, elsewhere, teacher_id)
    url = f"/teachers/cohorts/{here}/teachers/{teacher_id}/remove"
    assert coordinator.get(url).status_code == 404  # no confirmation page
    refused = post(coordinator, url, follow_redirects=True)  # a refusal, as after a double click
    assert "This teacher is not assigned to this cohort." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CohortTeacher, (elsewhere, teacher_id)) is not None
    response = post(coordinator, f"/teachers/cohorts/{elsewhere}/teachers/{teacher_id}/remove")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CohortTeacher)) == 0
