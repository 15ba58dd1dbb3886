"""A coordinator imports a school's Excel list with German column names: the application
recognises all but one column, the coordinator maps that one, ignores an extra column, checks
the preview and imports; the school's next list goes straight to the preview. A German
colleague sees the mapping page in German, on a desktop and on a phone, for another school's
list (which is asked about again). With SHOTS=<folder> the pages are saved as screenshots."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, Student, User
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.browser.test_group_message_journey import PHONE, _shot, log_in
from tests.conftest import make_user

HEADER = [
    "Nachname",
    "Vorname",
    "Geburtsdatum",
    "Geschlecht",
    "Schule",
    "Klasse",
    "Erziehungsberechtigte(r)",
    "Beziehung Erziehungsberechtigte(r)",
    "Betreuer Handy",  # a name none of the application's lists knows
    "Notfallkontakt",
    "Notfallkontakt Beziehung",
    "Notfallkontakt Telefon",
    "Bemerkung",  # a column the import has no field for
]


def workbook(path, school: str, *students: tuple[str, str, date]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Klasse 10"
    sheet.append(HEADER)
    for last, first, born in students:
        sheet.append([last, first, born, "w", school, "10b", f"Petra {last}", "Mutter",
                      "0231 123456", f"Omar {last}", "Onkel", "0176 5551234",
                      "fährt mit der Schwester"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def world(app) -> None:
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    german = make_user(app, "koordination@example.org", Role.COORDINATOR)
    with app.app_context():
        db.session.get(User, german).locale = "de"
        db.session.commit()


def upload(
    page, path, label: str = "Student list (Excel or CSV)", button: str = "Upload and check"
):
    page.goto("/students/import")
    page.get_by_label(label).set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def born(years: int, month: int) -> date:
    return date(date.today().year - years, month, 12)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_coordinator_maps_a_german_excel_list_once_per_school(
    app, page, browser, live_server, tmp_path
):
    world(app)
    first, second, other = (tmp_path / name for name in ("10b.xlsx", "10c.xlsx", "9a.xlsx"))
    workbook(first, "Helmholtz-Gymnasium", ("Becker", "Lena", born(15, 3)),
             ("van der Berg", "Jonas", born(16, 7)))  # fmt: skip
    workbook(second, "Helmholtz-Gymnasium", ("Yilmaz", "Elif", born(15, 1)))
    workbook(other, "Käthe-Kollwitz-Gymnasium", ("Schulz", "Mia", born(14, 9)))
    log_in(page, "coordinator@example.org")
    page.goto("/students/import")
    expect(page.locator("main")).to_contain_text("Excel (.xlsx): the first sheet")
    _shot(page, "upload-desktop-en.png")

    upload(page, first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Which column is which?")
    cards = page.locator(".column-card")
    expect(cards).to_have_count(len(HEADER))
    unknown = cards.filter(has_text="not recognized")  # the browser asks for US English
    expect(unknown).to_have_count(2)
    expect(unknown.nth(0)).to_contain_text("Betreuer Handy")
    expect(unknown.nth(0)).to_contain_text("0231 123456")  # a sample from the file
    expect(page.get_by_label("Vorname")).to_have_value("first_name")
    expect(page.locator(".notice")).to_contain_text("Still missing: Guardian 1: phone.")
    _shot(page, "columns-desktop-en.png")

    page.get_by_label("Betreuer Handy").select_option(label="Guardian 1: phone")
    page.get_by_label("Bemerkung").select_option(label="Ignore this column")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the columns and check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.locator("main")).to_contain_text("Read as: Excel workbook, sheet “Klasse 10”.")
    expect(page.locator("main")).to_contain_text("Every row is valid.")
    page.get_by_text("Columns of the file").click()
    expect(page.locator(".mapping-summary")).to_contain_text("Betreuer Handy → Guardian 1: phone")
    expect(page.locator(".mapping-summary")).to_contain_text("Bemerkung → ignored")
    _shot(page, "preview-desktop-en.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Import all 2 students").click()
    expect(page.locator(".flash")).to_contain_text("2 students were imported.")

    # The school's next list: no question about its columns.
    upload(page, second)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    with page.expect_navigation():
        page.get_by_role("button", name="Import 1 student").click()
    expect(page.locator(".flash")).to_contain_text("1 student was imported.")
    with app.app_context():
        students = db.session.scalars(sa.select(Student).order_by(Student.id)).all()
        assert [(s.first_name, s.last_name) for s in students] == [
            ("Lena", "Becker"),
            ("Jonas", "van der Berg"),
            ("Elif", "Yilmaz"),
        ]
        assert {s.guardians[0].phone for s in students} == {"0231 123456"}
        assert all(s.date_of_birth.day == 12 and s.gender == "female" for s in students)

    # A German colleague, another school's list: asked again, in German; on a phone too.
    found = []
    for size, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="de-DE")
        context.add_init_script(AXE.read_text(encoding="utf-8"))
        try:
            german = context.new_page()
            log_in(german, "koordination@example.org", "de")
            upload(german, other, "Liste der Schülerinnen und Schüler (Excel oder CSV)",
                   "Hochladen und prüfen")  # fmt: skip
            expect(german.get_by_role("heading", level=1)).to_have_text("Welche Spalte ist welche?")
            expect(german.locator(".column-card").filter(has_text="nicht erkannt")).to_have_count(2)
            found += german.evaluate(RUN_AXE)
            _shot(german, f"columns-{size}-de.png")
            if size == "phone":
                fits(german)
            with german.expect_navigation():
                german.get_by_role("button", name="Spalten speichern und Zeilen prüfen").click()
            assert german.title().startswith("Fehler: ")
            expect(german.locator("#error-summary")).to_contain_text(
                "Wählen Sie das Feld dieser Spalte, oder ignorieren Sie sie."
            )
            expect(german.locator("#error-summary")).to_contain_text(
                "Es fehlen noch: Erziehungsberechtigte(r) 1: Telefon."
            )
            found += german.evaluate(RUN_AXE)
            _shot(german, f"columns-error-{size}-de.png")
        finally:
            context.close()
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)

    page.set_viewport_size(PHONE)
    upload(page, other)
    expect(page.get_by_role("heading", level=1)).to_have_text("Which column is which?")
    fits(page)
    _shot(page, "columns-phone-en.png")
