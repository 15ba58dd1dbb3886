"""Messages that tell staff what an enrolment action did."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from app.models import Enrolment, EnrolmentStatus
from app.services.enrolment import enrolments, status_emails


def flash_enrolled(enrolment: Enrolment, *, new_student: bool = False) -> None:
    """One message for the whole action: whether the student got a place (with the status
    the enrolment has) or went onto the waitlist, and where."""
    name = enrolment.student.full_name
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        position = enrolments.waitlist_position(enrolment)
        if new_student:
            message = _(
                "%(name)s was added. The cohort is full: %(name)s is on the waitlist at "
                "position %(n)d.",
                name=name,
                n=position,
            )
        else:
            message = _(
                "The cohort is full: %(name)s is on the waitlist at position %(n)d.",
                name=name,
                n=position,
            )
        flash(message, "info")
        return
    values = {"name": name, "cohort": enrolment.cohort.name, "status": enrolment.status.label}
    if new_student:
        message = _("%(name)s was added and holds a place in %(cohort)s (%(status)s).", **values)
    else:
        message = _("%(name)s holds a place in %(cohort)s (%(status)s).", **values)
    flash(message, "success")


def flash_outcome(message: str, promoted: list[Enrolment], category: str = "success") -> None:
    """One message for an action, with who moved up from the waitlist because of it."""
    if promoted:
        names = ", ".join(enrolment.student.full_name for enrolment in promoted)
        message = " ".join((message, _("Moved up from the waitlist: %(names)s.", names=names)))
    flash(message, category)


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
    untold = [moved.student.full_name for moved in promoted if not status_emails.reachable(moved)]
    if untold:
        flash(
            _(
                "Nobody can be emailed about %(names)s: tell them yourself.",
                names=", ".join(untold),
            ),
            "warning",
        )


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
