"""The roster PDF on paper: however many columns are chosen, in English or German, on A4 or
Letter, every column is on the page, and no word is broken to make it fit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from pypdf import PdfReader

from app.printing import pdf, pdf_rows
from app.services.roster.roster_columns import COLUMNS
from tests.rosters.test_roster_files import download, pdf_text
from tests.services.roster.test_roster_service import students_in_database

EVERY_COLUMN = "&".join(f"columns={key}" for key in COLUMNS)
RIGHT_MARGIN_PT = 12 / 25.4 * 72  # print.css: @page margin
WIDTH_MM = 110  # too narrow for one line per contact


def text_starts(data: bytes) -> list[tuple[float, float, str]]:
    """Where each run of text starts, in points from the left: (x, page width, text)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        width = float(page.mediabox.width)

        def seen(text, cm, tm, _font, _size, width=width):
            if text.strip():
                found.append((tm[4] * cm[0] + cm[4], width, text.strip()))

        page.extract_text(visitor_text=seen)
    return found


@pytest.mark.slow  # PDF rendering
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("language", ["en", "de-DE"])
def test_every_column_of_the_widest_roster_is_on_the_page(
    app, roster, coordinator, client, paper, language
):
    response = client.get(
        f"/rosters/cohorts/{roster.cohort_id}/roster.pdf?paper={paper}&{EVERY_COLUMN}",
        headers={"Accept-Language": language},
    )
    assert response.status_code == 200

    starts = text_starts(response.data)
    assert starts
    for x, width, text in starts:
        assert x < width - RIGHT_MARGIN_PT, text  # nothing starts in the margin or beyond
    text = pdf_text(response.data)
    for student in students_in_database(app, roster.cohort_id):
        assert student.name in text  # whole: no name broken across lines
    assert "Type 1 diabetes: insulin pen, check at meals." in text  # the last column


@pytest.mark.slow  # PDF rendering
def test_the_full_roster_keeps_its_font_and_breaks_no_word(app, roster, coordinator, client):
    data = download(client, roster.cohort_id, "roster.pdf", "preset=full")

    text = pdf_text(data)
    for student in students_in_database(app, roster.cohort_id):
        assert student.name in text
        assert student.family in text
    assert "Peanuts (carries an EpiPen)" in text


def test_columns_get_their_widest_word_and_share_the_rest():
    narrow, wide = pdf.ColumnText(), pdf.ColumnText()
    narrow.add("16")
    wide.add("Type 1 diabetes: insulin pen, check at meals.")

    fit = pdf.fit_columns([narrow, wide], 100)

    assert fit.font_pt == 9.0 and not fit.tight
    assert sum(fit.widths) == pytest.approx(100)
    assert fit.widths[1] > fit.widths[0]


def test_a_table_too_wide_for_the_page_gets_a_smaller_font():
    columns = []
    for _ in range(16):
        column = pdf.ColumnText()
        column.add("Erziehungsberechtigte")
        columns.append(column)

    fit = pdf.fit_columns(columns, 273)

    assert fit.font_pt < 9.0
    assert sum(fit.widths) == pytest.approx(100)


def test_a_line_breaks_only_between_words():
    school = "Käthe-Kollwitz-Berufskolleg 7"
    assert pdf.words(school) == ["Käthe-", "Kollwitz-", "Berufskolleg", "7"]
    assert pdf.words("Laura Schmidt (aunt) +49 231 613398")[2] == "(aunt)"
    assert pdf.words("insulin pen, check at meals.") == ["insulin", "pen,", "check", "at", "meals."]


def test_a_line_needs_less_width_for_each_line_more():
    # three pieces of 1 em, 0.2 em apart: one line at 3.4 em, two at 2.2, three at 1
    pieces = ((0.0, 1.0), (1.2, 2.2), (2.4, 3.4))
    assert pdf_rows.line_breaks(pieces) == pytest.approx((3.4, 2.2))


def test_the_width_goes_where_it_saves_lines():
    contacts = ["Laura Schmidt (aunt) +49 231 613398", "Jan Becker (father) +49 231 995639"]
    rows = [
        [["Laura Becker"], ["vegetarian"], contacts],
        [["Paul Becker"], ["no special diet"], contacts[:1]],
    ]
    columns = [pdf.ColumnText() for _ in range(3)]
    for row in rows:
        for column, cell in zip(columns, row, strict=True):
            for line in cell:
                column.add(line)

    def lines(fit: pdf.Fit) -> int:
        size = fit.font_pt * pdf.PT * pdf.SAFETY
        total = 0
        for position, percent in enumerate(fit.widths):
            cells = pdf_rows.ColumnCells()
            for row in rows:
                cells.add(tuple(pdf.line_breaks(line, 400) for line in row[position]))
            width = percent / 100 * WIDTH_MM * pdf.CSS_PX_PER_MM - pdf.CELL_PADDING_PX
            total += int(cells.lines(np.array([width / size])).sum())
        return total

    cells = [pdf_rows.ColumnCells() for _ in range(3)]
    for row in rows:
        for found, cell in zip(cells, row, strict=True):
            found.add(tuple(pdf.line_breaks(line, 400) for line in cell))
    automatic, shortened = (
        pdf.fit_columns(columns, WIDTH_MM),
        pdf.fit_columns(columns, WIDTH_MM, cells),
    )

    assert sum(shortened.widths) == pytest.approx(100, abs=0.01)
    assert lines(shortened) < lines(automatic)
    assert shortened.widths[2] > automatic.widths[2]
