"""The demo's families did not all apply this morning: their applications are dated back over
the past weeks, the steps of vetting a few days apart, so that the queue and each family's
history read like a season's work. Only dates move; every step was taken by the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.extensions import db
from app.models import ApplicationStatus, HostApplication
from app.models.base import utcnow

A = ApplicationStatus
# Where each step's date is kept besides its event.
STAMPS = {
    A.SUBMITTED: "submitted_at",
    A.REFERENCES_CHECKED: "references_checked_at",
    A.BACKGROUND_CLEARED: "background_cleared_at",
    A.HOME_VISITED: "home_visit_recorded_at",
    A.APPROVED: "decided_at",
    A.DECLINED: "decided_at",
}


def spread(applications: list[HostApplication], now: datetime | None = None) -> None:
    """The first application began some nine weeks ago, each later one four days after; its
    steps follow six days apart, in the order they were taken."""
    now = now or utcnow()
    for number, application in enumerate(applications):
        began = now - timedelta(days=62 - 4 * number, hours=3 * number)
        application.created_at = application.family.created_at = began - timedelta(days=2)
        application.updated_at = began
        for step, event in enumerate(sorted(application.events, key=lambda e: e.id)):
            event.at = min(began + timedelta(days=6 * step, hours=step), now)
            if event.to_status in STAMPS:
                setattr(application, STAMPS[event.to_status], event.at)
            if event.to_status == A.HOME_VISITED:
                application.home_visit_on = event.at.date()
            application.updated_at = event.at
    db.session.flush()
