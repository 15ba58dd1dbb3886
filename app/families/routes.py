from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, public, requires
from app.auth import links
from app.auth.routes import home_for, remember_login_email
from app.extensions import limiter
from app.families import bp, progress
from app.families.forms import SignupForm, WithdrawForm
from app.families.sections import SECTION_FORMS, HouseholdForm, field_label
from app.forms import ActionForm
from app.i18n import current_language
from app.labels import label
from app.loading import found_or_404
from app.models import Cohort
from app.models.families import ApplicationStatus, HostApplication, HostFamily
from app.services.enrolment.students import age_on
from app.services.hosting import families, rechecks, sections
from app.services.hosting.sections import Section
from app.services.hosting.signup import sign_up
from app.services.mail import group_messages
from app.services.placement import placements
from app.services.privacy import audit
from app.services.supervision import concern_access
from app.services.validation import ValidationFailed
from app.unit_of_work import refusals, send_queued_mail

# Each sign-up sends an email: the limit keeps the page from being used to flood an inbox.
SIGNUP_LIMIT = "5 per minute; 20 per hour"


def _email_sent(response) -> bool:
    """Only sign-ups that were accepted (and sent an email) count towards the limit."""
    return response.status_code == 302


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"], deduct_when=_email_sent)
@public
def signup():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignupForm()
    if form.validate_on_submit():
        with refusals(form):
            # The language chosen on the page, else the browser's best match.
            language = current_language()
            sign_up(form.email.data, form.password.data, links.confirm_email, language)
            send_queued_mail()
            remember_login_email(form.email.data)
            # A taken email gets the same answer as a new one: nobody learns who has an account.
            flash(
                _(
                    "Thank you. We have sent you an email: confirm your email address with its "
                    "link, then log in to start your application. If you already have an "
                    "account, the email says so."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("families/signup.html", form=form)


def _family() -> HostFamily:
    """The logged-in family; every family page shows only its own data."""
    return found_or_404(families.family_of(current_user))


@bp.route("/")
@requires(Permission.FAMILY_PORTAL)
def portal():
    family = _family()
    application = families.current_application(family)
    placed = placements.for_family(family.id)
    if placed:  # the family sees its students' care needs
        audit.medical_viewed((p.enrolment.student_id for p in placed), "family_portal")
    can_edit = application is not None and application.status in families.OPEN_FOR_EDITS
    tasks = sections.tasks(application) if can_edit else []
    return render_template(
        "families/portal.html",
        application=application,
        tasks=tasks,
        missing={
            task.section: [
                question
                for question in (field_label(task.section, name) for name in task.missing)
                if question != str(task.section.label)
            ]
            for task in tasks
        },
        completed=sum(task.status == sections.COMPLETED for task in tasks),
        submit_form=ActionForm(),
        steps=progress.steps(application) if application else [],
        groups=list(application.cohorts) if application else [],
        can_edit=can_edit,
        can_withdraw=application is not None
        and application.status not in families.FINISHED
        and not placed,
        can_apply_again=application is None or application.status in families.FINISHED,
        action_form=ActionForm(),
        group_messages=group_messages.received("user", current_user.id),
        withdraw_form=WithdrawForm(),
        placements=placed,
        concern_reports=concern_access.reported(current_user),
        coordinator={
            key: current_app.config[f"COORDINATOR_{key.upper()}"]
            for key in ("name", "phone", "email")
        },
        age_on=age_on,
    )


def _cohort_choices(application: HostApplication) -> list[Cohort]:
    """The groups a family can offer to host, and any it chose that are no longer open."""
    hostable = families.hostable_cohorts()
    offered = {cohort.id for cohort in hostable}
    return hostable + [c for c in application.cohorts if c.id not in offered]


def _open_application() -> HostApplication | None:
    """The family's application while its answers can be changed; else None after saying so."""
    application = families.current_application(_family())
    if application is None or application.status not in families.OPEN_FOR_EDITS:
        flash(_("This application is closed. To change your answers, apply again."), "info")
        return None
    return application


@bp.route("/application")
@requires(Permission.FAMILY_PORTAL)
def edit():
    """The task list is on the family's page; old links to the one long form land there."""
    _family()
    return redirect(url_for("families.portal", _anchor="tasks"))


@bp.route("/application/<section>", methods=["GET", "POST"])
@requires(Permission.FAMILY_PORTAL)
def section(section: str):
    """One section of the task list (household, home …): its own page and form, saved on
    its own."""
    part = found_or_404(next((s for s in Section if s.value == section), None))
    application = _open_application()
    if application is None:
        return redirect(url_for("families.portal"))
    form_class = SECTION_FORMS[part]
    cohorts = _cohort_choices(application)
    if request.method == "GET":
        form = form_class.filled(families.as_values(application), cohorts)
    else:
        form = form_class(cohorts)
        if isinstance(form, HouseholdForm) and _changes_rows(form):
            return _section_page(form, application, part)  # nothing is saved yet
        if form.validate_on_submit():
            response = _save(form, application, part)
            if response is not None:
                return response
    return _section_page(form, application, part)


def _changes_rows(form: HouseholdForm) -> bool:
    """The buttons "Add another person" and "Remove" change the rows on the page, keeping
    what was typed."""
    if "add_member" in request.form:
        form.add_person()
        return True
    if "remove_member" in request.form:
        form.remove_person(request.form["remove_member"])
        return True
    return False


def _section_page(form, application: HostApplication, part: Section):
    return render_template(
        "families/section.html",
        form=form,
        section=part,
        application=application,
        draft=application.status == ApplicationStatus.DRAFT,
        decided=application.status in rechecks.DECIDED,
        covered=sections.covered(application, part),
        added=request.method == "POST" and "add_member" in request.form,
    )


def _save(form, application: HostApplication, part: Section):
    """Save the section's answers; a redirect to the task list when all went well."""
    with refusals(show=False) as refused:
        reopened = sections.save(application, part, form.values(), current_user.id)
    if refused:
        form.show_problems(refused.error)
        if isinstance(refused.error, ValidationFailed):
            flash(_("Nothing was saved: some answers need correcting."), "error")
        return None
    name = part.label
    if application.status == ApplicationStatus.DRAFT:
        message = _("“%(section)s” is saved.", section=name)
    elif reopened:
        message = _(
            "Your changes are saved. Because of them we do these checks again: %(checks)s. "
            "The local coordinator will contact you.",
            checks=", ".join(label(check) for check in reopened),
        )
    else:
        message = _("Your changes are saved.")
    send_queued_mail()
    flash(message, "success")
    return redirect(url_for("families.portal", _anchor="tasks"))


@bp.route("/application/submit", methods=["POST"])
@requires(Permission.FAMILY_PORTAL)
def submit():
    if not ActionForm().validate_on_submit():
        abort(400)
    application = _open_application()
    if application is None:
        return redirect(url_for("families.portal"))
    with refusals(show=False) as refused:
        families.submit(application)
    if refused:
        # The task list says which sections are not complete yet.
        message = (
            _("Some answers are still missing: complete the sections marked below, then submit.")
            if isinstance(refused.error, ValidationFailed)
            else refused.error.message
        )
        flash(message, "error")
        return redirect(url_for("families.portal", _anchor="tasks"))
    send_queued_mail()
    flash(
        _(
            "Thank you! Your application is submitted. The local coordinator will contact you "
            "about the next steps."
        ),
        "success",
    )
    return redirect(url_for("families.portal"))


@bp.route("/application/withdraw", methods=["POST"])
@requires(Permission.FAMILY_PORTAL)
def withdraw():
    application = families.current_application(_family())
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that you want to withdraw."), "error")
        return redirect(url_for("families.portal"))
    if application is None:
        abort(404)
    with refusals():
        families.withdraw(application, current_user.id)
        send_queued_mail()
        flash(_("Your application is withdrawn. You are welcome to apply again."), "success")
    return redirect(url_for("families.portal"))


@bp.route("/apply-again", methods=["POST"])
@requires(Permission.FAMILY_PORTAL)
def apply_again():
    family = _family()
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusals():
        families.apply_again(family)
        send_queued_mail()
        # The portal says when the answers were copied from the last application.
        flash(_("Your new application is ready."), "success")
    return redirect(url_for("families.portal"))
