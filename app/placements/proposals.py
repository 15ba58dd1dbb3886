"""Matching proposals: the pairs the matching proposes for the cohort's unplaced students,
each explained; the coordinator accepts all or some of them in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import Permission, requires
from app.extensions import db
from app.loading import child_or_404
from app.models import Cohort, Enrolment, HostApplication
from app.placements import bp
from app.placements.board import family_name
from app.placements.forms import ProposalForm
from app.services.placement import facts, matching, placements
from app.unit_of_work import refusals


@dataclass(frozen=True)
class Failed:
    """The pair that the rules refused when the proposal was accepted."""

    student: str
    family: str
    message: str


def propose(cohort: Cohort) -> matching.Proposal:
    """A fresh proposal for the students of the cohort who hold a place and live nowhere yet."""
    students = [facts.student_facts(e) for e in placements.placeable_enrolments(cohort)]
    families = facts.cohort_family_facts(cohort)
    return matching.propose(students, families, cohort.return_date)


@bp.route("/cohorts/<int:cohort_id>/proposal")
@requires(Permission.PLACE_STUDENTS)
def proposal(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "placements/proposal.html",
        cohort=cohort,
        proposal=propose(cohort),
        max_fit=matching.MAX_FIT,
        form=ProposalForm(formdata=None),
        failed=None,
    )


@bp.route("/cohorts/<int:cohort_id>/proposal", methods=["POST"])
@requires(Permission.PLACE_STUDENTS)
def accept(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ProposalForm()
    chosen = form.chosen() if form.validate_on_submit() else None
    if chosen is None:
        abort(400)
    if not chosen:
        flash(_("Tick the pairs to accept, or accept all."), "error")
        return redirect(url_for("placements.proposal", cohort_id=cohort.id))
    offered = HostApplication.cohorts.any(id=cohort.id)
    pairs = [
        (
            child_or_404(Enrolment, enrolment_id, cohort_id=cohort.id),
            child_or_404(HostApplication, application_id, offered),
        )
        for enrolment_id, application_id in chosen
    ]
    for enrolment, application in pairs:
        with refusals(show=False) as refused:
            placements.place(enrolment, application, current_user.id)
        if refused:  # the proposal is accepted whole or not at all
            failed = Failed(
                enrolment.student.full_name, family_name(application), refused.error.message
            )
            return render_template(
                "placements/proposal.html",
                cohort=cohort,
                proposal=None,
                failed=failed,
                form=form,
            ), 409
    flash(
        ngettext(
            "%(num)d student was placed. Change any placement here, with a reason.",
            "%(num)d students were placed. Change any placement here, with a reason.",
            len(pairs),
        ),
        "success",
    )
    return redirect(url_for("placements.board", cohort_id=cohort.id, _anchor="placed"))
