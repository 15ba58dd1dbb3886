"""One rule decides what may be shown of a student whose guardians withdrew their consent
(app/services/enrolment/disclosure.py), and every place that shows a student goes through it:
the roster (tests/rosters/test_consent_on_rosters.py), the emergency cards, the host family
list, the missing-documents list, the teacher's portal and cohort page, the staff's page of
a cohort's teachers, the host family's page and the placement board with its move page.

Tim Schulz's consent is withdrawn: each place still shows his safety data (name, host family
and address, the family's phones, his supervising teacher, emergency contacts, allergies,
diet, medical notes) and nothing else of him. Jonas Becker's consent is active: each place
shows him as before."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.models import Enrolment, HostApplication, Student
from app.services.enrolment import disclosure
from app.services.enrolment.disclosure import SAFETY, Fact
from app.services.roster.rosters import COLUMNS
from tests.conftest import post
from tests.factories import FAMILY_PASSWORD, TEACHER_PASSWORD
from tests.rosters.test_consent_on_rosters import NOTE, give_consent, withdraw

SCHOOL = "Goethe-Gymnasium"
STUDENT_PHONE = "+49 231 123456"  # every student's, from the factories
GUARDIAN = "(mother) +49 231 654321"
EMERGENCY = ("Onkel Otto", "+49 231 777777")
TIM_MEDICAL = "Type 1 diabetes: insulin pen, check at meals."
MILLERS = ("The Miller family", "45 Maple Road", "+1 716 555 0101")


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def part(page: str, pattern: str, name: str) -> str:
    """The text of the one element of the page matched by pattern that names the student."""
    found = [text(m) for m in re.findall(pattern, page, re.DOTALL) if name in text(m)]
    assert len(found) == 1, (name, found)
    return found[0]


CARD = r'<article class="student-card[^"]*">.*?</article>'
ROW = r"<tr[^>]*>.*?</tr>"


def set_profile(app, enrolment_id: int, **values) -> None:
    with app.app_context():
        student = db.session.get(Enrolment, enrolment_id).student
        for name, value in values.items():
            setattr(student, name, value)
        db.session.commit()


@pytest.fixture
def consents(app, roster):
    """Tim Schulz (Bernd Vogel's student, placed with the Millers) has withdrawn his consent,
    Jonas Becker (Anna Lehmann's, also with the Millers) has an active one. Both have
    interests and languages, and Tim a pet allergy."""
    withdraw(app, give_consent(app, roster.enrolments["Schulz"]))
    give_consent(app, roster.enrolments["Becker"])
    set_profile(app, roster.enrolments["Schulz"], interests="chess, rowing", languages="Polish",
                pet_allergy=True)  # fmt: skip
    set_profile(app, roster.enrolments["Becker"], interests="football", languages="Turkish")
    return roster


def assert_safety_only(shown: str, contacts: bool = True) -> None:
    """Tim's safety data is there, and nothing else of him."""
    assert "Tim Schulz" in shown
    for fact in (*(EMERGENCY if contacts else ()), TIM_MEDICAL):
        assert fact in shown, fact
    for withheld in (SCHOOL, "grade", STUDENT_PHONE, GUARDIAN, "chess", "Polish"):
        assert withheld not in shown, withheld


# --- the rule -------------------------------------------------------------------------------


def test_the_safety_facts_are_the_ones_the_audit_names():
    assert {fact.value for fact in SAFETY} == {
        "name", "home", "family_phones", "teacher", "emergency_contacts", "allergies",
        "pet_allergy", "diet", "medical_notes",
    }  # fmt: skip
    assert disclosure.shows(Fact.SCHOOL, withdrawn=False)
    assert not disclosure.shows(Fact.SCHOOL, withdrawn=True)
    assert not disclosure.shows([Fact.NAME, Fact.AGE], withdrawn=True)
    assert disclosure.shows([Fact.NAME, Fact.DIET], withdrawn=True)


def test_the_roster_columns_follow_the_rule():
    safety = {key for key, column in COLUMNS.items() if column.safety}
    assert safety == {"name", "family", "address", "town", "family_phone", "teacher",
                      "emergency", "allergies", "diet", "medical"}  # fmt: skip


def test_every_attribute_of_a_student_is_classified():
    """A new column of Student is refused by Disclosed until the rule knows its fact."""
    columns = set(Student.__table__.columns.keys())
    relationships = {"guardians", "emergency_contacts"}
    known = set(disclosure.ATTRIBUTES) | disclosure.RECORD
    assert columns | relationships <= known


def test_a_withdrawn_student_reads_as_nothing_but_safety_data(app, consents):
    with app.app_context():
        tim = disclosure.of(db.session.get(Enrolment, consents.enrolments["Schulz"]))
        jonas = disclosure.of(db.session.get(Enrolment, consents.enrolments["Becker"]))
        assert tim.consent_withdrawn and tim.consent_note == NOTE
        assert tim.full_name == "Tim Schulz" and tim.medical_notes == TIM_MEDICAL
        assert tim.pet_allergy is True and len(tim.emergency_contacts) == 1
        assert (tim.school, tim.grade, tim.phone, tim.interests) == ("", "", None, "")
        assert (tim.date_of_birth, tim.gender, list(tim.guardians)) == (None, None, [])
        assert jonas.school == SCHOOL and jonas.interests == "football"
        assert jonas.guardians and jonas.consent_note == ""
        with pytest.raises(AttributeError):
            tim.password_of_the_future  # noqa: B018 (an attribute the rule does not know)


# --- the teacher's pages --------------------------------------------------------------------


@pytest.fixture
def bernd(consents, client):
    """Bernd Vogel, Tim's supervising teacher, logged in."""
    email = consents.teacher_emails["Bernd Vogel"]
    assert post(client, "/login", {"email": email, "password": TEACHER_PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("page", ["portal", "cohort"])
def test_the_teacher_sees_safety_data_only_of_a_withdrawn_student(consents, bernd, page):
    url = "/teachers/me" if page == "portal" else f"/teachers/me/cohorts/{consents.cohort_id}"
    body = bernd.get(url).get_data(as_text=True)

    tim = part(body, CARD, "Tim Schulz")
    assert_safety_only(tim)
    assert NOTE in tim
    for fact in (*MILLERS, "allergic to pets", "Diet", "no special diet"):
        assert fact in tim, fact
    assert "Guardians" not in tim and "Student's phone" not in tim

    jonas = part(body, CARD, "Jonas Becker")  # another teacher's student, consent active
    for fact in (SCHOOL, "grade 10", STUDENT_PHONE, GUARDIAN, *MILLERS, *EMERGENCY):
        assert fact in jonas, fact
    assert NOTE not in jonas


def test_the_page_of_a_cohorts_teachers_shows_no_school_of_a_withdrawn_student(
    app, consents, coordinator, client
):
    withdraw(app, give_consent(app, consents.enrolments["Nguyen"]))  # not placed yet
    body = client.get(f"/teachers/cohorts/{consents.cohort_id}").get_data(as_text=True)

    linh = part(body, ROW, "Nguyen, Linh")
    assert "not placed yet" in linh and NOTE in linh
    assert SCHOOL not in linh
    paul = part(body, ROW, "Hoffmann, Paul")  # not placed either, consent not withdrawn
    assert SCHOOL in paul and NOTE not in paul
    tim = part(body, ROW, "Schulz, Tim")  # placed: the family's town is safety data
    assert "Amherst" in tim and "with the Miller family" in tim


# --- the host family's page -----------------------------------------------------------------


def test_the_host_family_sees_what_care_needs_of_a_withdrawn_student(app, consents, client):
    with app.app_context():
        email = db.session.get(HostApplication, consents.families["Miller"]).family.user.email
    assert post(client, "/login", {"email": email, "password": FAMILY_PASSWORD}).status_code == 302
    body = client.get("/family/").get_data(as_text=True)

    tim = part(body, CARD, "Tim Schulz")
    assert_safety_only(tim, contacts=False)  # the family's page never showed contacts
    for fact in (TIM_MEDICAL, "allergic to pets", "no special diet", "Bernd Vogel"):
        assert fact in tim, fact
    for label in ("Age", "Gender", "Interests", "Languages"):
        assert label not in tim, label
    assert "Only what you need for the student's safety and care is shown here." in tim

    jonas = part(body, CARD, "Jonas Becker")
    for fact in ("Age", "Gender", "male", "football", "Turkish", "Anna Lehmann"):
        assert fact in jonas, fact
    assert "safety" not in jonas


# --- the placement board --------------------------------------------------------------------


def test_the_board_shows_no_profile_of_a_withdrawn_student(app, consents, coordinator, client):
    withdraw(app, give_consent(app, consents.enrolments["Nguyen"]))  # not placed yet
    set_profile(app, consents.enrolments["Nguyen"], interests="drawing", no_smokers=True)
    body = client.get(f"/placements/cohorts/{consents.cohort_id}").get_data(as_text=True)

    linh = part(body, r'<tr id="enrolment-.*?</tr>', "Linh Nguyen")
    assert NOTE in linh
    for withheld in ("female", SCHOOL, "drawing", "no smokers"):
        assert withheld not in linh, withheld
    paul = part(body, r'<tr id="enrolment-.*?</tr>', "Paul Hoffmann")
    assert f"male · {SCHOOL}" in paul

    placed = r'<div class="placed-student".*?<div class="placed-actions">'
    tim = part(body, placed, "Tim Schulz")
    assert "allergic to pets" in tim  # safety
    for withheld in ("male", "chess", "Polish"):
        assert withheld not in tim, withheld
    jonas = part(body, placed, "Jonas Becker")
    assert "male" in jonas and "football" in jonas and "Turkish" in jonas


def test_the_move_page_shows_no_profile_of_a_withdrawn_student(app, consents, coordinator, client):
    from app.models import Placement

    with app.app_context():
        tim = db.session.scalar(
            db.select(Placement.id).where(
                Placement.enrolment_id == consents.enrolments["Schulz"],
                Placement.status == "active",
            )
        )
    url = f"/placements/cohorts/{consents.cohort_id}/placements/{tim}/move"
    body = text(client.get(url).get_data(as_text=True))
    assert "Tim Schulz" in body and "allergic to pets" in body
    assert "chess" not in body and "Polish" not in body


# --- printed lists --------------------------------------------------------------------------


def test_the_missing_documents_list_shows_no_school_of_a_withdrawn_student(
    consents, coordinator, client
):
    body = client.get(f"/rosters/cohorts/{consents.cohort_id}/documents").get_data(as_text=True)
    tim = part(body, ROW, "Tim Schulz")
    assert NOTE in tim and SCHOOL not in tim and "Guardian consent" in tim
    assert SCHOOL in part(body, ROW, "Aylin Demir")  # none recorded yet: shown in full


def test_the_family_list_and_the_cards_keep_a_withdrawn_student(consents, coordinator, client):
    families = client.get(f"/rosters/cohorts/{consents.cohort_id}/families").get_data(as_text=True)
    assert "Tim Schulz" in part(families, ROW, "The Miller family")

    cards = client.get(f"/rosters/cohorts/{consents.cohort_id}/cards").get_data(as_text=True)
    tim = part(cards, r'<section class="card".*?</section>', "Tim Schulz")
    for fact in (*MILLERS[1:], "Bernd Vogel", "+49 171 2000002"):
        assert fact in tim, fact
