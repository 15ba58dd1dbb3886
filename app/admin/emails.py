"""Admins reword the automatic emails: the list, the editor (English and German side by side,
with a preview from sample values) and the way back to the shipped text."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.admin import bp
from app.admin.email_forms import EmailTemplateForm
from app.forms import ActionForm, apply_domain_error
from app.services.mail import templates
from app.services.mail.shipped import BY_KEY
from app.services.validation import ValidationFailed
from app.unit_of_work import refusals


def _template(key: str) -> templates.Template:
    if key not in BY_KEY:
        abort(404)
    return BY_KEY[key]


@bp.route("/emails")
@requires(Permission.MANAGE_USERS)
def emails():
    language = templates.language()
    rows = [(t, templates.shipped(t.key, language)[0]) for t in templates.TEMPLATES]
    return render_template("admin/emails.html", rows=rows, edited=templates.edited_keys())


@bp.route("/emails/<key>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def email(key: str):
    """GET: the editor; POST: preview (nothing saved) or save."""
    found = _template(key)
    form = EmailTemplateForm()
    previews = None
    if not form.is_submitted():
        form.fill(key)
    elif form.validate():
        if form.preview.data:
            problems = [
                (f"{code}.{field}", message)
                for code, (subject, body) in form.texts().items()
                for field, message in templates.problems(key, subject, body)
            ]
            if problems:
                apply_domain_error(form, ValidationFailed(problems))
            else:
                previews = {
                    code: templates.sample(key, code, subject, body)
                    for code, (subject, body) in form.texts().items()
                }
        else:
            with refusals(form) as refused:
                templates.save(key, form.texts(), current_user.id)
            if not refused:
                flash(_("The email was saved."), "success")
                return redirect(url_for("admin.email", key=key))
    edited = {code for k, code in templates.edited_keys() if k == key}
    page = render_template(
        "admin/email.html", template=found, form=form, previews=previews, edited=edited
    )
    return page, 400 if form.is_submitted() and form.errors else 200


@bp.route("/emails/<key>/reset", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def reset_email(key: str):
    """GET: what going back to the shipped text does; POST: do it."""
    found = _template(key)
    form = ActionForm()
    if form.validate_on_submit():
        with refusals():
            if templates.reset(key, current_user.id):
                flash(_("The email is back to the shipped text."), "success")
            else:
                flash(_("Nothing was changed: the email already has the shipped text."), "info")
        return redirect(url_for("admin.email", key=key))
    page = render_template("admin/confirm_reset_email.html", template=found, form=form)
    return page, 400 if form.is_submitted() else 200
