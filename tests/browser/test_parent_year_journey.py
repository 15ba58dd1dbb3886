"""The parent's part of the year in one journey, everybody on a 390 px phone: a parent applies
online for an open cohort, saves halfway and comes back, submits, uploads a passport scan (PDF)
and a photo of the medical form (JPEG, stored without its EXIF) and consents; a coordinator
accepts the application and rejects the medical form with a reason; the parent reads the
reason in the email (through the SMTP test server) and on her page, uploads again, and the
coordinator accepts; the coordinator places the student, and the parent sees the host family.
With SHOTS=<folder> the pages are saved as screenshots."""

from __future__ import annotations

import io
import re
import time

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app import storage
from app.extensions import db
from app.models import DocumentKind, Enrolment, EnrolmentStatus, ReviewState, Role
from tests.browser.test_apply_journey import save
from tests.browser.test_group_message_journey import PHONE, _shot, arrived
from tests.browser.test_guardian_documents_journey import fits, the_files, upload
from tests.conftest import PASSWORD, make_user
from tests.factories import make_approved_family, make_cohort
from tests.services.enrolment.test_uploads import a_pdf, a_photo
from tests.services.mail.test_email_delivery import MailServer

PARENT = "maria.schmidt@example.org"
PARENT_PASSWORD = "lantern-harbour-velvet"
CONFIRM_RE = re.compile(r"https?://[^/\s]+(/email/confirm/\S+)")
REASON = "The photo is blurred; please take it again."


@pytest.fixture
def mail_server():
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(app_factory, mail_server, tmp_path):
    return app_factory(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_server.port,
        STORAGE_FOLDER=str(tmp_path / "files"),
    )


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def an_email(mail_server, recipient: str, containing: str):
    """The email to the recipient whose body holds the text (waiting for it a while)."""
    for _ in range(100):
        found = [m for m in arrived(mail_server, recipient) if containing in m.body]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no email to {recipient} with {containing!r}")


def apply_online(page, mail_server, cohort_id: int) -> None:
    """The parent finds the cohort, signs up, confirms the address, fills two sections, leaves,
    comes back, finishes and submits."""
    page.goto("/apply/")
    with page.expect_navigation():
        page.locator(f"a[href='/apply/cohorts/{cohort_id}']").click()
    expect(page.locator("#places")).to_contain_text("3")
    with page.expect_navigation():
        page.locator(f"a[href='/apply/cohorts/{cohort_id}/signup']").click()
    page.locator("input[name=email]").fill(PARENT)
    page.locator("input[name=password]").fill(PARENT_PASSWORD)
    page.locator("input[name=confirm]").fill(PARENT_PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    welcome = an_email(mail_server, PARENT, "/email/confirm/")
    page.goto(CONFIRM_RE.search(welcome.body).group(1))
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    log_in(page, PARENT, PARENT_PASSWORD)
    page.goto(f"/apply/cohorts/{cohort_id}")
    with page.expect_navigation():
        page.locator(f"form[action='/apply/cohorts/{cohort_id}/start'] button").click()
    draft_path = page.url.split("://", 1)[1].split("/", 1)[1]

    page.locator("a[href$='/student']").click()
    page.locator("input[name=first_name]").fill("Lena")
    page.locator("input[name=last_name]").fill("Schmidt")
    page.locator("input[name=date_of_birth]").fill("2011-05-04")
    page.locator("select[name=gender]").select_option("female")
    page.locator("input[name=school]").fill("Goethe-Gymnasium")
    page.locator("input[name=grade]").fill("10")
    save(page)
    page.locator("a[href$='/guardians']").click()
    page.locator("input[name='guardian1-name']").fill("Maria Schmidt")
    page.locator("input[name='guardian1-relation']").fill("mother")
    page.locator("input[name='guardian1-phone']").fill("+49 231 1234")
    save(page)
    expect(page.locator(".tag-completed")).to_have_count(2)
    _shot(page, "parent-halfway-390.png")

    # Saved halfway: she logs out, and the next day she finds it as she left it.
    with page.expect_navigation():
        page.evaluate("document.querySelector(\"form[action='/logout']\").requestSubmit()")
    log_in(page, PARENT, PARENT_PASSWORD)
    with page.expect_navigation():
        page.locator(f"a[href='/{draft_path}']").click()
    expect(page.locator(".tag-completed")).to_have_count(2)

    page.locator("a[href$='/emergency']").first.click()
    page.locator("input[name='emergency1-name']").fill("Oma Schmidt")
    page.locator("input[name='emergency1-relation']").fill("grandmother")
    page.locator("input[name='emergency1-phone']").fill("+49 231 9999")
    save(page)
    page.locator("#tasks a[href$='/health']").click()
    page.locator("textarea[name=medical_notes]").fill("Asthma spray")
    save(page)
    with page.expect_navigation():
        page.locator("form[action$='/submit'] button").click()
    fits(page)
    _shot(page, "parent-submitted-390.png")


def test_a_parent_applies_sends_documents_consents_and_learns_the_host_family(
    app, browser, live_server, mail_server, tmp_path
):
    cohort_id = make_cohort(app, name="Dortmund → Buffalo 2027", places=3)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    make_approved_family(
        app,
        [cohort_id],
        email="millers@example.org",
        family_name="Miller",
        city="Buffalo",
        has_pets=False,
        beds_offered=1,
    )
    scan, photo = tmp_path / "Reisepass.pdf", tmp_path / "IMG_2041.jpg"
    scan.write_bytes(a_pdf())
    photo.write_bytes(a_photo())
    contexts = []

    def a_phone():
        context = browser.new_context(base_url=live_server, viewport=PHONE, has_touch=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    try:
        parent = a_phone()
        apply_online(parent, mail_server, cohort_id)
        with app.app_context():
            enrolment = db.session.scalars(sa.select(Enrolment)).one()
            assert enrolment.status == EnrolmentStatus.APPLIED
            enrolment_id, student_id = enrolment.id, enrolment.student_id

        # Her page of where things stand: applied, and what is missing.
        parent.goto(f"/my/students/{student_id}")
        expect(parent.locator("main .badge.status-applied")).to_be_visible()
        upload(parent, "Passport / visa", scan)
        expect(parent.locator(".flash")).to_contain_text("The exchange team will check it.")
        upload(parent, "Medical form", photo)
        documents = parent.locator(".guardian-documents")
        expect(documents).to_contain_text("Medical form: your file waits for review")
        passport, medical = the_files(app)
        with app.app_context(), storage.current(app).open(medical.storage_key) as stream:
            stored = Image.open(io.BytesIO(stream.read()))
        assert not stored.getexif() and "comment" not in stored.info  # no camera, no place

        parent.locator(".checklist").get_by_role("link", name="Give consent").click()
        parent.get_by_label("Your full name").fill("Maria Schmidt")
        parent.get_by_label("I have read the text above and give my consent.").check()
        with parent.expect_navigation():
            parent.get_by_role("button", name="Give consent").click()
        expect(parent.locator(".flash")).to_contain_text("your consent is recorded")
        fits(parent)
        _shot(parent, "parent-consented-390.png")

        # The coordinator, on her phone, accepts the application and rejects the photo.
        coordinator = a_phone()
        log_in(coordinator, "coordinator@example.org", PASSWORD)
        coordinator.goto(f"/enrolments/{enrolment_id}")
        expect(coordinator.locator("main")).to_contain_text("Lena Schmidt")
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="Set to “accepted”").click()
        expect(coordinator.locator(".flash")).to_contain_text("is now “accepted”")
        coordinator.locator(f"#file-{medical.id}").get_by_role(
            "link", name="Reject the file…"
        ).click()
        coordinator.get_by_label("Reason").fill(REASON)
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="Reject the file").click()
        expect(coordinator.locator(".flash")).to_contain_text("1 guardian is emailed")
        fits(coordinator)

        # The parent reads the reason in the email and, through its link, on her page.
        email = an_email(mail_server, PARENT, "blurred")
        assert REASON in email.body
        parent.goto(email.body.split(live_server, 1)[1].split(")", 1)[0].split()[0])
        expect(parent.locator("main .badge.status-accepted")).to_be_visible()
        expect(documents).to_contain_text("not accepted: The photo is blurred")
        _shot(parent, "parent-rejected-390.png")
        upload(parent, "Medical form", scan)
        expect(documents).to_contain_text("Medical form: your file waits for review")
        again = the_files(app)[-1]

        coordinator.goto(f"/enrolments/{enrolment_id}")
        with coordinator.expect_navigation():
            coordinator.locator(f"#file-{again.id}").get_by_role(
                "button", name="Accept the file"
            ).click()
        expect(coordinator.locator(".flash")).to_contain_text("counts as received")

        parent.reload()
        expect(documents).to_contain_text("Medical form: received")
        expect(parent.locator("main")).to_contain_text("The host family is not chosen yet.")

        # The coordinator places Lena with the Millers on the board.
        coordinator.goto(f"/cohorts/{cohort_id}")
        coordinator.get_by_role("link", name="Placement board").click()
        place = coordinator.locator(f"#place-{enrolment_id}")
        miller = place.locator("option", has_text="Miller").first.get_attribute("value")
        place.select_option(value=miller)
        with coordinator.expect_navigation():
            coordinator.locator(".place-form").get_by_role("button", name="Place").click()
        expect(coordinator.locator("main")).to_contain_text("Every student who holds a place")
        fits(coordinator)

        # The parent now sees the host family: name, address and phone.
        parent.reload()
        family = parent.locator("main")
        expect(family).to_contain_text("Host family")
        expect(family).to_contain_text("Miller")
        expect(family).to_contain_text("Buffalo")
        expect(family.locator("a[href^='tel:']").first).to_be_visible()
        fits(parent)
        _shot(parent, "parent-placed-390.png")
    finally:
        for context in contexts:
            context.close()
    states = [f.state for f in the_files(app) if f.kind == DocumentKind.MEDICAL_FORM]
    assert states == [ReviewState.REJECTED, ReviewState.ACCEPTED]
    assert passport.kind == DocumentKind.PASSPORT_VISA
