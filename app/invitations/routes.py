from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.access import Permission, public, requires
from app.auth.routes import client_address
from app.extensions import db
from app.invitations import bp
from app.invitations.forms import AcceptForm, ChoosePasswordForm, InviteForm, LoginToAcceptForm
from app.models import Role, Student, User
from app.services.identity import accounts, invitations
from app.unit_of_work import refusals, send_queued_mail


def _link(token: str) -> str:
    return url_for("invitations.accept", token=token, _external=True)


@bp.route("/students/<int:student_id>/invitations", methods=["POST"])
@requires(Permission.INVITE_GUARDIANS)
def send(student_id: int):
    student = db.get_or_404(Student, student_id)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        invitation = invitations.invite(student, form.invitee.data, current_user, _link)
        send_queued_mail()
        flash(_("The invitation was sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("students.show", student_id=student.id) + "#accounts")


def _log_in(user: User) -> None:
    session.clear()
    accounts.start_session(user)
    login_user(user)
    session.permanent = True


def _accepted(invitation) -> object:
    flash(_("Welcome. Here is where things stand."), "success")
    return redirect(url_for("guardians.student", student_id=invitation.student_id))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    """The link of the invitation email. Opening it only shows a form: mail scanners that
    open links must not accept anything."""
    invitation = invitations.find(token)
    state = invitations.state(invitation)
    if state != invitations.OPEN:
        message = invitations.REFUSALS[state]
        return render_template("invitations/unusable.html", message=message, state=state), 404
    values = {"invitation": invitation, "student": invitation.student}
    if current_user.is_authenticated:
        return _accept_logged_in(token, invitation, values)
    account = invitations.account_for(invitation)
    if account is None:
        form = ChoosePasswordForm()
        if form.validate_on_submit():
            with refusals(form):
                user = invitations.accept_with_new_account(token, form.new_password.data)
                _log_in(user)
                return _accepted(invitation)
        return render_template("invitations/new_account.html", form=form, **values)
    form = LoginToAcceptForm()
    if form.validate_on_submit():
        # Over a limit this is a 429 (app/errors.py) before the password is checked.
        user = accounts.authenticate(invitation.email, form.password.data, client_address())
        send_queued_mail(after_response=True)  # a warning about wrong passwords, if any
        if user is None:  # answered with 200, so the failed attempt is kept and counted
            form.password.errors.append(_("The password is not correct."))
        else:
            with refusals(form):
                invitations.accept_with_account(token, user)
                _log_in(user)
                return _accepted(invitation)
    return render_template("invitations/log_in.html", form=form, **values)


def _accept_logged_in(token: str, invitation, values: dict):
    if current_user.role != Role.GUARDIAN:
        return render_template("invitations/other_account.html", **values)
    form = AcceptForm()
    if form.validate_on_submit():
        with refusals(form):
            invitations.accept_with_account(token, current_user)
            return _accepted(invitation)
    return render_template("invitations/add_student.html", form=form, **values)
