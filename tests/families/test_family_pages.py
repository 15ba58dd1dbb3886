"""The host family's pages: signing up, the application (saved unfinished, submitted,
edited), withdrawing, applying again, the portal's steps, and who may open them."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApplicationStatus, HostApplication, HostFamily, OutboxEmail, Role, User
from app.services.identity import accounts
from tests.conftest import PASSWORD, Auth, confirm_address, count, make_user, post
from tests.factories import make_cohort
from tests.form_errors import field_error

FAMILY = "miller@example.org"
NEUTRAL = "We have sent you an email: confirm your email address with its link"


def input_value(page: str, field: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert tag, f"no input {field}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def is_checked(page: str, field: str) -> bool:
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)
    assert tag, f"no input {field}"
    return " checked" in tag.group(0)


def flashes(page: str) -> list[str]:
    return [
        html.unescape(text).strip()
        for text in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def path_of(response) -> str:
    return urlsplit(response.headers["Location"]).path


def sign_up(client, email: str = FAMILY, password: str = PASSWORD, **extra):
    data = {"email": email, "password": password, "confirm": password, **extra}
    return post(client, "/family/signup", data)


@pytest.fixture
def family(app, client):
    """A client logged in as a family that signed up through the page (and confirmed its
    address with the link of the welcome email)."""
    assert sign_up(client).status_code == 302
    assert confirm_address(app, client, FAMILY).status_code == 302
    response = Auth(app, client).login(FAMILY)
    assert path_of(response) == "/family/"
    return client


def application_of(app, email: str = FAMILY) -> HostApplication:
    """The newest application of the family, loaded with what the tests look at."""
    with app.app_context():
        user = accounts.find_user(email)
        application = db.session.scalar(
            sa.select(HostApplication)
            .join(HostFamily)
            .where(HostFamily.user_id == user.id)
            .order_by(HostApplication.id.desc())
        )
        _ = (application.members, application.references, application.cohorts)
        db.session.expunge(application)
        return application


def complete_answers(cohort_id: int) -> dict[str, dict]:
    """Form data of an application that can be submitted, section by section."""
    return {
        "household": {
            "family_name": "Miller",
            "members-0-name": "Karen Miller",
            "members-0-age": "44",
            "members-0-relation": "mother",
            "languages": "English, Spanish",
            "motivation": "We loved our visit to Dortmund.",
        },
        "home": {
            "address_line": "12 Elmwood Avenue",
            "city": "Buffalo",
            "state": "NY",
            "postal_code": "14222",
            "phone": "+1 716 555 0101",
            "bedrooms": "4",
            "has_pets": "y",
            "pets": "a cat",
            "high_school": "City Honors School",
            "school_distance_miles": "2.5",
        },
        "preferences": {
            "beds_offered": "1",
            "gender_preference": "any",
            "diets": ["vegetarian", "halal"],
        },
        "references": {
            "reference1-name": "Ann Neighbour",
            "reference1-relation": "neighbour",
            "reference1-phone": "+1 716 555 0102",
            "reference2-name": "Bob Coach",
            "reference2-relation": "coach",
            "reference2-phone": "+1 716 555 0103",
            "reference2-email": "bob@example.org",
            "background_check_consent": "y",
        },
        "availability": {"cohort_ids": [str(cohort_id)]},
    }


def save_section(client, section: str, data: dict):
    return post(client, f"/family/application/{section}", {**data, "save": "1"})


def submit_complete(app, client) -> int:
    cohort_id = make_cohort(app)
    for section, data in complete_answers(cohort_id).items():
        response = save_section(client, section, data)
        assert response.status_code == 302, response.get_data(as_text=True)
    response = post(client, "/family/application/submit")
    assert path_of(response) == "/family/", response.get_data(as_text=True)
    return cohort_id


def task_statuses(page: str) -> dict[str, str]:
    """The task list on the family's page: section → status shown."""
    found = re.findall(
        r'<li class="task task-[\w]+">\s*<a href="/family/application/(\w+)"[^>]*>.*?</a>'
        r"\s*<strong[^>]*>(.*?)</strong>",
        page,
        re.S,
    )
    return {section: html.unescape(status) for section, status in found}


# --- signing up ------------------------------------------------------------------------


def test_home_page_links_to_the_sign_up(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/family/signup" class="button">Sign up as a host family' in page
    assert "Families who already have an account log in" in page


def test_sign_up_creates_a_family_with_a_draft_and_lands_in_login(app, client):
    assert 'autocomplete="new-password"' in client.get("/family/signup").get_data(as_text=True)
    response = sign_up(client)
    assert response.status_code == 302
    assert path_of(response) == "/login"
    assert any(NEUTRAL in text for text in flashes(client.get("/login").get_data(as_text=True)))
    with app.app_context():
        user = accounts.find_user(FAMILY)
        assert user.role == Role.HOST_FAMILY
        family = db.session.scalar(sa.select(HostFamily).where(HostFamily.user_id == user.id))
        assert [a.status for a in family.applications] == [ApplicationStatus.DRAFT]
        welcome = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.recipient == FAMILY))
        assert welcome.sent_at is not None  # delivered after the commit
    # The account works once the address is confirmed (finding 4).
    assert Auth(app, client).login(FAMILY).status_code == 200
    assert confirm_address(app, client, FAMILY).status_code == 302
    response = Auth(app, client).login(FAMILY)
    assert path_of(response) == "/family/"


def test_after_signing_up_and_confirming_the_login_has_the_email_filled_in(app, client):
    sign_up(client, "Miller@Example.org")
    page = client.get("/login").get_data(as_text=True)
    assert input_value(page, "email") == FAMILY
    assert not input_value(client.get("/login").get_data(as_text=True), "email")  # once
    assert confirm_address(app, client, FAMILY).status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert "your email address is confirmed" in page
    assert input_value(page, "email") == FAMILY
    # On another device (another session) the confirmation fills it in too.
    other = app.test_client()
    sign_up(other, "other@example.org")
    fresh = app.test_client()
    assert confirm_address(app, fresh, "other@example.org").status_code == 302
    assert input_value(fresh.get("/login").get_data(as_text=True), "email") == "other@example.org"


def test_a_taken_email_gets_the_same_answer_and_no_second_account(app, client):
    make_user(app, FAMILY, Role.TEACHER)
    new = app.test_client()
    first = sign_up(new, "new-family@example.org")
    taken = sign_up(client, FAMILY, "another-long-passphrase")
    assert (taken.status_code, taken.headers["Location"]) == (
        first.status_code,
        first.headers["Location"],
    )
    taken_page = client.get("/login").get_data(as_text=True)
    new_page = new.get("/login").get_data(as_text=True)
    assert flashes(taken_page) == flashes(new_page)
    # Both have the email they typed filled in: nothing tells them apart.
    assert input_value(taken_page, "email") == FAMILY
    assert input_value(new_page, "email") == "new-family@example.org"
    assert count(app, User) == 2
    assert count(app, HostFamily) == 1
    with app.app_context():
        assert accounts.find_user(FAMILY).role == Role.TEACHER
        told = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.recipient == FAMILY))
        assert [e.subject for e in told] == ["Someone tried to sign up with your email"]
    assert Auth(app, client).login(FAMILY, "another-long-passphrase").status_code == 200


def test_a_weak_password_is_refused_next_to_the_field(app, client):
    response = sign_up(client, password="password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "too common" in field_error(page, "password")
    assert input_value(page, "email") == FAMILY
    assert not input_value(page, "password")  # a password is never sent back
    assert count(app, User) == 0


def test_a_bad_email_and_differing_passwords_are_refused(app, client):
    page = sign_up(client, email="not-an-email").get_data(as_text=True)
    assert field_error(page, "email")
    data = {"email": FAMILY, "password": PASSWORD, "confirm": PASSWORD + "x"}
    page = post(client, "/family/signup", data).get_data(as_text=True)
    assert field_error(page, "confirm") == "The two passwords differ."
    assert count(app, User) == 0


def test_extra_fields_posted_at_sign_up_change_nothing(app, client):
    other = make_user(app, "coordinator@example.org", Role.COORDINATOR)
    response = sign_up(client, role="admin", family_id="1", user_id=str(other), active="0")
    assert response.status_code == 302
    with app.app_context():
        user = accounts.find_user(FAMILY)
        assert (user.role, user.active) == (Role.HOST_FAMILY, True)
        family = db.session.scalar(sa.select(HostFamily))
        assert family.user_id == user.id


@pytest.mark.parametrize(
    ("role", "home"), [(Role.HOST_FAMILY, "/family/"), (Role.TEACHER, "/teachers/me")]
)
def test_logged_in_people_visiting_sign_up_go_home(app, client, auth, role, home):
    if role == Role.HOST_FAMILY:
        sign_up(client)
        confirm_address(app, client, FAMILY)
        auth.login(FAMILY)
    else:
        auth.login_as(role)
    response = client.get("/family/signup")
    assert response.status_code == 302
    assert path_of(response) == home


# --- the application: a task list of sections ------------------------------------------


def test_the_family_page_shows_each_section_with_its_status(app, family):
    page = family.get("/family/").get_data(as_text=True)
    assert task_statuses(page) == {
        "household": "Not started",
        "home": "Not started",
        "preferences": "Not started",
        "references": "Not started",
        "availability": "Not started",
    }
    assert "You have completed 0 of 5 sections." in page
    assert 'action="/family/application/submit"' not in page  # nothing to submit yet
    assert path_of(family.get("/family/application")) == "/family/"  # old links land here

    save_section(family, "household", {"family_name": "Miller"})
    cohort_id = make_cohort(app)
    save_section(family, "home", complete_answers(cohort_id)["home"])
    page = family.get("/family/").get_data(as_text=True)
    statuses = task_statuses(page)
    assert (statuses["household"], statuses["home"]) == ("In progress", "Completed")
    assert statuses["references"] == "Not started"
    assert "You have completed 1 of 5 sections." in page
    # What is left, section by section, with the questions still to answer.
    left = re.search(r'<div class="still-to-do".*?</div>', page, re.S).group(0)
    assert "Your household</a>: Who lives in your home, Why would you like to host" in left
    assert "Your home</a>" not in left
    assert (
        "References and background check</a>: First reference, Second reference, We agree to a "
        "background check"
    ) in left


def test_a_half_filled_section_is_saved_and_found_after_logging_in_again(app, client, family):
    page = family.get("/family/application/home").get_data(as_text=True)
    assert re.search(r'<option selected value="NY">|<option value="NY" selected>', page)
    page = family.get("/family/application/household").get_data(as_text=True)
    assert input_value(page, "members-0-name") == ""  # a row for the first person
    data = {
        "members-0-name": "Karen Miller",
        "members-0-age": "44",
        "members-0-relation": "mother",
        "languages": "English",
    }
    response = save_section(family, "household", data)
    assert path_of(response) == "/family/"
    assert flashes(family.get("/family/").get_data(as_text=True)) == ["“Your household” is saved."]
    save_section(family, "home", {"city": "Buffalo", "has_pets": "y"})
    save_section(family, "preferences", {"diets": ["vegan"], "gender_preference": "any"})
    application = application_of(app)
    assert application.status == ApplicationStatus.DRAFT
    assert [(m.name, m.age) for m in application.members] == [("Karen Miller", 44)]
    assert (application.city, application.languages) == ("Buffalo", "English")

    Auth(app, family).logout()
    Auth(app, family).login(FAMILY)
    page = family.get("/family/application/household").get_data(as_text=True)
    assert input_value(page, "members-0-name") == "Karen Miller"
    assert input_value(page, "members-0-age") == "44"
    page = family.get("/family/application/home").get_data(as_text=True)
    assert input_value(page, "city") == "Buffalo"
    assert is_checked(page, "has_pets")
    page = family.get("/family/application/preferences").get_data(as_text=True)
    assert is_checked(page, "diets-1")  # vegan
    assert not is_checked(page, "diets-0")


def test_another_person_is_added_and_removed_without_saving_and_keeps_what_was_typed(app, family):
    karen = {
        "members-0-name": "Karen Miller",
        "members-0-age": "44",
        "members-0-relation": "mother",
    }
    response = post(family, "/family/application/household", {**karen, "add_member": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert input_value(page, "members-0-name") == "Karen Miller"
    assert input_value(page, "members-1-name") == ""  # a new, empty row
    assert re.search(r'<input[^>]*autofocus[^>]*id="members-1-name"', page)
    assert "A row for one more person was added. Nothing is saved until you save" in page
    assert application_of(app).members == []

    three = {
        **karen,
        "members-1-name": "Tom Miller",
        "members-1-age": "46",
        "members-1-relation": "father",
        "members-2-name": "Lily Miller",
        "members-2-age": "12",
        "members-2-relation": "daughter",
    }
    page = post(family, "/family/application/household", {**three, "remove_member": "1"})
    page = page.get_data(as_text=True)
    assert input_value(page, "members-0-name") == "Karen Miller"
    assert input_value(page, "members-2-name") == "Lily Miller"
    assert 'id="members-1-name"' not in page
    assert "Tom Miller" not in page
    assert application_of(app).members == []

    save_section(family, "household", {k: v for k, v in three.items() if "-1-" not in k})
    assert [m.name for m in application_of(app).members] == ["Karen Miller", "Lily Miller"]


def test_a_malformed_section_is_not_saved_and_the_problem_shows_at_its_row(app, family):
    data = {
        "family_name": "Miller",
        "members-0-name": "",
        "members-0-age": "",
        "members-0-relation": "",
        "members-1-name": "",
        "members-1-age": "12",
        "members-1-relation": "son",
    }
    response = save_section(family, "household", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "members-1-name") == "Give the name."
    assert field_error(page, "members-0-name") == ""
    assert 'class="error-summary"' in page
    assert "Nothing was saved" in page
    assert application_of(app).members == []


def test_submitting_an_incomplete_application_lists_what_is_left_and_stays_draft(app, family):
    save_section(family, "home", {"city": "Buffalo"})
    family.get("/family/")  # shows the flash of the save
    response = post(family, "/family/application/submit")
    assert path_of(response) == "/family/"
    page = family.get("/family/").get_data(as_text=True)
    assert flashes(page) == [
        "Some answers are still missing: complete the sections marked below, then submit."
    ]
    left = html.unescape(re.search(r'<div class="still-to-do".*?</div>', page, re.S).group(0))
    assert "Your home</a>: Street address, ZIP code, Home phone, Bedrooms in your home" in left
    assert "Groups you could host</a></li>" in left
    application = application_of(app)
    assert application.status == ApplicationStatus.DRAFT
    assert application.city == "Buffalo"  # what was given is kept as a draft


def test_submitting_a_complete_application_changes_its_status(app, family):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    cohort_id = make_cohort(app)
    for section, data in complete_answers(cohort_id).items():
        save_section(family, section, data)
    page = family.get("/family/").get_data(as_text=True)
    assert set(task_statuses(page).values()) == {"Completed"}
    assert "You have completed 5 of 5 sections." in page
    assert 'class="still-to-do"' not in page
    assert post(family, "/family/application/submit").status_code == 302
    application = application_of(app)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    assert [c.id for c in application.cohorts] == [cohort_id]
    assert [r.name for r in application.references] == ["Ann Neighbour", "Bob Coach"]
    assert sorted(application.diets.split(",")) == ["halal", "vegetarian"]
    assert application.school_distance_miles == 2.5
    page = family.get("/family/").get_data(as_text=True)
    assert "Your application is submitted" in page
    assert "Edit your details" in page
    assert "Continue your application" not in page
    assert 'action="/family/application/submit"' not in page
    with app.app_context():
        told = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == "coordinator@example.org")
        )
        assert told.subject == "New host-family application"
        assert told.sent_at is not None


def test_a_submitted_application_saves_changes_and_must_stay_complete(app, family):
    cohort_id = submit_complete(app, family)
    page = family.get("/family/application/home").get_data(as_text=True)
    assert "Save changes" in page
    assert "Save and continue" not in page
    data = {**complete_answers(cohort_id)["home"], "city": ""}
    page = save_section(family, "home", data).get_data(as_text=True)
    assert field_error(page, "city") == "This field is required."
    assert application_of(app).city == "Buffalo"


def test_answers_with_references_can_be_saved_again(app, family):
    cohort_id = submit_complete(app, family)
    answers = complete_answers(cohort_id)
    assert save_section(family, "references", answers["references"]).status_code == 302
    data = {**answers["home"], "city": "Amherst"}
    assert save_section(family, "home", data).status_code == 302
    application = application_of(app)
    assert (application.status, application.city) == (ApplicationStatus.SUBMITTED, "Amherst")
    assert [r.name for r in application.references] == ["Ann Neighbour", "Bob Coach"]
    assert [m.name for m in application.members] == ["Karen Miller"]  # other sections kept


def test_the_address_form_offers_the_states_of_the_host_area(app, family):
    page = family.get("/family/application/home").get_data(as_text=True)
    states = re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]*)</option>', page)
    assert states == [("NY", "New York"), ("PA", "Pennsylvania")]
    assert "Ontario" not in page
    assert 'autocomplete="postal-code"' in page
    response = save_section(family, "home", {"city": "Toronto", "state": "ON"})
    assert response.status_code == 200
    assert application_of(app).state == "NY"


# --- the portal: steps, withdrawing, applying again ------------------------------------


def test_the_portal_shows_the_steps(app, family):
    page = family.get("/family/").get_data(as_text=True)
    for step in ("Application started", "Submitted", "References checked", "Home visit"):
        assert step in page
    assert re.search(r'class="progress-current" aria-current="step">.*?Submitted', page, re.S)
    assert "Continue your application" in page
    assert "Apply again" not in page

    submit_complete(app, family)
    page = family.get("/family/").get_data(as_text=True)
    current = re.search(r'class="progress-current" aria-current="step">(.*?)</li>', page, re.S)
    assert "References checked" in current.group(1)
    assert page.count('class="progress-done"') == 2


def test_withdrawing_needs_a_confirmation(app, family):
    response = post(family, "/family/application/withdraw")
    assert path_of(response) == "/family/"
    assert application_of(app).status == ApplicationStatus.DRAFT
    response = post(family, "/family/application/withdraw", {"confirm": "y"})
    assert path_of(response) == "/family/"
    assert application_of(app).status == ApplicationStatus.WITHDRAWN
    page = family.get("/family/").get_data(as_text=True)
    assert "Apply again for a new group" in page
    assert "Withdraw your application" not in page
    response = family.get("/family/application")
    assert path_of(response) == "/family/"  # a closed application cannot be changed


def test_applying_again_copies_the_answers(app, family):
    submit_complete(app, family)
    post(family, "/family/application/withdraw", {"confirm": "y"})
    response = post(family, "/family/apply-again")
    assert path_of(response) == "/family/"
    page = family.get("/family/").get_data(as_text=True)
    assert "We copied your answers from last time; please check them" in page
    application = application_of(app)
    assert application.status == ApplicationStatus.DRAFT
    assert application.copied_from_id is not None
    assert application.city == "Buffalo"
    assert [m.name for m in application.members] == ["Karen Miller"]
    assert application.cohorts == []  # the group is chosen anew
    page = family.get("/family/application/references").get_data(as_text=True)
    assert input_value(page, "reference2-email") == "bob@example.org"


def test_applying_again_is_refused_while_an_application_is_open(app, family):
    response = post(family, "/family/apply-again")
    assert path_of(response) == "/family/"
    assert "Your current application is still open." in flashes(
        family.get("/family/").get_data(as_text=True)
    )
    assert count(app, HostApplication) == 1


# --- who may open the family pages -------------------------------------------------------

FAMILY_PAGES = [
    ("GET", "/family/"),
    ("GET", "/family/application"),
    ("GET", "/family/application/household"),
    ("POST", "/family/application/home"),
    ("POST", "/family/application/submit"),
    ("POST", "/family/application/withdraw"),
    ("POST", "/family/apply-again"),
]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TEACHER, Role.ADMIN])
def test_staff_and_teachers_are_refused_the_family_pages(app, client, auth, role):
    auth.login_as(role)
    for method, url in FAMILY_PAGES:
        response = client.get(url) if method == "GET" else post(client, url)
        assert response.status_code == 403, (method, url)


def test_anonymous_visitors_are_sent_to_the_login(client):
    for method, url in FAMILY_PAGES:
        response = client.get(url) if method == "GET" else post(client, url)
        assert response.status_code == 302, (method, url)
        assert path_of(response) == "/login"
    assert client.get("/family/signup").status_code == 200


def test_a_family_account_without_a_family_gets_404(app, client, auth):
    auth.login_as(Role.HOST_FAMILY)
    assert client.get("/family/").status_code == 404
    assert client.get("/family/application").status_code == 404
