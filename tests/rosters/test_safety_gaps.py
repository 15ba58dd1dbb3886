"""Before printing a roster or emergency cards, the staff see which safety data is missing
(no coordinator set, a student without a host family or teacher, no emergency contact, no
phone number) with a link to fix each; printing stays possible, and the cards say in words
what is missing instead of a silent dash."""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.models import HostApplication, Student
from tests.rosters.test_roster_files import download, pdf_text
from tests.rosters.test_roster_pages import log_in_teacher, url


def warning(response) -> str:
    """The text of the page's safety-data warning, links as "text [href]"; "" without one."""
    page = response.get_data(as_text=True)
    found = re.search(r'<section[^>]*id="safety-gaps".*?</section>', page, re.DOTALL)
    if found is None:
        return ""
    linked = re.sub(r'<a href="([^"]+)">(.*?)</a>', r"\2 [\1]", found.group(0))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", linked)).split())


@pytest.fixture
def gaps(app, roster):
    """No coordinator set; Lea Fischer without an emergency contact; the Schneiders without a
    phone. In the roster already: Paul Hoffmann and Linh Nguyen not placed, Linh without a
    teacher."""
    app.config["COORDINATOR_NAME"] = app.config["COORDINATOR_PHONE"] = ""
    with app.app_context():
        fischer = db.session.scalars(db.select(Student).filter_by(last_name="Fischer")).one()
        fischer.emergency_contacts.clear()
        schneider = db.session.get(HostApplication, roster.families["Schneider"])
        schneider.phone = schneider.mobile_phone = ""
        db.session.commit()
        return {"fischer": fischer.id, "schneider": schneider.id}


def test_the_roster_page_lists_each_gap_with_a_link_to_fix_it(roster, gaps, coordinator, client):
    response = client.get(url(roster.cohort_id, "", "preset=full"))
    shown = warning(response)

    assert "Before you print: 7 pieces of safety data are missing" in shown
    assert "No programme coordinator is set" in shown and "COORDINATOR_PHONE" in shown
    board = f"/placements/cohorts/{roster.cohort_id}"
    assert f"Paul Hoffmann is not placed with a host family yet. Place students [{board}]" in shown
    assert f"Linh Nguyen is not placed with a host family yet. Place students [{board}]" in shown
    teachers = f"/teachers/cohorts/{roster.cohort_id}"
    assert f"Linh Nguyen has no supervising teacher yet. Assign teachers [{teachers}]" in shown
    student = f"/students/{gaps['fischer']}/edit"
    assert f"Lea Fischer has no emergency contact. Edit the student's details [{student}]" in shown
    family = f"/vetting/{gaps['schneider']}"
    for name in ("Aylin Demir", "Lea Fischer"):
        assert f"The host family of {name} has no phone number on record." in shown
    assert f"Open the family's application [{family}]" in shown
    # A warning, not a refusal: the print view and the downloads are still offered.
    page = response.get_data(as_text=True)
    assert page.index('id="safety-gaps"') < page.index(url(roster.cohort_id, "/print"))
    assert client.get(url(roster.cohort_id, "/print", "preset=full")).status_code == 200


def test_the_warning_is_in_german_for_german_staff(roster, gaps, coordinator, client):
    response = client.get(url(roster.cohort_id), headers={"Accept-Language": "de"})
    shown = warning(response)

    assert "Vor dem Drucken: 7 Sicherheitsangaben fehlen" in shown
    assert "Linh Nguyen ist noch keiner Gastfamilie zugeteilt." in shown
    assert "Schülerinnen und Schüler zuteilen" in shown


def test_the_print_view_and_the_cards_page_warn_on_screen(roster, gaps, coordinator, client):
    printed = client.get(url(roster.cohort_id, "/print", "preset=transport"))
    cards = client.get(url(roster.cohort_id, "/cards"))

    assert "Paul Hoffmann is not placed with a host family yet." in warning(printed)
    shown = warning(cards)
    assert "No programme coordinator is set" in shown
    assert "Linh Nguyen has no supervising teacher yet." in shown
    assert "emergency contact" not in shown  # the cards do not carry emergency contacts
    assert 'class="notice notice-warn safety-gaps screen-only"' in cards.get_data(as_text=True)


def test_a_complete_roster_has_no_warning(app, roster, coordinator, client):
    app.config["COORDINATOR_NAME"], app.config["COORDINATOR_PHONE"] = "Eva Koch", "+49 231 1000"
    query = f"preset=full&teacher={roster.teachers['Bernd Vogel']}"  # placed, with contacts

    assert warning(client.get(url(roster.cohort_id, "", query))) == ""


def test_a_teacher_sees_the_gaps_without_links_to_pages_they_cannot_open(
    app, roster, gaps, auth, client
):
    log_in_teacher(auth, roster)
    shown = warning(client.get(url(roster.cohort_id, "", "preset=full")))

    assert "Paul Hoffmann is not placed with a host family yet." in shown
    assert "[" not in shown  # no links


@pytest.mark.slow  # PDF rendering
def test_the_cards_say_in_words_what_is_missing(app, roster, gaps, coordinator, client):
    text = pdf_text(download(client, roster.cohort_id, "cards.pdf"))

    assert "Not placed with a family yet · Noch keiner Gastfamilie zugeteilt" in text
    assert "No teacher assigned yet · Noch keine Lehrkraft zugeteilt" in text
    assert "Not set yet · Noch nicht eingetragen" in text  # the coordinator
    assert "no phone on record · keine Telefonnummer hinterlegt" in text  # the Schneiders
    assert "Before you print" not in text  # the warning is for the screen only
    assert " — " not in text and "· —" not in text
