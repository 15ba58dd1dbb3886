from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import numbers
from app.access import Permission, can, requires
from app.database import counted_page
from app.enrolments.feedback import flash_enrolled
from app.extensions import db
from app.forms import search_words
from app.labels import choices
from app.models import Cohort, EnrolmentStatus, Student
from app.services.enrolment import cohorts, documents, enrolments, students
from app.services.privacy import audit
from app.students import bp
from app.students.forms import FilterForm, StudentForm
from app.students.invitees import invitation_panel
from app.unit_of_work import refusals, send_queued_mail

PER_PAGE = 25


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def index():
    words, answer = search_words("students", ".index", ("cohort", "status", "school", "missing"))
    if answer is not None:
        return answer
    form = FilterForm(request.args)
    form.q.data = words
    form.cohort.choices = [(0, _("All cohorts"))] + [
        (c.id, c.name) for c in cohorts.filter_choices(numbers.query_id("cohort", low=0))
    ]
    form.status.choices = [("", _("Any status")), *choices(EnrolmentStatus)]
    if not form.validate():
        abort(400)
    filters = students.StudentFilters(
        query=words,
        cohort_id=form.cohort.data or None,
        status=EnrolmentStatus(form.status.data) if form.status.data else None,
        school=(form.school.data or "").strip(),
        missing_documents=bool(form.missing.data),
    )
    if students.by_words(filters):  # every student found is read to sort them: count them then
        page = counted_page(students.search(filters), numbers.page(), PER_PAGE)
    else:
        page = db.paginate(
            students.search(filters), page=numbers.page(), per_page=PER_PAGE, max_per_page=PER_PAGE
        )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("students/index.html", form=form, page=page, args=args)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def create():
    cohort = _cohort_from_args()
    form = StudentForm()
    if form.validate_on_submit():
        with refusals(form):
            student = students.create_student(form.values())
            enrolment = enrolments.enrol(student, cohort, current_user.id) if cohort else None
            send_queued_mail()  # a waitlisted student's guardians
            if enrolment is None:
                flash(_("%(name)s was added.", name=student.full_name), "success")
                return redirect(url_for("students.show", student_id=student.id))
            flash_enrolled(enrolment, new_student=True)
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("students/edit.html", form=form, student=None, cohort=cohort)


def _cohort_from_args() -> Cohort | None:
    cohort_id = numbers.query_id("cohort")
    return db.get_or_404(Cohort, cohort_id) if cohort_id else None


@bp.route("/<int:student_id>")
@requires(Permission.MANAGE_ENROLMENT)
def show(student_id: int):
    student = db.get_or_404(Student, student_id)
    rows = [
        (enrolment, documents.missing_kinds(enrolment), enrolments.waitlist_position(enrolment))
        for enrolment in students.enrolments_of(student)
    ]
    show_medical = can(current_user, Permission.VIEW_MEDICAL)
    if show_medical:
        audit.medical_viewed([student.id], "students.show")
    return render_template(
        "students/show.html",
        student=student,
        rows=rows,
        show_medical=show_medical,
        **invitation_panel(student),
    )


@bp.route("/<int:student_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def edit(student_id: int):
    student = db.get_or_404(Student, student_id)
    form = StudentForm()
    if request.method == "GET":
        form.fill(students.as_values(student))
        audit.medical_viewed([student.id], "students.edit")
    if form.validate_on_submit():
        with refusals(form):
            students.update_student(student, form.values())
            flash(_("The changes were saved."), "success")
            return redirect(url_for("students.show", student_id=student.id))
    return render_template("students/edit.html", form=form, student=student, cohort=None)
