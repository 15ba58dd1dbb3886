"""Concern reports: report one (staff, the cohort's teachers, the host family about its
student), the list of those the person may see, and a report's page. Who may see which
report is concern_access's; a report the person may not see answers 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import numbers
from app.access import Permission, can, requires
from app.concerns import bp, view
from app.concerns.forms import SEVERITY_HINTS, ReportForm
from app.extensions import db
from app.loading import found_or_404
from app.models import ConcernReport, ConcernStatus, Contact, Enrolment
from app.services.supervision import compliance, concern_access, concerns, contacts
from app.unit_of_work import refusals, send_queued_mail

PER_PAGE = 50  # reports on a page of the list
STATUSES = ("", "all", *(status.value for status in ConcernStatus))


def report_or_404(report_id: int) -> ConcernReport:
    """The report with what its page shows, if the person may see it; else 404."""
    report = concerns.load(report_id)
    if report is None or not concern_access.may_see(current_user, report):
        abort(404)
    return report


def _contact(contact_id: int | None) -> Contact | None:
    """The contact a report starts from (a serious concern), if the person may see it."""
    if contact_id is None:
        return None
    contact = db.session.get(Contact, contact_id)
    if (
        contact is None
        or contact.enrolment_id is None
        or contacts.cohort_for(current_user, contact.cohort_id) is None
    ):
        abort(404)
    return contact


def _label(enrolment: Enrolment) -> str:
    return f"{enrolment.student.full_name} · {enrolment.cohort.name}"


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.REPORT_CONCERNS)
def new():
    """Report a concern; ?enrolment= names the student, ?contact= the contact it comes from
    (its day and notes fill the form)."""
    user = current_user
    contact = _contact(numbers.query_id("contact"))
    enrolment_id = numbers.query_id("enrolment") or (contact.enrolment_id if contact else None)
    students = concern_access.reportable(user)
    chosen = None
    if enrolment_id is not None:
        chosen = db.session.get(Enrolment, enrolment_id)
        if chosen is None or not concern_access.may_report(user, chosen):
            abort(404)
        if all(e.id != chosen.id for e in students):
            students = [chosen, *students]
    form = ReportForm()
    form.enrolment_id.choices = [(0, _("Choose the student…"))] * (len(students) != 1) + [
        (e.id, _label(e)) for e in students
    ]
    if not form.is_submitted():
        form.enrolment_id.data = chosen.id if chosen else None
        if chosen is not None:
            form.happened_on.data = compliance.local_today(chosen.cohort)
        if contact is not None:
            form.happened_on.data = contact.contacted_on
            form.what_happened.data = contact.notes
    if form.validate_on_submit():
        chosen_id = form.enrolment_id.data
        enrolment = found_or_404(next((e for e in students if e.id == chosen_id), None))
        values = {
            name: getattr(form, name).data
            for name in ("category", "severity", "happened_on", "what_happened", "action_taken")
        }
        with refusals(form):
            report = concerns.report(
                enrolment,
                user,
                values,
                link=lambda id: url_for("concerns.show", report_id=id, _external=True),
                contact=contact,
            )
            send_queued_mail()
            return _after_report(report)
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "concerns/new.html",
        form=form,
        hints=SEVERITY_HINTS,
        contact=contact,
        action=url_for(
            "concerns.new", enrolment=enrolment_id, contact=contact.id if contact else None
        ),
    )
    return page, status


def _after_report(report: ConcernReport):
    """The report's page, or, for one the person may no longer see (safeguarding), where
    they came from, with a message saying who sees it now."""
    if concern_access.may_see(current_user, report):
        flash(_("The report was saved."), "success")
        return redirect(url_for("concerns.show", report_id=report.id))
    flash(
        _(
            "Your report was saved and went to the admins. A safeguarding report is visible "
            "only to the admins and to the person who takes it on, so you will not see it "
            "in your list."
        ),
        "success",
    )
    if can(current_user, Permission.CARE):
        return redirect(url_for("concerns.index"))
    return redirect(url_for("families.portal"))


@bp.route("/")
@requires(Permission.CARE)
def index():
    """The reports the person may see, newest first, by status and cohort."""
    status = request.args.get("status", "")
    if status not in STATUSES:
        abort(400)
    cohort_id = numbers.query_id("cohort")
    user = current_user
    page = db.paginate(
        concern_access.listed(user, status, cohort_id),
        page=numbers.page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    return render_template(
        "concerns/index.html",
        page=page,
        overdue={report.id for report in page.items if view.overdue(report)},
        statuses=[s for s in ConcernStatus],
        status=status,
        cohorts=concern_access.listed_cohorts(user),
        cohort_id=cohort_id or 0,
        args={k: v for k, v in request.args.items() if k != "page"},
        may_report=can(user, Permission.REPORT_CONCERNS),
    )


@bp.route("/<int:report_id>")
@requires(Permission.REPORT_CONCERNS)
def show(report_id: int):
    report = report_or_404(report_id)
    concerns.viewed(report, current_user)
    return view.show(report)
