"""Consent online: the guardian reads the current wording and signs by typing their name and
ticking the confirmation; withdrawing goes through a confirmation page and staff are told."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.guardians import bp
from app.guardians.forms import ConsentForm, WithdrawForm
from app.services.enrolment import documents, guardian_documents, guardian_view, online_consent
from app.unit_of_work import refusals, send_queued_mail


def _found(enrolment_id: int):
    enrolment = guardian_documents.enrolment_of(current_user, enrolment_id)
    link = enrolment and guardian_view.link_of(current_user, enrolment.student_id)
    if enrolment is None or link is None:  # another family's enrolment answers as unknown
        abort(404)
    return link, enrolment


def _back(enrolment):
    return redirect(
        url_for("guardians.student", student_id=enrolment.student_id, _anchor="consent")
    )


@bp.route("/enrolments/<int:enrolment_id>/consent", methods=["GET", "POST"])
@requires(Permission.GUARDIAN_PAGE)
def consent(enrolment_id: int):
    """GET: the wording and the signature; POST: record the consent."""
    link, enrolment = _found(enrolment_id)
    form = ConsentForm()
    if form.validate_on_submit():
        with refusals(form):
            online_consent.give(link, enrolment, form.name.data, form.confirm.data, current_user)
            flash(_("Thank you: your consent is recorded."), "success")
            return _back(enrolment)
    page = render_template(
        "guardians/consent.html",
        link=link,
        enrolment=enrolment,
        wording=online_consent.wording(),
        version=documents.current_wording_version(),
        given=online_consent.current_consent(link, enrolment),
        refusal=online_consent.refusal(enrolment),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/enrolments/<int:enrolment_id>/consent/withdraw", methods=["GET", "POST"])
@requires(Permission.GUARDIAN_PAGE)
def withdraw_consent(enrolment_id: int):
    """GET: what a withdrawal does; POST: withdraw, and staff are emailed."""
    link, enrolment = _found(enrolment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with refusals(form):
            online_consent.withdraw(
                link,
                enrolment,
                current_user,
                lambda eid: url_for("enrolments.show", enrolment_id=eid, _external=True),
            )
            send_queued_mail()
            flash(_("Your consent is withdrawn. The exchange team has been told."), "info")
            return _back(enrolment)
    active = [c for c in enrolment.consents if c.active]
    page = render_template(
        "guardians/withdraw_consent.html",
        enrolment=enrolment,
        active=active,
        refusal=online_consent.refusal(enrolment)
        or (None if active else _("There is no consent to withdraw.")),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200
