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


def complete_answers(cohort_id: int) -> dict:
    """Form data of an application that can be submitted."""
    return {
        "family_name": "Miller",
        "address_line": "12 Elmwood Avenue",
        "city": "Buffalo",
        "state": "NY",
        "postal_code": "14222",
        "phone": "+1 716 555 0101",
        "members-0-name": "Karen Miller",
        "members-0-age": "44",
        "members-0-relation": "mother",
        "members-1-name": "",
        "members-1-age": "",
        "members-1-relation": "",
        "languages": "English, Spanish",
        "has_pets": "y",
        "pets": "a cat",
        "bedrooms": "4",
        "beds_offered": "1",
        "gender_preference": "any",
        "diets": ["vegetarian", "halal"],
        "high_school": "City Honors School",
        "school_distance_miles": "2.5",
        "cohort_ids": [str(cohort_id)],
        "motivation": "We loved our visit to Dortmund.",
        "reference1-name": "Ann Neighbour",
        "reference1-relation": "neighbour",
        "reference1-phone": "+1 716 555 0102",
        "reference2-name": "Bob Coach",
        "reference2-relation": "coach",
        "reference2-phone": "+1 716 555 0103",
        "reference2-email": "bob@example.org",
        "background_check_consent": "y",
    }


def submit_complete(app, client) -> int:
    cohort_id = make_cohort(app)
    data = {**complete_answers(cohort_id), "submit_application": "Submit application"}
    response = post(client, "/family/application", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return cohort_id


# --- signing up ------------------------------------------------------------------------


def test_home_page_links_to_the_sign_up(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/family/signup" role="button">Sign up as a host family' in page
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


def test_a_taken_email_gets_the_same_answer_and_no_second_account(app, client):
    make_user(app, FAMILY, Role.TEACHER)
    new = app.test_client()
    first = sign_up(new, "new-family@example.org")
    taken = sign_up(client, FAMILY, "another-long-passphrase")
    assert (taken.status_code, taken.headers["Location"]) == (
        first.status_code,
        first.headers["Location"],
    )
    assert flashes(client.get("/login").get_data(as_text=True)) == flashes(
        new.get("/login").get_data(as_text=True)
    )
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


# --- the application ---------------------------------------------------------------------


def test_a_half_filled_draft_is_saved_and_found_after_logging_in_again(app, client, family):
    page = family.get("/family/application").get_data(as_text=True)
    assert re.search(r'<option selected value="NY">|<option value="NY" selected>', page)
    assert input_value(page, "members-1-name") == ""  # two empty rows to fill in
    data = {
        "address_line": "12 Elmwood Avenue",
        "city": "Buffalo",
        "members-0-name": "Karen Miller",
        "members-0-age": "44",
        "members-0-relation": "mother",
        "members-1-name": "",
        "members-1-age": "",
        "members-1-relation": "",
        "has_pets": "y",
        "diets": ["vegan"],
        "save": "Save and continue later",
    }
    response = post(family, "/family/application", data)
    assert path_of(response) == "/family/"
    application = application_of(app)
    assert application.status == ApplicationStatus.DRAFT
    assert [(m.name, m.age) for m in application.members] == [("Karen Miller", 44)]

    Auth(app, family).logout()
    Auth(app, family).login(FAMILY)
    page = family.get("/family/application").get_data(as_text=True)
    assert input_value(page, "address_line") == "12 Elmwood Avenue"
    assert input_value(page, "members-0-name") == "Karen Miller"
    assert input_value(page, "members-0-age") == "44"
    assert is_checked(page, "has_pets")
    assert is_checked(page, "diets-1")  # vegan
    assert not is_checked(page, "diets-0")
    assert input_value(page, "members-2-name") == ""  # and two new empty rows


def test_a_malformed_draft_is_not_saved_and_the_problem_shows_at_its_row(app, family):
    data = {
        "city": "Buffalo",
        "members-0-name": "",
        "members-0-age": "",
        "members-0-relation": "",
        "members-1-name": "",
        "members-1-age": "12",
        "members-1-relation": "son",
        "save": "Save and continue later",
    }
    response = post(family, "/family/application", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "members-1-name") == "Give the name."
    assert field_error(page, "members-0-name") == ""
    assert "Nothing was saved" in page
    assert application_of(app).city == ""


def test_submitting_an_incomplete_application_shows_the_problems_and_stays_draft(app, family):
    data = {"city": "Buffalo", "submit_application": "Submit application"}
    response = post(family, "/family/application", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert field_error(page, "address_line") == "This field is required."
    assert field_error(page, "cohort_ids") == "Choose at least one group you could host."
    assert field_error(page, "reference1-name") == "This field is required."
    assert "Hosting a minor needs a background check" in field_error(
        page, "background_check_consent"
    )
    assert "List everybody who lives in your home." in page
    application = application_of(app)
    assert application.status == ApplicationStatus.DRAFT
    assert application.city == "Buffalo"  # what was given is kept as a draft


def test_submitting_malformed_answers_shows_everything_still_missing_at_once(app, family):
    data = {
        "city": "Buffalo",
        "members-0-name": "",
        "members-0-age": "12",
        "members-0-relation": "son",
        "submit_application": "Submit application",
    }
    page = post(family, "/family/application", data).get_data(as_text=True)
    assert field_error(page, "members-0-name") == "Give the name."
    assert field_error(page, "cohort_ids") == "Choose at least one group you could host."
    assert "Nothing was saved" in page
    assert application_of(app).status == ApplicationStatus.DRAFT


def test_submitting_a_complete_application_changes_its_status(app, family):
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    cohort_id = submit_complete(app, family)
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
    with app.app_context():
        told = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == "coordinator@example.org")
        )
        assert told.subject == "New host-family application"
        assert told.sent_at is not None


def test_a_submitted_application_has_one_button_and_must_stay_complete(app, family):
    cohort_id = submit_complete(app, family)
    page = family.get("/family/application").get_data(as_text=True)
    assert 'name="save_changes"' in page
    assert 'name="submit_application"' not in page
    data = {**complete_answers(cohort_id), "city": "", "save_changes": "Save changes"}
    page = post(family, "/family/application", data).get_data(as_text=True)
    assert field_error(page, "city") == "This field is required."
    assert application_of(app).city == "Buffalo"


def test_answers_with_references_can_be_saved_again(app, family):
    cohort_id = submit_complete(app, family)
    data = {**complete_answers(cohort_id), "city": "Amherst", "save_changes": "Save changes"}
    assert post(family, "/family/application", data).status_code == 302
    application = application_of(app)
    assert (application.status, application.city) == (ApplicationStatus.SUBMITTED, "Amherst")


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
    page = family.get("/family/application").get_data(as_text=True)
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
    ("POST", "/family/application"),
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
