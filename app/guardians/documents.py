"""A guardian's uploads: a file for a document still missing or rejected, and downloading
a file they uploaded themselves (audited, always as an attachment)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.document_file_pages import attachment, upload_form
from app.extensions import csrf
from app.guardians import bp
from app.models import Enrolment
from app.services.enrolment import document_files, guardian_documents
from app.unit_of_work import refusals


def _enrolment_or_404(enrolment_id: int) -> Enrolment:
    enrolment = guardian_documents.enrolment_of(current_user, enrolment_id)
    if enrolment is None:  # an unknown id and another family's enrolment answer alike
        abort(404)
    return enrolment


def _back(enrolment: Enrolment):
    return redirect(
        url_for("guardians.student", student_id=enrolment.student_id, _anchor="documents")
    )


@bp.route("/enrolments/<int:enrolment_id>/files/<kind>/upload", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token, read under the upload limit (document_file_pages)
@requires(Permission.GUARDIAN_PAGE)
def upload(enrolment_id: int, kind: str):
    """GET: the upload form for one document; POST: check and store the file."""
    enrolment = _enrolment_or_404(enrolment_id)
    document = guardian_documents.kind_or_none(kind)
    if document is None:
        abort(404)
    form = upload_form()  # the body is read under the upload limit
    if form.validate_on_submit():
        upload = form.file.data
        with refusals(form):
            guardian_documents.upload(
                current_user, enrolment, document, upload.stream, upload.filename or ""
            )
            flash(
                _(
                    "Thank you: the file for “%(document)s” was uploaded. The exchange team "
                    "will check it.",
                    document=document.label,
                ),
                "success",
            )
            return _back(enrolment)
    page = render_template(
        "guardians/upload.html",
        enrolment=enrolment,
        kind=document,
        files=document_files.by_kind(enrolment)[document],
        refusal=document_files.upload_refusal(enrolment),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/enrolments/<int:enrolment_id>/files/<int:file_id>/download")
@requires(Permission.GUARDIAN_PAGE)
def download(enrolment_id: int, file_id: int):
    """A file the account uploaded, as an attachment of its checked type; audited."""
    enrolment = _enrolment_or_404(enrolment_id)
    file = guardian_documents.file_of(current_user, enrolment, file_id)
    if file is None:
        abort(404)
    return attachment(file)
