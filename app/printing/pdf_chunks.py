"""A long table's PDF rendered a part at a time, so that only one part's layout is in memory
at once: WeasyPrint keeps every page's boxes and computed styles until the PDF is written, and
for a 500-student roster that was ~160 MB. Each part but the last gives up its last page, and
the next part starts with the row that page started with: pages break where one render of the
whole table breaks them, each page repeating the table's head and foot (the first page of a
part sits 0.25 pt higher: the table's top edge). The parts are rendered without print.css's
page numbers ("3 / 76"); these are stamped afterwards, each page showing its own from one
small page of all the numbers (rosters/page_numbers.html): a WeasyPrint page of its own per
number would cost ~5 ms each."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import render_template
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)
from weasyprint import CSS
from weasyprint.formatting_structure.boxes import TableRowGroupBox
from weasyprint.text.fonts import FontConfiguration

from app.printing import pdf
from app.printing.memory import release_memory
from app.printing.sheet import Group, Sheet

ROWS_PER_PART = 160  # ~24 pages of the full roster: ~80 MB of layout at a time
PART_SLACK = 12  # rows: about two pages of the full roster (part_size)
NO_PAGE_NUMBERS = "@page { @bottom-right { content: none !important } }"  # over print.css
# print.css: the @page rule's bottom and right margins, where the page number is.
BOTTOM_MARGIN_MM, RIGHT_MARGIN_MM = 16.0, 12.0
PT_PER_MM = 72 / 25.4
SLOTS_PER_PAGE = 200  # a page of slots stays under PDF's 200 inches

# Where a part starts: a group, a row in it, and whether the group's heading comes first.
Position = tuple[int, int, bool]
Progress = Callable[[int, int], None]


@dataclass
class Part:
    sheet: Sheet  # the rows of the part, with the whole sheet's counts
    rows: list[Position]  # the part's body rows (headings included) in order
    after: Position | None  # where the next part starts if this one keeps all its pages


def render_sheet(
    sheet: Sheet, page: Callable[[Sheet], str], progress: Progress | None = None
) -> bytes:
    """The sheet's PDF; page(sheet) is the sheet's printable page. A sheet of one part is
    rendered as a whole. progress(done, total) is told the rows rendered after each part.
    What the rendering used is given back to the system before the file is returned."""
    try:
        return _render_sheet(sheet, page, progress or (lambda _done, _total: None))
    finally:
        release_memory()


def _render_sheet(sheet: Sheet, page: Callable[[Sheet], str], progress: Progress) -> bytes:
    if sheet.count <= ROWS_PER_PART:
        data = pdf.render(page(sheet))
        progress(sheet.count, sheet.count)
        return data
    writer = PdfWriter()
    # One font configuration for all the parts: the fonts are found and loaded once.
    settings = {"stylesheets": [CSS(string=NO_PAGE_NUMBERS)], "font_config": FontConfiguration()}
    size = part_size(sheet.count)
    start: Position | None = (0, 0, True)
    while start is not None:
        part = _part(sheet, start, size)
        with pdf.collector_paused():
            data, start = _render_part(page(part.sheet), part, settings)
        release_memory(0)  # the part's boxes, before the next part makes its own
        writer.append(PdfReader(io.BytesIO(data)))
        progress(_rows_before(sheet, start), sheet.count)
    _number_pages(writer, sheet.paper, sheet.orientation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rows_before(sheet: Sheet, start: Position | None) -> int:
    """How many of the sheet's rows come before start (all of them when it is None)."""
    if start is None:
        return sheet.count
    number, first, _heading = start
    return sum(len(group.rows) for group in sheet.groups[:number]) + first


def part_size(count: int) -> int:
    """The rows of each part: as few parts as ROWS_PER_PART allows, of about the same size
    (500 students: 4 parts of ~137 rows, not 3 of 160 and a short one), so that the largest
    part's layout, a process's peak, is as small as that number of parts allows. Each part but
    the last gives up its last page, hence the slack."""
    parts = -(-count // ROWS_PER_PART)
    return min(ROWS_PER_PART, -(-count // parts) + PART_SLACK)


def _part(sheet: Sheet, start: Position, size: int) -> Part:
    """About size rows from start; a group cut at the start keeps its full count and loses
    its heading, as on a page that continues it."""
    number, first, heading = start
    groups: list[Group] = []
    rows: list[Position] = []
    while number < len(sheet.groups) and len(rows) < size:
        group = sheet.groups[number]
        end = min(len(group.rows), first + size - len(rows))
        shown = group.heading if heading else ""
        if shown:
            rows.append((number, first, True))
        rows.extend((number, row, False) for row in range(first, end))
        marked = {row - first for row in group.marked if first <= row < end}
        groups.append(
            Group(shown, group.details, group.rows[first:end], marked, total=len(group.rows))
        )
        if end < len(group.rows):
            after: Position | None = (number, end, False)
            break
        number, first, heading = number + 1, 0, True
    else:
        after = (number, 0, True) if number < len(sheet.groups) else None
    return Part(replace(sheet, groups=groups, total=sheet.count), rows, after)


def _render_part(html: str, part: Part, settings: dict) -> tuple[bytes, Position | None]:
    """The part's pages as PDF, and where the next part starts: with the first row of the
    part's last page, which is left out, unless this is the last part."""
    document = pdf.document(html)
    rendering = document.render(**settings)
    pages = rendering.pages
    if part.after is None or len(pages) < 2:
        return rendering.write_pdf(), part.after
    first = _first_row(pages[-1]._page_box)
    body_rows = [row for body in document.etree_element.iter("tbody") for row in body]
    found = next((n for n, row in enumerate(body_rows) if row is first), None)
    if not found:  # nothing found, or the page starts the part: keep it
        return rendering.write_pdf(), part.after
    return rendering.copy(pages[:-1]).write_pdf(), part.rows[found]


def _first_row(page_box):
    """The element of the first body row on a page (not of the repeated head or foot)."""
    for box in page_box.descendants():
        body = isinstance(box, TableRowGroupBox) and not (box.is_header or box.is_footer)
        if body and box.children:
            return box.children[0].element
    return None


def _number_pages(writer: PdfWriter, paper: str, orientation: str) -> None:
    """Stamp each page with its number of the whole, as print.css's @page rule shows it: the
    numbers are rendered in slots on tall pages (rosters/page_numbers.html), and each page
    draws the slot of its number, moved into its bottom margin and clipped to it."""
    total = len(writer.pages)
    short, long = pdf.PAGE_MM[paper]
    width = long if orientation == "landscape" else short
    for first in range(0, total, SLOTS_PER_PAGE):
        numbers = range(first + 1, min(total, first + SLOTS_PER_PAGE) + 1)
        html = render_template(
            "rosters/page_numbers.html", numbers=numbers, total=total, width_mm=width,
            slot_mm=BOTTOM_MARGIN_MM, right_mm=RIGHT_MARGIN_MM,
        )  # fmt: skip
        slots = PdfReader(io.BytesIO(pdf.render(html))).pages[0]
        resources = slots["/Resources"].clone(writer)
        for slot, operations in enumerate(_slot_operations(slots, len(numbers))):
            form = _form(writer, slots.mediabox, resources, operations)
            _draw_slot(writer, writer.pages[first + slot], form, slot, len(numbers))


TEXT_SHOWN = {b"TJ", b"Tj", b"'", b'"'}


def _slot_operations(page, slots: int) -> list[list]:
    """The page's drawing once per slot, each with only the text of its slot: a text's slot
    is found from where it starts (the Tm before it), in the page's CSS pixels."""
    operations = ContentStream(page.get_contents(), page.pdf).operations
    slot_px = BOTTOM_MARGIN_MM * pdf.CSS_PX_PER_MM
    owners, owner = [], None
    for operands, operator in operations:
        if operator == b"Tm":
            owner = min(slots - 1, max(0, int(float(operands[5]) // slot_px)))
        owners.append(owner if operator in TEXT_SHOWN or operator == b"Tm" else None)
    return [
        [op for op, found in zip(operations, owners, strict=True) if found in (None, slot)]
        for slot in range(slots)
    ]


def _form(writer: PdfWriter, box, resources, operations: list) -> IndirectObject:
    """Drawing operations as a form XObject of the writer's document."""
    content = ContentStream(None, writer)
    content.operations = operations
    form = DecodedStreamObject()
    form.set_data(content.get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = box
    form[NameObject("/Resources")] = resources
    return writer._add_object(form)


def _draw_slot(writer: PdfWriter, page, form: IndirectObject, slot: int, slots: int) -> None:
    """After the page's own content, the form's slot (counted from the top), clipped to the
    page's bottom margin."""
    width = float(page.mediabox.width)
    height = BOTTOM_MARGIN_MM * PT_PER_MM
    shift = (slots - slot - 1) * height  # the slot's bottom edge on the form, from its bottom
    left, bottom = float(page.mediabox.left), float(page.mediabox.bottom)
    # The page's own resources: the pages of a part may share theirs.
    resources = DictionaryObject(page["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[NameObject("/PageNumber")] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(
        f"\nQ\nq {left:.4f} {bottom:.4f} {width:.4f} {height:.4f} re W n "
        f"1 0 0 1 {left:.4f} {bottom - shift:.4f} cm /PageNumber Do Q\n".encode()
    )
    contents = page["/Contents"].get_object()
    parts = list(contents) if isinstance(contents, ArrayObject) else [page["/Contents"]]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *parts, writer._add_object(after)]
    )
