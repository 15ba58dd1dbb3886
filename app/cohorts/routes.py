from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app import numbers
from app.access import Permission, requires
from app.cohorts import bp
from app.cohorts.forms import CohortForm, EnrolExistingForm, StatusForm
from app.enrolments.feedback import flash_enrolled, flash_outcome
from app.extensions import db
from app.forms import ActionForm, chosen_status, search_words
from app.models import Cohort, CohortStatus, Student
from app.services.enrolment import cohorts, documents, enrolments, students
from app.services.placement import placements
from app.services.supervision import ratio
from app.unit_of_work import refusals, send_queued_mail


def _programme_choices(form: CohortForm) -> None:
    # Before any programme exists, the first cohort creates the Buffalo programme (id 0).
    form.programme_id.choices = [(p.id, p.name) for p in cohorts.programmes()] or [
        (cohorts.DEFAULT_PROGRAMME, cohorts.BUFFALO["name"])
    ]


PER_PAGE = 50  # cohorts on a page of the list: a national organisation has thousands


@bp.route("/")
@requires(Permission.MANAGE_ENROLMENT)
def index():
    page = db.paginate(
        cohorts.cohorts_query(), page=numbers.page(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    counts = cohorts.counts_of(page.items)
    rows = [(cohort, counts[cohort.id]) for cohort in page.items]
    return render_template("cohorts/index.html", rows=rows, page=page)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def create():
    form = CohortForm()
    _programme_choices(form)
    if form.validate_on_submit():
        with refusals(form):
            cohort = cohorts.create_cohort(form.values())
            flash(_("The cohort was created. Open it for enrolment when you are ready."), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=None)


FOUND_MAX = 20  # students the cohort page's search shows at once


@bp.route("/<int:cohort_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def show(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id, options=[joinedload(Cohort.programme)])
    # "Enrol a student who is already registered": found by a search, not chosen from a
    # list of every student (a national organisation registers thousands a year).
    words, answer = search_words(
        f"enrol:{cohort.id}", ".show", (), cohort_id=cohort.id, _anchor="enrol-existing"
    )
    if answer is not None:
        return answer
    report = documents.checklist(cohort)
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        counts=cohorts.counts(cohort),
        report=report,
        missing=sum(1 for row in report if row.missing),  # cohort_missing_count's number
        waitlist=enrolments.waitlist(cohort),
        history_place=cohorts.place_in_history(cohort),
        transitions=cohorts.allowed_transitions(cohort),
        placed=placements.placed_counts(cohort),
        supervision=ratio.supervision(cohort),
        status_form=StatusForm(),
        enrol_form=EnrolExistingForm(formdata=None),
        enrol_words=words,
        found=students.not_enrolled_in(cohort, words, limit=FOUND_MAX),
        found_max=FOUND_MAX,
        action_form=ActionForm(),
    )


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def edit(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortForm(obj=cohort)
    _programme_choices(form)
    if form.validate_on_submit():
        with refusals(form):
            promoted = cohorts.update_cohort(cohort, form.values())
            send_queued_mail()  # guardians of students moved up
            flash_outcome(_("The cohort was saved."), promoted)
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=cohort)


@bp.route("/<int:cohort_id>/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def set_status(cohort_id: int):
    """POST: change the status; a step with no way back (travelling, completed, archived) is
    sent to its confirmation page (GET ?status=…) first."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = StatusForm()
    if not form.is_submitted():
        wanted = request.args.get("status", "")
        if wanted not in {s.value for s in CohortStatus} or not cohorts.is_one_way(cohort, wanted):
            flash(_("This status cannot be chosen now."), "error")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
        status = CohortStatus(wanted)
        return render_template(
            "cohorts/confirm_status.html", cohort=cohort, status=status, form=form
        )
    status = chosen_status(form, CohortStatus)
    if status is not None and form.confirmed.data != "1" and cohorts.is_one_way(cohort, status):
        return redirect(url_for("cohorts.set_status", cohort_id=cohort.id, status=status.value))
    if status is not None:
        with refusals():
            cohorts.set_status(cohort, status)
            flash(_("The cohort's status was changed."), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/enrol", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def enrol(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = EnrolExistingForm()
    student = db.session.get(Student, form.student_id.data or 0)
    if student is None:
        flash(_("Choose a student."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    with refusals():
        flash_enrolled(enrolments.enrol(student, cohort, current_user.id))
        send_queued_mail()  # a waitlisted student's guardians
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/documents")
@requires(Permission.MANAGE_ENROLMENT)
def missing_documents(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "cohorts/documents.html",
        cohort=cohort,
        report=documents.checklist(cohort, only_missing=True),
        action_form=ActionForm(),
    )
