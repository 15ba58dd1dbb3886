"""Messages to a group: the list, a new message, its recipients before sending, sending (with
a confirmation that says how many), the delivery log; the unsubscribe link (no login)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.access import Permission, public, requires
from app.extensions import csrf, db
from app.loading import found_or_404
from app.messages import bp, send_jobs
from app.messages.forms import MessageForm, SendForm
from app.models import Cohort, GroupMessage
from app.services.mail import group_messages as gm
from app.unit_of_work import refusals, send_queued_mail


@bp.route("/")
@requires(Permission.MANAGE_ENROLMENT)
def index():
    return render_template("messages/index.html", messages=gm.sent_messages(), gm=gm)


def _offer(form: MessageForm) -> None:
    form.audience.choices = [("", _("Choose who receives it"))] + [
        (key, str(label)) for key, label in gm.AUDIENCES.items()
    ]
    cohorts = db.session.execute(
        select(Cohort.id, Cohort.name).where(Cohort.purged_at.is_(None)).order_by(Cohort.name)
    ).all()
    form.cohort_id.choices = [(0, _("No cohort")), *((c.id, c.name) for c in cohorts)]


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ENROLMENT)
def new():
    form = MessageForm()
    _offer(form)
    if form.validate_on_submit():
        cohort = db.session.get(Cohort, form.cohort_id.data) if form.cohort_id.data else None
        with refusals(form) as refused:
            message = gm.create(form.audience.data, cohort, form.texts())
        if not refused:
            return redirect(url_for(".show", message_id=message.id))
    page = render_template("messages/new.html", form=form)
    return page, 400 if form.is_submitted() else 200


def _message(message_id: int) -> GroupMessage:
    return found_or_404(db.session.get(GroupMessage, message_id))


def _cohort(message: GroupMessage) -> Cohort | None:
    return db.session.get(Cohort, message.cohort_id) if message.cohort_id else None


@bp.route("/<int:message_id>")
@requires(Permission.MANAGE_ENROLMENT)
def show(message_id: int):
    """Before sending: the recipients and the confirmation; after: the delivery log."""
    message = _message(message_id)
    cohort = _cohort(message)
    if message.sent_at is None:
        people = gm.recipients(message.audience, cohort)
        reachable = [p for p in people if p.email]
        return render_template(
            "messages/preview.html",
            message=message,
            cohort=cohort,
            people=people,
            reachable=len(reachable),
            form=SendForm(),
            audience=gm.audience_label(message.audience),
        )
    return render_template(
        "messages/show.html",
        message=message,
        cohort=cohort,
        log=gm.delivery_log(message),
        audience=gm.audience_label(message.audience),
    )


@bp.route("/<int:message_id>/send", methods=["POST"])
@requires(Permission.MANAGE_ENROLMENT)
def send(message_id: int):
    message = _message(message_id)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    if send_jobs.too_many(message):  # a large audience: a background job
        with refusals():
            return send_jobs.start(message)
        return redirect(url_for(".show", message_id=message.id))
    with refusals():
        count = gm.send(
            message,
            current_user,
            lambda token: url_for("messages.unsubscribe", token=token, _external=True),
        )
        flash(
            ngettext("%(num)d email was queued.", "%(num)d emails were queued.", count), "success"
        )
        send_queued_mail()
    return redirect(url_for(".show", message_id=message.id))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail provider's one-click POST carries no form token
@public
def unsubscribe(token: str):
    email = gm.email_of_token(token)
    if email is None:
        abort(404)
    if request.method == "POST":
        gm.unsubscribe(email)
        return redirect(url_for(".unsubscribed"))
    return render_template("messages/unsubscribe.html", done=False)


@bp.route("/unsubscribed")
@public
def unsubscribed():
    return render_template("messages/unsubscribe.html", done=True)
