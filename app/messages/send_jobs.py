"""Sending a group message to a large audience as a background job (app/jobs/): the request
only records the job and goes to its page; the worker queues an email per recipient (in their
language, the delivery log with it), as the person who sent it, and hands the emails to the
mail server within MAIL_PER_MINUTE (the rest wait for `flask mail send`). Audiences up to
GROUP_MESSAGE_JOB_RECIPIENTS are sent in the request, as before."""

from __future__ import annotations

from flask import current_app, g, redirect, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.jobs import queue, records
from app.models import Cohort, GroupMessage, Job
from app.services.errors import DomainError
from app.services.identity.permissions import Permission, can
from app.services.mail import group_messages as gm
from app.services.mail import notifications

KIND = "group_message"


def too_many(message: GroupMessage) -> bool:
    cohort = db.session.get(Cohort, message.cohort_id) if message.cohort_id else None
    limit = current_app.config["GROUP_MESSAGE_JOB_RECIPIENTS"]
    return len(gm.recipients(message.audience, cohort)) > limit


def start(message: GroupMessage):
    """Record the job that sends the message, and go to its page."""
    if message.sent_at is not None:
        raise DomainError(_("This message has already been sent."))
    params = {"message_id": message.id, "locale": str(get_locale() or "en_GB")}
    job = records.start(KIND, current_user, params)
    return redirect(url_for("jobs.show", job_id=job.id))


@queue.runner(KIND)
def send_message(job: Job) -> None:
    user = records.requester(job)
    if user is None or not user.active or not can(user, Permission.MANAGE_ENROLMENT):
        raise DomainError(_("The account that asked for this is no longer allowed to send it."))
    message = db.session.get(GroupMessage, job.params["message_id"])
    if message is None:
        raise DomainError(_("The message no longer exists."))
    base_url = current_app.config["APPLICATION_URL"]  # the unsubscribe links' address
    with (
        current_app.test_request_context("/", base_url=base_url),
        force_locale(job.params["locale"]),
    ):
        g._login_user = user
        records.progress(job, 0, 1)
        count = gm.send(
            message,
            user,
            lambda token: url_for("messages.unsubscribe", token=token, _external=True),
        )
        records.complete(job, count)
    db.session.commit()
    notifications.deliver_pending(new_only=True)
