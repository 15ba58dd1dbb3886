"""The placement email, sent with `flask reminders send` (the hourly run): a host family learns
that a student of a cohort has been placed with it, moved to it, or placed with it for a while
(a temporary placement, with its end). Not when the student is placed: coordinators place and
move students on a board and change their minds within minutes, so only a placement still
active at the run is told, once (a SentReminder claim), and one cancelled before sends nothing.

The email names the cohort, never the student: the family logs in to its page to see who it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import Cohort, CohortStatus, HostApplication, HostFamily, SentReminder
from app.models.placements import Placement, PlacementKind, PlacementStatus
from app.services.mail import notifications, templates
from app.services.mail.shipped_notices import day

KIND, TARGET, KEY = "placement", "placement", "placed"
# A placement is told once it has stood for SETTLE (a coordinator trying families on the
# board changes their mind within minutes), and only while it is recent: the first run after
# an update does not write to every family placed months ago (the dashboard warns when the
# runs stop for a day).
SETTLE = timedelta(minutes=30)
RECENT = timedelta(days=3)
OVER = (CohortStatus.COMPLETED, CohortStatus.ARCHIVED)

Claim = Callable[[str, str, int, str, str], bool]


class Link(Protocol):
    """The address of the family page (as reminders.Link gives it)."""

    def family(self) -> str: ...


def _moved(placement: Placement) -> bool:
    """Whether the student lived with another family that was told of it before."""
    earlier = sa.select(Placement.id).where(
        Placement.enrolment_id == placement.enrolment_id,
        Placement.application_id != placement.application_id,
        Placement.id < placement.id,
    )
    told = sa.select(SentReminder.id).where(
        SentReminder.kind == KIND,
        SentReminder.target_type == TARGET,
        SentReminder.target_id.in_(earlier),
    )
    return db.session.scalar(sa.select(told.exists())) is True


def _email(placement: Placement, moved: bool) -> tuple[str, dict[str, object]]:
    """The template's key and the values of the email about a placement (in the language
    being written in)."""
    values: dict[str, object] = {"cohort": placement.cohort.name}
    if placement.kind is PlacementKind.TEMPORARY and placement.ends_on is not None:
        values["ends"] = day(placement.ends_on)
        return "placement.temporary", values
    return ("placement.moved" if moved else "placement.placed"), values


def send_placements(now: datetime, link: Link, claim: Claim) -> int:
    """Tell each family of the placements with it that are active now and were not told yet
    (placed between 3 days and 30 minutes ago, cohort not over), in its language. `claim` notes the
    email (reminders._claim) and is False when it was sent before."""
    placements = db.session.scalars(
        sa.select(Placement)
        .join(Placement.cohort)
        .join(Placement.application)
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.placed_at > now - RECENT,
            Placement.placed_at <= now - SETTLE,
            Cohort.status.not_in(OVER),
        )
        .options(
            contains_eager(Placement.cohort),
            contains_eager(Placement.application)
            .joinedload(HostApplication.family)
            .joinedload(HostFamily.user),
        )
        .order_by(Placement.id)
    ).all()
    sent = 0
    for placement in placements:
        user = placement.application.family.user
        if not user.active:
            continue
        moved = _moved(placement)  # before the claim: a move looks at earlier claims
        if not claim(KIND, TARGET, placement.id, KEY, user.email):
            continue
        with notifications.in_language(user):
            key, values = _email(placement, moved)
            values["link"] = link.family()
            subject, body = templates.render(key, templates.language(), values)
        notifications.queue(user.email, subject, body)
        sent += 1
    return sent
