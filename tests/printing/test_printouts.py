"""What a printed roster looks like to its reader: phone numbers whole on one line, lists with
separators, and a grouped roster that does not repeat its group headings in a column."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import HostApplication, Student
from app.printing.sheet import Group, Sheet, plain
from app.services.roster.roster_columns import PRESETS
from tests.rosters.test_roster_files import download
from tests.rosters.test_roster_pages import url

EVERY_COLUMN = "&".join(f"columns={key}" for key in PRESETS["full"])
US_PHONE, US_MOBILE = "(716) 555-0142", "(716) 555-0199"


@pytest.fixture
def us_phones(app, roster):
    """The Millers with phone numbers written the American way, which used to break after
    the hyphen ("(716) 555-" / "0142"); Jonas Becker allergic to peanuts and to pets."""
    with app.app_context():
        miller = db.session.get(HostApplication, roster.families["Miller"])
        miller.phone, miller.mobile_phone = US_PHONE, US_MOBILE
        becker = db.session.scalars(db.select(Student).filter_by(last_name="Becker")).one()
        becker.allergies, becker.pet_allergy = "Peanuts", True
        db.session.commit()


def pdf_lines(data: bytes) -> list[str]:
    """Every line of the PDF's text, with plain spaces and hyphens."""
    reader = PdfReader(io.BytesIO(data))
    return [plain(line) for page in reader.pages for line in page.extract_text().splitlines()]


@pytest.mark.slow  # PDF rendering
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_phone_number_never_breaks_across_lines(
    roster, us_phones, coordinator, client, language, paper
):
    response = client.get(
        url(roster.cohort_id, "/roster.pdf", f"{EVERY_COLUMN}&paper={paper}"),
        headers={"Accept-Language": language},
    )
    lines = pdf_lines(response.data)

    for phone in (US_PHONE, US_MOBILE, "+1 716 555 0103", "+49 171 2000002", "+49 231 777777"):
        assert any(phone in line for line in lines), phone
    assert not [line for line in lines if line.rstrip().endswith(("555-", "(716)", "+49"))]


def test_the_print_view_keeps_phone_numbers_together(roster, us_phones, coordinator, client):
    page = client.get(url(roster.cohort_id, "/print", "preset=transport")).get_data(as_text=True)

    assert "(716)\u00a0555\u20110142" in page  # no break at the space nor after the hyphen
    assert US_PHONE not in page


def test_allergies_are_separated(roster, us_phones, coordinator, client):
    page = client.get(url(roster.cohort_id, "/print", "preset=medical")).get_data(as_text=True)

    assert "Peanuts; allergic to pets" in html.unescape(page)


def column_heads(page: str) -> list[str]:
    return re.findall(r'<th scope="col" class="col-([a-z_]+)"', page)


def test_grouped_by_family_the_printout_does_not_repeat_the_heading(
    roster, us_phones, coordinator, client
):
    page = client.get(url(roster.cohort_id, "/print", "preset=full&group=family"))
    text = html.unescape(page.get_data(as_text=True))

    heads = column_heads(text)
    assert "family" not in heads and "address" not in heads and "family_phone" not in heads
    assert heads[:3] == ["name", "age", "school"] and "teacher" in heads
    miller = re.search(r'<tr class="group-head">.*?Miller.*?</tr>', text, re.DOTALL).group(0)
    assert "45 Maple Road" in miller and "(716)\u00a0555\u20110142" in miller
    assert text.count("The Miller family") == 1  # the heading only, not in each row
    # The same roster ungrouped keeps every column.
    plain_page = client.get(url(roster.cohort_id, "/print", "preset=full")).get_data(as_text=True)
    assert "family" in column_heads(plain_page)


def test_grouped_by_teacher_the_teacher_column_goes(roster, coordinator, client):
    page = client.get(url(roster.cohort_id, "", "preset=full&group=teacher"))

    heads = column_heads(page.get_data(as_text=True))
    assert "teacher" not in heads and "family" in heads


@pytest.mark.slow  # PDF rendering
def test_the_grouped_pdf_has_the_family_once_per_group(roster, us_phones, coordinator, client):
    data = download(client, roster.cohort_id, "roster.pdf", "preset=full&group=family")
    text = " ".join(pdf_lines(data))

    assert text.count("The Miller family") == 1
    assert "Host family" not in text  # no such column


def test_a_consent_note_stays_when_the_first_column_goes_into_the_heading():
    sheet = Sheet(
        title="Roster",
        cohort=None,
        columns=[("family", "Host family"), ("allergies", "Allergies")],
        groups=[Group("The Miller family", [], [[["The Miller family", "NOTE"], ["—"]]], {0})],
        produced_at=datetime(2027, 1, 1),
        in_headings=("family",),
    )

    printed = sheet.printed()
    assert printed.columns == [("allergies", "Allergies")]
    assert printed.groups[0].rows == [[["—", "NOTE"]]]
    assert printed.groups[0].marked == {0}
    assert sheet.columns[0][0] == "family"  # the sheet itself is left as it was
