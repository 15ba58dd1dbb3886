"""The contact log as a print view, PDF, CSV and XLSX, through the print engine (as the
rosters are made)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.i18n import current_language
from app.models.base import utcnow
from app.printing import exports, pdf, pdf_chunks
from app.printing.sheet import Sheet

MIMETYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SEPARATORS = {"semicolon": ";", "comma": ","}


def print_page(sheet: Sheet, back: str, pdf_url: str, for_pdf: bool = False, fit=None) -> str:
    fit = fit or pdf.fit_sheet(sheet, current_language(), for_pdf)
    return render_template(
        "rosters/print.html",
        sheet=sheet.loosened() if fit.loose else sheet,
        gaps=[],
        fit=fit,
        back_url=back,
        pdf_url=pdf_url,
        for_pdf=for_pdf,
    )


def _heading(sheet: Sheet) -> list[str]:
    cohort = sheet.cohort
    count = ngettext("%(num)d contact", "%(num)d contacts", sheet.count)
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


def download(sheet: Sheet, fmt: str) -> Response:
    stem = secure_filename(f"{sheet.cohort.name}-contacts-{utcnow():%Y-%m-%d}") or "contacts"
    headers = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    if fmt == "pdf":
        fit = pdf.fit_sheet(sheet, current_language(), for_pdf=True)
        data = pdf_chunks.render_sheet(
            sheet, lambda part: print_page(part, "", "", for_pdf=True, fit=fit)
        )
        return Response(data, mimetype=MIMETYPES[fmt], headers=headers)
    header, kinds, rows = sheet.table()
    if fmt == "csv":
        delimiter = SEPARATORS.get(request.args.get("separator", ""))
        delimiter = delimiter or exports.delimiter_for(current_language())
        body = exports.csv_stream(header, rows, _heading(sheet), delimiter)
        return Response(body, mimetype=MIMETYPES[fmt] + "; charset=utf-8", headers=headers)
    title = f"{sheet.title} {sheet.cohort.name}"
    data = exports.xlsx_bytes(title, header, rows, _heading(sheet), kinds)
    return Response(data, mimetype=MIMETYPES[fmt], headers=headers)
