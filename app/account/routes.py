from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.account import bp
from app.account.forms import ChangePasswordForm
from app.auth.routes import client_address
from app.forms import EmailLanguageForm
from app.services.identity import accounts
from app.unit_of_work import refusals, send_queued_mail


@bp.route("/")
@requires(Permission.ACCOUNT)
def index():
    language_form = EmailLanguageForm(formdata=None, language=current_user.locale or "en")
    return render_template("account/index.html", user=current_user, language_form=language_form)


@bp.route("/language", methods=["POST"])
@requires(Permission.ACCOUNT)
def set_language():
    """The language of the person's emails and letters (the page's language is the switch's)."""
    form = EmailLanguageForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        accounts.set_language(current_user, form.language.data)
        flash(_("The language was saved."), "success")
    return redirect(url_for("account.index"))


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
