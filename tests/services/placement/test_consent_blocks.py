"""A withdrawn guardian consent blocks placing the student: the placement service refuses
(never overridable), the board shows the student as not placeable and why, the proposal
leaves them out with the reason, and a student already placed stays but cannot be moved.
The enrolment page says what the withdrawal blocks and shows every consent given.

"Withdrawn" means consents were recorded and none is still active; a student with no consent
recorded yet, or with an active one, is placed as before."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, Enrolment, GuardianConsent, HostApplication, Placement, Role
from app.services.enrolment import documents
from app.services.placement import placements
from app.services.placement.matching_matrix import broken_matrices
from app.services.placement.placement_rules import (
    HARD,
    MESSAGES,
    FamilyFacts,
    Rule,
    StudentFacts,
    broken_rules,
)
from app.services.placement.placements import PlacementRefused
from tests.conftest import make_user, post
from tests.factories import enrol, make_approved_family, make_cohort, make_student

WORDING = documents.current_wording_version()
SIGNED = datetime(2026, 1, 10)
BLOCKED = str(MESSAGES[Rule.CONSENT_WITHDRAWN])
STAFF = "coordinator@example.org"


# --- helpers -------------------------------------------------------------------------------


def text(page: str) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.DOTALL)
    assert match, f"no section {section_id}"
    return text(match.group(0))


def enrolled(app, cohort_id: int, first_name: str, last_name: str, **values) -> int:
    student_id = make_student(app, first_name=first_name, last_name=last_name, **values)
    return enrol(app, student_id, cohort_id)


def give_consent(app, enrolment_id: int, given_by: str = "Maria Weber") -> int:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        consent = documents.record_consent(enrolment, given_by, SIGNED, WORDING, None)
        db.session.commit()
        return consent.id


def withdraw(app, consent_id: int, note: str = "Called the office") -> None:
    with app.app_context():
        documents.withdraw_consent(db.session.get(GuardianConsent, consent_id), None, note)
        db.session.commit()


def withdrawn_student(app, cohort_id: int, first_name="Wanda", last_name="Weber") -> int:
    """A student whose only consent was given and then withdrawn; the enrolment's id."""
    enrolment_id = enrolled(app, cohort_id, first_name, last_name)
    withdraw(app, give_consent(app, enrolment_id))
    return enrolment_id


def place(app, enrolment_id: int, application_id: int) -> int:
    """Place through the service and commit; the placement's id."""
    with app.app_context():
        placement = placements.place(
            db.session.get(Enrolment, enrolment_id),
            db.session.get(HostApplication, application_id),
            None,
        )
        db.session.commit()
        return placement.id


def active_placement(app, enrolment_id: int) -> Placement | None:
    with app.app_context():
        placement = placements.active_placement(db.session.get(Enrolment, enrolment_id))
        if placement is not None:
            db.session.expunge(placement)
        return placement


def placement_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Placement))


@pytest.fixture
def cohort_id(app) -> int:
    return make_cohort(app, name="Buffalo spring", places=10)


@pytest.fixture
def family(app, cohort_id) -> int:
    return make_approved_family(app, [cohort_id], family_name="Miller", beds_offered=3)


@pytest.fixture
def coordinator(app, auth):
    make_user(app, STAFF, Role.COORDINATOR)
    assert auth.login(STAFF).status_code == 302
    return auth.client


# --- what "withdrawn" means ----------------------------------------------------------------


def test_withdrawn_means_consents_recorded_and_none_active(app, cohort_id):
    none = enrolled(app, cohort_id, "Nora", "None")
    active = enrolled(app, cohort_id, "Anna", "Active")
    give_consent(app, active)
    gone = withdrawn_student(app, cohort_id)
    both_gone = enrolled(app, cohort_id, "Bert", "Both")
    withdraw(app, give_consent(app, both_gone, "Maria"))
    withdraw(app, give_consent(app, both_gone, "Karl"))
    given_again = enrolled(app, cohort_id, "Gina", "Again")
    withdraw(app, give_consent(app, given_again))
    give_consent(app, given_again)

    with app.app_context():
        found = {i: documents.consent_withdrawn(db.session.get(Enrolment, i)) for i in
                 (none, active, gone, both_gone, given_again)}  # fmt: skip
    assert found == {none: False, active: False, gone: True, both_gone: True, given_again: False}
    with app.app_context():
        ids = [none, active, gone, both_gone, given_again]
        assert documents.withdrawn_consent_ids(ids) == {gone, both_gone}
        assert documents.withdrawn_consent_ids([active, none]) == set()
        assert documents.withdrawn_consent_ids([]) == set()
        of_cohort = sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort_id)
        assert documents.withdrawn_consent_ids(of_cohort) == {gone, both_gone}


def test_the_bulk_lookup_is_one_query(app, cohort_id):
    ids = [withdrawn_student(app, cohort_id, "W", f"Withdrawn{n}") for n in range(5)]
    ids += [enrolled(app, cohort_id, "N", f"None{n}") for n in range(5)]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = documents.withdrawn_consent_ids(ids)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert found == set(ids[:5])
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# --- the rule ------------------------------------------------------------------------------


def test_consent_withdrawn_is_a_hard_rule_the_matching_agrees_with():
    assert Rule.CONSENT_WITHDRAWN in HARD
    returns = date(2027, 7, 1)
    students = [
        StudentFacts(1, "Anna", "female", consent_withdrawn=True),
        StudentFacts(2, "Ben", "male"),
    ]
    families = [
        FamilyFacts(n, f"Family {n}", True, True, returns + timedelta(days=90), pets, False,
                    "any", False, 1)
        for n, pets in ((1, False), (2, True))
    ]  # fmt: skip
    matrix = np.broadcast_to(
        broken_matrices(students, families, returns)[Rule.CONSENT_WITHDRAWN], (2, 2)
    )
    for i, student in enumerate(students):
        for j, fam in enumerate(families):
            assert matrix[i, j] == (Rule.CONSENT_WITHDRAWN in broken_rules(student, fam, returns))
    assert broken_rules(students[0], families[0], returns) == [Rule.CONSENT_WITHDRAWN]
    assert broken_rules(students[1], families[0], returns) == []


# --- the placement service -----------------------------------------------------------------


def test_placing_is_refused_with_a_clear_message_even_with_an_override(app, cohort_id, family):
    enrolment_id = withdrawn_student(app, cohort_id)
    for override in ("", "The coordinator insists."):
        with app.app_context():
            with pytest.raises(PlacementRefused) as caught:
                placements.place(
                    db.session.get(Enrolment, enrolment_id),
                    db.session.get(HostApplication, family),
                    None,
                    override_reason=override,
                )
            db.session.commit()
        assert caught.value.rules == [Rule.CONSENT_WITHDRAWN]
        assert caught.value.overridable is False
        assert "withdrew their consent" in caught.value.message
        assert "cannot be placed" in caught.value.message
    assert placement_count(app) == 0


def test_no_consent_yet_or_an_active_one_does_not_block(app, cohort_id, family):
    none = enrolled(app, cohort_id, "Nora", "None")
    active = enrolled(app, cohort_id, "Anna", "Active")
    give_consent(app, active)
    again = withdrawn_student(app, cohort_id, "Gina", "Again")
    give_consent(app, again)  # a new consent after the withdrawal

    for enrolment_id in (none, active, again):
        place(app, enrolment_id, family)
        assert active_placement(app, enrolment_id).application_id == family


def test_a_placed_student_stays_but_cannot_be_moved(app, cohort_id, family):
    other = make_approved_family(app, [cohort_id], family_name="Nguyen", city="Amherst")
    enrolment_id = enrolled(app, cohort_id, "Wanda", "Weber")
    consent_id = give_consent(app, enrolment_id)
    placement_id = place(app, enrolment_id, family)
    withdraw(app, consent_id)

    # Withdrawing the consent ends no placement: the student may live with the family.
    assert active_placement(app, enrolment_id).id == placement_id
    with app.app_context():
        with pytest.raises(PlacementRefused) as caught:
            placements.move(
                db.session.get(Placement, placement_id),
                db.session.get(HostApplication, other),
                None,
                "Closer to school.",
                override_reason="Please.",
            )
        db.session.commit()
    assert caught.value.rules == [Rule.CONSENT_WITHDRAWN]
    assert active_placement(app, enrolment_id).application_id == family


# --- proposals -----------------------------------------------------------------------------


def test_the_proposal_leaves_the_student_out_with_the_reason(app, cohort_id, family):
    from app.placements.proposals import propose

    blocked = withdrawn_student(app, cohort_id)
    fine = enrolled(app, cohort_id, "Anna", "Active")
    with app.test_request_context():
        proposal = propose(db.session.get(Cohort, cohort_id))
    assert [pair.student.enrolment_id for pair in proposal.pairs] == [fine]
    (unplaced,) = proposal.unplaced
    assert unplaced.student.enrolment_id == blocked
    assert unplaced.rule is Rule.CONSENT_WITHDRAWN
    assert unplaced.message == BLOCKED


def test_the_proposal_names_the_withdrawal_even_without_families(app, cohort_id):
    from app.placements.proposals import propose

    blocked = withdrawn_student(app, cohort_id)
    with app.test_request_context():
        proposal = propose(db.session.get(Cohort, cohort_id))
    assert proposal.pairs == []
    assert [(u.student.enrolment_id, u.rule) for u in proposal.unplaced] == [
        (blocked, Rule.CONSENT_WITHDRAWN)
    ]


# --- through the web -----------------------------------------------------------------------


def board(cohort_id: int) -> str:
    return f"/placements/cohorts/{cohort_id}"


def test_the_board_shows_the_student_as_not_placeable(app, coordinator, cohort_id, family):
    blocked = withdrawn_student(app, cohort_id)
    fine = enrolled(app, cohort_id, "Anna", "Active")

    page = coordinator.get(board(cohort_id)).get_data(as_text=True)
    unplaced = section(page, "unplaced")
    assert "Wanda Weber" in unplaced and "Anna Active" in unplaced
    assert "consent withdrawn" in unplaced
    assert "Not placeable: the guardians withdrew their consent." in unplaced
    assert f'name="enrolment_id" value="{blocked}"' not in page  # no form to place her
    assert f'name="enrolment_id" value="{fine}"' in page


def test_placing_through_the_board_is_refused(app, coordinator, cohort_id, family):
    blocked = withdrawn_student(app, cohort_id)
    response = post(
        coordinator,
        f"{board(cohort_id)}/place",
        {"enrolment_id": blocked, "application_id": family, "override_reason": "Please!"},
    )
    assert response.status_code == 409
    shown = text(response.get_data(as_text=True))
    assert "Wanda Weber was not placed with Miller" in shown
    assert BLOCKED in shown
    assert "cannot be overridden" in shown
    assert "Override with a reason" not in shown
    assert active_placement(app, blocked) is None


def test_moving_through_the_board_is_refused(app, coordinator, cohort_id, family):
    other = make_approved_family(app, [cohort_id], family_name="Nguyen", city="Amherst")
    enrolment_id = enrolled(app, cohort_id, "Wanda", "Weber")
    consent_id = give_consent(app, enrolment_id)
    placement_id = place(app, enrolment_id, family)
    withdraw(app, consent_id)

    page = coordinator.get(board(cohort_id)).get_data(as_text=True)
    placed = section(page, "placed")
    assert "Wanda Weber" in placed
    assert "stays with this family for their safety but cannot be moved" in placed
    assert f"/placements/{placement_id}/move" not in page
    assert f"/placements/{placement_id}/end" in page  # ending it is still possible

    response = post(
        coordinator,
        f"{board(cohort_id)}/placements/{placement_id}/move",
        {"application_id": other, "reason": "Closer to school.", "override_reason": "Please"},
    )
    assert response.status_code == 409
    assert BLOCKED in text(response.get_data(as_text=True))
    assert active_placement(app, enrolment_id).application_id == family


def test_the_proposal_page_names_the_reason_and_offers_no_pair(app, coordinator, cohort_id, family):
    blocked = withdrawn_student(app, cohort_id)
    page = coordinator.get(f"{board(cohort_id)}/proposal").get_data(as_text=True)
    assert f"Wanda Weber — {BLOCKED}" in text(page)
    assert f'name="pair" value="{blocked}:' not in page


# --- the enrolment page --------------------------------------------------------------------


def test_the_enrolment_page_says_what_the_withdrawal_blocks(app, coordinator, cohort_id):
    enrolment_id = enrolled(app, cohort_id, "Wanda", "Weber")
    first = give_consent(app, enrolment_id, "Maria Weber")
    second = give_consent(app, enrolment_id, "Karl Weber")
    withdraw(app, first, "Moved abroad")
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    assert "consent-withdrawn" not in page  # Karl's consent still holds

    withdraw(app, second, "Changed his mind")
    page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
    shown = text(page)
    assert (
        "This student cannot be placed with a family while consent is withdrawn; "
        "rosters show safety data only." in shown
    )
    # Every consent stays in the history, with who gave it, when and which wording.
    consent = text(re.search(r'<article id="consent">.*?</article>', page, re.DOTALL).group(0))
    for who, note in (("Maria Weber", "Moved abroad"), ("Karl Weber", "Changed his mind")):
        assert f"withdrawn {who} — signed 10 January 2026, wording {WORDING}" in consent
        assert note in consent
    assert consent.count("Withdrawn ") == 2
    assert f"Wording {WORDING}" in consent


def test_no_notice_without_a_withdrawal(app, coordinator, cohort_id):
    none = enrolled(app, cohort_id, "Nora", "None")
    active = enrolled(app, cohort_id, "Anna", "Active")
    give_consent(app, active)
    for enrolment_id in (none, active):
        page = coordinator.get(f"/enrolments/{enrolment_id}").get_data(as_text=True)
        assert "cannot be placed with a family" not in page
    page = coordinator.get(f"/enrolments/{active}").get_data(as_text=True)
    assert f"active Maria Weber — signed 10 January 2026, wording {WORDING}" in text(page)
