from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import Permission, requires
from app.errors import render_error
from app.extensions import db
from app.forms import ActionForm, apply_domain_error
from app.imports import bp, mapping_view
from app.imports.forms import (
    ConfirmForm,
    TamperedForm,
    UploadForm,
    chosen_fields,
    columns_form,
)
from app.models import ImportBatch, ImportStatus
from app.services.enrolment import import_mapping, imports
from app.services.enrolment.student_csv import COLUMNS, MAX_ROWS, ImportRefused
from app.services.enrolment.tables import SheetChoiceNeeded
from app.unit_of_work import refusals


@bp.route("", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def upload():
    form = UploadForm()
    form.set_cohorts(imports.enrollable_cohorts())
    if form.validate_on_submit():
        upload = form.file.data
        with refusals(show=False) as refused:
            batch = imports.create_batch(
                upload.read(),
                upload.filename,
                form.chosen_cohort_id,
                current_user.id,
                form.chosen_sheet,
            )
            step = "imports.preview" if batch.mapping is not None else "imports.columns"
            return redirect(url_for(step, batch_id=batch.id))
        if isinstance(refused.error, SheetChoiceNeeded):
            form.sheet.choices = [("", _("Choose …")), *((s, s) for s in refused.error.sheets)]
        if isinstance(refused.error, ImportRefused):  # one message per problem of the file
            form.file.errors = [*form.file.errors, *refused.error.messages]
        else:
            apply_domain_error(form, refused.error)
    status = 400 if any(field.errors for field in form) else 200
    page = render_template("imports/upload.html", form=form, columns=COLUMNS, max_rows=MAX_ROWS)
    return page, status


@bp.route("/<int:batch_id>/columns", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def columns(batch_id: int):
    """Which column is which field: guessed, chosen or ignored, then the preview."""
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status != ImportStatus.PENDING:
        return redirect(url_for("imports.preview", batch_id=batch.id))
    header, records = imports.table_of(batch)
    fields = mapping_view.grouped_fields([(column.name, column.label) for column in COLUMNS])
    form = columns_form(header, fields)
    guessed = import_mapping.proposal(header, records)
    status, shown = 200, None
    if form.validate_on_submit():
        try:
            chosen = chosen_fields(form, request.form, header)
        except TamperedForm as error:
            return render_error(400, str(error))
        with refusals(show=False) as refused:
            school = imports.set_mapping(batch, chosen, current_user.id)
            flash(saved_message(school), "success")
            return redirect(url_for("imports.preview", batch_id=batch.id))
        status = 400
        form.show(getattr(refused.error, "problems", [(None, refused.error.message)]))
    elif request.method == "POST":
        status = 400
    else:
        shown = batch.mapping if batch.mapping is not None else guessed
        mapping_view.preselect(form, shown)
    missing = import_mapping.problems(header, [f or "" for f in shown]) if shown else []
    page = render_template(
        "imports/columns.html",
        batch=batch,
        form=form,
        rows=mapping_view.rows(form, header, records, guessed),
        still_missing=[message for index, message in missing if index is None],
        described=imports.described(batch),
        action_form=ActionForm(),
    )
    return page, status


def saved_message(school: str) -> str:
    if not school:
        return _("The columns are saved.")
    return _(
        "The columns are saved. The next file from %(school)s with the same columns goes "
        "straight to the check.",
        school=school,
    )


@bp.route("/<int:batch_id>")
@requires(Permission.MANAGE_ENROLMENT)
def preview(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status == ImportStatus.IMPORTED:
        return render_template("imports/result.html", batch=batch, result=batch.result)
    if batch.status == ImportStatus.DISCARDED:
        flash(_("This upload was discarded. Upload the file again to import it."), "info")
        return redirect(url_for("imports.upload"))
    if batch.mapping is None:
        return redirect(url_for("imports.columns", batch_id=batch.id))
    checked = imports.check_batch(batch)
    header, _records = imports.table_of(batch)
    valid = len(checked.valid)
    placed, waitlisted = imports.forecast(batch.cohort, valid)
    return render_template(
        "imports/preview.html",
        batch=batch,
        checked=checked,
        shown=checked.shown(),
        valid=valid,
        invalid=len(checked.invalid),
        placed=placed,
        waitlisted=waitlisted,
        cohort_open=imports.takes_enrolments(batch.cohort),
        described=imports.described(batch),
        mapping=mapping_view.summary(header, batch.mapping),
        confirm_form=ConfirmForm(),
        action_form=ActionForm(),
    )


@bp.route("/<int:batch_id>/confirm", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def confirm(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to import all rows or only the valid ones."), "error")
        return redirect(url_for("imports.preview", batch_id=batch.id))
    with refusals():
        result = imports.import_batch(batch, form.mode.data, current_user.id)
        flash(
            ngettext(
                "%(num)d student was imported.",
                "%(num)d students were imported.",
                result["created"],
            ),
            "success",
        )
    return redirect(url_for("imports.preview", batch_id=batch_id))


@bp.route("/<int:batch_id>/discard", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def discard(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    with refusals():
        imports.discard(batch, current_user.id)
        flash(_("The upload was discarded; nothing was imported."), "success")
        return redirect(url_for("imports.upload"))
    return redirect(url_for("imports.preview", batch_id=batch_id))
