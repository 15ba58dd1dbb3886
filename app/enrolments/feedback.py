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


def flash_withdrawn(enrolment: Enrolment, promoted: list[Enrolment]) -> None:
    """One message for a withdrawal: who left and who moved up in their place."""
    name = enrolment.student.full_name
    if promoted:
        names = ", ".join(moved.student.full_name for moved in promoted)
        message = _(
            "%(name)s was withdrawn. Moved up from the waitlist: %(names)s.", name=name, names=names
        )
    else:
        message = _("%(name)s was withdrawn.", name=name)
    flash(message, "success")


def flash_reinstated(enrolment: Enrolment) -> None:
    """Where the reinstated student is now: with a place, or on the waitlist at position n."""
    name = enrolment.student.full_name
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        message = _(
            "%(name)s was reinstated and is on the waitlist at position %(n)d.",
            name=name,
            n=enrolments.waitlist_position(enrolment),
        )
    else:
        message = _("%(name)s was reinstated and holds a place.", name=name)
    flash(message, "success")
