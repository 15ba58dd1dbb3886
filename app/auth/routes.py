from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import Permission, public, requires
from app.auth import bp, links
from app.auth.forms import EmailLinkForm, LoginForm, LogoutForm, NewPasswordForm
from app.auth.safety import safe_next
from app.forms import ActionForm
from app.models import LinkPurpose
from app.services.identity import accounts, recovery
from app.unit_of_work import refusals, send_queued_mail


def home_for(user) -> str:
    """Where a person lands after logging in."""
    if user.role in ("admin", "coordinator"):
        return url_for("main.dashboard")
    if user.role == "host_family":
        return url_for("families.portal")
    if user.role == "teacher":
        return url_for("teachers.portal")
    if user.role == "guardian":
        from app.services.enrolment import applications_online

        # An application being written is where they left off; an account that sees no
        # student yet (it signed up to apply) finds the cohorts open for applications.
        if applications_online.lands_on_apply(user):
            return url_for("apply.index")
        return url_for("guardians.index")
    return url_for("account.index")


LOGIN_EMAIL = "login_email"


def remember_login_email(email: str) -> None:
    """Fill in the login form's email next time (after signing up or confirming the address).
    Kept in the session, not the URL, where it would end up in logs and browser history."""
    session[LOGIN_EMAIL] = accounts.normalise_email(email)[:254]


def client_address() -> str:
    """The visitor's address (behind TRUSTED_PROXIES proxies, the one they saw)."""
    return (request.remote_addr or "")[:45]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        form.email.data = session.pop(LOGIN_EMAIL, None)
    if form.validate_on_submit():
        # Over a limit this is a 429 (app/errors.py) before the password is checked.
        user = accounts.authenticate(form.email.data, form.password.data, client_address())
        send_queued_mail(after_response=True)  # a warning about wrong passwords, if any
        if user is None:  # answered with 200, so the failed attempt is kept and counted
            form.password.errors.append(
                _(
                    "Email or password is not correct. If you have just signed up, confirm "
                    "your email address first with the link we sent you."
                )
            )
        else:
            session.clear()
            accounts.start_session(user)
            login_user(user, remember=form.remember.data)
            session.permanent = True
            return redirect(safe_next(form.next.data) or home_for(user))
    return render_template("auth/login.html", form=form), 200


@bp.route("/logout", methods=["POST"])
@requires(Permission.ACCOUNT)
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.end_session(current_user.session_token)
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


# --- a new password by email -------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = EmailLinkForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data, client_address(), links.reset_password)
        send_queued_mail(after_response=True)
        # The same words whether or not the address has an account.
        flash(
            _(
                "If an account uses this email address, we have sent it a link to choose a new "
                "password. The link works once, for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if recovery.find(token, LinkPurpose.RESET_PASSWORD) is None:
        return render_template("auth/link_expired.html", purpose="reset"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        with refusals(form):
            recovery.reset_password(token, form.new_password.data)
            session.clear()  # whoever was logged in on this browser
            flash(_("Your new password is saved. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


# --- confirming a family's address -------------------------------------------------------


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    """The link of the welcome email. Opening it only shows a button: mail scanners that open
    links must not confirm anything."""
    if recovery.find(token, LinkPurpose.CONFIRM_EMAIL) is None:
        return render_template("auth/link_expired.html", purpose="confirm"), 404
    form = ActionForm()
    if form.validate_on_submit():
        with refusals(form):
            user = recovery.confirm_email(token)
            remember_login_email(user.email)
            flash(_("Thank you: your email address is confirmed. You can log in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/email/confirm", methods=["GET", "POST"])
@public
def resend_confirmation():
    form = EmailLinkForm()
    if form.validate_on_submit():
        recovery.request_confirmation(form.email.data, client_address(), links.confirm_email)
        send_queued_mail(after_response=True)
        flash(
            _(
                "If an account with this email address is waiting for confirmation, we have "
                "sent it a new link."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_confirmation.html", form=form)
