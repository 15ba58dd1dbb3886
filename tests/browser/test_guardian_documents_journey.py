"""On a 390 px phone a guardian uploads a passport scan (PDF) and a photo of the medical form
(a JPEG with camera and GPS data, stored without them) and consents online; the coordinator
rejects the medical form with a reason; the guardian reads the reason in the email (through
the SMTP test server, with the link to her page) and on her page, uploads again, and the
coordinator accepts. Then her pages in German. With SHOTS=<folder> the pages are saved as
screenshots."""

from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app import storage
from app.extensions import db
from app.models import DocumentFile, DocumentKind, GuardianConsent, ReviewState, Role
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.browser.test_group_message_journey import PHONE, _shot, arrived
from tests.browser.test_group_message_journey import log_in as staff_log_in
from tests.conftest import make_user
from tests.factories import enrol, make_cohort, make_student
from tests.guardians.helpers import GUARDIAN_PASSWORD, guardian, linked_account
from tests.services.enrolment.test_uploads import a_pdf, a_photo
from tests.services.mail.test_email_delivery import MailServer


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


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def guardian_log_in(page, language="en") -> None:
    labels = {"en": ("Email", "Password", "Log in"), "de": ("E-Mail", "Passwort", "Anmelden")}
    email, password, button = labels[language]
    page.goto("/login")
    page.get_by_label(email).fill("maria@example.org")
    page.get_by_label(password, exact=True).fill(GUARDIAN_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


KINDS = {"Passport / visa": "passport_visa", "Medical form": "medical_form"}


def upload(page, kind_label: str, path) -> None:
    item = page.locator(".checklist li", has_text=kind_label)
    item.locator(f"a[href$='/files/{KINDS[kind_label]}/upload']").click()
    page.get_by_label("File").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()


def the_files(app) -> list[DocumentFile]:
    with app.app_context():
        found = db.session.scalars(sa.select(DocumentFile).order_by(DocumentFile.id)).all()
        db.session.expunge_all()
        return found


def test_a_guardian_uploads_consents_and_sends_a_rejected_form_again(
    app, phone_page, browser, live_server, mail_server, tmp_path
):
    student_id = make_student(
        app, first_name="Lena", last_name="Schmidt", guardians=[guardian(locale="en")]
    )
    enrolment_id = enrol(app, student_id, make_cohort(app, name="Dortmund → Buffalo 2027"))
    linked_account(app, student_id)
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    scan, photo = tmp_path / "Reisepass.pdf", tmp_path / "IMG_2041.jpg"
    scan.write_bytes(a_pdf())
    photo.write_bytes(a_photo())

    page = phone_page
    guardian_log_in(page)
    page.goto(f"/my/students/{student_id}")
    fits(page)
    _shot(page, "guardian-missing-phone-en.png")
    upload(page, "Passport / visa", scan)
    expect(page.locator(".flash")).to_contain_text("The exchange team will check it.")
    upload(page, "Medical form", photo)
    documents = page.locator(".guardian-documents")
    expect(documents).to_contain_text("Medical form: your file waits for review")
    expect(documents).to_contain_text("Download your file")
    fits(page)
    _shot(page, "guardian-uploaded-phone-en.png")
    passport, medical = the_files(app)
    with app.app_context(), storage.current(app).open(medical.storage_key) as stream:
        stored = Image.open(io.BytesIO(stream.read()))
    assert not stored.getexif() and "comment" not in stored.info  # no camera, no place

    with page.expect_navigation():  # measured once the page has loaded
        page.locator(".checklist").get_by_role("link", name="Give consent").click()
    expect(page.locator(".consent-wording")).to_contain_text("I agree that my child")
    page.get_by_label("Your full name").fill("Maria Schmidt")
    page.get_by_label("I have read the text above and give my consent.").check()
    fits(page)
    _shot(page, "guardian-consent-phone-en.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Give consent").click()
    expect(page.locator(".flash")).to_contain_text("your consent is recorded")
    expect(page.locator("#consent ~ p").first).to_contain_text("You gave your consent on")
    with app.app_context():
        assert db.session.scalar(sa.select(GuardianConsent.given_by)) == "Maria Schmidt"

    # The coordinator, in a browser of their own, rejects the photo with a reason.
    staff = browser.new_context(base_url=live_server, viewport=PHONE)
    try:
        coordinator = staff.new_page()
        staff_log_in(coordinator, "coordinator@example.org")
        coordinator.goto(f"/enrolments/{enrolment_id}/files/{medical.id}/reject")
        coordinator.get_by_label("Reason").fill("The photo is blurred; please take it again.")
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="Reject the file").click()
        expect(coordinator.locator(".flash")).to_contain_text("1 guardian is emailed")

        deadline = time.monotonic() + 10
        while not (
            found := [m for m in arrived(mail_server, "maria@example.org") if "blurred" in m.body]
        ):
            assert time.monotonic() < deadline, "the rejection email did not arrive"
            time.sleep(0.1)
        (email,) = found
        assert "The photo is blurred; please take it again." in email.body
        assert f"{live_server}/my/students/{student_id}" in email.body
        page.goto(email.body.split(live_server, 1)[1].split(")", 1)[0])  # the email's link
        expect(documents).to_contain_text("not accepted: The photo is blurred")
        fits(page)
        _shot(page, "guardian-rejected-phone-en.png")
        upload(page, "Medical form", scan)
        expect(documents).to_contain_text("Medical form: your file waits for review")
        again = the_files(app)[-1]

        coordinator.goto(f"/enrolments/{enrolment_id}")
        with coordinator.expect_navigation():
            coordinator.locator(f"#file-{again.id}").get_by_role(
                "button", name="Accept the file"
            ).click()
        expect(coordinator.locator(".flash")).to_contain_text("counts as received")
    finally:
        staff.close()
    page.reload()
    expect(documents).to_contain_text("Medical form: received")
    expect(page.locator(".checklist")).not_to_contain_text("Medical form")
    states = [f.state for f in the_files(app) if f.kind == DocumentKind.MEDICAL_FORM]
    assert states == [ReviewState.REJECTED, ReviewState.ACCEPTED]
    assert passport.state == ReviewState.WAITING
    _shot(page, "guardian-accepted-phone-en.png")

    # The same pages in German, on a phone and on a desktop; axe-core finds no serious or
    # critical violation on any of them.
    found = []
    for size, viewport in (("phone", PHONE), ("desktop", {"width": 1280, "height": 900})):
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="de-DE")
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        try:
            german = context.new_page()
            guardian_log_in(german, "de")
            german.goto(f"/my/students/{student_id}")
            if size == "phone":  # her account's language is English: she switches
                with german.expect_navigation():
                    german.get_by_role("button", name="Deutsch").click()
            expect(german.locator(".guardian-documents")).to_contain_text("Gesundheitsbogen")
            expect(german.locator(".guardian-documents")).to_contain_text("Ihre Datei wartet")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"guardian-page-{size}-de.png")
            with german.expect_navigation():  # axe reads the upload page once it has loaded
                german.locator(".checklist a[href$='/files/insurance/upload']").click()
            expect(german.get_by_label("Datei")).to_be_visible()
            found += german.evaluate(RUN_AXE)
            _shot(german, f"guardian-upload-{size}-de.png")
            german.goto(f"/my/enrolments/{enrolment_id}/consent")
            expect(german.locator(".consent-wording")).to_contain_text("Als Elternteil")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"guardian-consent-{size}-de.png")
            german.goto(f"/my/enrolments/{enrolment_id}/consent/withdraw")
            expect(german.locator(".confirm-consequences")).to_contain_text("Austausch-Team")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"guardian-withdraw-{size}-de.png")
            if size == "phone":
                fits(german)
        finally:
            context.close()
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
