"""A roster longer than one part (pdf_chunks) is rendered a part at a time: its pages are those
of one render of the whole table, each numbered "n / N" once, every student on it once."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.printing import pdf_chunks
from tests.factories import enrol, make_cohort, make_student

STUDENTS = 40
NOTE = "Asthma; inhaler in the front pocket of the bag, spare one with the host family. " * 3
PAGE_NUMBER = re.compile(r"(\d+) / (\d+)")
pytestmark = pytest.mark.slow  # rosters of several PDF parts rendered


@pytest.fixture
def long_roster(app) -> tuple[int, list[str]]:
    """A cohort whose students' long notes make a roster of several pages; its names."""
    cohort_id = make_cohort(app, places=STUDENTS)
    names = []
    for number in range(STUDENTS):
        last = f"Student{number:02d}"
        student_id = make_student(app, last_name=last, first_name="Kim", medical_notes=NOTE)
        enrol(app, student_id, cohort_id)
        names.append(f"Kim {last}")
    return cohort_id, names


def pages_text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def names_by_page(pages: list[str], names: list[str]) -> list[list[str]]:
    return [[name for name in names if name in text] for text in pages]


@pytest.mark.parametrize("group", ["none", "teacher"])
def test_a_roster_of_several_parts_has_the_pages_of_one_render(
    app, long_roster, coordinator, client, monkeypatch, group
):
    cohort_id, names = long_roster
    url = f"/rosters/cohorts/{cohort_id}/roster.pdf?preset=full&group={group}"
    whole = pages_text(client.get(url).data)
    monkeypatch.setattr(pdf_chunks, "ROWS_PER_PART", 12)
    response = client.get(url)
    assert response.status_code == 200
    parts = pages_text(response.data)

    total = len(parts)
    assert total >= 4  # several parts, each of more than one page
    for number, text in enumerate(parts, start=1):
        assert PAGE_NUMBER.findall(text) == [(str(number), str(total))]
        assert text.count("Roster") >= 1  # the table's head on every page
    on_pages = names_by_page(parts, names)
    assert sorted(name for page in on_pages for name in page) == sorted(names)  # each once
    assert on_pages == names_by_page(whole, names)  # the pages break where they did
    assert [PAGE_NUMBER.findall(text) for text in whole] == [
        [(str(number), str(total))] for number in range(1, total + 1)
    ]
    if group == "teacher":  # one group over all parts: its heading once, with its full count
        heading = f"No supervising teacher yet ({STUDENTS})"
        assert sum(text.count(heading) for text in parts) == 1
        assert heading in parts[0]
