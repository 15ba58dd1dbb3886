"""What the people who act on a report do on its page: take it, add an action, set its
status and follow-up day, move the student (to a temporary family too) and close it with an
outcome. The services check the rules again, on the report as it is now."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.concerns import bp, view
from app.concerns.forms import (
    ActionNoteForm,
    CloseForm,
    FollowUpForm,
    MoveForm,
    StatusForm,
    TakeForm,
)
from app.concerns.routes import report_or_404
from app.forms import apply_domain_error
from app.labels import label
from app.loading import child_or_404
from app.models import ConcernReport, ConcernStatus, HostApplication
from app.placements import board
from app.placements.routes import refusal
from app.services.placement import placements
from app.services.placement.facts import cohort_family_facts, student_facts
from app.services.placement.placements import PlacementRefused
from app.services.supervision import concern_access, concerns
from app.services.supervision.concerns import NEXT
from app.unit_of_work import refusals


def _to_report(report: ConcernReport, anchor: str | None = None):
    return redirect(url_for("concerns.show", report_id=report.id, _anchor=anchor))


@bp.route("/<int:report_id>/take", methods=["POST"])
@requires(Permission.MANAGE_CONCERNS)
def take(report_id: int):
    """Take the report on. From a button on a report nobody owned (unowned=1), a colleague
    who was quicker keeps it and the person is told who it was. A safeguarding report
    somebody else took is no longer the person's to see: 404, like any report they may not
    see (nothing tells that it exists)."""
    user = current_user
    form = TakeForm()
    report = concerns.load(report_id)
    if report is None or not (
        concern_access.may_see(user, report) or concern_access.may_take(user, report)
    ):
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    with refusals():
        concerns.take(report, user, unowned_only=form.unowned.data == "1")
        flash(_("You own this report now."), "success")
    return _to_report(report)


@bp.route("/<int:report_id>/actions", methods=["POST"])
@requires(Permission.CARE)
def add_action(report_id: int):
    report = report_or_404(report_id)
    form = ActionNoteForm()
    if form.validate_on_submit():
        with refusals(form) as refused:
            concerns.add_action(report, current_user, form.text.data)
            flash(_("The action was added to the timeline."), "success")
        if not refused:
            return _to_report(report, "timeline")
    return view.show(report, 400, action_form=form)


@bp.route("/<int:report_id>/status", methods=["POST"])
@requires(Permission.MANAGE_CONCERNS)
def set_status(report_id: int):
    report = report_or_404(report_id)
    form = StatusForm()
    form.offer(NEXT[report.status])
    if form.validate_on_submit():
        with refusals(form) as refused:
            concerns.set_status(report, current_user, form.status.data)
            flash(_("The status is now “%(status)s”.", status=label(report.status)), "success")
        if not refused:
            return _to_report(report)
    return view.show(report, 400, status_form=form)


@bp.route("/<int:report_id>/follow-up", methods=["POST"])
@requires(Permission.MANAGE_CONCERNS)
def follow_up(report_id: int):
    report = report_or_404(report_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        with refusals(form) as refused:
            concerns.set_follow_up(report, current_user, form.follow_up_on.data)
            flash(_("The follow-up date was saved."), "success")
        if not refused:
            return _to_report(report)
    return view.show(report, 400, follow_up_form=form)


@bp.route("/<int:report_id>/close", methods=["GET", "POST"])
@requires(Permission.MANAGE_CONCERNS)
def close(report_id: int):
    """GET: what closing does, with the outcome to write; POST: close it."""
    report = report_or_404(report_id)
    if not concern_access.may_manage(current_user, report):
        abort(404)
    form = CloseForm()
    if form.validate_on_submit():
        with refusals(form) as refused:
            concerns.close(report, current_user, form.outcome.data)
            flash(_("The report is closed."), "success")
        if not refused or report.status is ConcernStatus.CLOSED:
            return _to_report(report)
    page = render_template("concerns/confirm_close.html", report=report, form=form)
    return page, 400 if form.is_submitted() else 200


@bp.route("/<int:report_id>/move", methods=["GET", "POST"])
@requires(Permission.MANAGE_CONCERNS)
def move(report_id: int):
    """Move the student to another family (a temporary one with an end date), under the
    placement rules; soft rules alone can be overridden with a written reason."""
    report = report_or_404(report_id)
    user = current_user
    enrolment = report.enrolment
    if not concern_access.may_manage(user, report) or enrolment is None:
        abort(404)
    cohort = report.cohort
    current = placements.active_placement(enrolment)
    form = MoveForm()
    refused_move = None
    if form.validate_on_submit() and report.status is not ConcernStatus.CLOSED:
        application = child_or_404(
            HostApplication, form.application_id.data, HostApplication.cohorts.any(id=cohort.id)
        )
        values = {
            "reason": form.reason.data,
            "override_reason": form.override_reason.data or "",
            "ends_on": form.ends_on.data,
        }
        with refusals(show=False) as refused:
            moved_to = _move(enrolment, current, application, user.id, values)
            concerns.moved(report, user, moved_to)
            flash(_("%(student)s moved to %(family)s.", student=report.student_name,
                    family=board.family_name(application)), "success")  # fmt: skip
            return _to_report(report)
        if isinstance(refused.error, PlacementRefused):
            sent = {
                "application_id": str(application.id),
                "reason": form.reason.data,
                "ends_on": form.ends_on.data.isoformat() if form.ends_on.data else "",
            }
            action = url_for("concerns.move", report_id=report.id)
            refused_move = refusal(refused.error, enrolment, application, action, sent)
        else:
            apply_domain_error(form, refused.error)
        current = placements.active_placement(enrolment)
    if current is not None:
        options = board.moves(current)
    else:
        families = cohort_family_facts(cohort)
        options = board.choices_for(student_facts(enrolment), families, cohort.return_date)
    page = render_template(
        "concerns/move.html",
        report=report,
        form=form,
        current=current,
        family=board.family_name(current.application) if current else "",
        options=options,
        refusal=refused_move,
    )
    return page, 409 if refused_move else (400 if form.is_submitted() else 200)


def _move(enrolment, current, application, by_id, values):
    if current is None:
        return placements.place(
            enrolment,
            application,
            by_id,
            values["override_reason"],
            values["reason"],
            ends_on=values["ends_on"],
        )
    return placements.move(
        current,
        application,
        by_id,
        values["reason"],
        values["override_reason"],
        ends_on=values["ends_on"],
    )
