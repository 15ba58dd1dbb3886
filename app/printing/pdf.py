"""PDF from the same HTML and stylesheet as the print view, through WeasyPrint. Only the
application's own static files may be loaded while rendering: nothing from the network."""

from __future__ import annotations

import functools
import gc
import itertools
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pyphen
from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.printing import pdf_rows
from app.printing.sheet import NO_BREAK_SPACE, loosen

if TYPE_CHECKING:
    from app.printing.sheet import Sheet

BASE_URL = "https://austausch.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serves /static/... from the application's static folder and refuses everything else."""

    def __init__(self, static_folder: str, static_path: str) -> None:
        super().__init__()
        self.root = Path(static_folder).resolve()
        self.prefix = static_path.rstrip("/") + "/"

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        ours = f"{parts.scheme}://{parts.netloc}/" == BASE_URL
        if not ours or not parts.path.startswith(self.prefix):
            raise ValueError(f"Not an application file: {url}")
        path = (self.root / unquote(parts.path[len(self.prefix) :])).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Not an application file: {url}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while rendering: a long roster makes hundreds
    of thousands of objects, and each full collection meanwhile walked them and the whole
    application again (a sixth of a 500-student roster's time). The first collection after
    the render frees what is left of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def document(html: str) -> HTML:
    """The page as WeasyPrint's document, loading only the application's static files."""
    app = current_app
    fetcher = StaticFilesOnly(app.static_folder, app.static_url_path)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)


def render(html: str) -> bytes:
    with collector_paused():
        return document(html).write_pdf()


# Fitting a table to the page --------------------------------------------------------------
#
# WeasyPrint's automatic table layout measures every cell twice (its narrowest and its widest
# width) before laying it out, and for a long roster that was a third of the time. The widths
# are computed here instead, the way the automatic layout does, from the same fonts, then moved
# to where they save lines (pdf_rows), and the table is laid out with fixed column widths
# (`table.sheet.fitted` in print.css).

CSS_PX_PER_MM = 96 / 25.4
PT = 96 / 72  # CSS px per point
MEASURE_PX = 100.0  # characters are measured at this size and scaled
FONT_FAMILY = "DejaVu Sans,Liberation Sans,Arial,sans-serif"  # as in print.css
BOLD = 700
HEAD_SCALE = 0.944  # print.css: the column heads are a little smaller than the cells


class TextWidths:
    """Widths of text in print.css's fonts, measured by Pango through WeasyPrint's own font
    configuration, one character at a time and cached: a word's width is the sum of its
    characters' advances. Kerning only narrows words, so the sums err on the wide side."""

    def __init__(self) -> None:
        self._advances: dict[tuple[int, str], float] = {}
        self._layouts: dict[int, object] = {}
        self._fonts = None
        self._lock = threading.Lock()

    def _layout(self, weight: int):
        from weasyprint.text.ffi import TO_UNITS, ffi, gobject, pango, unicode_to_char_p
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
            context = pango.pango_font_map_create_context(self._fonts.font_map)
            self._context = ffi.gc(context, gobject.g_object_unref)
            pango.pango_context_set_round_glyph_positions(self._context, False)
        if weight not in self._layouts:
            description = ffi.gc(
                pango.pango_font_description_new(), pango.pango_font_description_free
            )
            family, self._family = unicode_to_char_p(FONT_FAMILY)
            pango.pango_font_description_set_family(description, family)
            pango.pango_font_description_set_weight(description, weight)
            pango.pango_font_description_set_absolute_size(description, int(MEASURE_PX * TO_UNITS))
            layout = ffi.gc(pango.pango_layout_new(self._context), gobject.g_object_unref)
            pango.pango_layout_set_font_description(layout, description)
            self._layouts[weight] = (layout, description)
        return self._layouts[weight][0]

    def _measure(self, char: str, weight: int) -> float:
        from weasyprint.text.ffi import FROM_UNITS, ffi, pango

        layout = self._layout(weight)
        encoded = char.encode()
        pango.pango_layout_set_text(layout, encoded, len(encoded))
        extents = ffi.new("PangoRectangle *")
        line = pango.pango_layout_get_line_readonly(layout, 0)
        pango.pango_layout_line_get_extents(line, ffi.NULL, extents)
        return extents.width * FROM_UNITS / MEASURE_PX

    def em(self, text: str, weight: int = 400) -> float:
        """The width of text in em (multiply by the font size)."""
        advances = self._advances
        width = 0.0
        for char in text:
            advance = advances.get((weight, char))
            if advance is None:
                with self._lock:
                    advance = advances[weight, char] = self._measure(char, weight)
            width += advance
        return width


TEXT_WIDTHS = TextWidths()

# Where a line may break: after spaces (not before closing punctuation), and after a hyphen
# between letters; the same places as Pango's line breaking for the text of our tables.
SPACES = re.compile(r" +(?![)\]}!?,.;:/%])")
AFTER_HYPHEN = re.compile(r"(?<=[^\W\d]-)(?=[^\W\d])")
COLLAPSIBLE = re.compile(r"[ \t\r\n]+")


def words(line: str) -> list[str]:
    """The pieces of a line that no line break splits."""
    found = []
    for part in SPACES.split(line):
        found.extend(AFTER_HYPHEN.split(part))
    return found


@functools.lru_cache(maxsize=8192)
def line_widths(line: str, weight: int) -> tuple[float, float]:
    """A line's widest word and its whole width, in em; lines repeat a lot (towns, diets)."""
    line = COLLAPSIBLE.sub(" ", line).strip(" ")
    if not line:
        return 0.0, 0.0
    em = TEXT_WIDTHS.em
    return max(em(word, weight) for word in words(line)), em(line, weight)


@functools.lru_cache(maxsize=8192)
def line_breaks(line: str, weight: int) -> tuple[float, ...]:
    """The widths, in em, a line needs to take at most 1, 2, ... lines (pdf_rows.line_breaks)."""
    line = COLLAPSIBLE.sub(" ", line).strip(" ")
    em = TEXT_WIDTHS.em
    ends = list(itertools.accumulate((em(char, weight) for char in line), initial=0.0))
    pieces, position = [], 0
    for word in words(line):
        start = line.index(word, position)
        position = start + len(word)
        pieces.append((ends[start], ends[position]))
    return pdf_rows.line_breaks(tuple(pieces))


@functools.lru_cache(maxsize=256)
def syllables_width(label: str, weight: int, lang: str) -> float:
    """A column head's widest piece when its words may be hyphenated (hyphens: auto, with
    WeasyPrint's limits: words of 5 letters or more, 2 letters either side), in em."""
    dictionary = pyphen.Pyphen(lang=pyphen.language_fallback(lang) or "en", left=2, right=2)
    em = TEXT_WIDTHS.em
    widest = 0.0
    for word in words(COLLAPSIBLE.sub(" ", label).strip(" ")):
        cuts = [0, *dictionary.positions(word), len(word)] if len(word) >= 5 else [0, len(word)]
        for start, end in itertools.pairwise(cuts):
            piece = word[start:end] + (HYPHEN if end < len(word) else "")
            widest = max(widest, em(piece, weight))
    return widest


@dataclass
class ColumnText:
    """What a table column holds, to fit it to the page, in em of the table's font."""

    narrowest: float = 0.0  # the widest word of the cells: the column cannot be narrower
    widest: float = 0.0  # the widest line: the column needs no more
    head_word: float = 0.0  # the widest word of the column's head
    head_syllables: float = 0.0  # the same if the head's words are hyphenated

    def add(self, line: str, weight: int = 400) -> None:
        word, whole = line_widths(line, weight)
        self.narrowest = max(self.narrowest, word)
        self.widest = max(self.widest, whole)

    def add_head(self, label: str, lang: str) -> None:
        """The column's head: in bold, a little smaller than the cells."""
        word, whole = line_widths(label, BOLD)
        self.head_word = word * HEAD_SCALE
        self.head_syllables = syllables_width(label, BOLD, lang) * HEAD_SCALE
        self.widest = max(self.widest, whole * HEAD_SCALE)


@dataclass(frozen=True)
class Fit:
    widths: list[float]  # percent of the table's width, one per column
    font_pt: float  # the table's font size
    tight: bool = False  # narrower cell paddings, and the column heads hyphenated
    overflow: bool = False  # even so the widest words do not fit side by side
    # Phone numbers may break at their spaces (sheet.loosen): without that the widest
    # words would not fit side by side (fit_sheet); never after a hyphen.
    loose: bool = False


# print.css: the body text, the sizes a wide table may shrink to, the cells' side paddings
# (`table.sheet.tight` for the widest tables).
FONT_SIZES_PT = (9.0, 8.5, 8.0, 7.5, 7.0)
CELL_PADDING_PX = 2 * 1.5 * CSS_PX_PER_MM
TIGHT_PADDING_PX = 2 * 1.0 * CSS_PX_PER_MM
SAFETY = 1.01  # measured widths may be a little short (kerning, rounding)
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character


def fit_columns(
    columns: list[ColumnText], width_mm: float, cells: list[pdf_rows.ColumnCells] | None = None
) -> Fit:
    """Column widths as the automatic table layout would choose them (CSS 2.1, 17.5.2.2): each
    column gets its widest word, then what is left goes to the columns in proportion to how
    much wider their lines are. When the widest words don't fit side by side, the font
    shrinks; at the smallest size the paddings narrow and the heads are hyphenated, and if
    even that is too wide, words break rather than run off the page. Given the columns'
    cells, the width then moves to where it saves lines (pdf_rows.shorten_rows)."""
    available = width_mm * CSS_PX_PER_MM
    tries = [(font_pt, False) for font_pt in FONT_SIZES_PT] + [(FONT_SIZES_PT[-1], True)]
    for font_pt, tight in tries:
        size = font_pt * PT * SAFETY
        padding = TIGHT_PADDING_PX if tight else CELL_PADDING_PX
        narrowest = [
            max(c.narrowest, c.head_syllables if tight else c.head_word) * size + padding
            for c in columns
        ]
        if sum(narrowest) <= available:
            break
    widest = [
        max(c.widest * size + padding, least) for c, least in zip(columns, narrowest, strict=True)
    ]
    if sum(widest) <= available:
        widths = [w * available / sum(widest) for w in widest]
    elif sum(narrowest) <= available:
        ratio = (available - sum(narrowest)) / (sum(widest) - sum(narrowest))
        widths = [n + (w - n) * ratio for n, w in zip(narrowest, widest, strict=True)]
    else:
        widths = narrowest
    if cells and sum(narrowest) <= available:
        widths = pdf_rows.shorten_rows(cells, narrowest, widths, size, padding)
    overflow = sum(narrowest) > available
    return Fit([round(100 * w / sum(widths), 3) for w in widths], font_pt, tight, overflow)


# print.css: the page's side margins.
PAGE_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
SIDE_MARGINS_MM = 2 * 12.0


def fit_sheet(sheet: Sheet, lang: str, for_pdf: bool = False) -> Fit:
    """The widths of a roster's (or list's) columns on its paper, and its font size; lang:
    the page's language, for hyphenation. For the PDF, the widths keep the rows short.
    Phone numbers are one word each (sheet.nobreak); only if the widest words then do not fit
    side by side (a roster of every column) may they break at their spaces (Fit.loose: the
    page is then rendered from sheet.loosen())."""
    fit = _fit_sheet(sheet, lang, for_pdf, lambda line: line)
    if not fit.overflow or not any(
        NO_BREAK_SPACE in line for g in sheet.groups for row in g.rows for c in row for line in c
    ):
        return fit
    return replace(_fit_sheet(sheet, lang, for_pdf, loosen), loose=True)


def _fit_sheet(sheet: Sheet, lang: str, for_pdf: bool, shown) -> Fit:
    short, long = PAGE_MM[sheet.paper]
    width = (long if sheet.orientation == "landscape" else short) - SIDE_MARGINS_MM
    columns = [ColumnText() for _ in sheet.columns]
    cells = [pdf_rows.ColumnCells() for _ in sheet.columns] if for_pdf else None
    for column, label in zip(columns, sheet.header(), strict=True):
        column.add_head(label, lang)
    weights = [BOLD if key == "name" else 400 for key, _label in sheet.columns]
    for group in sheet.groups:
        for index, row in enumerate(group.rows):
            marked = index in group.marked and row and row[0]
            for column, weight, cell in zip(columns, weights, row, strict=True):
                for line in cell:
                    column.add(shown(line), weight)
            if marked:
                columns[0].add(row[0][-1], BOLD)  # the consent note is in bold
            if cells is not None:
                for number, (found, weight, cell) in enumerate(
                    zip(cells, weights, row, strict=True)
                ):
                    breaks = [line_breaks(shown(line), weight) for line in cell if line]
                    if marked and number == 0 and breaks:
                        breaks[-1] = line_breaks(shown(cell[-1]), BOLD)
                    found.add(tuple(breaks))
    return fit_columns(columns, width, cells)
