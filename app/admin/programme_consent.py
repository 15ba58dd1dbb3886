"""Admins decide per programme whether the consent of both guardians is required."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from app.access import Permission, requires
from app.admin import bp
from app.extensions import db
from app.models import Programme
from app.services.enrolment import online_consent


class BothForm(FlaskForm):
    consent_of_both = BooleanField(
        _l("Both guardians must consent"),
        description=_l(
            "When ticked, a student's consent counts only when each guardian listed for the "
            "student has consented, online or on paper. The guardians' page says whose "
            "consent is still missing."
        ),
    )
    submit = SubmitField(_l("Save"))


@bp.route("/programmes/<int:programme_id>/consent", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def programme_consent(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = BothForm(obj=programme)
    if form.validate_on_submit():
        online_consent.require_both(programme, form.consent_of_both.data)
        flash(_("The settings were saved."), "success")
        return redirect(url_for("admin.programme_consent", programme_id=programme.id))
    page = render_template("admin/programme_consent.html", programme=programme, form=form)
    return page, 400 if form.is_submitted() else 200
