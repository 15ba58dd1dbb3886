"""Teacher pages: staff register teachers, assign them to cohorts and split the students;
a teacher sees the roster and emergency data of their own cohorts."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import numbers
from app.access import Permission, requires
from app.extensions import db
from app.forms import ActionForm
from app.loading import child_or_404, found_or_404
from app.models import Cohort, Teacher, TeacherRole
from app.services.errors import DomainError
from app.services.supervision import (
    contact_rule,
    ratio,
    teacher_accounts,
    teacher_roster,
    teachers,
)
from app.teachers import bp
from app.teachers.forms import AssignForm, NewTeacherForm, TeacherForm
from app.unit_of_work import refusals

PER_PAGE = 50  # teachers on a page of the list


@bp.route("/")
@requires(Permission.MANAGE_TEACHERS)
def index():
    page = db.paginate(
        teachers.teachers_query(), page=numbers.page(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    return render_template(
        "teachers/index.html",
        teachers=page.items,
        page=page,
        to_complete=teacher_accounts.to_complete(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEACHERS)
def create():
    """A new teacher with a login; with ?account=ID the details of a teacher account that
    has none yet (made with `flask users create` or given the role under Users)."""
    account_id = numbers.query_id("account")
    if account_id is not None:
        return _complete(found_or_404(teacher_accounts.account_to_complete(account_id)))
    form = NewTeacherForm()
    if form.validate_on_submit():
        with refusals(form):
            teacher = teachers.create_teacher(form.email.data, form.password.data, **form.details())
            flash(_("%(name)s can now log in as a teacher.", name=teacher.name), "success")
            return redirect(url_for("teachers.index"))
    return render_template("teachers/edit.html", form=form, teacher=None)


def _complete(account):
    form = TeacherForm()
    if form.validate_on_submit():
        with refusals(form):
            teacher = teacher_accounts.complete(account, **form.details())
            flash(_("%(name)s can now log in as a teacher.", name=teacher.name), "success")
            return redirect(url_for("teachers.index"))
    return render_template("teachers/edit.html", form=form, teacher=None, account=account)


@bp.route("/<int:teacher_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEACHERS)
def edit(teacher_id: int):
    teacher = db.get_or_404(Teacher, teacher_id)
    form = TeacherForm(obj=teacher)
    if form.validate_on_submit():
        with refusals(form):
            teachers.update_teacher(teacher, **form.details())
            flash(_("The teacher's details were saved."), "success")
            return redirect(url_for("teachers.index"))
    return render_template("teachers/edit.html", form=form, teacher=teacher)


@bp.route("/cohorts/<int:cohort_id>")
@requires(Permission.MANAGE_TEACHERS)
def cohort(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    summary = ratio.supervision(cohort)
    assigned = {load.teacher.id for load in summary.teachers}
    form = AssignForm()
    form.teacher_id.choices = [
        (id_, label) for id_, label in teachers.choices() if id_ not in assigned
    ]
    has_lead = any(load.role == TeacherRole.LEAD for load in summary.teachers)
    form.role.data = (TeacherRole.ASSISTANT if has_lead else TeacherRole.LEAD).value
    students = sorted(
        teacher_roster.cohort_students(cohort),
        key=lambda row: (not row.placed, row.area.casefold(), row.student.last_name),
    )
    return render_template(
        "teachers/cohort.html",
        cohort=cohort,
        summary=summary,
        students=students,
        assign_form=form,
        action_form=ActionForm(),
    )


def _back(cohort: Cohort, anchor: str = ""):
    return redirect(url_for("teachers.cohort", cohort_id=cohort.id, _anchor=anchor or None))


@bp.route("/cohorts/<int:cohort_id>/assign", methods=["POST"])
@requires(Permission.MANAGE_TEACHERS)
def assign(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = AssignForm()
    form.teacher_id.choices = teachers.choices()
    if not form.validate_on_submit():
        flash(_("Choose a teacher and a role."), "error")
        return _back(cohort)
    teacher = db.session.get(Teacher, form.teacher_id.data)
    with refusals():
        teachers.assign(cohort, teacher, form.role.data)
        flash(_("%(name)s is now a teacher of this cohort.", name=teacher.name), "success")
    return _back(cohort)


@bp.route("/cohorts/<int:cohort_id>/teachers/<int:teacher_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEACHERS)
def unassign(cohort_id: int, teacher_id: int):
    """GET: whose supervisor the teacher is; POST: take them off (a second click is told)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = ActionForm()
    if form.validate_on_submit():
        teacher = db.get_or_404(Teacher, teacher_id)
        with refusals():
            freed = teachers.unassign(cohort, teacher)
            flash(_removed_message(teacher, freed), "success")
        return _back(cohort)
    teacher = child_or_404(Teacher, teacher_id, Teacher.assignments.any(cohort_id=cohort.id))
    page = render_template(
        "teachers/confirm_unassign.html",
        cohort=cohort,
        teacher=teacher,
        students=teachers.supervised_by(cohort, teacher),
        form=form,
    )
    return page, 400 if form.is_submitted() else 200


def _removed_message(teacher: Teacher, freed: int) -> str:
    """One message for the removal: who left, and how many students lost their supervisor."""
    if not freed:
        return _("%(name)s is no longer a teacher of this cohort.", name=teacher.name)
    return ngettext(
        "%(name)s is no longer a teacher of this cohort; %(num)d student now has no "
        "supervising teacher.",
        "%(name)s is no longer a teacher of this cohort; %(num)d students now have no "
        "supervising teacher.",
        freed,
        name=teacher.name,
    )


def _split_choices() -> dict[int, int | None]:
    """enrolment id → teacher id (None: nobody) from the fields supervisor-<enrolment id>."""
    wanted: dict[int, int | None] = {}
    for name, value in request.form.items():
        if not name.startswith("supervisor-"):
            continue
        try:
            enrolment_id = numbers.record_id(name.removeprefix("supervisor-"))
            wanted[enrolment_id] = numbers.record_id(value) if value else None
        except ValueError as exc:
            raise DomainError(_("Choose a teacher for each student.")) from exc
    return wanted


@bp.route("/cohorts/<int:cohort_id>/split", methods=["POST"])
@requires(Permission.MANAGE_TEACHERS)
def split(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    with refusals():
        changed = teachers.split(cohort, _split_choices())
        flash(
            ngettext(
                "%(num)d student has a new supervising teacher.",
                "%(num)d students have a new supervising teacher.",
                changed,
            ),
            "success",
        )
    return _back(cohort, "students")


@bp.route("/cohorts/<int:cohort_id>/balance", methods=["POST"])
@requires(Permission.MANAGE_TEACHERS)
def balance(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    with refusals():
        result = teachers.balance(cohort)
        flash(
            ngettext(
                "%(num)d student was given a supervising teacher by area.",
                "%(num)d students were shared among the teachers by area.",
                result.students,
            ),
            "success",
        )
        if result.split_areas:
            flash(
                ngettext(
                    "%(num)d area was too large for one teacher's share and is split.",
                    "%(num)d areas were too large for one teacher's share and are split.",
                    result.split_areas,
                ),
                "info",
            )
    return _back(cohort, "students")


def _own_teacher() -> Teacher | None:
    return teachers.teacher_for_user(current_user)


@bp.route("/me")
@requires(Permission.TEACHER_PORTAL)
def portal():
    teacher = _own_teacher()
    rosters, due = [], {}
    if teacher is not None:
        rosters = teacher_roster.rosters(teacher, teacher_roster.cohorts_of(teacher))
        abroad = [r.cohort for r in rosters if contact_rule.stay_is_on(r.cohort)]
        due = {counts.cohort.id: counts for counts in contact_rule.due(abroad, teacher.id)}
    return render_template("teachers/portal.html", teacher=teacher, rosters=rosters, due=due)


@bp.route("/me/cohorts/<int:cohort_id>")
@requires(Permission.TEACHER_PORTAL)
def my_cohort(cohort_id: int):
    teacher = _own_teacher()
    # Not their cohort: as if it did not exist.
    found = teacher_roster.assigned_cohort(teacher, cohort_id) if teacher else None
    cohort, role = found_or_404(found)
    roster = teacher_roster.roster(teacher, cohort, role)
    return render_template("teachers/my_cohort.html", teacher=teacher, roster=roster)
