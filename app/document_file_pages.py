"""What the staff's pages of document files (app/enrolments/files.py) and the guardians' own
(app/guardians/documents.py) share: the upload form, read under the upload limit, and the
answer that serves a stored file.

An upload's request may be larger than the 5 MB every other request may carry: the limit is
raised before the form is read, so a file a little over UPLOAD_MAX_BYTES gets the check's
message, not the 413 page. The application-wide CSRF check would read the form first, under
the lower limit: the upload views are exempt from it, and the form checks the token itself
(validate_on_submit refuses a post without a valid token).

A file is always served as an attachment of its checked type, never shown in the browser,
and never cached."""

from __future__ import annotations

from flask import abort, current_app, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from app.models import DocumentFile
from app.services.enrolment import document_files, uploads
from app.storage import FileMissing

SAFE_TYPES = frozenset(uploads.EXTENSIONS)  # what uploads.check lets through


class UploadForm(FlaskForm):
    """A scan or photo of one document; the service reads its type from the content."""

    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )
    submit = SubmitField(_l("Upload"))


def upload_form() -> UploadForm:
    """The upload form, with the request's limit raised to the upload limit (and a margin)."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 1024 * 1024
    form = UploadForm()
    form.file.description = _(
        "A scan or photo: PDF, JPEG or PNG, at most %(mb)d MB. Photos are saved without "
        "their location and camera data.",
        mb=limit // (1024 * 1024),
    )
    return form


def attachment(file: DocumentFile) -> ResponseReturnValue:
    """The stored file as an attachment of its checked type (audited by the service), or 404
    when its bytes are gone."""
    try:
        stream = document_files.download(file)
    except FileMissing:
        abort(404)
    mimetype = file.content_type if file.content_type in SAFE_TYPES else "application/octet-stream"
    response = send_file(
        stream, mimetype=mimetype, as_attachment=True, download_name=file.filename, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
