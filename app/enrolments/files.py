"""Uploaded files of an enrolment's documents, for staff: upload, accept, reject (through a
confirmation page) and download (always as an attachment, audited)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import Permission, requires
from app.document_file_pages import attachment, upload_form
from app.enrolments import bp
from app.enrolments.forms import RejectForm, ReviewForm
from app.extensions import csrf, db
from app.loading import child_or_404
from app.models import DocumentFile, DocumentKind, Enrolment
from app.services.enrolment import document_files
from app.unit_of_work import refusals, send_queued_mail


def _kind_or_404(kind: str) -> DocumentKind:
    found = next((k for k in document_files.KINDS if k.value == kind), None)
    if found is None:
        abort(404)
    return found


def _back(enrolment_id: int):
    return redirect(url_for("enrolments.show", enrolment_id=enrolment_id, _anchor="documents"))


@bp.route("/<int:enrolment_id>/files/<kind>/upload", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token, read under the upload limit (document_file_pages)
@requires(Permission.MANAGE_ENROLMENT)
def upload_file(enrolment_id: int, kind: str):
    """GET: the upload form for one document; POST: check and store the file."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    document = _kind_or_404(kind)
    form = upload_form()  # the body is read under the upload limit
    if form.validate_on_submit():
        upload = form.file.data
        with refusals(form):
            document_files.upload(
                enrolment, document, upload.stream, upload.filename or "", current_user
            )
            flash(
                _(
                    "The file for “%(document)s” was uploaded; it waits for review.",
                    document=document.label,
                ),
                "success",
            )
            return _back(enrolment.id)
    page = render_template(
        "enrolments/upload_file.html",
        enrolment=enrolment,
        kind=document,
        files=document_files.by_kind(enrolment)[document],
        refusal=document_files.upload_refusal(enrolment),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/<int:enrolment_id>/files/<int:file_id>/accept", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def accept_file(enrolment_id: int, file_id: int):
    file = child_or_404(DocumentFile, file_id, enrolment_id=enrolment_id)
    if ReviewForm().validate_on_submit():
        with refusals():
            document_files.accept(file, current_user)
            flash(
                _(
                    "The file for “%(document)s” is accepted: the document counts as received.",
                    document=file.kind.label,
                ),
                "success",
            )
    return _back(enrolment_id)


@bp.route("/<int:enrolment_id>/files/<int:file_id>/reject", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def reject_file(enrolment_id: int, file_id: int):
    """GET: what a rejection does, with the reason to type; POST: reject, checked again."""
    file = child_or_404(DocumentFile, file_id, enrolment_id=enrolment_id)
    form = RejectForm()
    if form.validate_on_submit():
        with refusals(form):
            guardians, accounts = document_files.reject(
                file,
                form.reason.data,
                current_user,
                lambda sid: url_for("guardians.student", student_id=sid, _external=True),
            )
            send_queued_mail()
            flash(_rejected_message(file, len(guardians), bool(accounts)), "info")
            return _back(enrolment_id)
    guardians = document_files.recipients(file)
    page = render_template(
        "enrolments/confirm_reject_file.html",
        file=file,
        enrolment=file.enrolment,
        recipients=guardians,
        student_emailed=bool(document_files.students_told(file, guardians)),
        refusal=document_files.review_refusal(file),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200


def _rejected_message(file: DocumentFile, guardians: int, student_told: bool) -> str:
    parts = [_("The file for “%(document)s” is rejected.", document=file.kind.label)]
    if guardians:
        parts.append(
            ngettext(
                "%(num)d guardian is emailed the reason.",
                "%(num)d guardians are emailed the reason.",
                guardians,
            )
        )
    elif not student_told:
        parts.append(_("No guardian has an email address: tell them yourself."))
    if student_told:
        name = file.enrolment.student.full_name
        parts.append(_("%(name)s, who has their own account, is emailed the reason.", name=name))
    return " ".join(parts)


@bp.route("/<int:enrolment_id>/files/<int:file_id>/download")
@requires(Permission.MANAGE_ENROLMENT)
def download_file(enrolment_id: int, file_id: int):
    """The file as an attachment of its checked type (never shown in the browser); audited."""
    return attachment(child_or_404(DocumentFile, file_id, enrolment_id=enrolment_id))
