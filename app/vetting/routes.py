from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app import numbers
from app.access import Permission, requires
from app.extensions import db
from app.forms import ActionForm, EmailLanguageForm, search_words
from app.labels import choices
from app.loading import child_or_404
from app.models import ApplicationStatus, HostApplication
from app.services.enrolment import cohorts
from app.services.hosting import families, vetting
from app.services.identity import accounts
from app.services.mail import notifications
from app.unit_of_work import after_commit, refusals
from app.vetting import bp, details
from app.vetting.forms import (
    BackgroundForm,
    DecisionForm,
    DeclineForm,
    FilterForm,
    HomeVisitForm,
    ReferencesForm,
)

PER_PAGE = 25
A = ApplicationStatus
# The form the detail page offers for an application's next step.
NEXT_FORM: dict[ApplicationStatus, type[FlaskForm]] = {
    A.SUBMITTED: ReferencesForm,
    A.REFERENCES_CHECKED: BackgroundForm,
    A.BACKGROUND_CLEARED: HomeVisitForm,
    A.HOME_VISITED: DecisionForm,
}
DECIDED = {
    A.APPROVED: _l("The application was approved; the family is told by email."),
    A.BACKUP: _l("The family is on the backup list and is told by email."),
    A.DECLINED: _l("The application was declined; the family is told by email."),
}


ANY_STATUS = "all"


def _statuses(chosen: str) -> tuple[ApplicationStatus, ...] | None:
    """The statuses the queue lists: by default those still in vetting (the work to do),
    "all" for any; an unknown value lists none (the form refuses it anyway)."""
    if not chosen:
        return vetting.IN_VETTING
    if chosen == ANY_STATUS:
        return None
    return tuple(status for status in ApplicationStatus if status.value == chosen)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.VET_FAMILIES)
def index():
    words, answer = search_words("vetting", ".index", ("status", "cohort", "city"))
    if answer is not None:
        return answer
    form = FilterForm(request.args)
    form.q.data = words
    form.status.choices = [
        ("", _("Still in vetting")),
        (ANY_STATUS, _("Any status")),
        *(choice for choice in choices(ApplicationStatus) if choice.value != A.DRAFT),
    ]
    form.cohort.choices = [(0, _("All groups"))] + [
        (c.id, c.name) for c in cohorts.filter_choices(numbers.query_id("cohort", low=0))
    ]
    statuses = _statuses(request.args.get("status", ""))
    form.city.choices = [("", _("All cities"))] + [
        (city, city) for city in vetting.cities(statuses, keep=request.args.get("city", ""))
    ]
    if not form.validate():
        abort(400)
    filters = vetting.QueueFilters(
        statuses=statuses,
        cohort_id=form.cohort.data or None,
        city=form.city.data or "",
        query=words,
    )
    page = db.paginate(
        vetting.queue(filters), page=numbers.page(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    alerts = vetting.expiry_alerts()
    return render_template(
        "vetting/index.html",
        form=form,
        page=page,
        args={k: v for k, v in request.args.items() if k != "page"},
        in_vetting_only=not form.status.data,
        alerts=alerts,
        names=vetting.family_names([*page.items, *(alert.application for alert in alerts)]),
        changed={a.id: details.changed_topics(a) for a in page.items},
        failed_emails=notifications.failed_emails(),
        retry_form=ActionForm(),
    )


@bp.route("/emails/retry", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def retry_emails():
    notifications.reset_attempts()
    after_commit(_send_waiting_emails)
    return redirect(url_for("vetting.index"))


def _send_waiting_emails() -> None:
    """Send every email waiting in the outbox (the reset committed) and say how it went."""
    sent, failed = notifications.deliver_pending()
    if sent:
        flash(ngettext("%(num)d email was sent.", "%(num)d emails were sent.", sent), "success")
    if failed:
        flash(
            ngettext(
                "%(num)d email still could not be sent.",
                "%(num)d emails still could not be sent.",
                failed,
            ),
            "error",
        )
    if not sent and not failed:
        flash(_("No email was waiting to be sent."), "info")


def _application(application_id: int) -> HostApplication:
    """The application, or 404; drafts are the family's own until submitted."""
    return child_or_404(HostApplication, application_id, HostApplication.status != A.DRAFT)


def _page(application: HostApplication, sent: FlaskForm | None = None):
    """The detail page with the form of the next step (the one sent, when it was refused)."""

    def offered(form_class: type[FlaskForm]) -> FlaskForm:
        return sent if isinstance(sent, form_class) else form_class(formdata=None)

    next_form_class = NEXT_FORM.get(application.status)
    step_form = offered(next_form_class) if next_form_class else None
    can_decline = application.status in vetting.IN_VETTING and application.status != A.HOME_VISITED
    decline_form = offered(DeclineForm) if can_decline else None
    if sent is not None and sent.errors and sent not in (step_form, decline_form):
        flash(_("That step is not open now; the page shows the application as it stands."), "error")
    family = vetting.family_names([application])[application.id]
    emails = details.step_emails(application)
    answers = families.as_values(application)
    return render_template(
        "vetting/show.html",
        application=application,
        family=family,
        family_email=application.family.user.email,
        answers=answers,
        changed=details.changed_after_check(application, answers),
        steps=details.steps(application, emails, family),
        history=details.history(application, emails, family),
        alerts=[a for a in vetting.expiry_alerts() if a.application.id == application.id],
        step_form=step_form,
        decline_form=decline_form,
        language_form=EmailLanguageForm(
            formdata=None, language=application.family.user.locale or "en"
        ),
    )


@bp.route("/<int:application_id>/language", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def language(application_id: int):
    """The language every email and letter to the family is written in."""
    application = _application(application_id)
    form = EmailLanguageForm()
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        accounts.set_language(application.family.user, form.language.data)
        flash(_("The language was saved."), "success")
    return redirect(url_for("vetting.show", application_id=application.id))


def _do_step(
    application: HostApplication,
    form: FlaskForm,
    step: Callable[[], None],
    done: str,
    emails_family: bool = False,
):
    """Run a vetting step with the form's values and go back to the page (the email a decision
    queued is sent after the commit), or show the refusal next to the field, values kept."""
    if form.validate_on_submit():
        with refusals(form):
            step()
            flash(done, "success")
            if emails_family:
                after_commit(_deliver_emails)
            return redirect(url_for("vetting.show", application_id=application.id))
    return _page(application, form), 400


def _deliver_emails() -> None:
    """Send the email a decision queued; a failed send waits in the outbox."""
    _sent, failed = notifications.deliver_pending(new_only=True)
    if failed:
        flash(
            _("An email could not be sent yet; the queue page lists it and can try again."),
            "error",
        )


@bp.route("/<int:application_id>")
@requires(Permission.VET_FAMILIES)
def show(application_id: int):
    return _page(_application(application_id))


@bp.route("/<int:application_id>/references", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def references(application_id: int):
    application = _application(application_id)
    form = ReferencesForm()
    return _do_step(
        application,
        form,
        lambda: vetting.check_references(application, current_user.id, form.note.data or ""),
        _("The references are recorded as checked."),
    )


@bp.route("/<int:application_id>/background", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def background(application_id: int):
    application = _application(application_id)
    form = BackgroundForm()
    return _do_step(
        application,
        form,
        lambda: vetting.clear_background(application, form.expires_on.data, current_user.id),
        _("The background check is recorded as cleared."),
    )


@bp.route("/<int:application_id>/home-visit", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def home_visit(application_id: int):
    application = _application(application_id)
    form = HomeVisitForm()
    return _do_step(
        application,
        form,
        lambda: vetting.record_home_visit(
            application,
            form.visited_on.data,
            form.visited_by.data or "",
            form.notes.data or "",
            current_user.id,
        ),
        _("The home visit is recorded."),
    )


@bp.route("/<int:application_id>/decision", methods=["POST"])
@requires(Permission.VET_FAMILIES)
def decision(application_id: int):
    application = _application(application_id)
    form = DecisionForm()
    return _do_step(
        application,
        form,
        lambda: vetting.decide(
            application, form.decision.data, current_user.id, form.note.data or ""
        ),
        str(DECIDED.get(form.decision.data, "")),
        emails_family=True,
    )


@bp.route("/<int:application_id>/decline", methods=["GET", "POST"])
@requires(Permission.VET_FAMILIES)
def decline(application_id: int):
    """GET: what declining does (the family's email is named); POST: decline, after the
    service checked the application is still in vetting (a second click is told)."""
    application = _application(application_id)
    form = DeclineForm()
    if form.validate_on_submit():
        with refusals():
            vetting.decide(application, A.DECLINED, current_user.id, form.reason.data or "")
            flash(str(DECIDED[A.DECLINED]), "success")
            after_commit(_deliver_emails)
        return redirect(url_for("vetting.show", application_id=application.id))
    page = render_template(
        "vetting/confirm_decline.html",
        application=application,
        family=vetting.family_names([application])[application.id],
        declinable=application.status in vetting.IN_VETTING,
        form=form,
    )
    return page, 400 if form.is_submitted() else 200
