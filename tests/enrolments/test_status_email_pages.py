"""What staff do on the enrolment's pages reaches the guardians by email: accepting, and
withdrawing through the confirmation page (which says who is told, and offers to share the
reason); a double click sends nothing twice. The guardian who applied online is not emailed
about the enrolment they just made."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Enrolment, OutboxEmail, Role
from tests.conftest import post
from tests.enrolments.test_withdraw_pages import text
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import guardian
from tests.services.enrolment.test_status_emails import own_account

MARIA = guardian("Maria Schmidt", "maria@example.org", "de", 1)
JOHN = guardian("John Smith", "john@example.org", "en", 2)


def emails(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        return [(e.recipient, e.subject, e.body) for e in rows]


def lena(app, places: int = 2) -> int:
    student_id = make_student(app, first_name="Lena", last_name="Schmidt", guardians=[MARIA, JOHN])
    return enrol(app, student_id, make_cohort(app, places=places, name="Buffalo 2027"))


def test_accepting_twice_emails_each_guardian_once(app, client, auth):
    enrolment = lena(app)
    auth.login_as(Role.COORDINATOR)
    page = text(client.get(f"/enrolments/{enrolment}"))
    assert (
        "The guardians with an email address, and an adult student with their own account," in page
    )

    first = post(client, f"/enrolments/{enrolment}/status", {"status": "accepted"})
    second = post(client, f"/enrolments/{enrolment}/status", {"status": "accepted"})

    assert (first.status_code, second.status_code) == (302, 302)
    assert [e[:2] for e in emails(app)] == [
        ("maria@example.org", "Lena ist für den Austausch angenommen"),
        ("john@example.org", "Lena is accepted for the exchange"),
    ]


def test_the_withdrawal_page_says_who_is_told_and_the_reason_goes_out_when_ticked(
    app, client, auth
):
    enrolment = lena(app)
    auth.login_as(Role.COORDINATOR)

    page = client.get(f"/enrolments/{enrolment}/withdraw")
    assert "2 guardians of Lena Schmidt are told by email, each in their language." in text(page)
    assert 'name="share_reason"' in page.get_data(as_text=True)

    form = {"reason": "The visa was refused", "share_reason": "y"}
    post(client, f"/enrolments/{enrolment}/withdraw", form)
    post(client, f"/enrolments/{enrolment}/withdraw", form)  # a double click

    (de, en) = emails(app)
    assert de[1] == "Die Anmeldung von Lena zum Austausch ist zurückgezogen"
    assert "Der Grund: The visa was refused" in de[2]
    assert en[1] == "Lena is withdrawn from the exchange"
    assert "The reason: The visa was refused" in en[2]


def test_a_reason_not_ticked_stays_with_staff(app, client, auth):
    enrolment = lena(app)
    auth.login_as(Role.COORDINATOR)
    post(client, f"/enrolments/{enrolment}/withdraw", {"reason": "Unpaid fees"})
    bodies = [e[2] for e in emails(app)]
    assert len(bodies) == 2
    assert not any("Unpaid" in body for body in bodies)


def test_enrolling_into_a_full_cohort_tells_the_guardians_the_waitlist_position(app, client, auth):
    cohort = make_cohort(app, places=1, name="Buffalo 2027")
    enrol(app, make_student(app), cohort)
    student_id = make_student(app, first_name="Lena", guardians=[JOHN])
    auth.login_as(Role.COORDINATOR)

    post(client, f"/cohorts/{cohort}/enrol", {"student_id": str(student_id)})

    ((recipient, subject, body),) = emails(app)
    assert (recipient, subject) == ("john@example.org", "Lena is on the waitlist")
    assert "Lena is number 1 on the waitlist." in body


def test_the_withdrawal_page_says_an_adult_student_with_an_account_is_told_too(app, client, auth):
    enrolment = lena(app)
    with app.app_context():
        student_id = db.session.get(Enrolment, enrolment).student_id
    own_account(app, student_id, "lena@example.org", "en")
    auth.login_as(Role.COORDINATOR)

    page = text(client.get(f"/enrolments/{enrolment}/withdraw"))
    assert "Lena Schmidt has their own account and is told by email too." in page
    post(client, f"/enrolments/{enrolment}/withdraw", {"reason": "Moved"})
    assert ("lena@example.org", "Your registration for the exchange is withdrawn") in [
        e[:2] for e in emails(app)
    ]


def test_the_pages_say_who_is_told_when_only_the_student_or_nobody_can_be_emailed(
    app, client, auth
):
    cohort = make_cohort(app, places=1, name="Buffalo 2027")
    lena_id = make_student(app, first_name="Lena", last_name="Schmidt")  # no guardian address
    own_account(app, lena_id, "lena@example.org", "en")
    lena = enrol(app, lena_id, cohort)
    emir = enrol(app, make_student(app, first_name="Emir", last_name="Yilmaz"), cohort)
    auth.login_as(Role.COORDINATOR)

    page = text(client.get(f"/enrolments/{lena}/withdraw"))
    assert "Lena Schmidt has their own account and is told by email." in page
    assert "tell them yourself" not in page.split("Emir Yilmaz moves up")[0]
    assert "Nobody can be emailed about Emir Yilmaz: tell them yourself." in page

    post(client, f"/enrolments/{lena}/withdraw", {"reason": "Moved"})
    shown = text(client.get(f"/enrolments/{lena}"))
    assert "Nobody can be emailed about Emir Yilmaz: tell them yourself." in shown
    assert [e[0] for e in emails(app)] == ["lena@example.org"]
    post(client, f"/enrolments/{emir}/withdraw", {"reason": "Moved"})  # Lena's place is free

    page = text(client.get(f"/enrolments/{lena}/reinstate"))
    assert "The reinstatement is written to the history." in page
    assert "No guardian has an email address" not in page
    assert "Lena Schmidt has their own account and is told by email." in page
