"""Rosters, emergency cards and the other printable lists of a cohort. Every list exists as a
print view and as a PDF rendered from that same page; tables also as CSV and XLSX. Each use is
written to the audit trail with the cohort and the columns."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.utils import secure_filename

from app.access import Permission, requires
from app.errors import render_error
from app.extensions import db
from app.i18n import current_language
from app.loading import found_or_404
from app.models import Cohort
from app.models.base import utcnow
from app.printing import exports, pdf, pdf_chunks
from app.rosters import bp, pdf_jobs
from app.rosters.gaps import fixes
from app.services.roster import lists, rosters
from app.services.roster.rosters import (
    COLUMNS,
    GROUP_LABELS,
    PRESET_LABELS,
    PRESETS,
    SORT_LABELS,
    Options,
    Sheet,
)
from app.services.validation import ValidationFailed

FILE_FORMATS = "any(pdf, csv, xlsx)"
MIMETYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A CSV file's separator: the one the reader's Excel expects (exports.delimiter_for), or the
# one asked for.
SEPARATORS = {"semicolon": ";", "comma": ","}


def _cohort(cohort_id: int) -> Cohort:
    return found_or_404(rosters.cohort_for(current_user, cohort_id))


def _default_paper() -> str:
    return rosters.paper_for([tag for tag, _q in request.accept_languages])


def _refused(error: ValidationFailed):
    """The refused options' messages, on an error page (nothing of the request is kept)."""
    return render_error(400, " ".join(message for _field, message in error.problems))


def filename(cohort: Cohort, what: str, fmt: str) -> str:
    stem = secure_filename(f"{cohort.name}-{what}-{utcnow():%Y-%m-%d}") or what
    return f"{stem}.{fmt}"


def _file(sheet: Sheet, fmt: str, what: str) -> Response:
    """The sheet as a download. Callers record the use once the file is made: written before,
    the audit entry would hold SQLite's write lock for as long as a PDF renders (seconds)."""
    name = filename(sheet.cohort, what, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt in ("csv", "xlsx"):
        header, kinds, rows = sheet.table()
        heading = _heading_lines(sheet)
    if fmt == "csv":
        delimiter = SEPARATORS.get(request.args.get("separator", ""))
        delimiter = delimiter or exports.delimiter_for(current_language())
        body = exports.csv_stream(header, rows, heading, delimiter)
        return Response(body, mimetype=MIMETYPES[fmt] + "; charset=utf-8", headers=headers)
    if fmt == "xlsx":
        title = f"{sheet.title} {sheet.cohort.name}"
        data = exports.xlsx_bytes(title, header, rows, heading, kinds)
    else:
        data = pdf_of(sheet)
    return Response(data, mimetype=MIMETYPES[fmt], headers=headers)


def pdf_of(sheet: Sheet, progress: pdf_chunks.Progress | None = None) -> bytes:
    """The sheet's PDF (a part at a time when long; progress as in pdf_chunks)."""
    sheet = sheet.printed()
    fit = pdf.fit_sheet(sheet, current_language(), for_pdf=True)
    page = lambda part: _print_page(part, "", "", for_pdf=True, fit=fit)  # noqa: E731
    return pdf_chunks.render_sheet(sheet, page, progress)


def _heading_lines(sheet: Sheet) -> list[str]:
    """What the printed list says above and below its table, for the top of CSV and XLSX."""
    cohort = sheet.cohort
    count = (
        ngettext("%(num)d family", "%(num)d families", sheet.count)
        if sheet.counts == "families"
        else ngettext("%(num)d student", "%(num)d students", sheet.count)
    )
    dates = " – ".join(
        format_date(day, "long") for day in (cohort.departure_date, cohort.return_date)
    )
    produced = _(
        "Produced %(when)s by %(who)s.",
        when=format_datetime(sheet.produced_at, "medium"),
        who=current_user.email,
    )
    confidential = _(
        "Confidential: personal data of minors. Keep it safe, share it only with people who "
        "need it, and destroy it when the exchange is over."
    )
    return [f"{cohort.name} · {sheet.title} · {dates} · {count}", f"{produced} {confidential}"]


def _print_page(
    sheet: Sheet,
    back: str,
    pdf_url: str,
    for_pdf: bool = False,
    fit: pdf.Fit | None = None,
    gaps: list[dict] | None = None,
) -> str:
    """The sheet's printable page; fit: the columns of a whole sheet of which this is a part;
    gaps: the safety data missing, shown on screen above the sheet (never printed)."""
    fit = fit or pdf.fit_sheet(sheet, current_language(), for_pdf)
    return render_template(
        "rosters/print.html",
        sheet=sheet.loosened() if fit.loose else sheet,
        gaps=gaps or [],
        fit=fit,
        back_url=back,
        pdf_url=pdf_url,
        for_pdf=for_pdf,
    )


# The roster ------------------------------------------------------------------------------


def _roster(cohort: Cohort) -> tuple[Options, Sheet, list[dict]]:
    """The options asked for, the roster, and the safety data it lacks (with what fixes it)."""
    options = rosters.parse_options(request.args, _default_paper())
    sheet, found = rosters.checked(cohort, options)
    return options, sheet, fixes(found)


@bp.route("/cohorts/<int:cohort_id>")
@requires(Permission.PRINT_ROSTERS)
def show(cohort_id: int):
    """Choose columns, grouping, order and paper; see the roster; print or download it."""
    cohort = _cohort(cohort_id)
    try:
        options, sheet, gaps = _roster(cohort)
    except ValidationFailed as error:
        options = rosters.parse_options(MultiDict(), _default_paper())
        problems = [message for _field, message in error.problems]
        return render_template(
            "rosters/show.html", cohort=cohort, options=options, sheet=None, problems=problems,
            gaps=[], **_choices(cohort),
        ), 400  # fmt: skip
    rosters.record_use(cohort, "roster.view", options.audit_details("html"))
    return render_template(
        "rosters/show.html", cohort=cohort, options=options, sheet=sheet.printed(), problems=[],
        gaps=gaps, **_choices(cohort),
    )  # fmt: skip


def _choices(cohort: Cohort) -> dict:
    from app.services.supervision import teacher_roster

    return {
        "columns": COLUMNS,
        "presets": PRESETS,
        "preset_labels": PRESET_LABELS,
        "group_labels": GROUP_LABELS,
        "sort_labels": SORT_LABELS,
        "teachers": teacher_roster.colleagues(cohort),
    }


@bp.route("/cohorts/<int:cohort_id>/print")
@requires(Permission.PRINT_ROSTERS)
def print_view(cohort_id: int):
    cohort = _cohort(cohort_id)
    try:
        options, sheet, gaps = _roster(cohort)
        rosters.check_printable(sheet.count, sheet.counts)
    except ValidationFailed as error:
        return _refused(error)
    rosters.record_use(cohort, "roster.print", options.audit_details("print"))
    return _print_page(
        sheet.printed(),
        url_for(".show", cohort_id=cohort.id, **options.query()),
        url_for(".download", cohort_id=cohort.id, fmt="pdf", **options.query()),
        gaps=gaps,
    )


@bp.route(f"/cohorts/<int:cohort_id>/roster.<{FILE_FORMATS}:fmt>")
@requires(Permission.PRINT_ROSTERS)
def download(cohort_id: int, fmt: str):
    cohort = _cohort(cohort_id)
    try:
        options = rosters.parse_options(request.args, _default_paper())
        if fmt == "pdf" and pdf_jobs.too_long(cohort, options):
            return pdf_jobs.start(cohort, "roster", options, options.audit_details(fmt))
        sheet = rosters.build(cohort, options)
        if fmt == "pdf":
            rosters.check_printable(sheet.count, sheet.counts)
    except ValidationFailed as error:
        return _refused(error)
    response = _file(sheet, fmt, "roster")
    rosters.record_use(cohort, f"roster.{fmt}", options.audit_details(fmt))
    return response


# Emergency cards -------------------------------------------------------------------------


def _cards(cohort: Cohort):
    options = rosters.parse_options(request.args, _default_paper())
    cards, found = lists.checked_cards(cohort, options.teacher_id)
    rosters.check_printable(len(cards), "students")
    return options, cards, found


def cards_page(cohort: Cohort, options: Options, cards, for_pdf: bool, gaps=()) -> str:
    query = {"paper": options.paper}
    if options.teacher_id is not None:
        query["teacher"] = options.teacher_id
    return render_template(
        "rosters/cards.html",
        cohort=cohort,
        cards=cards,
        contacts=lists.card_contacts(),
        paper=options.paper,
        produced_at=utcnow(),
        for_pdf=for_pdf,
        gaps=[] if for_pdf else fixes(list(gaps)),
        back_url=url_for(".show", cohort_id=cohort.id),
        pdf_url=url_for(".cards_pdf", cohort_id=cohort.id, **query),
    )


@bp.route("/cohorts/<int:cohort_id>/cards")
@requires(Permission.PRINT_ROSTERS)
def cards(cohort_id: int):
    cohort = _cohort(cohort_id)
    try:
        options, cards, found = _cards(cohort)
    except ValidationFailed as error:
        return _refused(error)
    rosters.record_use(cohort, "cards.print", _card_details("print", options))
    return cards_page(cohort, options, cards, for_pdf=False, gaps=found)


@bp.route("/cohorts/<int:cohort_id>/cards.pdf")
@requires(Permission.PRINT_ROSTERS)
def cards_pdf(cohort_id: int):
    cohort = _cohort(cohort_id)
    try:
        options = rosters.parse_options(request.args, _default_paper())
        if pdf_jobs.too_long(cohort, options):
            return pdf_jobs.start(cohort, "cards", options, _card_details("pdf", options))
        options, cards, _found = _cards(cohort)
    except ValidationFailed as error:
        return _refused(error)
    data = pdf.render(cards_page(cohort, options, cards, for_pdf=True))
    rosters.record_use(cohort, "cards.pdf", _card_details("pdf", options))
    name = filename(cohort, "emergency-cards", "pdf")
    return Response(
        data,
        mimetype=MIMETYPES["pdf"],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _card_details(fmt: str, options: Options) -> dict:
    details = {
        "format": fmt,
        "columns": ["name", "family", "address", "family_phone", "teacher"],
    }
    if options.teacher_id is not None:
        details["teacher_id"] = options.teacher_id
    return details


# The family list and the missing-documents list (staff) --------------------------------------

SHEETS = {"families": lists.family_sheet, "documents": lists.documents_sheet}


def _list(cohort_id: int, what: str, fmt: str):
    cohort = db.get_or_404(Cohort, cohort_id)
    make = SHEETS[what]
    try:
        paper = rosters.parse_options(request.args, _default_paper()).paper
    except ValidationFailed as error:
        return _refused(error)
    sheet = make(cohort, paper)
    if fmt in ("print", "pdf"):
        try:
            rosters.check_printable(sheet.count, sheet.counts)
        except ValidationFailed as error:
            return _refused(error)
    details = {"format": fmt, "columns": [key for key, _l in sheet.columns]}
    if fmt == "print":
        rosters.record_use(cohort, f"{what}.print", details)
        return _print_page(
            sheet,
            url_for("cohorts.show", cohort_id=cohort.id),
            url_for(f".{what}_file", cohort_id=cohort.id, fmt="pdf", paper=paper),
        )
    response = _file(sheet, fmt, what.replace("families", "host-families"))
    rosters.record_use(cohort, f"{what}.{fmt}", details)
    return response


@bp.route("/cohorts/<int:cohort_id>/families")
@requires(Permission.PLACE_STUDENTS)
def families(cohort_id: int):
    return _list(cohort_id, "families", "print")


@bp.route(f"/cohorts/<int:cohort_id>/families.<{FILE_FORMATS}:fmt>")
@requires(Permission.PLACE_STUDENTS)
def families_file(cohort_id: int, fmt: str):
    return _list(cohort_id, "families", fmt)


@bp.route("/cohorts/<int:cohort_id>/documents")
@requires(Permission.MANAGE_ENROLMENT)
def documents(cohort_id: int):
    return _list(cohort_id, "documents", "print")


@bp.route(f"/cohorts/<int:cohort_id>/documents.<{FILE_FORMATS}:fmt>")
@requires(Permission.MANAGE_ENROLMENT)
def documents_file(cohort_id: int, fmt: str):
    return _list(cohort_id, "documents", fmt)
