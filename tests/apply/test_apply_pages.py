"""Applying online: the public page of an open cohort, sign-up with a confirmed address, the
application section by section (saved unfinished, checked by the staff's rules), submit as an
enrolment "applied" through the enrolment service, staff told, the second guardian invited."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApplicationDraft,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    OutboxEmail,
    Role,
    StudentAccount,
    User,
)
from app.services.enrolment import applications_online
from tests.conftest import Auth, confirm_address, make_user, post
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import GUARDIAN_PASSWORD, invitation_paths, log_in

EMAIL = "maria@example.org"

STUDENT = {
    "first_name": "Lena",
    "last_name": "Schmidt",
    "date_of_birth": "2011-05-04",
    "gender": "female",
    "school": "Goethe-Gymnasium",
    "grade": "10",
    "visa_status": "not_started",
}
GUARDIANS = {
    "guardian1-name": "Maria Schmidt",
    "guardian1-relation": "mother",
    "guardian1-phone": "+49 231 1234",
    "guardian1-email": EMAIL,
    "guardian2-name": "Jonas Schmidt",
    "guardian2-relation": "father",
    "guardian2-phone": "+49 231 5678",
    "guardian2-email": "jonas@example.org",
}
EMERGENCY = {
    "emergency1-name": "Oma Schmidt",
    "emergency1-relation": "grandmother",
    "emergency1-phone": "+49 231 9999",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_up(app, client, cohort_id: int) -> None:
    response = post(
        client,
        f"/apply/cohorts/{cohort_id}/signup",
        {"email": EMAIL, "password": GUARDIAN_PASSWORD, "confirm": GUARDIAN_PASSWORD},
    )
    assert response.status_code == 302
    assert log_in(client).status_code == 200  # not before the address is confirmed
    confirm_address(app, client, EMAIL)
    # An account that sees no student yet lands on the cohorts open for applications.
    assert log_in(client).headers["Location"].endswith("/apply/")


def started(app, client, cohort_id: int) -> str:
    signed_up(app, client, cohort_id)
    response = post(client, f"/apply/cohorts/{cohort_id}/start")
    assert response.status_code == 302
    return response.headers["Location"]


def test_public_pages_say_places_waitlist_or_closed(app, client):
    open_id = make_cohort(app, name="Buffalo 2027", places=2)
    full_id = make_cohort(app, name="Buffalo 2028", places=1)
    enrol(app, make_student(app), full_id)
    closed_id = make_cohort(app, name="Buffalo 2026", status="planning")
    listing = text(client.get("/apply/"))
    assert "Buffalo 2027" in listing and "2 places left" in listing
    assert "Buffalo 2028" in listing and "waitlist only" in listing
    assert "Buffalo 2026" not in listing
    page = text(client.get(f"/apply/cohorts/{open_id}"))
    assert "2 places left" in page and "Medical form" in page and "Apply" in page
    assert "a new application goes on the waitlist" in text(client.get(f"/apply/cohorts/{full_id}"))
    closed = text(client.get(f"/apply/cohorts/{closed_id}"))
    assert "does not take applications" in closed and "/signup" not in closed
    assert client.get(f"/apply/cohorts/{closed_id}/signup").status_code == 404


def test_pages_in_german(app, client):
    cohort_id = make_cohort(app, name="Buffalo 2027", places=2)
    client.set_cookie("lang", "de")
    page = text(client.get(f"/apply/cohorts/{cohort_id}?lang=de"))
    assert "2 Plätze frei" in page


def test_signup_answers_alike_whether_the_address_is_taken(app, client):
    cohort_id = make_cohort(app, places=2)
    make_user(app, EMAIL, Role.COORDINATOR)
    data = {"email": EMAIL, "password": GUARDIAN_PASSWORD, "confirm": GUARDIAN_PASSWORD}
    taken = post(client, f"/apply/cohorts/{cohort_id}/signup", data)
    fresh = post(client, f"/apply/cohorts/{cohort_id}/signup", {**data, "email": "new@example.org"})
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "new@example.org")).role == (
            Role.GUARDIAN
        )
        subjects = db.session.scalars(
            sa.select(OutboxEmail.subject).where(OutboxEmail.recipient == EMAIL)
        ).all()
    assert subjects == ["Someone tried to sign up with your email"]


def test_apply_save_come_back_submit_and_invite(app, client):
    cohort_id = make_cohort(app, name="Buffalo 2027", places=1)
    make_user(app, "coord@example.org", Role.COORDINATOR)
    german = make_user(app, "koordination@example.org", Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, german).locale = "de"
        db.session.commit()
    draft_url = started(app, client, cohort_id)
    assert "Not started" in text(client.get(draft_url))
    # An unfinished section is saved, and its problems are shown.
    response = post(client, draft_url + "/student", {"first_name": "Lena"})
    assert response.headers["Location"].endswith(draft_url + "/student")
    page = text(client.get(response.headers["Location"]))
    assert "This field is required." in page and 'value="Lena"' in page
    with app.app_context():
        draft = db.session.scalar(sa.select(ApplicationDraft))
        assert draft.answers["first_name"] == "Lena"
        # Drafts take no place and are no enrolment.
        assert db.session.get(Cohort, cohort_id).places_taken == 0
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
    # Logged in again, the applicant lands on the application being written.
    post(client, "/logout")
    assert log_in(client).headers["Location"].endswith("/apply/")
    assert "Application (not submitted)" in text(client.get("/apply/"))
    # Submitting now names what is missing.
    response = post(client, draft_url + "/submit")
    assert "checked=1" in response.headers["Location"]
    checked = text(client.get(response.headers["Location"]))
    assert "not complete yet" in checked and "Give at least one emergency contact." in checked
    for section, data in (
        ("student", STUDENT),
        ("guardians", GUARDIANS),
        ("emergency", EMERGENCY),
        ("health", {"medical_notes": "Asthma"}),
        ("diet", {"diet": "vegetarian"}),
        ("preferences", {"interests": "football"}),
    ):
        response = post(client, f"{draft_url}/{section}", data)
        assert response.status_code == 302, (section, text(response))
    assert "6 of 6 sections" in text(client.get(draft_url))
    response = post(client, draft_url + "/submit")
    assert response.status_code == 302
    done = text(client.get(response.headers["Location"]))
    assert "Application submitted" in done and "Jonas Schmidt" in done
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment))
        assert enrolment.status == EnrolmentStatus.APPLIED
        assert enrolment.student.medical_notes == "Asthma"
        assert db.session.get(Cohort, cohort_id).places_taken == 1
        link = db.session.scalar(sa.select(StudentAccount))
        assert link.student_id == enrolment.student_id
        assert link.guardian_id == enrolment.student.guardians[0].id
        staff_mail = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == "coord@example.org")
        )
        assert staff_mail.subject == "New application: Lena Schmidt"
        german_mail = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == "koordination@example.org")
        )
        assert german_mail.subject == "Neue Bewerbung: Lena Schmidt"
    assert "Lena" in text(client.get("/my/"))
    # The second guardian is invited by email.
    response = post(client, draft_url + "/invite")
    assert response.status_code == 302
    assert invitation_paths(app, "jonas@example.org")


def test_a_draft_is_in_no_staff_list(app, client):
    cohort_id = make_cohort(app, places=1)
    draft_url = started(app, client, cohort_id)
    post(client, draft_url + "/student", {**STUDENT, "last_name": "Entwurfmann"})
    post(client, "/logout")
    Auth(app, client).login_as(Role.COORDINATOR)
    for url in ("/students/", f"/cohorts/{cohort_id}"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200 and "Entwurfmann" not in text(response)
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).places_taken == 0


def test_another_account_gets_404_for_a_draft(app, client):
    cohort_id = make_cohort(app, places=1)
    draft_url = started(app, client, cohort_id)
    post(client, "/logout")
    other = make_user(app, "other@example.org", Role.GUARDIAN)
    Auth(app, client).login("other@example.org")
    assert other
    assert client.get(draft_url).status_code == 404
    assert client.get(draft_url + "/student").status_code == 404


def test_purge_deletes_old_untouched_drafts(app):
    from datetime import timedelta

    from app.models.base import utcnow

    cohort_id = make_cohort(app, places=1)
    other_id = make_cohort(app, name="Other", places=1)
    user_id = make_user(app, EMAIL, Role.GUARDIAN)
    with app.app_context():
        user = db.session.get(User, user_id)
        draft = applications_online.start(user, db.session.get(Cohort, cohort_id))
        draft.updated_at = utcnow() - timedelta(days=applications_online.DRAFT_DAYS + 1)
        applications_online.start(user, db.session.get(Cohort, other_id))
        assert applications_online.purge_drafts() == 1
        assert db.session.scalar(sa.select(sa.func.count(ApplicationDraft.id))) == 1


def test_a_cohort_past_its_deadline_offers_nothing(app, client):
    from datetime import date, timedelta

    cohort_id = make_cohort(app, name="Late 2027", places=3)
    with app.app_context():
        db.session.get(Cohort, cohort_id).enrolment_deadline = date.today() - timedelta(days=1)
        db.session.commit()
    assert "Late 2027" not in text(client.get("/apply/"))
    page = text(client.get(f"/apply/cohorts/{cohort_id}"))
    assert "does not take applications" in page and "/signup" not in page
    user_id = make_user(app, EMAIL, Role.GUARDIAN)
    Auth(app, client).login(EMAIL)
    assert post(client, f"/apply/cohorts/{cohort_id}/start").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ApplicationDraft)) is None
        assert user_id


def test_a_student_of_18_applying_themself_sees_the_student_as_the_student(app, client):
    cohort_id = make_cohort(app, places=1)
    draft_url = started(app, client, cohort_id)
    adult = {**STUDENT, "date_of_birth": "2006-01-02", "email": EMAIL}
    parents = {**GUARDIANS, "guardian1-email": "mama@example.org"}
    for section, data in (("student", adult), ("guardians", parents), ("emergency", EMERGENCY)):
        post(client, f"{draft_url}/{section}", data)
    assert post(client, draft_url + "/submit").status_code == 302
    with app.app_context():
        link = db.session.scalar(sa.select(StudentAccount))
        assert link.guardian_id is None and link.student.first_name == "Lena"
