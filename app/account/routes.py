from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.account import bp
from app.account.forms import ChangePasswordForm
from app.auth.routes import client_address
from app.services.identity import accounts
from app.unit_of_work import refusals, send_queued_mail


@bp.route("/")
@requires(Permission.ACCOUNT)
def index():
    return render_template("account/index.html", user=current_user)


@bp.route("/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Over the account's limit this is a 429 (app/errors.py) before anything is checked.
        with refusals(form):
            changed = accounts.change_password(
                current_user, form.current_password.data, form.new_password.data, client_address()
            )
            if changed:
                flash(_("Your password was changed. Other devices were logged out."), "success")
                return redirect(url_for("account.index"))
            # Not a refusal: the failure is kept (audit trail, the account's limit).
            send_queued_mail(after_response=True)
            form.current_password.errors.append(_("The current password is not correct."))
    return render_template("account/change_password.html", form=form)
