from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.access import Permission, requires
from app.admin import bp
from app.admin.forms import CreateUserForm, RoleForm
from app.extensions import db
from app.forms import ActionForm, apply_domain_error
from app.models import User
from app.services import accounts
from app.services.errors import DomainError


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(form.email.data, form.password.data, form.role.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The account was created."), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html", users=accounts.list_users(), form=form, action_form=ActionForm()
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm(role=account.role.value)
    if form.validate_on_submit():
        try:
            accounts.set_role(account, form.role.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The role was changed."), "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/user.html", account=account, form=form, action_form=ActionForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def toggle_active(user_id: int):
    account = db.get_or_404(User, user_id)
    try:
        if account.active:
            accounts.deactivate(account)
            message = _("The account was deactivated and logged out everywhere.")
        else:
            accounts.activate(account)
            message = _("The account was activated.")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("admin.user", user_id=account.id))
