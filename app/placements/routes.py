"""The placement board: place a student by hand, move or end a placement. The rules are the
placement service's; a refusal of soft rules alone can be overridden with a written reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Permission, requires
from app.extensions import db
from app.loading import child_or_404
from app.models import Cohort, Enrolment, HostApplication, Placement, PlacementStatus
from app.placements import board, bp
from app.placements.board import family_name
from app.placements.forms import EndForm, MoveForm, PlaceForm
from app.services.errors import DomainError
from app.services.placement import placements
from app.services.placement.placements import PlacementRefused
from app.unit_of_work import refusals


@dataclass(frozen=True)
class Refusal:
    """A refused placement, shown above the board; soft rules alone offer an override form
    that sends the same values again with a written reason."""

    student: str
    family: str
    messages: list[str]
    overridable: bool
    action: str
    values: dict[str, str] = field(default_factory=dict)
    error: str = ""


def refusal(
    refused: PlacementRefused,
    enrolment: Enrolment,
    application: HostApplication,
    action: str,
    values: dict[str, str],
) -> Refusal:
    """The refusal to show; an override sent without a reason says so."""
    sent_blank = "override_reason" in request.form and not request.form["override_reason"].strip()
    return Refusal(
        student=enrolment.student.full_name,
        family=family_name(application),
        messages=board.rule_messages(refused.rules),
        overridable=refused.overridable,
        action=action,
        values=values,
        error=_("Write why you override the rule.") if sent_blank and refused.overridable else "",
    )


def show_board(cohort: Cohort, refused: Refusal | None = None):
    return render_template(
        "placements/board.html",
        board=board.build(cohort),
        cohort=cohort,
        refusal=refused,
        links=board.RowLinks.of(cohort),
    )


def to_board(cohort: Cohort, anchor: str | None = None):
    return redirect(url_for("placements.board", cohort_id=cohort.id, _anchor=anchor))


def refused_answer(
    cohort: Cohort,
    error: DomainError,
    enrolment: Enrolment,
    application: HostApplication,
    action: str,
    values: dict[str, str],
    anchor: str | None = None,
):
    """A refusal of the placement rules is shown on the board (409), with an override when
    soft rules alone refused; any other refusal is flashed above it."""
    if isinstance(error, PlacementRefused):
        return show_board(cohort, refusal(error, enrolment, application, action, values)), 409
    flash(error.message, "error")
    return to_board(cohort, anchor)


def form_problem(form) -> str:
    """The first validation message of a form (its fields are not rendered by WTForms)."""
    for errors in form.errors.values():
        return str(errors[0])
    return _("The form could not be read; please try again.")


@bp.route("/cohorts/<int:cohort_id>", endpoint="board")
@requires(Permission.PLACE_STUDENTS)
def board_page(cohort_id: int):
    return show_board(db.get_or_404(Cohort, cohort_id))


@bp.route("/cohorts/<int:cohort_id>/place", methods=["POST"])
@requires(Permission.PLACE_STUDENTS)
def place(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = PlaceForm()
    if not form.validate_on_submit():
        flash(form_problem(form), "error")
        return to_board(cohort, "unplaced")
    enrolment = child_or_404(Enrolment, form.enrolment_id.data, cohort_id=cohort.id)
    application = child_or_404(
        HostApplication, form.application_id.data, HostApplication.cohorts.any(id=cohort.id)
    )
    with refusals(show=False) as refused:
        placements.place(enrolment, application, current_user.id, form.override_reason.data or "")
        flash(
            _(
                "%(student)s is placed with %(family)s.",
                student=enrolment.student.full_name,
                family=family_name(application),
            ),
            "success",
        )
        return to_board(cohort, "unplaced")
    values = {"enrolment_id": str(enrolment.id), "application_id": str(application.id)}
    action = url_for("placements.place", cohort_id=cohort.id)
    return refused_answer(cohort, refused.error, enrolment, application, action, values)


@bp.route("/cohorts/<int:cohort_id>/placements/<int:placement_id>/move")
@requires(Permission.PLACE_STUDENTS)
def move_page(cohort_id: int, placement_id: int):
    """Where a placed student can move: the other families, with what a move would break."""
    cohort = db.get_or_404(Cohort, cohort_id)
    placement = child_or_404(Placement, placement_id, cohort_id=cohort.id)
    if placement.status != PlacementStatus.ACTIVE:
        flash(_("This placement has ended; place the student again from the board."), "error")
        return to_board(cohort, "unplaced")
    return render_template(
        "placements/move.html",
        cohort=cohort,
        placement=placement,
        family=family_name(placement.application),
        options=board.moves(placement),
    )


@bp.route("/cohorts/<int:cohort_id>/placements/<int:placement_id>/move", methods=["POST"])
@requires(Permission.PLACE_STUDENTS)
def move(cohort_id: int, placement_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    placement = child_or_404(Placement, placement_id, cohort_id=cohort.id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(form_problem(form), "error")
        return to_board(cohort, f"placement-{placement.id}")
    application = child_or_404(
        HostApplication, form.application_id.data, HostApplication.cohorts.any(id=cohort.id)
    )
    enrolment = placement.enrolment
    with refusals(show=False) as refused:
        placements.move(
            placement,
            application,
            current_user.id,
            form.reason.data,
            form.override_reason.data or "",
        )
        flash(
            _(
                "%(student)s moved to %(family)s.",
                student=enrolment.student.full_name,
                family=family_name(application),
            ),
            "success",
        )
        return to_board(cohort, "placed")
    values = {"application_id": str(application.id), "reason": form.reason.data}
    action = url_for("placements.move", cohort_id=cohort.id, placement_id=placement_id)
    return refused_answer(
        cohort, refused.error, enrolment, application, action, values, f"placement-{placement_id}"
    )


@bp.route("/cohorts/<int:cohort_id>/placements/<int:placement_id>/end", methods=["GET", "POST"])
@requires(Permission.PLACE_STUDENTS)
def end(cohort_id: int, placement_id: int):
    """GET: what ending the placement does; POST: end it (the service checks it is current)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    placement = child_or_404(Placement, placement_id, cohort_id=cohort.id)
    form = EndForm()
    if form.validate_on_submit():
        with refusals(form) as refused:
            placements.cancel(placement, current_user.id, form.reason.data)
            flash(
                _(
                    "The placement of %(student)s has ended; the bed is free again.",
                    student=placement.enrolment.student.full_name,
                ),
                "success",
            )
        if not refused or placement.status != PlacementStatus.ACTIVE:
            return to_board(cohort, "unplaced" if not refused else None)
    page = render_template(
        "placements/confirm_end.html",
        cohort=cohort,
        placement=placement,
        family=family_name(placement.application),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200
