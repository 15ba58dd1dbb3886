"""The panel of a student's page that invites guardians (or the adult student) online."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from app.access import Permission, can
from app.invitations.forms import InviteForm
from app.models import Invitation, Student
from app.models.base import utcnow
from app.services.identity import invitations


def invitation_panel(student: Student) -> dict:
    """The template's values: invitees None when the person may not invite."""
    if not can(current_user, Permission.INVITE_GUARDIANS):
        return {"invitees": None}
    return {
        "invitees": invitations.invitees(student, utcnow().date()),
        "invite_form": InviteForm(formdata=None),
        "invitation_days": current_app.config["INVITATION_DAYS"],
        "invitation_expired": _expired,
    }


def _expired(invitation: Invitation) -> bool:
    return invitations.state(invitation) == invitations.EXPIRED
