"""Guardians are told when their student's place changes: one email per guardian with an
address (once per address), in that guardian's language, for every way a status changes
(staff by hand, a withdrawal that moves somebody up, a cohort given more places, a
reinstatement), and none for an application they made themselves, an import or an erasure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    OutboxEmail,
    Role,
    SentReminder,
    Student,
    StudentAccount,
    User,
)
from app.services.enrolment import cohorts, enrolments, withdrawal
from app.services.errors import DomainError
from app.services.mail import templates
from app.services.privacy import privacy_requests
from tests.conftest import make_user
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import guardian, linked_account

S = EnrolmentStatus
MARIA = guardian("Maria Schmidt", "maria@example.org", "de", 1)
JOHN = guardian("John Smith", "john@example.org", "en", 2)
NO_ADDRESS = guardian("Oma Schmidt", None, None, 2)


def emails(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
        return [(e.recipient, e.subject, e.body) for e in rows]


def clear(app) -> None:
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()


@pytest.fixture
def staff_id(app) -> int:
    return make_user(app, "coord@example.org", Role.COORDINATOR)


def student(app, first_name: str, guardians=(MARIA, JOHN)) -> int:
    return make_student(app, first_name=first_name, guardians=list(guardians))


def change(app, enrolment_id: int, new: S, by_id: int, **options) -> list[int]:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        promoted = enrolments.change_status(enrolment, new, by_id, **options)
        db.session.commit()
        return [e.id for e in promoted]


def test_accepting_emails_each_guardian_once_in_their_language(app, staff_id):
    cohort = make_cohort(app, name="Buffalo 2027")
    lena = enrol(app, student(app, "Lena"), cohort)
    assert emails(app) == []  # a place taken on enrolment is no news yet

    change(app, lena, S.ACCEPTED, staff_id)

    (de, en) = emails(app)
    assert de[0] == "maria@example.org"
    assert de[1] == "Lena ist für den Austausch angenommen"
    assert de[2].startswith("Guten Tag Maria Schmidt,\n\nGute Nachricht: Lena ist für Buffalo 2027")
    assert en[0] == "john@example.org"
    assert en[1] == "Lena is accepted for the exchange"
    assert "Good news: Lena is accepted for Buffalo 2027 and has a place in the group." in en[2]
    assert "\n\n\n" not in en[2] and en[2] == en[2].strip()
    assert "/my/students/" not in en[2]  # nobody has an account: no link


def test_a_guardian_without_an_address_gets_none_and_a_shared_address_one(app, staff_id):
    cohort = make_cohort(app)
    both = [MARIA, guardian("Peter Schmidt", "Maria@Example.org", "de", 2)]
    lena = enrol(app, student(app, "Lena", both), cohort)
    nobody = enrol(app, student(app, "Tom", [guardian("Oma", None, None, 1)]), cohort)

    change(app, lena, S.ACCEPTED, staff_id)
    change(app, nobody, S.ACCEPTED, staff_id)

    assert [e[0] for e in emails(app)] == ["maria@example.org"]


def test_a_withdrawal_tells_both_families_and_the_one_moved_up_is_told_its_place(app, staff_id):
    cohort = make_cohort(app, places=1, name="Buffalo 2027")
    lena = enrol(app, student(app, "Lena", [MARIA]), cohort)
    emir = enrol(app, student(app, "Emir", [JOHN]), cohort)  # waitlisted by the system
    assert [e[1] for e in emails(app)] == ["Emir is on the waitlist"]
    assert "Emir is number 1 on the waitlist." in emails(app)[0][2]
    clear(app)

    with app.app_context():
        withdrawal.withdraw(db.session.get(Enrolment, lena), staff_id, "Moved to Munich")
        db.session.commit()

    (withdrawn, moved_up) = emails(app)
    assert withdrawn[:2] == (
        "maria@example.org",
        "Die Anmeldung von Lena zum Austausch ist zurückgezogen",
    )
    assert "Die Anmeldung von Lena für Buffalo 2027 wurde zurückgezogen." in withdrawn[2]
    assert "Munich" not in withdrawn[2] and "Grund" not in withdrawn[2]  # not shared
    assert moved_up[:2] == ("john@example.org", "A place for Emir")
    assert "A place in Buffalo 2027 has become free and is now held for Emir." in moved_up[2]
    with app.app_context():
        assert db.session.get(Enrolment, emir).status == S.APPLIED


def test_the_reason_is_told_only_when_staff_share_it(app, staff_id):
    cohort = make_cohort(app)
    lena = enrol(app, student(app, "Lena", [JOHN]), cohort)
    with app.app_context():
        withdrawal.withdraw(db.session.get(Enrolment, lena), staff_id, " Visa refused ", True)
        db.session.commit()
    ((_, subject, body),) = emails(app)
    assert subject == "Lena is withdrawn from the exchange"
    assert "The reason: Visa refused\n\n" in body


def test_a_repeated_withdrawal_is_refused_and_sends_nothing_more(app, staff_id):
    lena = enrol(app, student(app, "Lena"), make_cohort(app))
    with app.app_context():
        withdrawal.withdraw(db.session.get(Enrolment, lena), staff_id)
        db.session.commit()
    assert len(emails(app)) == 2
    with app.app_context(), pytest.raises(DomainError):
        withdrawal.withdraw(db.session.get(Enrolment, lena), staff_id)
    with pytest.raises(DomainError):
        change(app, lena, S.ACCEPTED, staff_id)
    assert len(emails(app)) == 2


def test_more_places_move_the_waitlist_up_and_tell_its_guardians(app, staff_id):
    cohort = make_cohort(app, places=1)
    enrol(app, student(app, "Lena", [guardian("Oma", None, None, 1)]), cohort)
    enrol(app, student(app, "Emir", [JOHN]), cohort)
    clear(app)
    with app.app_context():
        found = db.session.get(Cohort, cohort)
        values = {key: getattr(found, key) for key in cohorts.COHORT_FIELDS}
        cohorts.update_cohort(found, values | {"places": 2})
        db.session.commit()
    assert [e[:2] for e in emails(app)] == [("john@example.org", "A place for Emir")]


def test_a_reinstated_student_is_told_the_place_or_the_waitlist_position(app, staff_id):
    cohort = make_cohort(app, places=1)
    lena = enrol(app, student(app, "Lena", [JOHN]), cohort)
    emir = enrol(app, student(app, "Emir", [guardian("Oma", None, None, 1)]), cohort)
    change(app, lena, S.WITHDRAWN, staff_id)  # Emir moves up into the place
    clear(app)
    with app.app_context():
        withdrawal.reinstate(db.session.get(Enrolment, lena), staff_id)
        db.session.commit()
    ((_, subject, body),) = emails(app)
    assert subject == "Lena is on the waitlist"
    assert "Lena is number 1 on the waitlist." in body
    with app.app_context():
        assert db.session.get(Enrolment, emir).status == S.APPLIED


def test_undoing_an_acceptance_sends_nothing(app, staff_id):
    lena = enrol(app, student(app, "Lena"), make_cohort(app))
    change(app, lena, S.ACCEPTED, staff_id)
    clear(app)
    change(app, lena, S.APPLIED, staff_id)
    assert emails(app) == []


def test_an_enrolment_the_guardian_made_online_sends_them_nothing(app):
    applicant = make_user(app, "maria@example.org", Role.GUARDIAN)
    cohort = make_cohort(app, places=1)
    enrol(app, student(app, "Tom", [guardian("Oma", None, None, 1)]), cohort)
    with app.app_context():
        lena = db.session.get(Student, student(app, "Lena"))
        enrolment = enrolments.enrol(lena, db.session.get(Cohort, cohort), by_id=applicant)
        db.session.commit()
        assert enrolment.status == S.WAITLISTED
    assert emails(app) == []


def test_an_import_sends_nothing(app, staff_id):
    cohort = make_cohort(app, places=1)
    ids = [student(app, name) for name in ("Lena", "Emir")]
    with app.app_context():
        placed, waitlisted = enrolments.enrol_many(ids, db.session.get(Cohort, cohort), staff_id)
        db.session.commit()
    assert (placed, waitlisted) == (1, 1)
    assert emails(app) == []


def test_an_erasure_tells_only_the_guardians_of_who_moves_up(app, staff_id):
    cohort = make_cohort(app, places=1)
    lena = student(app, "Lena", [MARIA])
    enrol(app, lena, cohort)
    enrol(app, student(app, "Emir", [JOHN]), cohort)
    clear(app)
    with app.app_context():
        privacy_requests.erase_student(db.session.get(Student, lena), staff_id)
        db.session.commit()
    assert [e[:2] for e in emails(app)] == [("john@example.org", "A place for Emir")]


def test_a_guardian_with_an_account_gets_the_link_to_their_page(app, staff_id):
    lena_id = student(app, "Lena")
    linked_account(app, lena_id, "john@example.org")
    lena = enrol(app, lena_id, make_cohort(app))
    clear(app)
    change(app, lena, S.ACCEPTED, staff_id)
    by_address = {e[0]: e[2] for e in emails(app)}
    assert by_address["john@example.org"].endswith(
        f"You can see where things stand on your page: http://localhost:5000/my/students/{lena_id}"
    )
    assert "/my/students/" not in by_address["maria@example.org"]


def own_account(app, student_id: int, email: str, locale: str | None, active=True) -> None:
    """The account of a student of 18 or more, linked to them without a guardian."""
    user_id = make_user(app, email, Role.GUARDIAN)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.locale, user.active = locale, active
        db.session.add(StudentAccount(user_id=user_id, student_id=student_id, guardian_id=None))
        db.session.commit()


def test_an_adult_student_with_an_account_is_told_too_in_their_own_words(app, staff_id):
    cohort = make_cohort(app, name="Buffalo 2027", places=1)
    jonas_id = student(app, "Jonas", guardians=(JOHN,))
    own_account(app, jonas_id, "jonas@example.org", "de")
    lena = enrol(app, student(app, "Lena"), cohort)
    jonas = enrol(app, jonas_id, cohort)  # the only place is taken: the waitlist
    by_address = {e[0]: e[1:] for e in emails(app)}
    assert by_address["jonas@example.org"][0] == "Sie stehen auf der Warteliste"
    assert "Sie stehen auf Platz 1 der Warteliste." in by_address["jonas@example.org"][1]
    assert by_address["john@example.org"][0] == "Jonas is on the waitlist"

    clear(app)
    change(app, lena, S.WITHDRAWN, staff_id, reason="Umzug", share_reason=True)

    by_address = {e[0]: e[1:] for e in emails(app)}
    subject, body = by_address["jonas@example.org"]
    assert subject == "Ein Platz für Sie"
    assert body.startswith("Guten Tag Jonas")
    assert "In Buffalo 2027 ist ein Platz frei geworden; er ist jetzt für Sie reserviert." in body
    assert body.endswith(
        f"Wie es steht, sehen Sie auf Ihrer Seite: http://localhost:5000/my/students/{jonas_id}"
    )
    assert by_address["john@example.org"][0] == "A place for Jonas"  # the guardian as before

    clear(app)
    change(app, jonas, S.WITHDRAWN, staff_id, reason="Sport", share_reason=True)
    by_address = {e[0]: e[1:] for e in emails(app)}
    assert by_address["jonas@example.org"][0] == "Ihre Anmeldung zum Austausch ist zurückgezogen"
    assert "Der Grund: Sport" in by_address["jonas@example.org"][1]


def test_a_student_sharing_a_guardian_s_address_gets_one_email(app, staff_id):
    lena_id = student(app, "Lena")
    own_account(app, lena_id, "Maria@example.org", "en")
    lena = enrol(app, lena_id, make_cohort(app))
    change(app, lena, S.ACCEPTED, staff_id)
    assert sorted(e[0] for e in emails(app)) == ["john@example.org", "maria@example.org"]


def test_a_student_account_without_a_language_is_written_to_in_german(app, staff_id):
    lena_id = student(app, "Lena", guardians=(JOHN,))
    own_account(app, lena_id, "lena@example.org", None)  # as an invitation makes it
    own_account(app, lena_id, "old-lena@example.org", "en", active=False)
    lena = enrol(app, lena_id, make_cohort(app, name="Buffalo 2027"))
    change(app, lena, S.ACCEPTED, staff_id)
    assert [e[:2] for e in emails(app)] == [
        ("john@example.org", "Lena is accepted for the exchange"),
        ("lena@example.org", "Sie sind für den Austausch angenommen"),
    ]  # one each, and none to the account that was switched off


def test_erasing_an_adult_student_deletes_what_was_sent_to_their_own_account(app, staff_id):
    with app.app_context():  # an admin's wording that does not name the student
        plain = ("Accepted", "You are accepted for {cohort}.")
        templates.save("enrolment.accepted.student", {"en": plain, "de": plain}, None)
        db.session.commit()
    lena_id = student(app, "Lena", guardians=(JOHN,))
    own_account(app, lena_id, "lena.abroad@example.net", "en")  # not the address on record
    change(app, enrol(app, lena_id, make_cohort(app)), S.ACCEPTED, staff_id)
    with app.app_context():
        db.session.add(  # a reminder noted for her account
            SentReminder(
                kind="documents",
                target_type="enrolment",
                target_id=1,
                key="2027-05-01",
                recipient="lena.abroad@example.net",
            )
        )
        db.session.commit()
        exported = privacy_requests.student_data(db.session.get(Student, lena_id))
        assert ("lena.abroad@example.net", "Accepted") in [
            (e["recipient"], e["subject"]) for e in exported["emails"]
        ]
        privacy_requests.erase_student(db.session.get(Student, lena_id), staff_id)
        db.session.commit()
        assert db.session.scalars(sa.select(SentReminder)).all() == []
    assert emails(app) == []
