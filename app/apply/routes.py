from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, public, requires
from app.apply import bp
from app.apply.forms import SECTION_FORMS
from app.auth import links
from app.auth.routes import home_for, remember_login_email
from app.extensions import db, limiter
from app.families.forms import SignupForm
from app.forms import ActionForm, apply_domain_error
from app.i18n import current_language
from app.models import Cohort
from app.services.enrolment import applications_online as online
from app.services.enrolment.applications_online import Section
from app.services.identity import applicant_signup, invitations
from app.services.validation import ValidationFailed
from app.unit_of_work import refusals, send_queued_mail

SIGNUP_LIMIT = "5 per minute; 20 per hour"  # each sign-up sends an email


def _email_sent(response) -> bool:
    return response.status_code == 302


@bp.route("/")
@public
def index():
    mine = online.drafts_of(current_user) if _is_applicant() else []
    return render_template("apply/index.html", offers=online.open_offers(), mine=mine)


def _is_applicant() -> bool:
    return current_user.is_authenticated and current_user.role == "guardian"


@bp.route("/cohorts/<int:cohort_id>")
@public
def cohort(cohort_id: int):
    found = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "apply/cohort.html", offer=online.offer(found), can_start=_is_applicant(), form=ActionForm()
    )


@bp.route("/cohorts/<int:cohort_id>/signup", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"], deduct_when=_email_sent)
@public
def signup(cohort_id: int):
    offer = online.offer(db.get_or_404(Cohort, cohort_id))
    if offer.state == online.CLOSED:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("apply.cohort", cohort_id=cohort_id))
    form = SignupForm()
    if form.validate_on_submit():
        with refusals(form):
            applicant_signup.sign_up(
                form.email.data, form.password.data, links.confirm_email, current_language()
            )
            send_queued_mail()
            remember_login_email(form.email.data)
            flash(
                _(
                    "Thank you. We have sent you an email: confirm your email address with its "
                    "link, then log in and open the cohort's page again to start the "
                    "application. If you already have an account, the email says so."
                ),
                "success",
            )
            return redirect(
                url_for("auth.login", next=url_for("apply.cohort", cohort_id=cohort_id))
            )
    return render_template("apply/signup.html", form=form, offer=offer)


@bp.route("/cohorts/<int:cohort_id>/start", methods=["POST"])
@requires(Permission.GUARDIAN_PAGE)
def start(cohort_id: int):
    found = db.get_or_404(Cohort, cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusals():
        draft = online.start(current_user, found)
        return redirect(url_for("apply.draft", draft_id=draft.id))
    return redirect(url_for("apply.cohort", cohort_id=cohort_id))


def _draft(draft_id: int):
    found = online.draft_of(current_user, draft_id)
    if found is None:  # an unknown id and another account's draft answer alike
        abort(404)
    return found


@bp.route("/applications/<int:draft_id>")
@requires(Permission.GUARDIAN_PAGE)
def draft(draft_id: int):
    found = _draft(draft_id)
    if found.submitted_at is not None:
        return redirect(url_for("apply.done", draft_id=found.id))
    tasks = online.tasks(found)
    # After a refused submit: what each section still lacks, linked to the section.
    problems = online.problems(found) if request.args.get("checked") else {}
    return render_template(
        "apply/draft.html",
        draft=found,
        problems={section: found for section, found in problems.items() if found},
        cohort=online.cohort_of(found),
        tasks=tasks,
        completed=sum(task.status == online.COMPLETED for task in tasks),
        form=ActionForm(),
    )


@bp.route("/applications/<int:draft_id>/<part>", methods=["GET", "POST"])
@requires(Permission.GUARDIAN_PAGE)
def section(draft_id: int, part: str):
    found = _draft(draft_id)
    if found.submitted_at is not None:
        return redirect(url_for("apply.done", draft_id=found.id))
    try:
        chosen = Section(part)
    except ValueError:
        abort(404)
    form = SECTION_FORMS[chosen]()
    if request.method == "GET":
        form.fill(online.values(found))
        if chosen in online.saved_sections(found):  # what is still missing, under each field
            apply_domain_error(form, ValidationFailed(online.problems(found)[chosen]))
    elif form.validate_on_submit():
        with refusals(form):
            problems = online.save(found, chosen, form.values())
            # Saved either way (the applicant may come back); what is missing shows on the page.
            if not problems:
                flash(_("Saved."), "success")
                return redirect(url_for("apply.draft", draft_id=found.id))
            flash(_("Saved. Some answers are still missing or need a correction."), "info")
            return redirect(url_for("apply.section", draft_id=found.id, part=chosen.value))
    return render_template(
        "apply/section.html",
        draft=found,
        cohort=online.cohort_of(found),
        section=chosen,
        form=form,
    )


@bp.route("/applications/<int:draft_id>/submit", methods=["POST"])
@requires(Permission.GUARDIAN_PAGE)
def submit(draft_id: int):
    found = _draft(draft_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusals(show=False):
        online.submit(found, current_user, _staff_link)
        send_queued_mail()
        flash(_("Thank you. Your application was submitted."), "success")
        return redirect(url_for("apply.done", draft_id=found.id))
    flash(_("The application is not complete yet: see the sections marked below."), "error")
    return redirect(url_for("apply.draft", draft_id=found.id, checked=1, _anchor="problems"))


def _staff_link(enrolment) -> str:
    return url_for("students.show", student_id=enrolment.student_id, _external=True)


@bp.route("/applications/<int:draft_id>/done")
@requires(Permission.GUARDIAN_PAGE)
def done(draft_id: int):
    found = _draft(draft_id)
    if found.submitted_at is None or found.student is None:
        return redirect(url_for("apply.draft", draft_id=found.id))
    return render_template(
        "apply/done.html",
        draft=found,
        cohort=online.cohort_of(found),
        second=online.second_guardian(found),
        form=ActionForm(),
        home=home_for(current_user),
    )


@bp.route("/applications/<int:draft_id>/invite", methods=["POST"])
@requires(Permission.GUARDIAN_PAGE)
def invite(draft_id: int):
    found = _draft(draft_id)
    second = online.second_guardian(found)
    if second is None or not ActionForm().validate_on_submit():
        abort(404)
    with refusals():
        invitation = invitations.invite(
            found.student,
            second.key,
            current_user,
            lambda token: url_for("invitations.accept", token=token, _external=True),
        )
        send_queued_mail()
        flash(_("The invitation was sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("apply.done", draft_id=found.id))
