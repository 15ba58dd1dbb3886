"""Admins switch each kind of reminder on or off and set its timing; the page also says when
`flask reminders send` last ran."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.admin import bp
from app.admin.reminder_forms import RemindersForm
from app.services.mail import reminder_settings


@bp.route("/reminders", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def reminders():
    form = RemindersForm()
    if not form.is_submitted():
        form.fill()
    elif form.validate():
        reminder_settings.save(form.values(), current_user.id)
        flash(_("The settings were saved."), "success")
        return redirect(url_for("admin.reminders"))
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "admin/reminders.html",
        form=form,
        kinds=reminder_settings.KINDS,
        reminders=reminder_settings.status(),
    )
    return page, status
