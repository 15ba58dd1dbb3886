"""Finding 2 of the 2026-12 outside audit, on the pages: a family that changes what a check
covered is told before it saves; the coordinators see what changed on the vetting page, in
the queue and on the placement board, and cannot approve until the checks are done again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date

from app.extensions import db
from app.models import ApplicationStatus, HostApplication, Role
from app.services.hosting import families
from tests.conftest import Auth, post
from tests.factories import (
    FAMILY_PASSWORD,
    enrol,
    make_cohort,
    make_student,
    make_vetted_family,
    place,
)
from tests.vetting.test_vetting_pages import STAFF, flashes, text

A = ApplicationStatus
TODAY = date.today()
FAMILY = "miller@example.org"
NEW_HOME = {"address_line": "7 Delaware Road", "city": "Buffalo"}
LODGER = {"name": "Rick Lodger", "age": 38, "relation": "lodger"}


def vetted(app, status: str = "home_visited", cohort_id: int | None = None, **answers) -> int:
    cohort_id = cohort_id or make_cohort(app, name="Spring group")
    return make_vetted_family(app, [cohort_id], status, email=FAMILY, **answers)


def form_data(app, application_id: int, **answers) -> dict:
    """What the family's form sends with its stored answers, these changed."""
    with app.app_context():
        values = {**families.as_values(db.session.get(HostApplication, application_id)), **answers}
    data = {k: v for k, v in values.items() if k not in ("members", "references", "cohort_ids")}
    for flag in ("has_pets", "smoking_in_home", "shared_room", "background_check_consent"):
        data[flag] = "y" if data[flag] else ""
    data = {k: "" if v is None else v for k, v in data.items()}
    for index, member in enumerate(values["members"]):
        data.update({f"members-{index}-{field}": member[field] for field in member})
    for number, reference in enumerate(values["references"], start=1):
        data.update({f"reference{number}-{f}": reference[f] or "" for f in reference})
    data["cohort_ids"] = [str(i) for i in values["cohort_ids"]]
    return {**data, "save": "1"}


def save(family, app, application_id: int, section: str, **answers):
    """The family saves one section of its application (each section's form takes its own
    answers from what is posted)."""
    return post(family, f"/family/application/{section}", form_data(app, application_id, **answers))


def logged_in_family(app):
    client = app.test_client()
    response = post(client, "/login", {"email": FAMILY, "password": FAMILY_PASSWORD})
    assert response.status_code == 302
    return client


def logged_in_staff(app):
    client = app.test_client()
    Auth(app, client).login_as(Role.COORDINATOR, STAFF)
    return client


def status_of(app, application_id: int) -> A:
    with app.app_context():
        return db.session.get(HostApplication, application_id).status


def move_house(app, application_id: int) -> None:
    """The family saves a new address and a new adult through its form."""
    family = logged_in_family(app)
    with app.app_context():
        members = families.as_values(db.session.get(HostApplication, application_id))["members"]
    assert (
        save(family, app, application_id, "household", members=[*members, LODGER]).status_code
        == 302
    )
    assert save(family, app, application_id, "home", **NEW_HOME).status_code == 302


# --- the family ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "household", "home"),
    [
        (
            "en",
            "Before you change your answers",
            ["Background check: adults in the home", "Home visit: household members"],
            ["Home visit: address, pets, smoking in the home, bedrooms"],
        ),
        (
            "de",
            "Bevor Sie Ihre Angaben ändern",
            ["Hintergrundprüfung: Erwachsene im Haushalt", "Hausbesuch: Haushaltsmitglieder"],
            ["Hausbesuch: Adresse, Haustiere, Rauchen in der Wohnung, Schlafzimmer"],
        ),
    ],
)
def test_each_section_says_before_saving_which_of_its_changes_mean_a_new_check(
    app, language, heading, household, home
):
    application_id = vetted(app)
    family = logged_in_family(app)
    post(family, "/language", {"language": language, "next": "/"})
    page = text(family.get("/family/application/household").get_data(as_text=True))
    assert heading in page
    assert all(line in page for line in household)
    assert "References:" not in page and "Referenzen:" not in page
    page = text(family.get("/family/application/home").get_data(as_text=True))
    assert all(line in page for line in home)
    assert "adults in the home" not in page and "Erwachsene im Haushalt" not in page
    page = text(family.get("/family/application/availability").get_data(as_text=True))
    assert heading not in page  # no check covered the groups
    assert status_of(app, application_id) == A.HOME_VISITED  # reading the form changes nothing


def test_nothing_is_said_before_a_check_is_recorded(app):
    vetted(app, "submitted")
    family = logged_in_family(app)
    page = text(family.get("/family/application/household").get_data(as_text=True))
    assert "Before you change your answers" not in page


def test_the_family_is_told_what_its_change_reopened_and_sees_it_on_its_portal(app):
    application_id = vetted(app)
    family = logged_in_family(app)
    with app.app_context():
        members = families.as_values(db.session.get(HostApplication, application_id))["members"]
    response = save(family, app, application_id, "household", members=[*members, LODGER])
    assert response.status_code == 302
    assert flashes(family.get("/family/").get_data(as_text=True)) == [
        "Your changes are saved. Because of them we do these checks again: background check, "
        "home visit. The local coordinator will contact you."
    ]
    assert save(family, app, application_id, "home", **NEW_HOME).status_code == 302
    portal = family.get("/family/").get_data(as_text=True)
    assert flashes(portal) == [
        "Your changes are saved. Because of them we do these checks again: home visit. "
        "The local coordinator will contact you."
    ]
    portal = text(portal)
    assert "to be done again: you changed adults in the home" in portal
    assert "to be done again: you changed address, household members" in portal
    assert status_of(app, application_id) == A.REFERENCES_CHECKED


def test_saving_what_no_check_covered_says_only_saved(app):
    application_id = vetted(app, "approved")
    family = logged_in_family(app)
    page = text(family.get("/family/application/home").get_data(as_text=True))
    assert "Until then your approval is on hold: we place no new student with you." in page
    response = save(family, app, application_id, "home", phone="716 555 0177")
    assert response.status_code == 302
    assert flashes(family.get("/family/").get_data(as_text=True)) == ["Your changes are saved."]
    assert status_of(app, application_id) == A.APPROVED


def test_an_approved_family_edits_its_details_but_cannot_withdraw_there(app):
    vetted(app, "approved")
    portal = logged_in_family(app).get("/family/").get_data(as_text=True)
    assert "Edit your details" in portal
    assert "Withdraw your application" not in portal


# --- the coordinators ------------------------------------------------------------------------


def test_the_vetting_page_and_the_queue_show_what_changed_after_the_check(app):
    application_id = vetted(app, family_name="Miller")
    move_house(app, application_id)
    staff = logged_in_staff(app)

    page = text(staff.get(f"/vetting/{application_id}").get_data(as_text=True))
    assert "Changed after the check: adults in the home, address, household members" in page
    assert (
        "To check again: background check (adults in the home) home visit (address, "
        "household members)"
    ) in page
    assert "Address 7 Delaware Road, Buffalo, NY 14201" in page
    assert "Rick Lodger (38, lodger)" in page
    assert "A decision waits until these checks are recorded again." in page
    # The step shows it is to be done again, and what was checked before, by whom.
    assert (
        "Home visit to check again Changed after the check: address, household members "
        "Checked before:" in page
    )
    assert f"visited on {format_date(TODAY, 'medium', locale='en_GB')}" in page
    assert "Next: the home visit" not in page
    assert "Next: the background check" in page
    # One event for each section the family saved.
    assert (
        "Changed after the check: adults in the home, household members. To check again: "
        "background check, home visit. — Miller"
    ) in page
    assert "Changed after the check: address. To check again: home visit. — Miller" in page
    assert "Buffalo, NY 14201 changed after the check" in page

    queue = text(staff.get("/vetting/").get_data(as_text=True))
    assert (
        "Miller changed after the check: adults in the home, address, household members Buffalo"
    ) in queue


def test_approval_is_refused_until_the_checks_are_recorded_again(app):
    application_id = vetted(app)
    move_house(app, application_id)
    staff = logged_in_staff(app)

    response = post(staff, f"/vetting/{application_id}/decision", {"decision": "approved"})
    assert response.status_code == 400
    assert flashes(response.get_data(as_text=True)) == [
        "Approval waits: the family changed answers after the checks (adults in the home, "
        "address, household members). Record these checks again first: background check, "
        "home visit."
    ]
    assert status_of(app, application_id) == A.REFERENCES_CHECKED

    expires = (TODAY + timedelta(days=500)).isoformat()
    post(staff, f"/vetting/{application_id}/background", {"expires_on": expires})
    visit = {"visited_on": TODAY.isoformat(), "visited_by": "Karen Wojcik", "notes": "Met Rick."}
    post(staff, f"/vetting/{application_id}/home-visit", visit)
    page = staff.get(f"/vetting/{application_id}").get_data(as_text=True)
    assert "Changed after the check: adults" not in text(page).split("History")[0]
    assert "Next: the decision" in page
    response = post(staff, f"/vetting/{application_id}/decision", {"decision": "approved"})
    assert response.status_code == 302
    assert status_of(app, application_id) == A.APPROVED


def test_a_family_with_a_student_placed_is_flagged_on_the_vetting_page_and_the_board(app):
    cohort_id = make_cohort(app, name="Spring group")
    application_id = vetted(app, "approved", cohort_id, beds_offered=2, family_name="Miller")
    place(app, enrol(app, make_student(app, first_name="Lena"), cohort_id), application_id)
    move_house(app, application_id)
    staff = logged_in_staff(app)

    page = text(staff.get(f"/vetting/{application_id}").get_data(as_text=True))
    assert (
        "1 student lives with this family now and stays there. No other student can be placed "
        "with the family until it is approved again" in page
    )
    portal = logged_in_family(app).get("/family/").get_data(as_text=True)
    assert "Withdraw your application" not in portal  # a student lives there: call instead
    board = text(staff.get(f"/placements/cohorts/{cohort_id}").get_data(as_text=True))
    assert "Not approved now (references checked): no other student can be placed here." in board


def test_the_vetting_page_in_german(app):
    application_id = vetted(app)
    move_house(app, application_id)
    staff = logged_in_staff(app)
    post(staff, "/language", {"language": "de", "next": "/"})
    page = text(staff.get(f"/vetting/{application_id}").get_data(as_text=True))
    assert "Nach der Prüfung geändert: Erwachsene im Haushalt, Adresse, Haushaltsmitglieder" in page
    assert "erneut zu prüfen" in page
    queue = text(staff.get("/vetting/").get_data(as_text=True))
    assert "nach der Prüfung geändert: Erwachsene im Haushalt" in queue
