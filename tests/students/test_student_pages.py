"""The student pages as a coordinator uses them: registering (and enrolling) students, bad
input, editing, the searchable list and the student's own page."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cohort,
    CohortStatus,
    DocumentKind,
    Enrolment,
    EnrolmentStatus,
    GuardianConsent,
    Role,
    Student,
)
from app.services.enrolment import cohorts, documents, enrolments
from tests.conftest import count, post
from tests.factories import STATUS_PATH, enrol, make_cohort, make_student
from tests.form_errors import field_error, summary_links

FIFTEEN = date(date.today().year - 15, 2, 1)


def input_value(page: str, field: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert tag, f"no input {field}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def textarea_value(page: str, field: str) -> str:
    match = re.search(rf'<textarea[^>]*\bid="{field}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, f"no textarea {field}"
    return html.unescape(match.group(1)).strip()


def flashes(page: str) -> list[str]:
    return [
        html.unescape(text).strip()
        for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def listed(page: str) -> list[str]:
    """The "Last, First" names in the student list, in the order shown."""
    return [
        html.unescape(name)
        for name in re.findall(r'<td><a href="/students/\d+">([^<]+)</a></td>', page)
    ]


def location(response) -> str:
    return urlsplit(response.headers["Location"]).path


def student_form(**changes) -> dict:
    data = {
        "first_name": "Mia",
        "last_name": "Kowalski",
        "date_of_birth": FIFTEEN.isoformat(),
        "gender": "female",
        "school": "Helmholtz-Gymnasium",
        "grade": "10b",
        "email": "mia@example.org",
        "phone": "+49 170 1234567",
        "guardian1-name": "Anna Kowalski",
        "guardian1-relation": "mother",
        "guardian1-phone": "+49 231 998877",
        "guardian1-email": "anna@example.org",
        "emergency1-name": "Piotr Kowalski",
        "emergency1-relation": "uncle",
        "emergency1-phone": "+49 231 112233",
        "diet": "vegetarian",
        "allergies": "peanuts",
        "medical_notes": "Asthma spray in the backpack",
        "interests": "football, chess",
        "languages": "German, Polish",
        "passport_number": "C01X00T47",
        "passport_expiry": "",
        "visa_status": "esta_applied",
        "no_pets": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


def only_student(app) -> Student:
    with app.app_context():
        student = db.session.scalar(sa.select(Student))
        assert student is not None
        _ = (student.guardians, student.emergency_contacts)
        db.session.expunge_all()
        return student


# --- registering ------------------------------------------------------------------------


def test_coordinator_registers_a_student(app, coordinator):
    assert coordinator.get("/students/new").status_code == 200

    response = post(coordinator, "/students/new", student_form())

    student = only_student(app)
    assert location(response) == f"/students/{student.id}"
    assert (student.first_name, student.last_name, student.school) == (
        "Mia",
        "Kowalski",
        "Helmholtz-Gymnasium",
    )
    assert student.date_of_birth == FIFTEEN
    assert student.no_pets and not student.no_smokers
    assert [(g.name, g.relation) for g in student.guardians] == [("Anna Kowalski", "mother")]
    assert [c.name for c in student.emergency_contacts] == ["Piotr Kowalski"]
    page = coordinator.get(f"/students/{student.id}").get_data(as_text=True)
    assert "Mia Kowalski was added." in flashes(page)
    assert "Not enrolled in any cohort yet." in page


def test_registering_from_a_cohort_enrols_with_a_place(app, coordinator):
    cohort_id = make_cohort(app, places=1, name="Buffalo 2027")
    page = coordinator.get(f"/students/new?cohort={cohort_id}").get_data(as_text=True)
    assert "The student will be enrolled in Buffalo 2027." in page

    response = post(coordinator, f"/students/new?cohort={cohort_id}", student_form())

    assert location(response) == f"/cohorts/{cohort_id}"
    messages = flashes(coordinator.get(location(response)).get_data(as_text=True))
    # One action, one message, and it agrees with the status the enrolment shows.
    assert messages == ["Mia Kowalski was added and holds a place in Buffalo 2027 (applied)."]
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment))
        assert (enrolment.cohort_id, enrolment.status) == (cohort_id, EnrolmentStatus.APPLIED)


def test_registering_into_a_full_cohort_names_the_waitlist_position(app, coordinator):
    cohort_id = make_cohort(app, places=1)
    enrol(app, make_student(app), cohort_id)
    enrol(app, make_student(app), cohort_id)

    response = post(
        coordinator, f"/students/new?cohort={cohort_id}", student_form(), follow_redirects=True
    )

    assert flashes(response.get_data(as_text=True)) == [
        "Mia Kowalski was added. The cohort is full: Mia Kowalski is on the waitlist at position 2."
    ]


def test_registering_into_a_closed_cohort_stores_nobody(app, coordinator):
    cohort_id = make_cohort(app, status=CohortStatus.CLOSED)

    response = post(coordinator, f"/students/new?cohort={cohort_id}", student_form())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This cohort does not take enrolments any more." in flashes(page)
    assert input_value(page, "first_name") == "Mia"
    assert count(app, Student) == 0
    assert count(app, Enrolment) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date_of_birth": date(date.today().year - 5, 1, 1).isoformat()},
            "date_of_birth",
            "A student is between 12 and 21 years old.",
        ),
        ({"phone": "abc"}, "phone", "Enter a phone number of digits, e.g. +49 231 123456."),
        (
            {"date_of_birth": date(date.today().year - 40, 1, 1).isoformat()},
            "date_of_birth",
            "A student is between 12 and 21 years old.",
        ),
        ({"email": "mia-at-example"}, "email", "valid email"),
        ({"guardian1-relation": ""}, "guardian1-relation", "This field is required."),
        ({"guardian1-phone": "call me"}, "guardian1-phone", "Enter a phone number"),
        ({"passport_number": "AB 12"}, "passport_number", "5 to 20 letters and digits"),
        ({"gender": ""}, "gender", "Choose one of"),
    ],
    ids=[
        "five_years_old",
        "bad_phone",
        "forty_years_old",
        "bad_email",
        "guardian_without_relation",
        "bad_guardian_phone",
        "bad_passport",
        "no_gender",
    ],
)
def test_bad_student_input_is_shown_and_nothing_stored(app, coordinator, changes, field, message):
    cohort_id = make_cohort(app)

    response = post(coordinator, f"/students/new?cohort={cohort_id}", student_form(**changes))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert field in summary_links(page)  # the summary at the top links to the field
    assert input_value(page, "first_name") == "Mia"
    assert input_value(page, "last_name") == "Kowalski"
    assert input_value(page, "school") == "Helmholtz-Gymnasium"
    assert textarea_value(page, "medical_notes") == "Asthma spray in the backpack"
    for name, typed in changes.items():
        if name != "gender":
            assert input_value(page, name) == typed
    assert count(app, Student) == 0
    assert count(app, Enrolment) == 0


NO_GUARDIAN = {
    "guardian1-name": "",
    "guardian1-relation": "",
    "guardian1-phone": "",
    "guardian1-email": "",
}
NO_EMERGENCY_CONTACT = {"emergency1-name": "", "emergency1-relation": "", "emergency1-phone": ""}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (NO_GUARDIAN, "Give at least one guardian."),
        (NO_EMERGENCY_CONTACT, "Give at least one emergency contact."),
    ],
    ids=["no_guardian", "no_emergency_contact"],
)
def test_a_student_without_guardian_or_emergency_contact_is_not_stored(
    app, coordinator, changes, message
):
    cohort_id = make_cohort(app)

    response = post(coordinator, f"/students/new?cohort={cohort_id}", student_form(**changes))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in html.unescape(page)
    assert input_value(page, "first_name") == "Mia"
    assert input_value(page, "date_of_birth") == FIFTEEN.isoformat()
    assert textarea_value(page, "medical_notes") == "Asthma spray in the backpack"
    assert count(app, Student) == 0
    assert count(app, Enrolment) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (NO_GUARDIAN, "guardian1-name", "Give at least one guardian."),
        (NO_EMERGENCY_CONTACT, "emergency1-name", "Give at least one emergency contact."),
    ],
    ids=["no_guardian", "no_emergency_contact"],
)
def test_a_missing_guardian_or_contact_is_shown_next_to_its_name_field(
    app, coordinator, changes, field, message
):
    """The service reports these as "guardian1.name" / "emergency1.name"; like every other
    refusal they belong next to the field, not only in a banner at the top."""
    page = post(coordinator, "/students/new", student_form(**changes)).get_data(as_text=True)
    assert field_error(page, field) == message


def test_several_problems_are_shown_at_once(app, coordinator):
    data = student_form(phone="abc", date_of_birth="2020-01-01", passport_number="X")
    page = post(coordinator, "/students/new", data).get_data(as_text=True)
    for field in ("phone", "date_of_birth", "passport_number"):
        assert field_error(page, field), field
    assert count(app, Student) == 0


# --- editing ----------------------------------------------------------------------------


def test_editing_a_student_shows_and_saves_the_details(app, coordinator):
    student_id = make_student(app, first_name="Jonas", medical_notes="Diabetes type 1")
    page = coordinator.get(f"/students/{student_id}/edit").get_data(as_text=True)
    assert input_value(page, "first_name") == "Jonas"
    assert textarea_value(page, "medical_notes") == "Diabetes type 1"
    assert input_value(page, "emergency1-name") == "Onkel Otto"

    data = student_form(
        first_name="Jonas",
        last_name="Becker",
        **{"guardian2-name": "Paul Becker", "guardian2-relation": "father"},
        **{"guardian2-phone": "+49 231 445566"},
    )
    response = post(coordinator, f"/students/{student_id}/edit", data)

    assert location(response) == f"/students/{student_id}"
    page = coordinator.get(f"/students/{student_id}").get_data(as_text=True)
    assert "The changes were saved." in flashes(page)
    assert "Jonas Becker" in page
    assert "Paul Becker" in page
    student = only_student(app)
    assert student.id == student_id
    assert [g.name for g in student.guardians] == ["Anna Kowalski", "Paul Becker"]
    assert student.medical_notes == "Asthma spray in the backpack"
    assert count(app, Student) == 1


def test_a_bad_edit_changes_nothing(app, coordinator):
    student_id = make_student(app, first_name="Jonas", phone="+49 231 123456")

    response = post(
        coordinator, f"/students/{student_id}/edit", student_form(first_name="Jo", phone="abc")
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "phone")
    assert input_value(page, "first_name") == "Jo"
    student = only_student(app)
    assert (student.first_name, student.phone) == ("Jonas", "+49 231 123456")


def test_editing_keeps_the_enrolment_and_the_recorded_consent(app, coordinator):
    student_id = make_student(app)
    enrolment_id = enrol(app, student_id, make_cohort(app))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        guardian = enrolment.student.guardians[0]
        documents.record_consent(
            enrolment,
            guardian.name,
            datetime(2026, 1, 10),
            documents.current_wording_version(),
            None,
            guardian_id=guardian.id,
        )
        db.session.commit()

    response = post(coordinator, f"/students/{student_id}/edit", student_form())

    assert response.status_code == 302
    assert count(app, Enrolment) == 1
    assert count(app, GuardianConsent) == 1
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert DocumentKind.GUARDIAN_CONSENT not in documents.missing_kinds(enrolment)


# --- the student's page -----------------------------------------------------------------


def test_student_page_shows_medical_notes_to_a_coordinator(app, coordinator):
    student_id = make_student(app, medical_notes="Epilepsy: medication at 8 pm")
    page = coordinator.get(f"/students/{student_id}").get_data(as_text=True)
    assert "Medical notes" in page
    assert "Epilepsy: medication at 8 pm" in page


def test_student_page_shows_enrolments_with_waitlist_position_and_missing_documents(
    app, coordinator
):
    cohort_id = make_cohort(app, places=1, name="Buffalo 2027")
    enrol(app, make_student(app), cohort_id)
    student_id = make_student(app)
    enrolment_id = enrol(app, student_id, cohort_id)

    page = coordinator.get(f"/students/{student_id}").get_data(as_text=True)

    assert f'<a href="/enrolments/{enrolment_id}">Buffalo 2027</a>' in page
    assert "waitlisted (position 1)" in page
    assert "Guardian consent, Medical form, Insurance, Passport / visa, Code of conduct" in page


# --- the list ---------------------------------------------------------------------------


@pytest.fixture
def school_classes(app):
    """Three students in two schools; Ada has a place in Buffalo, Ben waits for one."""
    cohort_id = make_cohort(app, places=1, name="Buffalo 2027")
    other_id = make_cohort(app, name="Buffalo 2028")
    ada = make_student(app, first_name="Ada", last_name="Abel", school="Goethe-Gymnasium")
    ben = make_student(app, first_name="Ben", last_name="Brandt", school="Goethe-Gymnasium")
    cem = make_student(app, first_name="Cem", last_name="Celik", school="Max-Planck-Schule")
    ada_enrolment = enrol(app, ada, cohort_id)
    enrol(app, ben, cohort_id)
    enrol(app, cem, other_id)
    with app.app_context():  # Ada's documents are all in
        enrolment = db.session.get(Enrolment, ada_enrolment)
        for kind in documents.PAPER_KINDS:
            documents.set_received(enrolment, kind, True, None)
        documents.record_consent(
            enrolment, "Maria", datetime(2026, 1, 10), documents.current_wording_version(), None
        )
        db.session.commit()
    return {"cohort": cohort_id, "other": other_id}


def test_student_list_shows_everybody_by_name(app, coordinator, school_classes):
    page = coordinator.get("/students/").get_data(as_text=True)
    assert listed(page) == ["Abel, Ada", "Brandt, Ben", "Celik, Cem"]
    assert "3 students found." in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=&cohort=0&status=&school=", ["Abel, Ada", "Brandt, Ben", "Celik, Cem"]),
        ("q=ben&cohort=0&status=&school=", ["Brandt, Ben"]),
        ("q=ben", ["Brandt, Ben"]),
        ("q=CELIK", ["Celik, Cem"]),
        ("q=Ada+Abel", ["Abel, Ada"]),
        ("q=nobody", []),
        ("cohort={cohort}", ["Abel, Ada", "Brandt, Ben"]),
        ("cohort={other}", ["Celik, Cem"]),
        ("status=waitlisted", ["Brandt, Ben"]),
        ("status=applied", ["Abel, Ada", "Celik, Cem"]),
        ("status=applied&cohort={cohort}", ["Abel, Ada"]),
        ("school=Goethe-Gymnasium", ["Abel, Ada", "Brandt, Ben"]),
        ("school=Max-Planck-Schule", ["Celik, Cem"]),
        ("missing=y", ["Brandt, Ben", "Celik, Cem"]),
        ("missing=y&school=Goethe-Gymnasium", ["Brandt, Ben"]),
        ("school=goethe", ["Abel, Ada", "Brandt, Ben"]),  # part of the name, any case
        ("school=Hogwarts", []),
    ],
)
def test_student_list_search_and_filters(app, coordinator, school_classes, query, expected):
    response = coordinator.get(
        "/students/?" + query.format(**school_classes), follow_redirects=True
    )
    assert response.status_code == 200
    assert "q=" not in response.request.url  # search words never stay in the address
    page = response.get_data(as_text=True)
    assert listed(page) == expected
    if not expected:
        assert "No student matches." in page


def test_student_list_is_paginated(app, coordinator):
    for number in range(30):
        make_student(app, first_name="Kim", last_name=f"Zimmer{number:02d}")

    first = coordinator.get("/students/").get_data(as_text=True)
    second = coordinator.get("/students/?page=2").get_data(as_text=True)

    assert listed(first) == [f"Zimmer{n:02d}, Kim" for n in range(25)]
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert listed(second) == [f"Zimmer{n:02d}, Kim" for n in range(25, 30)]
    assert "Page 2 of 2" in second
    assert 'rel="prev"' in second
    assert "30 students found." in second


def test_pagination_keeps_the_filters(app, coordinator):
    for number in range(27):
        make_student(app, first_name="Kim", last_name=f"Zimmer{number:02d}", school="Ostschule")
    make_student(app, first_name="Ulf", last_name="Anders", school="Westschule")

    first = coordinator.get("/students/?school=Ostschule").get_data(as_text=True)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert next_link
    second = coordinator.get(html.unescape(next_link.group(1))).get_data(as_text=True)
    assert listed(second) == ["Zimmer25, Kim", "Zimmer26, Kim"]


def test_unknown_filter_values_are_a_bad_request(app, coordinator, school_classes):
    assert coordinator.get("/students/?status=flying").status_code == 400
    assert coordinator.get("/students/?cohort=abc").status_code == 400


# --- who may use these pages ------------------------------------------------------------


def student_urls(app) -> tuple[list[str], list[tuple[str, dict]]]:
    cohort_id = make_cohort(app)
    student_id = make_student(app, first_name="Protected")
    gets = [
        "/students/",
        "/students/new",
        f"/students/new?cohort={cohort_id}",
        f"/students/{student_id}",
        f"/students/{student_id}/edit",
    ]
    posts = [
        ("/students/new", student_form()),
        (f"/students/new?cohort={cohort_id}", student_form()),
        (f"/students/{student_id}/edit", student_form(first_name="Changed")),
    ]
    return gets, posts


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_host_families_are_refused(app, client, auth, role):
    gets, posts = student_urls(app)
    auth.login_as(role)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Protected" not in response.get_data(as_text=True)
    for url, data in posts:
        assert post(client, url, data).status_code == 403, url
    assert only_student(app).first_name == "Protected"
    assert count(app, Student) == 1
    assert count(app, Enrolment) == 0


def test_anonymous_visitors_are_sent_to_the_login_page(app, client):
    gets, posts = student_urls(app)
    for url in gets:
        response = client.get(url)
        assert (response.status_code, location(response)) == (302, "/login"), url
    for url, data in posts:
        response = post(client, url, data)
        assert (response.status_code, location(response)) == (302, "/login"), url
    assert count(app, Student) == 1


def test_unknown_students_and_cohorts_are_not_found(app, coordinator):
    assert coordinator.get("/students/999999").status_code == 404
    assert coordinator.get("/students/999999/edit").status_code == 404
    assert post(coordinator, "/students/999999/edit", student_form()).status_code == 404
    assert coordinator.get("/students/new?cohort=999999").status_code == 404
    assert post(coordinator, "/students/new?cohort=999999", student_form()).status_code == 404
    assert count(app, Student) == 0


def test_withdrawn_students_leave_the_waitlist_filter(app, coordinator):
    cohort_id = make_cohort(app, places=1)
    enrol(app, make_student(app, first_name="Ada", last_name="Abel"), cohort_id)
    waiting = enrol(app, make_student(app, first_name="Ben", last_name="Brandt"), cohort_id)
    with app.app_context():
        enrolments.withdraw(db.session.get(Enrolment, waiting))
        db.session.commit()
    page = coordinator.get("/students/?status=waitlisted").get_data(as_text=True)
    assert listed(page) == []
    page = coordinator.get("/students/?status=withdrawn").get_data(as_text=True)
    assert listed(page) == ["Brandt, Ben"]


def test_a_search_is_posted_and_its_words_never_appear_in_an_address(
    app, coordinator, school_classes
):
    page = coordinator.get("/students/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = coordinator.post(
        "/students/", data={"csrf_token": token, "q": "Brandt", "status": "waitlisted"}
    )
    assert response.status_code == 302
    assert "Brandt" not in response.headers["Location"]
    assert "status=waitlisted" in response.headers["Location"]
    listing = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert listed(listing) == ["Brandt, Ben"]
    assert 'value="Brandt"' in listing  # the box still shows what was searched
    assert "Brandt" not in "".join(re.findall(r'href="([^"]*)"', listing))
    cleared = coordinator.get("/students/?clear=1", follow_redirects=True).get_data(as_text=True)
    assert listed(cleared) == ["Abel, Ada", "Brandt, Ben", "Celik, Cem"]


def test_the_cohort_filter_leaves_archived_cohorts_out_unless_chosen(app, coordinator):
    """A national organisation has thousands of archived cohorts: the filter offers the
    others, and an archived one only when a link has already chosen it."""
    current = make_cohort(app, name="Buffalo 2027")
    archived = make_cohort(app, name="Buffalo 1999")
    enrol(app, make_student(app, first_name="Old", last_name="Timer"), archived)
    with app.app_context():
        cohort = db.session.get(Cohort, archived)
        for step in STATUS_PATH[STATUS_PATH.index(CohortStatus.OPEN) + 1 :]:
            cohorts.set_status(cohort, step)
        db.session.commit()

    page = coordinator.get("/students/").get_data(as_text=True)
    assert f'value="{current}"' in page
    assert "Buffalo 1999" not in page

    chosen = coordinator.get(f"/students/?cohort={archived}").get_data(as_text=True)
    assert "Buffalo 1999" in chosen
    assert listed(chosen) == ["Timer, Old"]


@pytest.mark.parametrize(
    ("language", "readers"),
    [
        ("en", ("admins and coordinators", "supervising teachers", "host family")),
        ("de", ("Admins", "betreuenden Lehrkräften", "Gastfamilie")),
    ],
)
def test_the_medical_notes_hint_names_everybody_who_reads_them(coordinator, language, readers):
    """Teachers of the cohort and the host family read medical notes too: the form says so."""
    coordinator.set_cookie("lang", language)
    page = html.unescape(coordinator.get("/students/new").get_data(as_text=True))
    hint = re.search(r'<small id="medical_notes-help" class="field-hint">([^<]*)</small>', page)
    assert hint is not None
    assert all(reader in hint.group(1) for reader in readers), hint.group(1)
    assert "only" not in hint.group(1) and "nur" not in hint.group(1)


def test_staff_set_each_guardians_language_and_see_it_on_the_student_page(app, coordinator):
    second = {"guardian2-name": "Jan Kowalski", "guardian2-relation": "father"}
    data = student_form(**{"guardian1-locale": "en", "guardian2-phone": "+49 231 1", **second})
    post(coordinator, "/students/new", data)
    student = only_student(app)
    assert [(g.name, g.locale) for g in student.guardians] == [
        ("Anna Kowalski", "en"),
        ("Jan Kowalski", None),
    ]
    page = coordinator.get(f"/students/{student.id}").get_data(as_text=True)
    assert "Language: English" in page
    assert "Language: German (not given)" in page
    form = coordinator.get(f"/students/{student.id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="en">English</option>', form)

    refused = post(
        coordinator, f"/students/{student.id}/edit", student_form(**{"guardian1-locale": "fr"})
    )
    assert "Choose English or German." in refused.get_data(as_text=True)
    assert [g.locale for g in only_student(app).guardians] == ["en", None]
    post(coordinator, f"/students/{student.id}/edit", student_form(**{"guardian1-locale": "de"}))
    assert [g.locale for g in only_student(app).guardians] == ["de"]
