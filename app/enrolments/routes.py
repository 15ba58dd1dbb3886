from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.enrolments import bp
from app.enrolments.feedback import flash_outcome, flash_reinstated, flash_withdrawn
from app.enrolments.forms import (
    ConsentForm,
    DocumentForm,
    ReasonForm,
    ReviewForm,
    StatusForm,
    WithdrawConsentForm,
    WithdrawForm,
)
from app.extensions import db
from app.forms import chosen_status
from app.loading import child_or_404
from app.models import DocumentKind, Enrolment, EnrolmentStatus, GuardianConsent
from app.services.enrolment import (
    document_files,
    documents,
    enrolments,
    status_emails,
    withdrawal,
)
from app.unit_of_work import refusals, send_queued_mail

S = EnrolmentStatus


def _consent_form(enrolment: Enrolment) -> ConsentForm:
    form = ConsentForm()
    form.given_by.choices = [
        (g.name, f"{g.name} ({g.relation})") for g in enrolment.student.guardians
    ]
    form.wording_version.choices = [(v, v) for v in sorted(documents.consent_wordings())]
    if not form.is_submitted():
        form.wording_version.data = documents.current_wording_version()
    return form


def _page(enrolment: Enrolment, consent_form: ConsentForm | None = None):
    return render_template(
        "enrolments/show.html",
        enrolment=enrolment,
        missing=documents.missing_kinds(enrolment),
        yet_to_consent=documents.guardians_yet_to_consent(enrolment),
        position=enrolments.waitlist_position(enrolment),
        transitions=sorted(enrolments.MANUAL_TRANSITIONS[enrolment.status] - {S.WITHDRAWN}),
        can_withdraw=withdrawal.withdrawal_refusal(enrolment) is None,
        reinstatement_refusal=(
            withdrawal.reinstatement_refusal(enrolment) if enrolment.status == S.WITHDRAWN else None
        ),
        kinds=documents.PAPER_KINDS,
        received={doc.kind: doc for doc in enrolment.documents},
        files=document_files.by_kind(enrolment),
        review_form=ReviewForm(),
        accepted={file.kind for file in enrolment.files if file.accepted},
        wordings=documents.consent_wordings(),
        status_form=StatusForm(),
        document_form=DocumentForm(),
        consent_form=consent_form or _consent_form(enrolment),
        withdraw_form=WithdrawConsentForm(),
    )


@bp.route("/<int:enrolment_id>")
@requires(Permission.MANAGE_ENROLMENT)
def show(enrolment_id: int):
    enrolment = enrolments.with_its_page(enrolment_id)
    if enrolment is None:
        abort(404)
    return _page(enrolment)


@bp.route("/<int:enrolment_id>/status", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def set_status(enrolment_id: int):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = StatusForm()
    status = chosen_status(form, EnrolmentStatus)
    if status == S.WITHDRAWN:  # only through its confirmation page
        return redirect(url_for("enrolments.withdraw", enrolment_id=enrolment.id))
    if status is not None:
        with refusals():
            promoted = enrolments.change_status(
                enrolment, status, current_user.id, form.reason.data or ""
            )
            send_queued_mail()
            flash_outcome(
                _(
                    "The status of %(name)s is now “%(status)s”.",
                    name=enrolment.student.full_name,
                    status=enrolment.status.label,
                ),
                promoted,
            )
    return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))


@bp.route("/<int:enrolment_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def withdraw(enrolment_id: int):
    """GET: what a withdrawal would do; POST: withdraw, after the service checked again."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with refusals():
            promoted = withdrawal.withdraw(
                enrolment, current_user.id, form.reason.data or "", form.share_reason.data
            )
            send_queued_mail()
            flash_withdrawn(enrolment, promoted)
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    page = render_template(
        "enrolments/confirm_withdraw.html",
        enrolment=enrolment,
        form=form,
        refusal=withdrawal.withdrawal_refusal(enrolment),
        preview=withdrawal.preview_withdrawal(enrolment),
        emailed=len(status_emails.recipients(enrolment)),
        student_emailed=status_emails.student_told(enrolment),
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/<int:enrolment_id>/reinstate", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def reinstate(enrolment_id: int):
    """GET: where a reinstated student would go; POST: reinstate, after checking again."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusals():
            withdrawal.reinstate(enrolment, current_user.id, form.reason.data or "")
            send_queued_mail()
            flash_reinstated(enrolment)
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    page = render_template(
        "enrolments/confirm_reinstate.html",
        enrolment=enrolment,
        form=form,
        refusal=withdrawal.reinstatement_refusal(enrolment),
        preview=withdrawal.preview_reinstatement(enrolment),
        emailed=len(status_emails.recipients(enrolment)),
        student_emailed=status_emails.student_told(enrolment),
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/<int:enrolment_id>/documents/<kind>", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def set_document(enrolment_id: int, kind: str):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = DocumentForm()
    if kind not in {k.value for k in DocumentKind} or form.received.data not in ("1", "0"):
        flash(_("Unknown document."), "error")
        return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    with refusals():
        documents.set_received(enrolment, kind, form.received.data == "1", current_user.id)
    return redirect(url_for("enrolments.show", enrolment_id=enrolment.id, _anchor="documents"))


@bp.route("/<int:enrolment_id>/consents", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def record_consent(enrolment_id: int):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = _consent_form(enrolment)
    if form.validate_on_submit():
        guardian = next(g for g in enrolment.student.guardians if g.name == form.given_by.data)
        with refusals(form):
            documents.record_consent(
                enrolment,
                guardian.name,
                datetime.combine(form.given_at.data, datetime.min.time()),
                form.wording_version.data,
                current_user.id,
                guardian_id=guardian.id,
            )
            flash(_("The guardian's consent was recorded."), "success")
            return redirect(url_for("enrolments.show", enrolment_id=enrolment.id))
    return _page(enrolment, form), 400


@bp.route("/<int:enrolment_id>/consents/<int:consent_id>/withdraw", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def withdraw_consent(enrolment_id: int, consent_id: int):
    consent = child_or_404(GuardianConsent, consent_id, enrolment_id=enrolment_id)
    form = WithdrawConsentForm()
    with refusals():
        documents.withdraw_consent(consent, current_user.id, form.note.data or "")
        flash(_("The consent was marked as withdrawn."), "info")
    return redirect(url_for("enrolments.show", enrolment_id=enrolment_id))
