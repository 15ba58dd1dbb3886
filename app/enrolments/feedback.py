"""Messages that tell staff what an enrolment action did."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from app.models import Enrolment, EnrolmentStatus
from app.services.enrolment import enrolments


def flash_enrolled(enrolment: Enrolment) -> None:
    """Whether the student got a place or went onto the waitlist, and where."""
    name = enrolment.student.full_name
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        position = enrolments.waitlist_position(enrolment)
        message = _(
            "The cohort is full: %(name)s is on the waitlist at position %(n)d.",
            name=name,
            n=position,
        )
        flash(message, "info")
    else:
        flash(_("%(name)s was enrolled and holds a place.", name=name), "success")


def flash_promoted(promoted: list[Enrolment]) -> None:
    """Who moved up from the waitlist."""
    if promoted:
        names = ", ".join(enrolment.student.full_name for enrolment in promoted)
        flash(_("Moved up from the waitlist: %(names)s.", names=names), "success")
