from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import Permission, public, requires
from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm
from app.auth.safety import safe_next
from app.extensions import limiter
from app.services.identity import accounts


def _login_failed(response) -> bool:
    """Only failed attempts count towards the login limit."""
    return response.status_code != 302


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def home_for(user) -> str:
    """Where a person lands after logging in."""
    if user.role in ("admin", "coordinator"):
        return url_for("main.dashboard")
    if user.role == "host_family":
        return url_for("families.portal")
    if user.role == "teacher":
        return url_for("teachers.portal")
    return url_for("account.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_login_failed)
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:  # answered with 200, so the failed attempt's audit entry is kept
            form.password.errors.append(_("Email or password is not correct."))
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
