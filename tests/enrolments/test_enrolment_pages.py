"""The enrolment page as a coordinator uses it: changing the status (withdrawing moves the
waitlist up), ticking documents, recording and withdrawing a guardian's consent."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    CohortStatus,
    DocumentKind,
    Enrolment,
    EnrolmentDocument,
    EnrolmentStatus,
    GuardianConsent,
    Role,
)
from app.services.enrolment import documents
from tests.conftest import count, post
from tests.factories import enrol, make_cohort, make_student
from tests.form_errors import field_error, summary_links

S = EnrolmentStatus
WORDING = documents.current_wording_version()


def flashes(page: str) -> list[str]:
    return [
        html.unescape(text).strip()
        for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def missing_line(page: str) -> str:
    """The "Missing: …" line of the documents box, or '' when everything is in."""
    match = re.search(r"<p>Missing: (.*?)</p>", page)
    return re.sub(r"<[^>]+>", "", html.unescape(match.group(1))) if match else ""


def location(response) -> str:
    return urlsplit(response.headers["Location"]).path


def status_of(app, enrolment_id: int) -> EnrolmentStatus:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).status


def name_of(app, enrolment_id: int) -> str:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).student.full_name


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


@pytest.fixture
def full_cohort(app) -> dict:
    """Two places taken, two students waiting."""
    cohort_id = make_cohort(app, places=2)
    ids = [enrol(app, make_student(app), cohort_id) for _ in range(4)]
    return {"cohort": cohort_id, "placed": ids[:2], "waiting": ids[2:]}


@pytest.fixture
def enrolment_id(app) -> int:
    student_id = make_student(
        app,
        guardians=[
            {"name": "Maria Weber", "relation": "mother", "phone": "+49 231 111111"},
            {"name": "Karl Weber", "relation": "father", "phone": "+49 231 222222"},
        ],
    )
    return enrol(app, student_id, make_cohort(app))


# --- status -----------------------------------------------------------------------------


def test_enrolment_page_shows_status_choices_and_history(app, coordinator, full_cohort):
    placed = full_cohort["placed"][0]
    page = coordinator.get(f"/enrolments/{placed}").get_data(as_text=True)
    assert name_of(app, placed) in page
    assert re.findall(r'name="status" value="(\w+)"', page) == ["accepted"]
    assert f'href="/enrolments/{placed}/withdraw"' in page  # a link to the confirmation
    assert "(a place was free)" in page
    coordinator.set_cookie("lang", "de")  # the reason the application recorded, in German
    page = coordinator.get(f"/enrolments/{placed}").get_data(as_text=True)
    assert "(ein Platz war frei)" in page
    assert "place free" not in page
    coordinator.delete_cookie("lang")

    waiting = full_cohort["waiting"][1]
    page = coordinator.get(f"/enrolments/{waiting}").get_data(as_text=True)
    assert "waitlisted · position 2" in page
    assert re.findall(r'name="status" value="(\w+)"', page) == []
    assert f'href="/enrolments/{waiting}/withdraw"' in page


def test_withdrawing_moves_the_first_waitlisted_student_up(app, coordinator, full_cohort):
    placed = full_cohort["placed"][0]
    first_waiting, second_waiting = full_cohort["waiting"]

    response = post(
        coordinator,
        f"/enrolments/{placed}/withdraw",
        {"reason": "Family moves to Munich"},
    )

    assert location(response) == f"/enrolments/{placed}"
    page = coordinator.get(f"/enrolments/{placed}").get_data(as_text=True)
    messages = flashes(page)
    assert messages == [
        f"{name_of(app, placed)} was withdrawn. "
        f"Moved up from the waitlist: {name_of(app, first_waiting)}.",
        f"Nobody can be emailed about {name_of(app, first_waiting)}: tell them yourself.",
    ]
    assert "(Family moves to Munich)" in page
    assert status_of(app, placed) == S.WITHDRAWN
    assert status_of(app, first_waiting) == S.APPLIED
    assert status_of(app, second_waiting) == S.WAITLISTED
    with app.app_context():
        assert db.session.get(Cohort, full_cohort["cohort"]).places_taken == 2
    page = coordinator.get(f"/enrolments/{second_waiting}").get_data(as_text=True)
    assert "waitlisted · position 1" in page
    page = coordinator.get(f"/enrolments/{first_waiting}").get_data(as_text=True)
    assert "moved up from the waitlist" in page


def test_withdrawing_a_waitlisted_student_moves_nobody_up(app, coordinator, full_cohort):
    first_waiting, second_waiting = full_cohort["waiting"]

    response = post(coordinator, f"/enrolments/{first_waiting}/withdraw", follow_redirects=True)

    messages = flashes(response.get_data(as_text=True))
    assert messages == [f"{name_of(app, first_waiting)} was withdrawn."]
    assert status_of(app, second_waiting) == S.WAITLISTED
    assert [status_of(app, i) for i in full_cohort["placed"]] == [S.APPLIED, S.APPLIED]


def test_accepting_an_applied_student(app, coordinator, full_cohort):
    placed = full_cohort["placed"][1]
    post(coordinator, f"/enrolments/{placed}/status", {"status": "accepted"})
    assert status_of(app, placed) == S.ACCEPTED
    page = coordinator.get(f"/enrolments/{placed}").get_data(as_text=True)
    assert sorted(re.findall(r'name="status" value="(\w+)"', page)) == ["applied", "completed"]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("applied", ("cannot go from", "withdrawn", "applied")),
        ("nonsense", ("Unknown status.",)),
        ("", ("Choose a status.",)),
    ],
)
def test_a_refused_status_change_says_why(app, coordinator, full_cohort, status, words):
    placed = full_cohort["placed"][0]
    post(coordinator, f"/enrolments/{placed}/withdraw")
    first_waiting = full_cohort["waiting"][0]

    response = post(
        coordinator, f"/enrolments/{placed}/status", {"status": status}, follow_redirects=True
    )

    messages = flashes(response.get_data(as_text=True))
    assert any(all(word in message for word in words) for message in messages), messages
    assert status_of(app, placed) == S.WITHDRAWN
    assert status_of(app, first_waiting) == S.APPLIED
    with app.app_context():
        assert db.session.get(Cohort, full_cohort["cohort"]).places_taken == 2


def test_completion_waits_until_the_cohort_has_travelled(app, coordinator, full_cohort):
    placed = full_cohort["placed"][0]
    post(coordinator, f"/enrolments/{placed}/status", {"status": "accepted"})

    response = post(
        coordinator, f"/enrolments/{placed}/status", {"status": "completed"}, follow_redirects=True
    )

    assert "Only a cohort that has travelled can be completed." in flashes(
        response.get_data(as_text=True)
    )
    assert status_of(app, placed) == S.ACCEPTED


# --- documents --------------------------------------------------------------------------


def test_ticking_and_unticking_a_document(app, coordinator, enrolment_id):
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "Insurance" in missing_line(page)
    assert "Mark “Insurance” as received" in page

    response = post(
        coordinator, f"/enrolments/{enrolment_id}/documents/insurance", {"received": "1"}
    )

    assert location(response) == f"/enrolments/{enrolment_id}"
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "Insurance" not in missing_line(page)
    assert "Mark “Insurance” as missing" in page
    with app.app_context():
        document = db.session.scalar(sa.select(EnrolmentDocument))
        assert document.kind == DocumentKind.INSURANCE
        assert document.received_by_id is not None

    post(coordinator, f"/enrolments/{enrolment_id}/documents/insurance", {"received": "0"})

    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "Insurance" in missing_line(page)
    assert count(app, EnrolmentDocument) == 0


def test_all_documents_and_consent_complete_the_enrolment(app, coordinator, enrolment_id):
    for kind in ("medical_form", "insurance", "passport_visa", "code_of_conduct"):
        post(coordinator, f"/enrolments/{enrolment_id}/documents/{kind}", {"received": "1"})
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert missing_line(page) == "Guardian consent"

    post(
        coordinator,
        f"/enrolments/{enrolment_id}/consents",
        {"given_by": "Maria Weber", "given_at": "2026-01-10", "wording_version": WORDING},
    )

    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert missing_line(page) == ""
    assert "All documents are in." in page


@pytest.mark.parametrize(
    ("kind", "received", "message"),
    [
        ("visa_on_arrival", "1", "Unknown document."),
        ("insurance", "yes", "Unknown document."),
        ("guardian_consent", "1", "Record guardian consent with who gave it and when."),
    ],
)
def test_unknown_documents_are_refused(app, coordinator, enrolment_id, kind, received, message):
    response = post(
        coordinator,
        f"/enrolments/{enrolment_id}/documents/{kind}",
        {"received": received},
        follow_redirects=True,
    )
    assert message in flashes(response.get_data(as_text=True))
    assert count(app, EnrolmentDocument) == 0
    assert count(app, GuardianConsent) == 0


# --- consent ----------------------------------------------------------------------------


def test_recording_and_withdrawing_consent(app, coordinator, enrolment_id):
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "No consent recorded yet." in page
    assert '<option value="Maria Weber">Maria Weber (mother)</option>' in page
    assert '<option value="Karl Weber">Karl Weber (father)</option>' in page

    response = post(
        coordinator,
        f"/enrolments/{enrolment_id}/consents",
        {"given_by": "Karl Weber", "given_at": "2026-01-10", "wording_version": WORDING},
    )

    assert location(response) == f"/enrolments/{enrolment_id}"
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "The guardian's consent was recorded." in flashes(page)
    assert f"signed 10 January 2026, wording {WORDING}" in page
    assert "Guardian consent" not in missing_line(page)
    with app.app_context():
        consent = db.session.scalar(sa.select(GuardianConsent))
        assert consent.given_by == "Karl Weber"
        assert consent.given_at == datetime(2026, 1, 10)
        assert consent.guardian_id is not None
        assert consent.recorded_by_id is not None
        consent_id = consent.id

    response = post(
        coordinator,
        f"/enrolments/{enrolment_id}/consents/{consent_id}/withdraw",
        {"note": "Called the office"},
    )

    assert location(response) == f"/enrolments/{enrolment_id}"
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "The consent was marked as withdrawn." in flashes(page)
    assert "Withdrawn " in page
    assert "Called the office" in page
    assert "Guardian consent" in missing_line(page)
    assert "/consents/" not in page  # no consent left to withdraw
    with app.app_context():
        consent = db.session.get(GuardianConsent, consent_id)
        assert consent.withdrawn_at is not None
        assert consent.withdrawal_note == "Called the office"

    response = post(
        coordinator,
        f"/enrolments/{enrolment_id}/consents/{consent_id}/withdraw",
        follow_redirects=True,
    )
    assert "This consent was already withdrawn." in flashes(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_by": "Onkel Otto"}, "given_by"),  # the emergency contact, not a guardian
        ({"given_by": ""}, "given_by"),
        ({"wording_version": "1999-1"}, "wording_version"),
        ({"given_at": ""}, "given_at"),
        ({"given_at": "10.01.2026"}, "given_at"),
    ],
    ids=["not_a_guardian", "no_guardian", "unknown_wording", "no_date", "bad_date"],
)
def test_consent_needs_a_guardian_a_date_and_a_known_wording(
    app, coordinator, enrolment_id, changes, field
):
    data = {"given_by": "Maria Weber", "given_at": "2026-01-10", "wording_version": WORDING}

    response = post(coordinator, f"/enrolments/{enrolment_id}/consents", {**data, **changes})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, field)
    assert field in summary_links(page)  # the summary at the top links to the field
    assert count(app, GuardianConsent) == 0


@pytest.mark.parametrize(
    ("given_at", "message"),
    [
        ((date.today() + timedelta(days=3)).isoformat(), "Consent cannot be given in the future."),
        ("1990-05-01", "This date is not plausible."),
    ],
    ids=["future", "long_ago"],
)
def test_consent_with_an_implausible_date_is_refused(
    app, coordinator, enrolment_id, given_at, message
):
    data = {"given_by": "Maria Weber", "given_at": given_at, "wording_version": WORDING}

    response = post(coordinator, f"/enrolments/{enrolment_id}/consents", data)

    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert count(app, GuardianConsent) == 0


def test_a_consent_cannot_be_withdrawn_through_another_enrolment(app, coordinator, enrolment_id):
    other_id = enrol(app, make_student(app), make_cohort(app))
    post(
        coordinator,
        f"/enrolments/{enrolment_id}/consents",
        {"given_by": "Maria Weber", "given_at": "2026-01-10", "wording_version": WORDING},
    )
    with app.app_context():
        consent_id = db.session.scalar(sa.select(GuardianConsent.id))

    post(coordinator, f"/enrolments/{other_id}/consents/{consent_id}/withdraw")

    with app.app_context():
        assert db.session.get(GuardianConsent, consent_id).withdrawn_at is None


# --- who may use these pages ------------------------------------------------------------


def enrolment_urls(app) -> tuple[int, int, list[str], list[tuple[str, dict]]]:
    """An enrolment with a recorded consent, and the GET and POST addresses about it."""
    cohort_id = make_cohort(app, places=1)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    enrol(app, make_student(app), cohort_id)  # waiting: a withdrawal would move them up
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        consent = documents.record_consent(enrolment, "Maria", datetime(2026, 1, 10), WORDING, None)
        db.session.commit()
        consent_id = consent.id
    base = f"/enrolments/{enrolment_id}"
    gets = [base, f"{base}/withdraw", f"{base}/reinstate"]
    posts = [
        (f"{base}/status", {"status": "accepted"}),
        (f"{base}/withdraw", {"reason": "no"}),
        (f"{base}/reinstate", {}),
        (f"{base}/documents/insurance", {"received": "1"}),
        (f"{base}/consents", {"given_by": "Maria", "given_at": "2026-01-10"}),
        (f"{base}/consents/{consent_id}/withdraw", {"note": "no"}),
    ]
    return enrolment_id, consent_id, gets, posts


def assert_untouched(app, enrolment_id: int, consent_id: int) -> None:
    assert status_of(app, enrolment_id) == S.APPLIED
    assert count(app, EnrolmentDocument) == 0
    assert count(app, GuardianConsent) == 1
    with app.app_context():
        assert db.session.get(GuardianConsent, consent_id).withdrawn_at is None


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_host_families_are_refused(app, client, auth, role):
    enrolment_id, consent_id, gets, posts = enrolment_urls(app)
    auth.login_as(role)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert post(client, url, data).status_code == 403, url
    assert_untouched(app, enrolment_id, consent_id)


def test_anonymous_visitors_are_sent_to_the_login_page(app, client):
    enrolment_id, consent_id, gets, posts = enrolment_urls(app)
    for url in gets:
        response = client.get(url)
        assert (response.status_code, location(response)) == (302, "/login"), url
    for url, data in posts:
        response = post(client, url, data)
        assert (response.status_code, location(response)) == (302, "/login"), url
    assert_untouched(app, enrolment_id, consent_id)


def test_unknown_enrolments_and_consents_are_not_found(app, coordinator, enrolment_id):
    assert coordinator.get("/enrolments/999999").status_code == 404
    for url, data in [
        ("/enrolments/999999/status", {"status": "withdrawn"}),
        ("/enrolments/999999/withdraw", {}),
        ("/enrolments/999999/reinstate", {}),
        ("/enrolments/999999/documents/insurance", {"received": "1"}),
        ("/enrolments/999999/consents", {"given_by": "Maria Weber", "given_at": "2026-01-10"}),
        (f"/enrolments/{enrolment_id}/consents/999999/withdraw", {}),
    ]:
        assert post(coordinator, url, data).status_code == 404, url


def test_post_only_addresses_refuse_get(app, coordinator):
    _, _, gets, posts = enrolment_urls(app)
    for url, _data in posts:
        if url in gets:  # a confirmation page: GET shows it, POST does it
            continue
        assert coordinator.get(url).status_code == 405, url


def test_a_form_without_the_csrf_token_changes_nothing(app, coordinator):
    enrolment_id, consent_id, _, posts = enrolment_urls(app)
    for url, data in posts:
        assert coordinator.post(url, data=data).status_code == 400, url
    assert_untouched(app, enrolment_id, consent_id)


def test_a_travelling_cohort_lets_an_accepted_student_complete(app, coordinator):
    cohort_id = make_cohort(app)
    enrolment_id = enrol(app, make_student(app), cohort_id)
    post(coordinator, f"/enrolments/{enrolment_id}/status", {"status": "accepted"})
    for status in (CohortStatus.CLOSED, CohortStatus.TRAVELLING):
        post(
            coordinator, f"/cohorts/{cohort_id}/status", {"status": status.value, "confirmed": "1"}
        )

    post(coordinator, f"/enrolments/{enrolment_id}/status", {"status": "completed"})

    assert status_of(app, enrolment_id) == S.COMPLETED
