import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from app.access import Permission, public, requires
from app.auth.safety import safe_next
from app.concerns import view as concern_view
from app.extensions import db
from app.i18n import COOKIE
from app.main import bp
from app.main.forms import LanguageForm
from app.main.fragments import rendered
from app.services import history
from app.services.enrolment import cohorts
from app.services.hosting import vetting
from app.services.mail import reminder_settings
from app.services.supervision import care_alerts, contact_rule


@bp.route("/")
@public
def index():
    return render_template(
        "main/index.html", events=history.timeline(), age=history.partnership_age()
    )


@bp.route("/dashboard")
@requires(Permission.STAFF_DASHBOARD)
def dashboard():
    families, expiring = vetting.dashboard_counts()
    current, contacts_due = cohorts.overview(), contact_rule.stays_on()
    return render_template(
        "main/dashboard.html",
        age=history.partnership_age(),
        latest=history.latest(3),
        cohort_rows=rendered("main/_cohort_rows.html", current, cohorts=current),
        families=families,
        in_vetting=sum(families.get(status, 0) for status in vetting.IN_VETTING),
        expiring=expiring,
        unplaced=care_alerts.unplaced_listed(),
        temporary=care_alerts.temporary_ending(),
        contacts_due=contacts_due,
        contacts_rows=rendered("main/_contacts_rows.html", contacts_due, contacts_due=contacts_due),
        concern_alerts=concern_view.dashboard_alerts(),
        reminders=reminder_settings.status(),
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    language = form.language.data
    if not form.validate_on_submit() or language not in current_app.config["LANGUAGES"]:
        abort(400)
    response = make_response(redirect(safe_next(form.next.data) or url_for("main.index")))
    response.set_cookie(
        COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated:
        current_user.locale = language
    return response


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.app_context_processor
def layout_forms() -> dict:
    """The small forms every page header carries (language switch, logout)."""
    from app.auth.forms import LogoutForm

    return {"language_form": LanguageForm(formdata=None), "logout_form": LogoutForm(formdata=None)}
