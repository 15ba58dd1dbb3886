"""Duty of care pages: the compliance view of a cohort, recording a contact, the contact log
with its print view and files, and the contact rule of a programme."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import numbers
from app.access import Permission, requires
from app.contacts import bp, files
from app.contacts.forms import ContactForm, LogFilterForm, RuleForm
from app.contacts.view import compliance_view
from app.extensions import db
from app.loading import found_or_404
from app.models import Cohort, ContactWith, Programme, Wellbeing
from app.services.identity.permissions import can
from app.services.privacy import audit
from app.services.roster import rosters
from app.services.supervision import compliance, contact_log, contact_rule, contacts, teachers
from app.unit_of_work import refusals

PER_PAGE = 50  # contacts on a page of the log
FILE_FORMATS = "any(pdf, csv, xlsx)"


def _cohort(cohort_id: int) -> Cohort:
    return found_or_404(contacts.cohort_for(current_user, cohort_id))


def _own_teacher_id() -> int | None:
    teacher = teachers.teacher_for_user(current_user)
    return teacher.id if teacher else None


def _chosen_teacher(mine: int | None) -> int | None:
    """?teacher=<id> or ?teacher=mine; none: everybody."""
    if request.args.get("teacher") == "mine":
        return mine
    return numbers.query_id("teacher")


@bp.route("/cohorts/<int:cohort_id>")
@requires(Permission.CARE)
def cohort(cohort_id: int):
    cohort = _cohort(cohort_id)
    mine = _own_teacher_id()
    view = compliance_view(compliance.cohort_compliance(cohort), _chosen_teacher(mine), mine)
    return render_template(
        "contacts/compliance.html",
        cohort=cohort,
        view=view,
        may_set_rule=can(current_user, Permission.CARE_SETTINGS),
    )


def _offer(form: ContactForm, cohort: Cohort) -> None:
    students, families = contacts.choices(cohort)
    form.enrolment_id.choices = [(0, _("Choose a student")), *students]
    form.application_id.choices = [
        (0, _("Choose a host family")),
        *((id_, _("The %(name)s family", name=name)) for id_, name, _first in families),
    ]


def _prefill(form: ContactForm, cohort: Cohort) -> None:
    form.contacted_on.data = compliance.local_today(cohort)
    enrolment_id, family_id = numbers.query_id("enrolment"), numbers.query_id("family")
    if enrolment_id is not None and any(
        id_ == enrolment_id for id_, _n in form.enrolment_id.choices
    ):
        form.with_whom.data = ContactWith.STUDENT.value
        form.enrolment_id.data = enrolment_id
    elif family_id is not None and any(id_ == family_id for id_, _n in form.application_id.choices):
        form.with_whom.data = ContactWith.FAMILY.value
        form.application_id.data = family_id


def _after_saving(cohort: Cohort, contact) -> str:
    """Back to the compliance view; after a serious concern, to the concern report."""
    if contact.wellbeing is Wellbeing.SERIOUS:
        flash(
            _(
                "The contact was recorded. You noted a serious concern: please report it "
                "now, so that the coordinators can act."
            ),
            "warning",
        )
        return url_for("concerns.new", enrolment=contact.enrolment_id, contact=contact.id)
    flash(_("The contact was recorded."), "success")
    return url_for(".cohort", cohort_id=cohort.id)


@bp.route("/cohorts/<int:cohort_id>/contacts/new", methods=["GET", "POST"])
@requires(Permission.CARE)
def new(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = ContactForm()
    _offer(form, cohort)
    if form.validate_on_submit():
        with refusals(form) as refused:
            contact = contacts.record(cohort, current_user, form.values())
            target = _after_saving(cohort, contact)
        if not refused:
            return redirect(target)
    elif not form.is_submitted():
        _prefill(form, cohort)
    page = render_template(
        "contacts/new.html",
        cohort=cohort,
        form=form,
        today=compliance.local_today(cohort),
    )
    return page, 400 if form.is_submitted() else 200


# The log, its print view and files -----------------------------------------------------------


def _day(name: str) -> date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def _log_options() -> dict:
    """The log's options from the query string; anything unreadable answers 400."""
    paper = request.args.get("paper") or rosters.paper_for(
        [tag for tag, _q in request.accept_languages]
    )
    order = request.args.get("order") or "newest"
    if paper not in rosters.PAPERS or order not in ("newest", "oldest"):
        abort(400)
    return {
        "paper": paper,
        "order": order,
        "notes": request.args.get("notes") in ("1", "y", "on"),
        "since": _day("since"),
        "until": _day("until"),
    }


def _query(options: dict) -> dict:
    found = {"paper": options["paper"]}
    if options["notes"]:
        found["notes"] = "1"
    for name in ("since", "until"):
        if options[name]:
            found[name] = options[name].isoformat()
    return found


@bp.route("/cohorts/<int:cohort_id>/contacts")
@requires(Permission.CARE)
def log(cohort_id: int):
    cohort = _cohort(cohort_id)
    options = _log_options()
    page = found_or_404(
        contacts.log_page(
            cohort,
            numbers.page(),
            PER_PAGE,
            options["since"],
            options["until"],
            newest_first=options["order"] == "newest",
        )
    )
    # The page shows the notes: who read them is in the audit trail, as with the files.
    _record(cohort, "view", options)
    return render_template(
        "contacts/log.html",
        cohort=cohort,
        page=page,
        options=options,
        filter_form=LogFilterForm(request.args),
        query=_query(options),
    )


def _sheet(cohort: Cohort, options: dict):
    return contact_log.log_sheet(
        cohort, options["paper"], options["notes"], options["since"], options["until"]
    )


def _record(cohort: Cohort, fmt: str, options: dict) -> None:
    details = {"format": fmt, "paper": options["paper"], "notes": options["notes"]}
    audit.record(f"contacts.{fmt}", "cohort", cohort.id, details)


@bp.route("/cohorts/<int:cohort_id>/contacts/print")
@requires(Permission.CARE)
def log_print(cohort_id: int):
    cohort = _cohort(cohort_id)
    options = _log_options()
    sheet = _sheet(cohort, options)
    _record(cohort, "print", options)
    return files.print_page(
        sheet,
        url_for(".log", cohort_id=cohort.id),
        url_for(".log_file", cohort_id=cohort.id, fmt="pdf", **_query(options)),
    )


@bp.route(f"/cohorts/<int:cohort_id>/contacts.<{FILE_FORMATS}:fmt>")
@requires(Permission.CARE)
def log_file(cohort_id: int, fmt: str):
    cohort = _cohort(cohort_id)
    options = _log_options()
    response = files.download(_sheet(cohort, options), fmt)
    _record(cohort, fmt, options)
    return response


# The contact rule ---------------------------------------------------------------------------


@bp.route("/programmes/<int:programme_id>/rule", methods=["GET", "POST"])
@requires(Permission.CARE_SETTINGS)
def rule(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = RuleForm(obj=programme)
    zones = contact_rule.zones()
    form.home_timezone.choices = form.partner_timezone.choices = zones
    if form.validate_on_submit():
        with refusals(form) as refused:
            contact_rule.save_rule(programme, form.values())
            flash(_("The contact rule was saved."), "success")
        if not refused:
            back = numbers.query_id("cohort")
            if back is not None:
                return redirect(url_for(".cohort", cohort_id=back))
            return redirect(url_for(".rule", programme_id=programme.id))
    elif not form.is_submitted():
        form.contact_period.data = programme.contact_period.value
    page = render_template("contacts/rule.html", programme=programme, form=form)
    return page, 400 if form.is_submitted() else 200
