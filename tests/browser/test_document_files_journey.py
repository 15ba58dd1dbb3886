"""On a 390 px phone a coordinator uploads a guardian's medical form (a PDF), rejects it with
a reason (through the confirmation page), uploads a new one (a photo) and accepts it; the
guardians' emails arrive, each in their language, and the document counts as received. A
German colleague sees the same pages in German. With SHOTS=<folder> the pages are saved as
screenshots."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import DocumentFile, ReviewState, Role, User
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.browser.test_group_message_journey import PHONE, _shot, arrived, log_in
from tests.conftest import make_user
from tests.factories import enrol, make_cohort, make_student
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


def world(app) -> int:
    guardians = [
        {
            "name": "Maria Schmidt",
            "relation": "mother",
            "phone": "+49 231 654321",
            "email": "maria@example.org",
            "locale": "de",
        },
        {
            "name": "John Smith",
            "relation": "father",
            "phone": "+1 716 555 0100",
            "email": "john@example.org",
            "locale": "en",
        },
    ]
    student = make_student(app, first_name="Lena", last_name="Schmidt", guardians=guardians)
    enrolment_id = enrol(app, student, make_cohort(app, name="Dortmund → Buffalo 2027"))
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    german = make_user(app, "koordination@example.org", Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, german).locale = "de"
        db.session.commit()
    return enrolment_id


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def upload(page, path, kind_label: str) -> None:
    page.get_by_role("link", name=f"Upload a file for “{kind_label}”").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Upload “{kind_label}”")
    page.get_by_label("File").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()


def test_a_coordinator_reviews_a_guardian_s_medical_form_on_a_phone(
    app, phone_page, browser, live_server, mail_server, tmp_path
):
    enrolment_id = world(app)
    scan, photo = tmp_path / "Gesundheitsbogen.pdf", tmp_path / "IMG_2041.jpg"
    scan.write_bytes(a_pdf())
    photo.write_bytes(a_photo())
    page = phone_page
    log_in(page, "coordinator@example.org")
    page.goto(f"/enrolments/{enrolment_id}")
    fits(page)

    upload(page, scan, "Medical form")
    expect(page.locator(".flash")).to_contain_text("it waits for review")
    waiting = page.locator(".file-waiting")
    expect(waiting).to_contain_text("waiting for review")
    expect(waiting).to_contain_text("Download Gesundheitsbogen.pdf")
    fits(page)
    _shot(page, "uploaded-phone-en.png")

    with page.expect_navigation():  # measured once the page has loaded
        page.get_by_role("link", name="Reject the file…").click()
    expect(page.locator(".confirm-consequences")).to_contain_text("Maria Schmidt gets an email")
    expect(page.locator(".confirm-consequences")).to_contain_text("John Smith gets an email")
    page.get_by_label("Reason").fill("Page 2 is missing; please scan both pages.")
    fits(page)
    _shot(page, "reject-phone-en.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Reject the file").click()
    expect(page.locator(".flash")).to_contain_text("2 guardians are emailed the reason.")
    expect(page.locator(".file-rejected")).to_contain_text("Page 2 is missing")

    maria = arrived(mail_server, "maria@example.org")
    john = arrived(mail_server, "john@example.org")
    assert "Gesundheitsbogen" in maria[0].body and "erneut hoch" in maria[0].body
    assert "Page 2 is missing; please scan both pages." in maria[0].body
    assert "Medical form" in john[0].body and "upload the document again" in john[0].body
    assert "Lena" in john[0].body and "Dortmund → Buffalo 2027" in john[0].body

    upload(page, photo, "Medical form")
    expect(page.locator(".file-waiting")).to_contain_text("Download IMG_2041.jpg")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the file").click()
    expect(page.locator(".flash")).to_contain_text("the document counts as received")
    documents = page.locator("#documents")
    expect(documents).to_contain_text("received as an uploaded file")
    expect(documents.locator("p", has_text="Missing:")).not_to_contain_text("Medical form")
    fits(page)
    _shot(page, "accepted-phone-en.png")
    with app.app_context():
        states = db.session.scalars(sa.select(DocumentFile.state).order_by(DocumentFile.id))
        assert list(states) == [ReviewState.REJECTED, ReviewState.ACCEPTED]

    upload(page, scan, "Insurance")  # one waiting, for the confirmation page below
    waiting_id = page.locator(".file-waiting").get_attribute("id").removeprefix("file-")

    # A German colleague: the same pages in German, on a desktop and on a phone; axe-core
    # finds no serious or critical violation on any of them.
    found = []
    for size, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="de-DE")
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        try:
            german = context.new_page()
            log_in(german, "koordination@example.org", "de")
            german.goto(f"/enrolments/{enrolment_id}")
            expect(german.locator("#documents")).to_contain_text("zurückgewiesen")
            expect(german.locator("#documents")).to_contain_text("als hochgeladene Datei")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"documents-{size}-de.png")
            with german.expect_navigation():  # axe reads the upload page once it has loaded
                german.get_by_role("link", name="Datei für „Versicherung“ hochladen").click()
            expect(german.get_by_label("Datei")).to_be_visible()
            found += german.evaluate(RUN_AXE)
            _shot(german, f"upload-{size}-de.png")
            with german.expect_navigation():  # the answer has loaded, for axe and the title
                german.get_by_role("button", name="Hochladen").click()  # no file chosen
            expect(german.locator("#error-summary")).to_contain_text("Wählen Sie die Datei")
            assert german.title().startswith("Fehler: ")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"upload-error-{size}-de.png")
            german.goto(f"/enrolments/{enrolment_id}/files/{waiting_id}/reject")
            expect(german.locator(".confirm-consequences")).to_contain_text("Maria Schmidt")
            found += german.evaluate(RUN_AXE)
            _shot(german, f"reject-{size}-de.png")
            if size == "phone":
                fits(german)
        finally:
            context.close()
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/enrolments/{enrolment_id}")
    _shot(page, "documents-desktop-en.png")
