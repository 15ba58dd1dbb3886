"""Withdrawing a student goes through a confirmation page that names who moves up; the
confirmation checks again (a double click or a colleague changes nothing twice); a withdrawn
enrolment shows no forms that no longer apply, and can be reinstated under stated rules."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus, Role
from app.services.enrolment import cohorts
from tests.conftest import post
from tests.factories import enrol, make_cohort, make_student

S = EnrolmentStatus


def text(response) -> str:
    """The page's words, without tags."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def flashes(response) -> list[str]:
    page = response.get_data(as_text=True)
    found = re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    return [html.unescape(message).strip() for message in found]


def status_of(app, enrolment_id: int) -> S:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).status


def places_taken(app, cohort_id: int) -> int:
    with app.app_context():
        return db.session.get(Cohort, cohort_id).places_taken


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


@pytest.fixture
def full_cohort(app) -> dict:
    """One place, taken by Jonas Becker; Emir Yilmaz and Mia Wagner wait, in that order."""
    cohort_id = make_cohort(app, places=1, name="Buffalo spring 2027")
    names = [("Jonas", "Becker"), ("Emir", "Yilmaz"), ("Mia", "Wagner")]
    ids = [enrol(app, make_student(app, first_name=f, last_name=n), cohort_id) for f, n in names]
    return {"cohort": cohort_id, "jonas": ids[0], "emir": ids[1], "mia": ids[2]}


def test_the_confirmation_page_says_who_moves_up_and_changes_nothing(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    response = coordinator.get(f"/enrolments/{jonas}/withdraw")
    page = response.get_data(as_text=True)
    words = text(response)

    assert response.status_code == 200
    assert "Withdraw Jonas Becker from Buffalo spring 2027?" in words
    assert "Emir Yilmaz moves up from the waitlist and gets the place." in words
    assert "Mia Wagner" not in words
    assert "No guardian of Jonas Becker has an email address: tell them yourself." in words
    assert re.search(rf'<form method="post" action="/enrolments/{jonas}/withdraw"', page), (
        "the form posts to the same address"
    )
    assert '<button type="submit" class="destructive">Withdraw Jonas Becker</button>' in page
    assert f'href="/enrolments/{jonas}" class="confirm-cancel"' in page
    assert (status_of(app, jonas), status_of(app, full_cohort["emir"])) == (S.APPLIED, S.WAITLISTED)


def test_confirming_withdraws_and_a_second_click_changes_nothing(app, coordinator, full_cohort):
    jonas, emir, mia = full_cohort["jonas"], full_cohort["emir"], full_cohort["mia"]

    first = post(coordinator, f"/enrolments/{jonas}/withdraw", {"reason": "moves away"})
    second = post(coordinator, f"/enrolments/{jonas}/withdraw", follow_redirects=True)

    assert first.status_code == 302
    assert flashes(second) == [
        "Jonas Becker was withdrawn. Moved up from the waitlist: Emir Yilmaz.",
        "Nobody can be emailed about Emir Yilmaz: tell them yourself.",  # no address known
        "Jonas Becker is already withdrawn; nothing was changed.",
    ]
    assert [status_of(app, i) for i in (jonas, emir, mia)] == [S.WITHDRAWN, S.APPLIED, S.WAITLISTED]
    assert places_taken(app, full_cohort["cohort"]) == 1


def test_going_back_to_the_confirmation_page_offers_nothing_to_do(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    post(coordinator, f"/enrolments/{jonas}/withdraw")

    response = coordinator.get(f"/enrolments/{jonas}/withdraw")

    assert "Jonas Becker is already withdrawn; nothing was changed." in text(response)
    assert '<form method="post" action="/enrolments/' not in response.get_data(as_text=True)


def test_the_old_status_button_leads_to_the_confirmation(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    response = post(coordinator, f"/enrolments/{jonas}/status", {"status": "withdrawn"})
    assert response.headers["Location"].endswith(f"/enrolments/{jonas}/withdraw")
    assert status_of(app, jonas) == S.APPLIED


def test_a_withdrawn_enrolment_shows_no_document_or_consent_forms(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    before = coordinator.get(f"/enrolments/{jonas}").get_data(as_text=True)
    assert f"/enrolments/{jonas}/documents/" in before
    assert f'action="/enrolments/{jonas}/consents"' in before

    post(coordinator, f"/enrolments/{jonas}/withdraw")
    response = coordinator.get(f"/enrolments/{jonas}")
    page = response.get_data(as_text=True)

    assert f"/enrolments/{jonas}/documents/" not in page
    assert f'action="/enrolments/{jonas}/consents"' not in page
    assert f'href="/enrolments/{jonas}/withdraw"' not in page
    assert f'href="/enrolments/{jonas}/reinstate"' in page
    assert "Medical form missing" in text(response)
    refused = post(
        coordinator,
        f"/enrolments/{jonas}/documents/insurance",
        {"received": "1"},
        follow_redirects=True,
    )
    assert "Jonas Becker is withdrawn: documents and consents stay as they were." in text(refused)


def test_reinstating_puts_the_student_at_the_end_of_the_waitlist(app, coordinator, full_cohort):
    jonas, emir = full_cohort["jonas"], full_cohort["emir"]
    post(coordinator, f"/enrolments/{jonas}/withdraw")

    confirmation = coordinator.get(f"/enrolments/{jonas}/reinstate")
    assert "Jonas Becker goes to the end of the waitlist, at position 2." in text(confirmation)
    assert "Nobody who moved up in the meantime loses their place." in text(confirmation)

    response = post(coordinator, f"/enrolments/{jonas}/reinstate", follow_redirects=True)
    assert flashes(response) == [
        "Jonas Becker was reinstated and is on the waitlist at position 2."
    ]
    assert "waitlisted · position 2" in text(response)
    assert (status_of(app, jonas), status_of(app, emir)) == (S.WAITLISTED, S.APPLIED)
    assert "withdrawn → waitlisted" in text(response)

    again = post(coordinator, f"/enrolments/{jonas}/reinstate", follow_redirects=True)
    assert "Jonas Becker is not withdrawn (the status is “waitlisted”); nothing was changed." in (
        flashes(again)
    )


def test_a_closed_cohort_takes_nobody_back(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    post(coordinator, f"/enrolments/{jonas}/withdraw")
    with app.app_context():
        cohorts.set_status(db.session.get(Cohort, full_cohort["cohort"]), CohortStatus.CLOSED)
        db.session.commit()
    refusal = (
        "Jonas Becker cannot be reinstated: the cohort “Buffalo spring 2027” is “closed” "
        "and takes no enrolments any more."
    )

    assert refusal in text(coordinator.get(f"/enrolments/{jonas}"))
    assert refusal in text(coordinator.get(f"/enrolments/{jonas}/reinstate"))
    response = post(coordinator, f"/enrolments/{jonas}/reinstate", follow_redirects=True)
    assert flashes(response) == [refusal]
    assert status_of(app, jonas) == S.WITHDRAWN


def test_the_confirmation_page_in_german(app, coordinator, full_cohort):
    jonas = full_cohort["jonas"]
    response = coordinator.get(f"/enrolments/{jonas}/withdraw", headers={"Accept-Language": "de"})
    words = text(response)
    assert "Anmeldung von Jonas Becker für Buffalo spring 2027 zurückziehen?" in words
    assert "Emir Yilmaz rückt von der Warteliste nach und bekommt den Platz." in words
