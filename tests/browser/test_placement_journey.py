"""A coordinator places a cohort from a proposal, moves one student with a reason, prints the
roster as a PDF and splits the students among the teachers; the teacher and the family each
see exactly their part."""

import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.models import Cohort, Placement, PlacementStatus, Role, Teacher
from app.services.supervision import teachers
from tests.conftest import PASSWORD, make_user
from tests.factories import (
    FAMILY_PASSWORD,
    enrol,
    make_approved_family,
    make_cohort,
    make_student,
)


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the next page has loaded, whatever the load
        page.get_by_role("button", name="Log in").click()


def make_teacher(app, cohort_id: int, email: str, name: str, role: str) -> None:
    with app.app_context():
        teacher: Teacher = teachers.create_teacher(email, PASSWORD, name, "Goethe", "+49 231 1")
        teachers.assign(db.session.get(Cohort, cohort_id), teacher, role)
        db.session.commit()


def test_coordinator_places_a_cohort_and_everyone_sees_their_part(app, page, browser, tmp_path):
    cohort = make_cohort(app, name="Buffalo spring 2027")
    for first, last, extra in (
        ("Lena", "Schmidt", {"pet_allergy": True}),
        ("Jonas", "Becker", {"interests": "baseball"}),
        ("Mia", "Wagner", {}),
    ):
        enrol(app, make_student(app, first_name=first, last_name=last, **extra), cohort)
    make_approved_family(
        app,
        [cohort],
        email="millers@example.org",
        family_name="Miller",
        beds_offered=2,
        has_pets=True,
        pets="a dog",
        city="Buffalo",
    )
    make_approved_family(
        app,
        [cohort],
        email="garcias@example.org",
        family_name="Garcia",
        beds_offered=2,
        has_pets=False,
        city="Amherst",
        interests="baseball, hiking",
    )
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    make_teacher(app, cohort, "lead@example.org", "Anna Lehrerin", "lead")
    make_teacher(app, cohort, "assistant@example.org", "Bernd Lehrer", "assistant")

    log_in(page, "coordinator@example.org")
    page.goto("/cohorts/")
    page.get_by_role("link", name="Buffalo spring 2027").click()
    page.get_by_role("link", name="Placement board").click()
    page.get_by_role("link", name="Propose placements").click()
    proposal = page.locator("main")
    expect(proposal).to_contain_text("Why it fits")
    expect(proposal).to_contain_text("shares interests: baseball")
    with page.expect_navigation():  # read on the whole board, not the proposal or half the board
        page.get_by_role("button", name="Accept all").click()

    placed = page.locator("main").inner_text()
    assert "Nobody is placed yet." not in placed

    # The pet-allergic student never lands with the family that has a dog.
    def family_block(name: str):
        return page.locator("article.family-group").filter(
            has=page.get_by_role("heading", name=name)
        )

    assert "Lena Schmidt" not in family_block("Miller").inner_text()
    assert "Lena Schmidt" in family_block("Garcia").inner_text()

    # Move Jonas from the Garcias to the Millers, with a reason.
    assert "Jonas Becker" in family_block("Garcia").inner_text()
    mover = family_block("Garcia").locator(".placed-student", has_text="Jonas Becker")
    mover.get_by_role("link", name="Move to…").click()
    expect(page.locator("h1")).to_contain_text("Move Jonas Becker")
    choice = page.get_by_label("Family")
    miller = choice.locator("option", has_text="Miller").first.get_attribute("value")
    choice.select_option(value=miller)
    page.get_by_label("Reason for the move").fill("closer to his school")
    page.get_by_role("button", name="Move").click()
    expect(family_block("Miller")).to_contain_text("Jonas Becker")
    expect(family_block("Miller")).to_contain_text("closer to his school")

    # Split the students between the two teachers, by area, with one click.
    page.goto("/cohorts/")
    page.get_by_role("link", name="Buffalo spring 2027").click()
    page.get_by_role("link", name="Assign teachers and split students").click()
    with page.expect_navigation():  # the page leaving names the teachers too
        page.get_by_role("button", name="Balance by area").click()
    assert "Anna Lehrerin" in page.locator("main").inner_text()

    # The coordinator prints the placed cohort: the PDF lists each student with the family.
    page.goto("/cohorts/")
    page.get_by_role("link", name="Buffalo spring 2027").click()
    page.get_by_role("link", name="Roster and printing").click()
    page.get_by_role("link", name="Transport").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    printed = tmp_path / "roster.pdf"
    download.value.save_as(printed)
    text = " ".join(p.extract_text() for p in PdfReader(printed).pages)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    assert "Jonas Becker The Miller family" in text
    for name in ("Lena Schmidt", "Mia Wagner"):
        assert name in text
    assert "Confidential" in text

    # The lead teacher sees the cohort's students with their host families.
    teacher = browser.new_context(base_url=page.url.split("/teachers")[0]).new_page()
    log_in(teacher, "lead@example.org")
    assert teacher.get_by_role("heading", name="Buffalo spring 2027").is_visible()
    roster = teacher.locator("main").inner_text()
    for name in ("Lena Schmidt", "Jonas Becker", "Mia Wagner"):
        assert name in roster
    assert "Garcia" in roster
    teacher.context.close()

    # The Garcias see only the students placed with them.
    family = browser.new_context(base_url=page.url.split("/teachers")[0]).new_page()
    log_in(family, "garcias@example.org", FAMILY_PASSWORD)
    portal = family.locator("main").inner_text()
    with app.app_context():
        garcia_students = {
            p.enrolment.student.full_name
            for p in db.session.scalars(
                db.select(Placement).where(Placement.status == PlacementStatus.ACTIVE)
            )
            if p.application.family.family_name == "Garcia"
        }
    assert garcia_students
    for name in ("Lena Schmidt", "Jonas Becker", "Mia Wagner"):
        assert (name in portal) == (name in garcia_students)
    family.context.close()
