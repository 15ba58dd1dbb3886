"""The placement board and the matching proposals, through the web: placing by hand, the
rules' refusals and overrides, moving and ending placements, accepting a proposal all or
nothing, and who may reach any of it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.models import Enrolment, HostApplication, Placement, PlacementStatus, Role
from app.models.families import application_cohorts
from app.services.hosting import vetting
from app.services.identity import accounts
from app.services.placement import placements
from tests.conftest import count, make_user, post
from tests.factories import enrol, make_application, make_cohort, make_student

STAFF = "coordinator@example.org"
TODAY = date.today()


# --- helpers -------------------------------------------------------------------------------


def text(page: str) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, section_id: str) -> str:
    """The visible text of one <section id=...> of the page."""
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.DOTALL)
    assert match, f"no section {section_id}"
    return text(match.group(0))


def staff_id(app) -> int:
    with app.app_context():
        user = accounts.find_user(STAFF)
        return user.id if user else make_user(app, STAFF)


def make_family(app, name: str, cohort_id: int, **answers) -> int:
    """An approved family that offered to host the cohort; its application's id."""
    by = staff_id(app)
    application_id = make_application(
        app, f"{name.lower()}@example.org", cohort_ids=[cohort_id], family_name=name, **answers
    )
    with app.app_context():
        found = db.session.get(HostApplication, application_id)
        vetting.check_references(found, by)
        vetting.clear_background(found, TODAY + timedelta(days=700), by)
        vetting.record_home_visit(found, TODAY, "Karen Wojcik", "Tidy home.", by)
        vetting.decide(found, "approved", by)
        db.session.commit()
    return application_id


def make_enrolled(app, cohort_id: int, first_name: str, **values) -> int:
    """A student enrolled in the cohort; the enrolment's id."""
    return enrol(app, make_student(app, first_name=first_name, **values), cohort_id)


def place_by_service(app, enrolment_id: int, application_id: int) -> int:
    with app.app_context():
        placement = placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, application_id),
            staff_id(app),
        )
        db.session.commit()
        return placement.id


def beds_taken(app, cohort_id: int, application_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(application_cohorts.c.beds_taken).where(
                application_cohorts.c.cohort_id == cohort_id,
                application_cohorts.c.application_id == application_id,
            )
        )


def active(app, enrolment_id: int) -> Placement | None:
    """The enrolment's active placement, detached with its columns loaded."""
    with app.app_context():
        placement = db.session.scalar(
            sa.select(Placement).where(
                Placement.enrolment_id == enrolment_id,
                Placement.status == PlacementStatus.ACTIVE,
            )
        )
        if placement is not None:
            db.session.expunge(placement)
        return placement


def all_placements(app, enrolment_id: int) -> list[Placement]:
    with app.app_context():
        found = list(
            db.session.scalars(
                sa.select(Placement)
                .where(Placement.enrolment_id == enrolment_id)
                .order_by(Placement.id)
            )
        )
        for placement in found:
            db.session.expunge(placement)
        return found


def board_url(cohort_id: int) -> str:
    return f"/placements/cohorts/{cohort_id}"


@pytest.fixture
def coordinator(app, auth):
    staff_id(app)
    return auth.login(STAFF)


@pytest.fixture
def cohort(app) -> int:
    return make_cohort(app, name="Buffalo spring")


# --- the board -----------------------------------------------------------------------------


def test_board_lists_unplaced_students_families_and_placements(app, client, coordinator, cohort):
    waiting = make_enrolled(app, cohort, "Anna", last_name="Arndt", no_smokers=True)
    placed = make_enrolled(app, cohort, "Ben", last_name="Brandt", gender="male")
    miller = make_family(app, "Miller", cohort, beds_offered=2, has_pets=True, pets="a dog")
    full = make_family(app, "Full", cohort, beds_offered=1, city="Amherst")
    make_family(app, "Smoker", cohort, smoking_in_home=True, city="Kenmore")
    place_by_service(app, placed, full)

    response = client.get(board_url(cohort))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    unplaced = section(page, "unplaced")
    assert "Anna Arndt" in unplaced and "Ben Brandt" not in unplaced
    assert "no smokers" in unplaced
    # Each family in the student's select says what placing there would break.
    assert "Miller, Buffalo · 2 free beds" in unplaced
    assert "⚠ Smoker, Kenmore · 1 free bed · smokers (student asked for none)" in unplaced
    # A family without a free bed cannot be chosen: it is counted, not listed.
    assert "✕ 1 family without a free bed" in unplaced
    assert f'<option value="{full}"' not in unplaced
    families = section(page, "families")
    assert "Miller" in families and "a dog" in families and "Smoker" in families
    assert "Full" not in families
    assert "Background check valid until" in families
    placed_part = section(page, "placed")
    assert "Full" in placed_part and "Ben Brandt" in placed_part
    assert f"by {STAFF}" in placed_part
    assert "1 of 1 bed taken" in placed_part
    assert "Move to…" in placed_part and "End placement" in placed_part
    assert f'name="enrolment_id" value="{waiting}"' in page
    assert f'<option value="{miller}">' in page


def test_a_family_with_a_free_bed_that_breaks_a_hard_rule_is_listed_but_cannot_be_chosen(
    app, client, coordinator, cohort
):
    make_enrolled(app, cohort, "Anna", last_name="Arndt", pet_allergy=True)
    dogs = make_family(app, "Dogs", cohort, has_pets=True, pets="two dogs")
    page = client.get(board_url(cohort)).get_data(as_text=True)
    assert f'<option value="{dogs}" disabled>✕ Dogs, Buffalo · pets (student is allergic)' in page
    assert "without a free bed" not in page


def test_cohort_page_links_the_board_and_counts_placements(app, client, coordinator, cohort):
    first = make_enrolled(app, cohort, "Anna")
    second = make_enrolled(app, cohort, "Bea")
    make_enrolled(app, cohort, "Cleo")
    family = make_family(app, "Miller", cohort, beds_offered=2)
    place_by_service(app, first, family)
    place_by_service(app, second, family)
    page = client.get(f"/cohorts/{cohort}").get_data(as_text=True)
    assert f'href="{board_url(cohort)}"' in page
    assert "Placement board" in text(page)
    assert "1 / 2 family / students placed" in text(page)


def test_placing_by_hand_takes_a_bed(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    family = make_family(app, "Miller", cohort, beds_offered=2)
    response = post(
        client,
        f"{board_url(cohort)}/place",
        {"enrolment_id": enrolment, "application_id": family},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Anna Arndt is placed with Miller." in text(page)
    placement = active(app, enrolment)
    assert placement.application_id == family
    assert placement.placed_by_id == staff_id(app)
    assert placement.override_reason == ""
    assert beds_taken(app, cohort, family) == 1
    assert "Anna Arndt" in section(page, "placed")
    assert "Anna Arndt" not in section(page, "unplaced")


def test_placing_needs_a_family(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna")
    response = post(
        client,
        f"{board_url(cohort)}/place",
        {"enrolment_id": enrolment, "application_id": ""},
        follow_redirects=True,
    )
    assert "Choose a family." in text(response.get_data(as_text=True))
    assert count(app, Placement) == 0


@pytest.mark.parametrize("rule", ["pet_allergy", "beds"])
def test_a_hard_rule_refuses_with_its_message_and_stores_nothing(
    app, client, coordinator, cohort, rule
):
    if rule == "pet_allergy":
        enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt", pet_allergy=True)
        family = make_family(app, "Miller", cohort, has_pets=True, pets="two dogs")
        message = "The student is allergic to pets and the family has pets."
    else:
        enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt")
        family = make_family(app, "Miller", cohort, beds_offered=1)
        place_by_service(app, make_enrolled(app, cohort, "Bea"), family)
        message = "The family has no free bed for this cohort."
    before = count(app, Placement)

    response = post(
        client,
        f"{board_url(cohort)}/place",
        {"enrolment_id": enrolment, "application_id": family, "override_reason": "Please!"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Anna Arndt was not placed with Miller" in text(page)
    assert message in text(page)
    assert "cannot be overridden" in text(page)
    assert "Override with a reason" not in page
    assert count(app, Placement) == before
    assert active(app, enrolment) is None
    assert beds_taken(app, cohort, family) == (0 if rule == "pet_allergy" else 1)


def test_a_soft_rule_needs_a_written_reason_to_override(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt", no_smokers=True)
    family = make_family(app, "Smoker", cohort, smoking_in_home=True)
    url = f"{board_url(cohort)}/place"
    values = {"enrolment_id": enrolment, "application_id": family}

    refused = post(client, url, values)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "The student asked for a home without smokers; somebody smokes there." in text(page)
    assert "Override with a reason" in page
    assert f'<form method="post" action="{url}" class="override-form"' in page
    assert f'<input type="hidden" name="application_id" value="{family}">' in page

    blank = post(client, url, {**values, "override_reason": "   "})
    assert blank.status_code == 409
    assert "Write why you override the rule." in text(blank.get_data(as_text=True))
    assert count(app, Placement) == 0

    reason = "Her parents agreed: the family smokes only outside."
    done = post(client, url, {**values, "override_reason": reason}, follow_redirects=True)
    assert done.status_code == 200
    placement = active(app, enrolment)
    assert placement.application_id == family
    assert placement.override_reason == reason
    assert placement.overridden_rules == "no_smokers"
    assert f"Override: {reason}" in section(done.get_data(as_text=True), "placed")
    assert beds_taken(app, cohort, family) == 1


# --- moving and ending ---------------------------------------------------------------------


def test_the_board_links_each_placement_to_its_move_page(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt", no_smokers=True)
    miller = make_family(app, "Miller", cohort)
    nguyen = make_family(app, "Nguyen", cohort, city="Amherst")
    smoker = make_family(app, "Smoker", cohort, smoking_in_home=True, city="Kenmore")
    full = make_family(app, "Full", cohort, beds_offered=1, city="Lockport")
    place_by_service(app, make_enrolled(app, cohort, "Ben"), full)
    placement_id = place_by_service(app, enrolment, miller)
    move_url = f"{board_url(cohort)}/placements/{placement_id}/move"
    board = client.get(board_url(cohort)).get_data(as_text=True)
    assert f'href="{move_url}"' in board
    end_url = f"{board_url(cohort)}/placements/{placement_id}/end"
    assert f'href="{end_url}"' in board  # ending a placement stays on the board

    page = client.get(move_url).get_data(as_text=True)
    assert "Move Anna Arndt" in text(page)
    assert "Lives with Miller since" in text(page)
    assert f'<option value="{nguyen}">Nguyen, Amherst · 1 free bed</option>' in page
    assert f'<option value="{smoker}">⚠ Smoker, Kenmore · 1 free bed · smokers' in page
    assert f'<option value="{miller}"' not in page  # where the student lives now
    assert "✕ 1 family without a free bed" in text(page)
    assert f'action="{move_url}"' in page

    with app.app_context():  # an ended placement cannot be moved
        placements.cancel(db.session.get(Placement, placement_id), staff_id(app), "Went home.")
        db.session.commit()
    ended = client.get(move_url, follow_redirects=True).get_data(as_text=True)
    assert "This placement has ended" in text(ended)


def test_move_with_a_reason(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    miller = make_family(app, "Miller", cohort)
    nguyen = make_family(app, "Nguyen", cohort, city="Amherst")
    placement_id = place_by_service(app, enrolment, miller)
    url = f"{board_url(cohort)}/placements/{placement_id}/move"

    no_reason = post(client, url, {"application_id": nguyen, "reason": " "}, follow_redirects=True)
    assert "Give a reason for the move." in text(no_reason.get_data(as_text=True))
    assert active(app, enrolment).id == placement_id

    response = post(
        client,
        url,
        {"application_id": nguyen, "reason": "Closer to school."},
        follow_redirects=True,
    )
    assert "Anna Arndt moved to Nguyen." in text(response.get_data(as_text=True))
    old, new = all_placements(app, enrolment)
    assert old.id == placement_id
    assert old.status == PlacementStatus.CANCELLED
    assert old.cancel_reason == "Closer to school."
    assert old.cancelled_by_id == staff_id(app)
    assert new.status == PlacementStatus.ACTIVE
    assert new.application_id == nguyen
    assert new.reason == "Closer to school."
    assert beds_taken(app, cohort, miller) == 0
    assert beds_taken(app, cohort, nguyen) == 1


def test_a_move_against_a_soft_rule_offers_the_override(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt", no_smokers=True)
    miller = make_family(app, "Miller", cohort)
    smoker = make_family(app, "Smoker", cohort, smoking_in_home=True)
    placement_id = place_by_service(app, enrolment, miller)
    url = f"{board_url(cohort)}/placements/{placement_id}/move"
    values = {"application_id": smoker, "reason": "Miller moved away."}

    refused = post(client, url, values)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Override with a reason" in page
    assert '<input type="hidden" name="reason" value="Miller moved away.">' in page
    assert active(app, enrolment).application_id == miller
    assert beds_taken(app, cohort, miller) == 1

    post(client, url, {**values, "override_reason": "Only family left."})
    placement = active(app, enrolment)
    assert placement.application_id == smoker
    assert placement.override_reason == "Only family left."
    assert beds_taken(app, cohort, miller) == 0


def test_end_placement(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    family = make_family(app, "Miller", cohort)
    placement_id = place_by_service(app, enrolment, family)
    url = f"{board_url(cohort)}/placements/{placement_id}/end"

    board = client.get(board_url(cohort)).get_data(as_text=True)
    assert f'href="{url}" class="destructive-link"' in board  # a link, not a one-click button
    confirmation = client.get(url).get_data(as_text=True)
    assert "End the placement of Anna Arndt with Miller?" in text(confirmation)
    assert "The bed at Miller is free for another student." in text(confirmation)
    assert '<button type="submit" class="destructive">End placement</button>' in confirmation
    assert active(app, enrolment) is not None

    refused = post(client, url, {"reason": ""})
    assert refused.status_code == 400
    assert "Give a reason to end the placement." in text(refused.get_data(as_text=True))
    assert active(app, enrolment) is not None

    response = post(client, url, {"reason": "Family emergency."}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The placement of Anna Arndt has ended" in text(page)
    (ended,) = all_placements(app, enrolment)
    assert ended.status == PlacementStatus.CANCELLED
    assert ended.cancel_reason == "Family emergency."
    assert beds_taken(app, cohort, family) == 0
    assert "Anna Arndt" in section(page, "unplaced")

    again = post(client, url, {"reason": "Clicked twice."}, follow_redirects=True)
    assert "This placement was already ended." in text(again.get_data(as_text=True))
    assert [p.cancel_reason for p in all_placements(app, enrolment)] == ["Family emergency."]
    assert beds_taken(app, cohort, family) == 0
    assert "This placement was already ended." in text(client.get(url).get_data(as_text=True))


# --- proposals -----------------------------------------------------------------------------


def proposed_pairs(page: str) -> list[str]:
    return re.findall(r'name="pair" value="(\d+:\d+)"', page)


def test_proposal_shows_reasons_and_the_blocking_rule(app, client, coordinator, cohort):
    chess = make_enrolled(app, cohort, "Anna", last_name="Arndt", interests="chess, music")
    allergic = make_enrolled(app, cohort, "Ben", last_name="Brandt", pet_allergy=True)
    family = make_family(
        app, "Miller", cohort, beds_offered=2, has_pets=True, pets="a cat", interests="chess"
    )
    response = client.get(f"{board_url(cohort)}/proposal")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert proposed_pairs(page) == [f"{chess}:{family}"]
    assert 'type="checkbox" name="pair"' in page and "checked" in page
    shown = text(page)
    assert "Why it fits" in shown and "What it trades off" in shown
    assert "shares interests: chess" in shown
    assert "Ben Brandt — Every family breaks a rule: allergic to pets" in shown
    assert 'value="Accept all"' in page and 'value="Accept selected"' in page
    assert f'name="pair" value="{allergic}:' not in page
    assert active(app, chess) is None


def test_accepting_the_proposal_places_the_students(app, client, coordinator, cohort):
    first = make_enrolled(app, cohort, "Anna")
    second = make_enrolled(app, cohort, "Bea")
    third = make_enrolled(app, cohort, "Cleo")
    miller = make_family(app, "Miller", cohort, beds_offered=2)
    nguyen = make_family(app, "Nguyen", cohort, beds_offered=1)
    pairs = proposed_pairs(client.get(f"{board_url(cohort)}/proposal").get_data(as_text=True))
    assert len(pairs) == 3

    response = post(
        client,
        f"{board_url(cohort)}/proposal",
        {"shown": pairs, "pair": pairs[:1], "accept_all": "Accept all"},
        follow_redirects=True,
    )
    assert "3 students were placed." in text(response.get_data(as_text=True))
    placed = {e: active(app, e).application_id for e in (first, second, third)}
    assert sorted(placed.values()) == sorted([miller, miller, nguyen])
    assert beds_taken(app, cohort, miller) == 2
    assert beds_taken(app, cohort, nguyen) == 1


def test_accepting_selected_pairs_places_only_those(app, client, coordinator, cohort):
    make_enrolled(app, cohort, "Anna")
    make_enrolled(app, cohort, "Bea")
    make_family(app, "Miller", cohort, beds_offered=2)
    pairs = proposed_pairs(client.get(f"{board_url(cohort)}/proposal").get_data(as_text=True))
    chosen = int(pairs[1].split(":")[0])
    post(
        client,
        f"{board_url(cohort)}/proposal",
        {"shown": pairs, "pair": pairs[1], "accept_selected": "Accept selected"},
    )
    assert count(app, Placement) == 1
    assert active(app, chosen) is not None

    nothing = post(
        client,
        f"{board_url(cohort)}/proposal",
        {"shown": pairs, "accept_selected": "Accept selected"},
        follow_redirects=True,
    )
    assert "Tick the pairs to accept" in text(nothing.get_data(as_text=True))
    assert count(app, Placement) == 1


def test_accepting_a_stale_proposal_changes_nothing(app, client, coordinator, cohort):
    anna = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    bea = make_enrolled(app, cohort, "Bea", last_name="Brandt")
    miller = make_family(app, "Miller", cohort, beds_offered=1)
    nguyen = make_family(app, "Nguyen", cohort, beds_offered=1)
    pairs = proposed_pairs(client.get(f"{board_url(cohort)}/proposal").get_data(as_text=True))
    assert len(pairs) == 2
    # Meanwhile Bea became allergic to pets and the Nguyens got a dog; Miller is Anna's or Bea's.
    with app.app_context():
        db.session.get(Enrolment, bea).student.pet_allergy = True
        db.session.get(Enrolment, anna).student.pet_allergy = True
        for application_id in (miller, nguyen):
            found = db.session.get(HostApplication, application_id)
            found.has_pets, found.pets = True, "a dog"
        db.session.commit()

    response = post(
        client, f"{board_url(cohort)}/proposal", {"shown": pairs, "accept_all": "Accept all"}
    )
    assert response.status_code == 409
    page = text(response.get_data(as_text=True))
    assert "Nothing was placed" in page
    first_enrolment, first_family = (int(i) for i in pairs[0].split(":"))
    student = {anna: "Anna Arndt", bea: "Bea Brandt"}[first_enrolment]
    family = {miller: "Miller", nguyen: "Nguyen"}[first_family]
    assert f"{student} can no longer be placed with {family}" in page
    assert "The student is allergic to pets and the family has pets." in page
    assert "Make a fresh proposal" in page
    assert count(app, Placement) == 0
    assert beds_taken(app, cohort, miller) == 0
    assert beds_taken(app, cohort, nguyen) == 0


def test_a_stale_proposal_rolls_back_pairs_already_placed(app, client, coordinator, cohort):
    anna = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    bea = make_enrolled(app, cohort, "Bea", last_name="Brandt")
    miller = make_family(app, "Miller", cohort, beds_offered=1)
    nguyen = make_family(app, "Nguyen", cohort, beds_offered=1)
    pairs = proposed_pairs(client.get(f"{board_url(cohort)}/proposal").get_data(as_text=True))
    # Somebody placed the student of the second pair by hand in the meantime.
    second_enrolment, second_family = (int(i) for i in pairs[1].split(":"))
    place_by_service(app, second_enrolment, second_family)

    response = post(
        client, f"{board_url(cohort)}/proposal", {"shown": pairs, "accept_all": "Accept all"}
    )
    assert response.status_code == 409
    assert "This student is already placed" in text(response.get_data(as_text=True))
    first_enrolment = int(pairs[0].split(":")[0])
    assert active(app, first_enrolment) is None
    assert count(app, Placement) == 1
    assert {anna, bea} == {first_enrolment, second_enrolment}
    assert beds_taken(app, cohort, miller) + beds_taken(app, cohort, nguyen) == 1


# --- who may, and ids of other cohorts -----------------------------------------------------


def placement_urls(app) -> list[tuple[str, str]]:
    """(method, url) of every placements endpoint, ids filled with 1."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("placements."):
                continue
            url = url_for(rule.endpoint, **{name: 1 for name in rule.arguments})
            found += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    return found


@pytest.mark.parametrize("role", [Role.TEACHER, Role.HOST_FAMILY])
def test_teachers_and_families_get_403_everywhere(app, client, auth, cohort, role):
    enrolment = make_enrolled(app, cohort, "Anna")
    family = make_family(app, "Miller", cohort)
    place_by_service(app, enrolment, family)
    auth.login_as(role)
    urls = placement_urls(app)
    assert len(urls) == 8
    for method, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = post(client, url, {"enrolment_id": enrolment, "application_id": family})
        assert response.status_code == 403, f"{method} {url}"
    assert count(app, Placement) == 1


def test_admins_reach_the_board(app, client, auth, cohort):
    auth.login_as(Role.ADMIN)
    assert client.get(board_url(cohort)).status_code == 200
    assert client.get(f"{board_url(cohort)}/proposal").status_code == 200


def test_ids_of_another_cohort_are_not_found(app, client, coordinator, cohort):
    other = make_cohort(app, name="Other group")
    here = make_enrolled(app, cohort, "Anna")
    there = make_enrolled(app, other, "Bea")
    family_here = make_family(app, "Miller", cohort)
    family_there = make_family(app, "Nguyen", other)
    placed_there = place_by_service(app, there, family_there)
    base = board_url(cohort)

    assert client.get("/placements/cohorts/999").status_code == 404
    place = f"{base}/place"
    assert (
        post(client, place, {"enrolment_id": there, "application_id": family_here}).status_code
        == 404
    )
    assert (
        post(client, place, {"enrolment_id": here, "application_id": family_there}).status_code
        == 404
    )
    move = f"{base}/placements/{placed_there}/move"
    assert post(client, move, {"application_id": family_here, "reason": "x"}).status_code == 404
    end = f"{base}/placements/{placed_there}/end"
    assert post(client, end, {"reason": "x"}).status_code == 404
    proposal = f"{base}/proposal"
    stale = {"shown": [f"{there}:{family_here}"], "accept_all": "Accept all"}
    assert post(client, proposal, stale).status_code == 404
    assert post(client, proposal, {"shown": ["1:x"], "accept_all": "Accept all"}).status_code == 400
    assert count(app, Placement) == 1
    assert active(app, there).id == placed_there


def test_moving_to_a_family_of_another_cohort_is_not_found(app, client, coordinator, cohort):
    other = make_cohort(app, name="Other group")
    enrolment = make_enrolled(app, cohort, "Anna")
    family = make_family(app, "Miller", cohort)
    elsewhere = make_family(app, "Nguyen", other)
    placement_id = place_by_service(app, enrolment, family)
    response = post(
        client,
        f"{board_url(cohort)}/placements/{placement_id}/move",
        {"application_id": elsewhere, "reason": "x"},
    )
    assert response.status_code == 404
    assert active(app, enrolment).id == placement_id


def test_unknown_user_id_is_shown_gracefully(app, client, coordinator, cohort):
    enrolment = make_enrolled(app, cohort, "Anna", last_name="Arndt")
    family = make_family(app, "Miller", cohort)
    with app.app_context():
        placement = placements.place(
            db.session.get(Enrolment, enrolment), db.session.get(HostApplication, family), None
        )
        db.session.commit()
        assert placement.placed_by_id is None
    page = client.get(board_url(cohort)).get_data(as_text=True)
    assert "by an unknown user" in section(page, "placed")
