"""Checks done again. What each vetting check covered is written once here (COVERS). When the
family changes a covered answer after the check was recorded, the check is to be done again:
the application falls back to the last step still standing (an approved family is no longer
approved, so no new student is placed with it), a decision waits until staff record the
check again, and an event and the audit trail say what changed. The first recording stays on
the application and in its vetting events until the check is recorded again."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.extensions import db
from app.models import Cohort, CohortStatus
from app.models.base import LabelledEnum
from app.models.families import (
    ApplicationStatus,
    HostApplication,
    VettingEvent,
    application_cohorts,
)
from app.services.errors import DomainError
from app.services.privacy import audit
from app.services.validation import ValidationFailed

A = ApplicationStatus
ADULT_AGE = 18  # who needs a background check (the form says "adults (18 and over)")


class Check(LabelledEnum):
    REFERENCES = "references", _l("references")
    BACKGROUND = "background", _l("background check")
    HOME_VISIT = "home_visit", _l("home visit")


class Topic(LabelledEnum):
    """Answers as the checks see them."""

    REFERENCES = "references", _l("reference details")
    ADULTS = "adults", _l("adults in the home")
    ADDRESS = "address", _l("address")
    MEMBERS = "members", _l("household members")
    PETS = "pets", _l("pets")
    SMOKING = "smoking", _l("smoking in the home")
    BEDROOMS = "bedrooms", _l("bedrooms")
    BEDS = "beds", _l("beds offered")
    SHARED_ROOM = "shared_room", _l("shared room")


# What each check covered: a change to one of these after the check reopens it. The references
# vouch for the family, not for each person in the home: a new adult is covered by the
# background check and the home visit.
COVERS: dict[Check, tuple[Topic, ...]] = {
    Check.REFERENCES: (Topic.REFERENCES,),
    Check.BACKGROUND: (Topic.ADULTS,),
    Check.HOME_VISIT: (
        Topic.ADDRESS,
        Topic.MEMBERS,
        Topic.PETS,
        Topic.SMOKING,
        Topic.BEDROOMS,
        Topic.BEDS,
        Topic.SHARED_ROOM,
    ),
}
# The status each recorded check reaches, and the column that says when it was recorded.
REACHES: dict[Check, tuple[ApplicationStatus, str]] = {
    Check.REFERENCES: (A.REFERENCES_CHECKED, "references_checked_at"),
    Check.BACKGROUND: (A.BACKGROUND_CLEARED, "background_cleared_at"),
    Check.HOME_VISIT: (A.HOME_VISITED, "home_visit_recorded_at"),
}
DECIDED = (A.APPROVED, A.BACKUP)

Changes = dict[Check, list[Topic]]


def _fold(text: object) -> str:
    """Text as a check reads it: case and spacing do not make it another answer."""
    return " ".join(str(text or "").split()).casefold()


def _digits(text: object) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def _references(values: dict) -> tuple:
    """Who the references are and how to reach them, in any order; empty ones left out."""
    given = (r for r in values.get("references") or [] if any(_fold(v) for v in r.values()))
    return tuple(
        sorted(
            (
                _fold(r.get("name")),
                _fold(r.get("relation")),
                _digits(r.get("phone")),
                _fold(r.get("email")),
            )
            for r in given
        )
    )


def _pets(values: dict) -> tuple[bool, str]:
    return bool(values.get("has_pets")), _fold(values.get("pets")) if values.get("has_pets") else ""


def _names(values: dict, adults_only: bool = False) -> tuple[str, ...]:
    return tuple(
        sorted(
            _fold(m.get("name"))
            for m in values.get("members") or []
            if not adults_only or (m.get("age") or 0) >= ADULT_AGE
        )
    )


# How each topic is read from the answers (in the shape families.as_values gives them).
READ: dict[Topic, Callable[[dict], object]] = {
    Topic.REFERENCES: _references,
    Topic.ADULTS: lambda v: _names(v, adults_only=True),
    Topic.ADDRESS: lambda v: tuple(
        _fold(v.get(f)) for f in ("address_line", "city", "state", "postal_code")
    ),
    Topic.MEMBERS: _names,
    Topic.PETS: _pets,
    Topic.SMOKING: lambda v: bool(v.get("smoking_in_home")),
    Topic.BEDROOMS: lambda v: v.get("bedrooms"),
    Topic.BEDS: lambda v: v.get("beds_offered"),
    Topic.SHARED_ROOM: lambda v: bool(v.get("shared_room")),
}


def changed_topics(before: dict, after: dict) -> list[Topic]:
    """The topics whose answers differ, in the order of Topic."""
    return [topic for topic in Topic if READ[topic](before) != READ[topic](after)]


def parse(text: str) -> Changes:
    """Stored "check:topic" pairs as the checks (in order) with their topics."""
    found: Changes = {}
    for pair in filter(None, (text or "").split(",")):
        check, _, topic = pair.partition(":")
        found.setdefault(Check(check), []).append(Topic(topic))
    return {check: found[check] for check in Check if check in found}


def _text(changes: Changes) -> str:
    return ",".join(f"{c.value}:{t.value}" for c in Check for t in changes.get(c, ()))


def pending(application: HostApplication) -> Changes:
    """The recorded checks to be done again, each with the topics changed since."""
    return parse(application.to_check_again)


def recorded(application: HostApplication, check: Check) -> bool:
    return getattr(application, REACHES[check][1]) is not None


def covered(application: HostApplication) -> list[tuple[Check, tuple[Topic, ...]]]:
    """The recorded checks with what they covered: what the family is told before it saves."""
    return [(check, COVERS[check]) for check in Check if recorded(application, check)]


def standing(application: HostApplication) -> ApplicationStatus:
    """The furthest step of vetting reached with every check before it recorded and none of
    them to be done again."""
    status, waiting = A.SUBMITTED, pending(application)
    for check in Check:
        if not recorded(application, check) or check in waiting:
            break
        status = REACHES[check][0]
    return status


def reopen(application: HostApplication, before: dict, after: dict, by_id: int | None) -> Changes:
    """After the family saved its answers (before and after, as families.as_values gives
    them): every recorded check whose topics changed is to be done again. Returns the checks
    reopened by this save with the topics that reopened them; nothing when none was."""
    changed = set(changed_topics(before, after))
    now = {
        check: [topic for topic in COVERS[check] if topic in changed]
        for check in Check
        if recorded(application, check)
    }
    now = {check: topics for check, topics in now.items() if topics}
    if not now:
        return {}
    waiting = pending(application)
    for check, topics in now.items():
        waiting[check] = [t for t in Topic if t in topics or t in waiting.get(check, ())]
    application.to_check_again = _text(waiting)
    if application.status in DECIDED:  # the decision no longer stands; its event keeps it
        application.decided_at = None
        application.decided_by_id = None
        application.decision_note = ""
    application.status = standing(application)
    db.session.add(
        VettingEvent(
            application=application,
            to_status=application.status,
            by_user_id=by_id,
            reopened=_text(now),
        )
    )
    audit.record(
        "application.reopened",
        "application",
        application.id,
        {
            "checks": [check.value for check in now],
            "changed": sorted({topic.value for topics in now.values() for topic in topics}),
        },
        user_id=by_id,
    )
    db.session.flush()
    return now


def recorded_again(application: HostApplication, check: Check) -> None:
    """Staff recorded the check (again): it is no longer waiting."""
    waiting = pending(application)
    waiting.pop(check, None)
    application.to_check_again = _text(waiting)


def refuse_decision(application: HostApplication) -> None:
    """Approval and the backup list wait until every reopened check is recorded again."""
    waiting = pending(application)
    if waiting:
        topics = [t for t in Topic if any(t in found for found in waiting.values())]
        raise DomainError(
            str(
                _l(
                    "Approval waits: the family changed answers after the checks (%(topics)s). "
                    "Record these checks again first: %(checks)s.",
                    topics=", ".join(str(t.label) for t in topics),
                    checks=", ".join(str(c.label) for c in waiting),
                )
            )
        )


def lock(application: HostApplication) -> None:
    """Take the application's row lock (PostgreSQL; SQLite has one writer at a time) and read
    it afresh, so that a family's change and a coordinator's step never cross unseen."""
    db.session.execute(
        sa.select(HostApplication.id).where(HostApplication.id == application.id).with_for_update()
    )
    db.session.expire(application)


def _beds_taken(application: HostApplication, current: bool = False) -> dict[int, int]:
    """cohort id → beds of this family its students take (the placements keep the count);
    current: only in cohorts not yet over."""
    query = sa.select(application_cohorts.c.cohort_id, application_cohorts.c.beds_taken).where(
        application_cohorts.c.application_id == application.id,
        application_cohorts.c.beds_taken > 0,
    )
    if current:
        query = query.join(Cohort, Cohort.id == application_cohorts.c.cohort_id).where(
            Cohort.status.not_in((CohortStatus.COMPLETED, CohortStatus.ARCHIVED))
        )
    return dict(db.session.execute(query).all())


def students_placed(application: HostApplication) -> int:
    """How many students live with the family now (through this application)."""
    return sum(_beds_taken(application, current=True).values())


def keep_placed(application: HostApplication, values: dict) -> None:
    """While students live with the family, it keeps their groups and a bed for each."""
    taken = _beds_taken(application)
    if not taken:
        return
    problems = []
    if "cohort_ids" in values and set(taken) - set(values["cohort_ids"] or []):
        problems.append(
            (
                "cohort_ids",
                str(
                    _l(
                        "A student is placed with you for a group you unticked: that group "
                        "stays. Please talk to the coordinator."
                    )
                ),
            )
        )
    most = max(taken.values())
    beds = values.get("beds_offered")
    if beds is not None and beds < most:
        problems.append(
            (
                "beds_offered",
                ngettext(
                    "%(num)d student is placed with you: offer at least %(num)d bed.",
                    "%(num)d students are placed with you: offer at least %(num)d beds.",
                    most,
                ),
            )
        )
    if problems:
        raise ValidationFailed(problems)
