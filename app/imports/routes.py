from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import Permission, requires
from app.extensions import db
from app.forms import ActionForm, apply_domain_error
from app.imports import bp
from app.imports.forms import ConfirmForm, UploadForm
from app.models import ImportBatch, ImportStatus
from app.services.enrolment import imports
from app.services.enrolment.student_csv import COLUMNS, MAX_ROWS, ImportRefused
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
                upload.read(), upload.filename, form.chosen_cohort_id, current_user.id
            )
            return redirect(url_for("imports.preview", batch_id=batch.id))
        if isinstance(refused.error, ImportRefused):  # one message per problem of the file
            form.file.errors = [*form.file.errors, *refused.error.messages]
        else:
            apply_domain_error(form, refused.error)
    status = 400 if any(field.errors for field in form) else 200
    page = render_template("imports/upload.html", form=form, columns=COLUMNS, max_rows=MAX_ROWS)
    return page, status


@bp.route("/<int:batch_id>")
@requires(Permission.MANAGE_ENROLMENT)
def preview(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status == ImportStatus.IMPORTED:
        return render_template("imports/result.html", batch=batch, result=batch.result)
    if batch.status == ImportStatus.DISCARDED:
        flash(_("This upload was discarded. Upload the file again to import it."), "info")
        return redirect(url_for("imports.upload"))
    try:
        checked = imports.check_rows(batch.content)
    except ImportRefused as error:
        flash(error.message, "error")
        checked = imports.Checked([])
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
