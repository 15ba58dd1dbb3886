from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app import numbers
from app.access import Permission, requires
from app.admin import bp
from app.admin.forms import (
    ActiveForm,
    AuditFilterForm,
    ConfirmRoleForm,
    CreateUserForm,
    RoleForm,
    role_choices,
)
from app.auth import links
from app.database import capped_page
from app.errors import render_error
from app.extensions import db
from app.forms import ActionForm, EmailLanguageForm, search_words
from app.i18n import current_language
from app.models import Role, User
from app.models.base import utcnow
from app.printing import exports
from app.services.identity import accounts, recovery
from app.services.privacy import audit
from app.unit_of_work import refusals, send_queued_mail

AUDIT_PER_PAGE = 50
AUDIT_COUNT_CAP = 10_000  # the list says "more than 10,000 entries" beyond
USERS_PER_PAGE = 50  # a national organisation has tens of thousands of family accounts


@bp.route("/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    words, answer = search_words("users", ".users", ("role",))
    if answer is not None:
        return answer
    chosen = request.args.get("role", "")
    if chosen and chosen not in {role.value for role in Role}:
        abort(400)
    form = CreateUserForm()
    if not form.is_submitted():
        form.language.data = current_language()  # staff usually create their colleagues'
    if form.validate_on_submit():
        with refusals(form):
            accounts.create_user(
                form.email.data,
                form.password.data,
                form.role.data,
                language=form.language.data or None,
            )
            flash(_("The account was created."), "success")
            return redirect(url_for("admin.users"))
    page = db.paginate(
        accounts.users_query(Role(chosen) if chosen else None, words),
        page=numbers.page(),
        per_page=USERS_PER_PAGE,
        max_per_page=USERS_PER_PAGE,
    )
    return render_template(
        "admin/users.html",
        page=page,
        words=words,
        role=chosen,
        roles=role_choices(),
        form=form,
        action_form=ActionForm(),
    )


@bp.route("/users/<int:user_id>")
@requires(Permission.MANAGE_USERS)
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm(formdata=None, role=account.role.value)
    language_form = EmailLanguageForm(formdata=None, language=account.locale or "en")
    return render_template(
        "admin/user.html",
        account=account,
        form=form,
        action_form=ActionForm(),
        language_form=language_form,
    )


@bp.route("/users/<int:user_id>/language", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def set_language(user_id: int):
    """The language every email and letter to the person is written in."""
    account = db.get_or_404(User, user_id)
    form = EmailLanguageForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        accounts.set_language(account, form.language.data)
        flash(_("The language was saved."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def change_role(user_id: int):
    """GET (?role=…): what the new role changes; POST: change it, unless it changed meanwhile."""
    account = db.get_or_404(User, user_id)
    form = ConfirmRoleForm()
    back = redirect(url_for("admin.user", user_id=account.id))
    if form.validate_on_submit():
        with refusals():
            accounts.set_role(account, form.role.data, expected=form.from_role.data)
            flash(_("The role was changed."), "success")
        return back
    wanted = form.role.data if form.is_submitted() else request.args.get("role", "")
    if wanted not in {role.value for role in Role} or wanted == account.role.value:
        flash(_("Choose a different role."), "error")
        return back
    page = render_template(
        "admin/confirm_role.html", account=account, new_role=Role(wanted), form=form
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def toggle_active(user_id: int):
    """GET: what (de)activating the account does; POST: do what was asked, once."""
    account = db.get_or_404(User, user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        wanted = form.want.data == "activate"
        with refusals():
            if account.active == wanted:
                flash(_("Nothing was changed: the account is already in that state."), "info")
            elif wanted:
                accounts.activate(account)
                flash(_("The account was activated."), "success")
            else:
                accounts.deactivate(account)
                flash(_("The account was deactivated and logged out everywhere."), "success")
        return redirect(url_for("admin.user", user_id=user_id))
    page = render_template("admin/confirm_active.html", account=account, form=form)
    return page, 400 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def send_password_link(user_id: int):
    """Email the person a link to choose a new password: nobody else ever sees a password."""
    account = db.get_or_404(User, user_id)
    with refusals():
        recovery.send_reset(account, links.reset_password)
        send_queued_mail()
        flash(
            _("A link to choose a new password was sent to the account's email address."),
            "success",
        )
    return redirect(url_for("admin.user", user_id=user_id))


def _audit_filters() -> tuple[AuditFilterForm, audit.Filters | None]:
    """The filter form from the query string, and the filters when they are valid."""
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(action, action) for action in audit.actions()
    ]
    form.record_type.choices = [SelectChoice("", _("Any record"))] + [
        SelectChoice(kind, kind) for kind in audit.record_types()
    ]
    if not form.validate():
        return form, None
    user_id = None
    if form.person.data:
        user = accounts.find_user(form.person.data)
        if user is None:
            form.person.errors.append(_("No account has this email."))
            return form, None
        user_id = user.id
    if form.until.data and form.until.data.year >= 9999:
        form.until.errors.append(_("Choose an earlier date."))
        return form, None
    if form.since.data and form.until.data and form.since.data > form.until.data:
        form.until.errors.append(_("The end comes before the start."))
        return form, None
    return form, audit.Filters(
        user_id=user_id,
        record_type=form.record_type.data or "",
        record_id=form.record_id.data,
        action=form.action.data or "",
        since=form.since.data,
        until=form.until.data,
    )


@bp.route("/audit")
@requires(Permission.READ_AUDIT)
def audit_trail():
    """Who saw or changed what: read-only, filtered, newest first."""
    form, filters = _audit_filters()
    args = {k: v for k, v in request.args.items() if k != "page"}
    if filters is None:
        return render_template("admin/audit.html", form=form, page=None, args=args), 400
    # Counted up to AUDIT_COUNT_CAP: the whole trail is hundreds of thousands of rows.
    page = capped_page(audit.search(filters), numbers.page(), AUDIT_PER_PAGE, AUDIT_COUNT_CAP)
    return render_template("admin/audit.html", form=form, page=page, args=args)


@bp.route("/audit.csv")
@requires(Permission.READ_AUDIT)
def audit_export():
    form, filters = _audit_filters()
    if filters is None:
        problems = [error for field in form for error in field.errors]
        return render_error(400, " ".join(map(str, problems)))
    used = [name for name, value in vars(filters).items() if value not in (None, "")]
    audit.record("audit.exported", details={"filters": used})
    name = f"audit-trail-{utcnow():%Y-%m-%d}.csv"
    app = current_app._get_current_object()

    def rows():  # its own application context: the request's is gone while this streams
        with app.app_context():
            yield from exports.csv_stream(audit.EXPORT_HEADER, audit.export_rows(filters))

    return Response(
        rows(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
