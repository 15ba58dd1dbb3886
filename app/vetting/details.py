"""What the vetting pages show besides the application itself: each step with who did it and
when, made from rows the services read in a few queries, so that templates run none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _

from app.labels import label
from app.models import ApplicationStatus, HostApplication, VettingEvent
from app.services.hosting import vetting
from app.services.identity import accounts


@dataclass(frozen=True)
class Step:
    """One vetting step: done when `at` is set, with who did it and what was recorded."""

    title: str
    at: datetime | None = None
    by: str = ""
    facts: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def done(self) -> bool:
        return self.at is not None


def _event_note(application: HostApplication, status: ApplicationStatus) -> str:
    """The note of the application's latest event to this status."""
    notes = [event.note for event in application.events if event.to_status == status]
    return notes[-1] if notes else ""


def steps(application: HostApplication, emails: dict[int, str], family: str) -> list[Step]:
    """The steps of vetting in order, each with who and when when it is done."""
    a = application
    expires = a.background_check_expires_on
    decided = a.status in vetting.DECISIONS
    return [
        Step(_("Application submitted"), a.submitted_at, family),
        Step(
            _("References checked"),
            a.references_checked_at,
            emails.get(a.references_checked_by_id or 0, ""),
            note=_event_note(a, ApplicationStatus.REFERENCES_CHECKED),
        ),
        Step(
            _("Background check cleared"),
            a.background_cleared_at,
            emails.get(a.background_cleared_by_id or 0, ""),
            [_("valid until %(date)s", date=format_date(expires, "medium"))] if expires else [],
        ),
        Step(
            _("Home visit"),
            a.home_visit_recorded_at,
            emails.get(a.home_visit_recorded_by_id or 0, ""),
            [
                _(
                    "visited on %(date)s by %(who)s",
                    date=format_date(a.home_visit_on, "medium"),
                    who=a.home_visit_by,
                )
            ]
            if a.home_visit_on
            else [],
            a.home_visit_notes,
        ),
        Step(
            _("Decision"),
            a.decided_at if decided else None,
            emails.get(a.decided_by_id or 0, ""),
            [label(a.status)] if decided else [],
            a.decision_note if decided else "",
        ),
    ]


def step_emails(application: HostApplication) -> dict[int, str]:
    """Emails of everybody who did a step or an event of this application."""
    a = application
    return accounts.emails_by_id(
        [
            a.references_checked_by_id,
            a.background_cleared_by_id,
            a.home_visit_recorded_by_id,
            a.decided_by_id,
            *(event.by_user_id for event in a.events),
        ]
    )


def history(
    application: HostApplication, emails: dict[int, str], family: str
) -> list[tuple[VettingEvent, str]]:
    """The application's events, oldest first, each with who did it; the family's own
    events (submitted, withdrawn) carry no user id."""
    own = (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
    return [
        (event, emails.get(event.by_user_id or 0) or (family if event.to_status in own else ""))
        for event in application.events
    ]
