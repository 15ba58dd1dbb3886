"""The cohort pages as a coordinator uses them: creating and editing cohorts, the overview of
places and the waitlist, status buttons, enrolling registered students, missing documents."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, CohortStatus, DocumentKind, Enrolment, EnrolmentStatus, Role
from app.services.enrolment import cohorts, documents, enrolments
from tests.conftest import count, post
from tests.factories import enrol, make_cohort, make_student
from tests.form_errors import field_error

DEPARTURE = date.today() + timedelta(days=200)


def input_value(page: str, field: str) -> str | None:
    """The value an <input> shows, as the browser would fill it in."""
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert tag, f"no input {field}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def flashes(page: str) -> list[str]:
    return [
        html.unescape(text).strip()
        for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def stats(page: str) -> dict[str, int]:
    """The "at a glance" figures of a cohort page, by their caption."""
    found = re.findall(r'<p class="big-number[^"]*">(\d+)</p><p>(?:<a[^>]*>)?([^<]+)', page)
    return {html.unescape(caption).strip(): int(number) for number, caption in found}


def waitlist_names(page: str) -> list[str]:
    section = re.search(r'id="waitlist-heading".*?</ol>', page, re.DOTALL)
    if section is None:
        return []
    return [html.unescape(name) for name in re.findall(r"<li><a [^>]*>([^<]+)</a>", section[0])]


def location(response) -> str:
    return urlsplit(response.headers["Location"]).path


def full_name(app, enrolment_id: int) -> str:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).student.full_name


def programme_id(app) -> int:
    with app.app_context():
        programme = cohorts.ensure_default_programme()
        db.session.commit()
        return programme.id


def cohort_form(app, **changes) -> dict:
    data = {
        "programme_id": str(programme_id(app)),
        "name": "Buffalo spring 2027",
        "direction": "outbound",
        "departure_date": DEPARTURE.isoformat(),
        "return_date": (DEPARTURE + timedelta(days=21)).isoformat(),
        "enrolment_deadline": "",
        "places": "24",
        "students_per_teacher": "8",
    }
    data.update(changes)
    return data


@pytest.fixture
def coordinator(auth, client):
    auth.login_as(Role.COORDINATOR)
    return client


# --- creating and editing ---------------------------------------------------------------


def test_coordinator_creates_a_cohort_in_planning(app, coordinator):
    assert coordinator.get("/cohorts/new").status_code == 200

    response = post(coordinator, "/cohorts/new", cohort_form(app))

    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(sa.select(Cohort))
        assert cohort.name == "Buffalo spring 2027"
        assert cohort.status == CohortStatus.PLANNING
        assert (cohort.places, cohort.places_taken, cohort.students_per_teacher) == (24, 0, 8)
        assert cohort.departure_date == DEPARTURE
        cohort_id = cohort.id
    assert location(response) == f"/cohorts/{cohort_id}"
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "The cohort was created." in " ".join(flashes(page))
    assert "Buffalo spring 2027" in page
    listing = coordinator.get("/cohorts/").get_data(as_text=True)
    assert "Buffalo spring 2027" in listing
    assert "0 / 24" in listing


def test_the_cohort_list_shows_50_a_page_newest_departure_first(app, coordinator):
    for number in range(52):
        make_cohort(
            app,
            name=f"Cohort {number:02d}",
            departure_date=DEPARTURE + timedelta(days=number),
            return_date=DEPARTURE + timedelta(days=number + 90),
            enrolment_deadline=None,
        )
    first = coordinator.get("/cohorts/").get_data(as_text=True)
    names = re.findall(r">(Cohort \d\d)</a>", first)
    assert names == [f"Cohort {n:02d}" for n in range(51, 1, -1)]
    assert "Page 1 of 2" in first
    second = coordinator.get("/cohorts/?page=2").get_data(as_text=True)
    assert re.findall(r">(Cohort \d\d)</a>", second) == ["Cohort 01", "Cohort 00"]


def test_a_return_before_departure_is_shown_next_to_the_field(app, coordinator):
    returning = (DEPARTURE - timedelta(days=3)).isoformat()
    data = cohort_form(app, name="Backwards trip", return_date=returning)

    response = post(coordinator, "/cohorts/new", data)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "return_date") == "The return must be after the departure."
    assert input_value(page, "name") == "Backwards trip"
    assert input_value(page, "departure_date") == DEPARTURE.isoformat()
    assert input_value(page, "return_date") == returning
    assert input_value(page, "places") == "24"
    assert count(app, Cohort) == 0


@pytest.mark.parametrize("places", ["0", "-3", "10001", "many", ""])
def test_places_must_be_a_sensible_number(app, coordinator, places):
    response = post(coordinator, "/cohorts/new", cohort_form(app, places=places))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "places")
    assert input_value(page, "name") == "Buffalo spring 2027"
    assert count(app, Cohort) == 0


def test_a_deadline_after_departure_is_refused(app, coordinator):
    late = (DEPARTURE + timedelta(days=1)).isoformat()
    response = post(coordinator, "/cohorts/new", cohort_form(app, enrolment_deadline=late))
    page = response.get_data(as_text=True)
    assert "on or before departure" in field_error(page, "enrolment_deadline")
    assert count(app, Cohort) == 0


def test_a_duplicate_cohort_name_is_refused(app, coordinator):
    assert post(coordinator, "/cohorts/new", cohort_form(app)).status_code == 302

    response = post(coordinator, "/cohorts/new", cohort_form(app, places="5"))

    page = response.get_data(as_text=True)
    assert field_error(page, "name") == "This programme already has a cohort of that name."
    assert input_value(page, "places") == "5"
    assert count(app, Cohort) == 1


def test_editing_a_cohort_with_more_places_moves_the_waitlist_up(app, coordinator):
    cohort_id = make_cohort(app, places=1, name="Buffalo autumn")
    _, first_waiting, second_waiting = (enrol(app, make_student(app), cohort_id) for _ in range(3))
    page = coordinator.get(f"/cohorts/{cohort_id}/edit").get_data(as_text=True)
    assert input_value(page, "name") == "Buffalo autumn"
    assert input_value(page, "places") == "1"

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        data = cohort_form(
            app,
            name="Buffalo autumn",
            departure_date=cohort.departure_date.isoformat(),
            return_date=cohort.return_date.isoformat(),
            places="2",
        )
    response = post(coordinator, f"/cohorts/{cohort_id}/edit", data, follow_redirects=True)

    assert flashes(response.get_data(as_text=True)) == [
        f"The cohort was saved. Moved up from the waitlist: {full_name(app, first_waiting)}."
    ]
    with app.app_context():
        assert db.session.get(Enrolment, first_waiting).status == EnrolmentStatus.APPLIED
        assert db.session.get(Enrolment, second_waiting).status == EnrolmentStatus.WAITLISTED
        assert db.session.get(Cohort, cohort_id).places_taken == 2


def test_places_cannot_be_cut_below_the_students_holding_one(app, coordinator):
    cohort_id = make_cohort(app, places=3, name="Buffalo autumn")
    for _ in range(3):
        enrol(app, make_student(app), cohort_id)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        data = cohort_form(
            app,
            name="Buffalo autumn",
            departure_date=cohort.departure_date.isoformat(),
            return_date=cohort.return_date.isoformat(),
            places="2",
        )

    response = post(coordinator, f"/cohorts/{cohort_id}/edit", data)

    assert response.status_code == 200
    assert "3 places are already taken" in field_error(response.get_data(as_text=True), "places")
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).places == 3


# --- the cohort page --------------------------------------------------------------------


def test_cohort_page_shows_places_and_the_waitlist_in_order(app, coordinator):
    cohort_id = make_cohort(app, places=2)
    ids = [enrol(app, make_student(app), cohort_id) for _ in range(5)]

    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)

    figures = stats(page)
    assert figures["of 2 places taken"] == 2
    assert figures["places free"] == 0
    assert figures["waitlisted"] == 3
    assert waitlist_names(page) == [full_name(app, i) for i in ids[2:]]


def test_cohort_page_of_an_empty_cohort(app, coordinator):
    cohort_id = make_cohort(app, places=7)
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    figures = stats(page)
    assert figures["of 7 places taken"] == 0
    assert figures["places free"] == 7
    assert figures["waitlisted"] == 0
    assert "Nobody is enrolled yet." in page
    assert waitlist_names(page) == []


def test_status_buttons_offer_only_the_allowed_changes(app, coordinator):
    cohort_id = make_cohort(app, status=CohortStatus.OPEN)
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    offered = re.findall(r'name="status" value="(\w+)"', page)
    assert sorted(offered) == ["closed", "planning"]

    response = post(coordinator, f"/cohorts/{cohort_id}/status", {"status": "closed"})
    assert location(response) == f"/cohorts/{cohort_id}"
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "The cohort's status was changed." in flashes(page)
    assert sorted(re.findall(r'name="status" value="(\w+)"', page)) == ["open", "travelling"]
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.CLOSED


def test_status_buttons_walk_a_cohort_to_the_archive(app, coordinator):
    cohort_id = make_cohort(app, status=CohortStatus.PLANNING)
    for status in ("open", "closed", "travelling", "completed", "archived"):
        one_way = status in ("travelling", "completed", "archived")
        response = post(coordinator, f"/cohorts/{cohort_id}/status", {"status": status})
        if one_way:  # no way back: the button leads to a confirmation page first
            assert location(response) == f"/cohorts/{cohort_id}/status"
            page = coordinator.get(f"/cohorts/{cohort_id}/status?status={status}")
            assert "There is no way back" in page.get_data(as_text=True)
            with app.app_context():
                assert db.session.get(Cohort, cohort_id).status != status
            post(coordinator, f"/cohorts/{cohort_id}/status", {"status": status, "confirmed": "1"})
        with app.app_context():
            assert db.session.get(Cohort, cohort_id).status == status
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert re.findall(r'name="status" value="(\w+)"', page) == []


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("travelling", ("cannot go from", "open", "travelling")),
        ("flying", ("Unknown status.",)),
        ("", ("Choose a status.",)),
    ],
)
def test_a_refused_status_change_says_why(app, coordinator, status, words):
    cohort_id = make_cohort(app, status=CohortStatus.OPEN)
    response = post(
        coordinator, f"/cohorts/{cohort_id}/status", {"status": status}, follow_redirects=True
    )
    messages = flashes(response.get_data(as_text=True))
    assert any(all(word in message for word in words) for message in messages), messages
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.OPEN


def test_enrolling_a_registered_student_from_the_cohort_page(app, coordinator):
    cohort_id = make_cohort(app, places=1, name="Buffalo 2027")
    first, second = make_student(app, last_name="Abel"), make_student(app, last_name="Berg")
    page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Enrol a student who is already registered" in page
    assert "Abel" not in page  # found by a search, not listed

    def found(words: str) -> list[str]:
        response = post(coordinator, f"/cohorts/{cohort_id}", {"q": words})
        assert response.status_code == 302 and "q=" not in response.location
        assert response.location.endswith(f"/cohorts/{cohort_id}#enrol-existing")
        page = coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
        return re.findall(r'name="student_id" value="(\d+)"', page)

    assert found("ABEL") == [str(first)]
    assert found("lena") == [str(first), str(second)]
    assert found("nobody") == []
    assert "No registered student who is not in this cohort yet matches “nobody”." in html.unescape(
        coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    )
    found("lena")

    response = post(
        coordinator, f"/cohorts/{cohort_id}/enrol", {"student_id": first}, follow_redirects=True
    )
    assert flashes(response.get_data(as_text=True)) == [
        "Lena Abel holds a place in Buffalo 2027 (applied)."
    ]
    response = post(
        coordinator, f"/cohorts/{cohort_id}/enrol", {"student_id": second}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "The cohort is full: Lena Berg is on the waitlist at position 1." in flashes(page)
    assert waitlist_names(page) == ["Lena Berg"]
    assert re.findall(r'name="student_id" value="(\d+)"', page) == []  # both enrolled now

    response = post(
        coordinator, f"/cohorts/{cohort_id}/enrol", {"student_id": first}, follow_redirects=True
    )
    assert "This student is already enrolled in this cohort." in flashes(
        response.get_data(as_text=True)
    )
    response = post(
        coordinator, f"/cohorts/{cohort_id}/enrol", {"student_id": "999999"}, follow_redirects=True
    )
    assert "Choose a student." in flashes(response.get_data(as_text=True))
    assert count(app, Enrolment) == 2


def test_a_closed_cohort_takes_no_enrolment_from_its_page(app, coordinator):
    cohort_id = make_cohort(app, status=CohortStatus.CLOSED)
    student_id = make_student(app)
    response = post(
        coordinator,
        f"/cohorts/{cohort_id}/enrol",
        {"student_id": student_id},
        follow_redirects=True,
    )
    assert "This cohort does not take enrolments any more." in flashes(
        response.get_data(as_text=True)
    )
    assert count(app, Enrolment) == 0


# --- missing documents ------------------------------------------------------------------


def complete_documents(app, enrolment_id: int) -> None:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for kind in documents.PAPER_KINDS:
            documents.set_received(enrolment, kind, True, None)
        guardian = enrolment.student.guardians[0].name
        documents.record_consent(
            enrolment, guardian, datetime(2026, 1, 5), documents.current_wording_version(), None
        )
        db.session.commit()


def test_missing_documents_page_lists_only_students_lacking_something(app, coordinator):
    cohort_id = make_cohort(app)
    done = enrol(app, make_student(app, last_name="Complete"), cohort_id)
    lacking = enrol(app, make_student(app, last_name="Lacking"), cohort_id)
    gone = enrol(app, make_student(app, last_name="Gone"), cohort_id)
    complete_documents(app, done)
    with app.app_context():
        enrolment = db.session.get(Enrolment, lacking)
        documents.set_received(enrolment, DocumentKind.INSURANCE, True, None)
        enrolments.withdraw(db.session.get(Enrolment, gone))
        db.session.commit()

    page = coordinator.get(f"/cohorts/{cohort_id}/documents").get_data(as_text=True)

    assert "Lacking, Lena" in page
    assert "Complete, Lena" not in page
    assert "Gone, Lena" not in page
    assert f'href="/enrolments/{lacking}"' in page
    assert (
        stats(coordinator.get(f"/cohorts/{cohort_id}").get_data(as_text=True))[
            "student with documents missing"
        ]
        == 1
    )


def test_missing_documents_page_when_everything_is_in(app, coordinator):
    cohort_id = make_cohort(app)
    complete_documents(app, enrol(app, make_student(app), cohort_id))
    page = coordinator.get(f"/cohorts/{cohort_id}/documents").get_data(as_text=True)
    assert "Nothing is missing." in page


# --- who may use these pages ------------------------------------------------------------


def cohort_urls(app) -> tuple[list[str], list[tuple[str, dict]]]:
    """(GET urls, POST urls with form data) of the cohort pages, for an existing cohort."""
    cohort_id = make_cohort(app, name="Protected")
    student_id = make_student(app)
    gets = [
        "/cohorts/",
        "/cohorts/new",
        f"/cohorts/{cohort_id}",
        f"/cohorts/{cohort_id}/edit",
        f"/cohorts/{cohort_id}/documents",
    ]
    posts = [
        ("/cohorts/new", cohort_form(app, name="Sneaky")),
        (f"/cohorts/{cohort_id}/edit", cohort_form(app, name="Renamed")),
        (f"/cohorts/{cohort_id}/status", {"status": "closed"}),
        (f"/cohorts/{cohort_id}/enrol", {"student_id": student_id}),
    ]
    return gets, posts


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_host_families_are_refused(app, client, auth, role):
    gets, posts = cohort_urls(app)
    auth.login_as(role)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert post(client, url, data).status_code == 403, url
    with app.app_context():
        cohort = db.session.scalar(sa.select(Cohort))
        assert (cohort.name, cohort.status) == ("Protected", CohortStatus.OPEN)
    assert count(app, Cohort) == 1
    assert count(app, Enrolment) == 0


def test_anonymous_visitors_are_sent_to_the_login_page(app, client):
    gets, posts = cohort_urls(app)
    for url in gets:
        response = client.get(url)
        assert (response.status_code, location(response)) == (302, "/login"), url
    for url, data in posts:
        response = post(client, url, data)
        assert (response.status_code, location(response)) == (302, "/login"), url
    assert count(app, Cohort) == 1
    assert count(app, Enrolment) == 0


def test_unknown_cohorts_are_not_found(app, coordinator):
    for url in ("/cohorts/999999", "/cohorts/999999/edit", "/cohorts/999999/documents"):
        assert coordinator.get(url).status_code == 404, url
    assert post(coordinator, "/cohorts/999999/status", {"status": "open"}).status_code == 404
    assert post(coordinator, "/cohorts/999999/enrol", {"student_id": 1}).status_code == 404
    assert post(coordinator, "/cohorts/999999/edit", cohort_form(app)).status_code == 404


def test_post_only_addresses_refuse_get(app, coordinator):
    cohort_id = make_cohort(app)
    assert coordinator.get(f"/cohorts/{cohort_id}/enrol").status_code == 405
    # GET only shows the confirmation of a one-way step; it changes nothing
    assert coordinator.get(f"/cohorts/{cohort_id}/status?status=closed").status_code == 302
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.OPEN


def test_a_form_without_the_csrf_token_changes_nothing(app, coordinator):
    cohort_id = make_cohort(app, status=CohortStatus.OPEN)
    response = coordinator.post(f"/cohorts/{cohort_id}/status", data={"status": "closed"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).status == CohortStatus.OPEN
