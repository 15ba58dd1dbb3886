"""Privacy for admins: the retention settings with what the purge would delete now, and the
requests of people: download a student's or a family's data, erase them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import database
from app.access import Permission, requires
from app.extensions import db
from app.models import Cohort, CohortStatistics, HostFamily, Role, Student, User
from app.models.base import utcnow
from app.privacy import bp, preview_jobs
from app.privacy.forms import EraseForm, SettingsForm
from app.services.privacy import (
    privacy_accounts,
    privacy_care,
    privacy_messages,
    privacy_purge,
    privacy_requests,
    settings,
)
from app.unit_of_work import after_commit, refusals


def _settings_page(form: SettingsForm, status: int = 200):
    now = utcnow()
    report, preview_job = preview_jobs.report_or_job(now, start=status == 200)
    kept = db.session.execute(
        sa.select(CohortStatistics, Cohort.name)
        .join(Cohort, Cohort.id == CohortStatistics.cohort_id)
        .order_by(CohortStatistics.year.desc(), Cohort.name)
    ).all()
    page = render_template(
        "privacy/settings.html",
        form=form,
        report=report,
        preview_job=preview_job,
        upcoming=privacy_purge.upcoming_cohorts(now),
        statistics=kept,
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.MANAGE_PRIVACY)
def index():
    form = SettingsForm()
    if not form.is_submitted():
        form.retention_months.data = settings.retention_months()
        form.family_inactive_months.data = settings.family_inactive_months()
        form.safeguarding_keep_until_age.data = settings.safeguarding_keep_until_age()
        return _settings_page(form)
    if form.validate():
        with refusals(form):
            settings.save(
                {
                    settings.RETENTION_MONTHS.key: form.retention_months.data,
                    settings.FAMILY_INACTIVE_MONTHS.key: form.family_inactive_months.data,
                    settings.SAFEGUARDING_KEEP_UNTIL_AGE.key: (
                        form.safeguarding_keep_until_age.data
                    ),
                },
                current_user.id,
            )
            flash(_("The settings were saved."), "success")
            return redirect(url_for("privacy.index"))
    return _settings_page(form, 400)


def _same(typed: str | None, expected: str) -> bool:
    """Whether the typed confirmation is the name, whatever the case and spacing."""
    return " ".join((typed or "").split()).casefold() == " ".join(expected.split()).casefold()


def _confirmed(form: EraseForm, expected: str, wrong: str) -> bool:
    """Whether the form was sent with the name typed; else the field says what is wrong."""
    if not form.validate_on_submit():
        return False
    if not _same(form.confirm.data, expected):
        form.confirm.errors.append(f"{wrong} {_('Nothing was erased.')}")
        return False
    return True


def _zip(content: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, mimetype="application/zip", headers=headers)


# --- students -----------------------------------------------------------------------------


def _student_page(student: Student, form: EraseForm, status: int = 200):
    enrolments = privacy_requests.enrolments_of(student)
    page = render_template(
        "privacy/student.html",
        student=student,
        enrolments=enrolments,
        mentions=privacy_requests.student_mentions(student),
        keep_until_age=settings.safeguarding_keep_until_age(),
        care=privacy_care.held_for_student([e.id for e in enrolments]),
        messages=privacy_messages.count_received(
            "guardian", [g.id for g in student.guardians], [g.email for g in student.guardians]
        ),
        form=form,
    )
    return page, status


@bp.route("/students/<int:student_id>")
@requires(Permission.MANAGE_PRIVACY)
def student(student_id: int):
    return _student_page(db.get_or_404(Student, student_id), EraseForm(formdata=None))


@bp.route("/students/<int:student_id>/export")
@requires(Permission.MANAGE_PRIVACY)
def student_export(student_id: int):
    content = privacy_requests.export_student(db.get_or_404(Student, student_id))
    return _zip(content, f"student-{student_id}.zip")


@bp.route("/students/<int:student_id>/erase", methods=["POST"])
@requires(Permission.MANAGE_PRIVACY)
def student_erase(student_id: int):
    person = db.get_or_404(Student, student_id)
    form = EraseForm()
    if not _confirmed(form, person.full_name, _("This is not the student's name.")):
        return _student_page(person, form, 400)
    with refusals(form):
        privacy_requests.erase_student(person, current_user.id, form.clear_mentions.data)
        after_commit(database.checkpoint_and_truncate)  # no erased row left in the WAL
        flash(_("The student's data was erased."), "success")
        return redirect(url_for("students.index"))
    return _student_page(person, form, 400)


# --- host families ------------------------------------------------------------------------


def family_label(family: HostFamily) -> str:
    """What the admin types to confirm: the family's name, or its email when it gave none."""
    return family.family_name or family.user.email


def _family_page(family: HostFamily, form: EraseForm, status: int = 200):
    page = render_template(
        "privacy/family.html",
        family=family,
        label=family_label(family),
        applications=sorted(family.applications, key=lambda a: a.id),
        placed=privacy_requests.active_placements_with(family),
        mentions=privacy_requests.family_mentions(family),
        messages=privacy_messages.count_received("user", [family.user_id], [family.user.email]),
        form=form,
    )
    return page, status


@bp.route("/families/<int:family_id>")
@requires(Permission.MANAGE_PRIVACY)
def family(family_id: int):
    return _family_page(db.get_or_404(HostFamily, family_id), EraseForm(formdata=None))


@bp.route("/families/<int:family_id>/export")
@requires(Permission.MANAGE_PRIVACY)
def family_export(family_id: int):
    content = privacy_requests.export_family(db.get_or_404(HostFamily, family_id))
    return _zip(content, f"family-{family_id}.zip")


@bp.route("/families/<int:family_id>/erase", methods=["POST"])
@requires(Permission.MANAGE_PRIVACY)
def family_erase(family_id: int):
    host = db.get_or_404(HostFamily, family_id)
    form = EraseForm()
    if not _confirmed(form, family_label(host), _("This is not the family's name.")):
        return _family_page(host, form, 400)
    with refusals(form):
        privacy_requests.erase_family(host, current_user.id, form.clear_mentions.data)
        after_commit(database.checkpoint_and_truncate)
        flash(_("The host family's data was erased."), "success")
        return redirect(url_for("vetting.index"))
    return _family_page(host, form, 400)


# --- staff accounts -----------------------------------------------------------------------


def _staff_account(user_id: int) -> User:
    """A staff or teacher account; a family's account is erased with the family (404 here)."""
    account = db.get_or_404(User, user_id)
    if account.role == Role.HOST_FAMILY:
        abort(404)
    return account


def _account_page(account: User, form: EraseForm, status: int = 200):
    page = render_template(
        "privacy/account.html",
        account=account,
        teacher=privacy_accounts.teacher_of(account),
        messages=privacy_messages.count_received("user", [account.id], [account.email]),
        form=form,
    )
    return page, status


@bp.route("/accounts/<int:user_id>")
@requires(Permission.MANAGE_PRIVACY)
def account(user_id: int):
    return _account_page(_staff_account(user_id), EraseForm(formdata=None))


@bp.route("/accounts/<int:user_id>/export")
@requires(Permission.MANAGE_PRIVACY)
def account_export(user_id: int):
    content = privacy_accounts.export_account(_staff_account(user_id))
    return _zip(content, f"account-{user_id}.zip")


@bp.route("/accounts/<int:user_id>/erase", methods=["POST"])
@requires(Permission.MANAGE_PRIVACY)
def account_erase(user_id: int):
    person = _staff_account(user_id)
    form = EraseForm()
    if not _confirmed(form, person.email, _("This is not the account's email address.")):
        return _account_page(person, form, 400)
    with refusals(form):
        privacy_accounts.erase_account(person, current_user.id)
        after_commit(database.checkpoint_and_truncate)
        flash(_("The account's data was erased."), "success")
        return redirect(url_for("admin.users"))
    return _account_page(person, form, 400)
