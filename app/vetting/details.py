"""What the vetting pages show besides the application itself: each step with who did it and
when, made from rows the services read in a few queries, so that templates run none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _

from app.labels import label
from app.models import ApplicationStatus, HostApplication, VettingEvent
from app.services.hosting import rechecks, vetting
from app.services.hosting.rechecks import Check, Topic
from app.services.identity import accounts


@dataclass(frozen=True)
class Step:
    """One vetting step: done when `at` is set, with who did it and what was recorded; to do
    again when the family changed what it covered since (`again` names what changed)."""

    title: str
    at: datetime | None = None
    by: str = ""
    facts: list[str] = field(default_factory=list)
    note: str = ""
    again: str = ""

    @property
    def done(self) -> bool:
        return self.at is not None and not self.again


def _event_note(application: HostApplication, status: ApplicationStatus) -> str:
    """The note of the application's latest event to this status."""
    notes = [event.note for event in application.events if event.to_status == status]
    return notes[-1] if notes else ""


def steps(application: HostApplication, emails: dict[int, str], family: str) -> list[Step]:
    """The steps of vetting in order, each with who and when when it is done."""
    a = application
    expires = a.background_check_expires_on
    decided = a.status in vetting.DECISIONS
    again = {check: _topics(topics) for check, topics in rechecks.pending(a).items()}
    return [
        Step(_("Application submitted"), a.submitted_at, family),
        Step(
            _("References checked"),
            a.references_checked_at,
            emails.get(a.references_checked_by_id or 0, ""),
            note=_event_note(a, ApplicationStatus.REFERENCES_CHECKED),
            again=again.get(Check.REFERENCES, ""),
        ),
        Step(
            _("Background check cleared"),
            a.background_cleared_at,
            emails.get(a.background_cleared_by_id or 0, ""),
            [_("valid until %(date)s", date=format_date(expires, "medium"))] if expires else [],
            again=again.get(Check.BACKGROUND, ""),
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
            again=again.get(Check.HOME_VISIT, ""),
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
) -> list[tuple[VettingEvent, str, str]]:
    """The application's events, oldest first, each with who did it and, for a change of
    the family's answers after a check, what changed and which checks it reopened; the
    family's own events (submitted, withdrawn) carry no user id."""
    own = (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)
    return [
        (
            event,
            family
            if event.reopened
            else emails.get(event.by_user_id or 0) or (family if event.to_status in own else ""),
            _reopened(event.reopened),
        )
        for event in application.events
    ]


def _topics(topics) -> str:
    return ", ".join(label(topic) for topic in topics)


def _reopened(pairs: str) -> str:
    changes = rechecks.parse(pairs)
    if not changes:
        return ""
    return _(
        "Changed after the check: %(topics)s. To check again: %(checks)s.",
        topics=_topics(t for t in Topic if any(t in f for f in changes.values())),
        checks=", ".join(label(check) for check in changes),
    )


@dataclass(frozen=True)
class ChangedAfterCheck:
    """What the family changed after the checks, for the notice at the top of its page."""

    topics: str  # "address, household members"
    topic_keys: frozenset[str]  # the topics' values, to mark the answers on the page
    checks: list[tuple[str, str]]  # (check, what changed that it covered)
    facts: list[tuple[str, str]]  # (topic, its new answer as the application shows it)
    at: datetime | None  # the latest change
    students_placed: int


def changed_after_check(application: HostApplication, answers: dict) -> ChangedAfterCheck | None:
    """The reopened checks of the application with the new answers, or None."""
    waiting = rechecks.pending(application)
    if not waiting:
        return None
    topics = [t for t in Topic if any(t in found for found in waiting.values())]
    latest = [event.at for event in application.events if event.reopened]
    return ChangedAfterCheck(
        topics=_topics(topics),
        topic_keys=frozenset(topic.value for topic in topics),
        checks=[(label(check), _topics(found)) for check, found in waiting.items()],
        facts=[(label(topic), _answer(topic, answers)) for topic in topics],
        at=max(latest, default=None),
        students_placed=rechecks.students_placed(application),
    )


def changed_topics(application: HostApplication) -> str:
    """For the queue: what the family changed after the checks, or ""."""
    waiting = rechecks.pending(application)
    return _topics(t for t in Topic if any(t in found for found in waiting.values()))


def _yes_no(value: object) -> str:
    return _("yes") if value else _("no")


def _people(members: list[dict]) -> str:
    return "; ".join(
        _("%(name)s (%(age)s, %(relation)s)", name=m["name"], age=m["age"], relation=m["relation"])
        for m in members
    )


def _answer(topic: Topic, v: dict) -> str:
    """A topic's answer as the application page shows it."""
    if topic == Topic.ADDRESS:
        return f"{v['address_line']}, {v['city']}, {v['state']} {v['postal_code']}"
    if topic in (Topic.MEMBERS, Topic.ADULTS):
        adults = topic == Topic.ADULTS
        return _people([m for m in v["members"] if not adults or m["age"] >= rechecks.ADULT_AGE])
    if topic == Topic.PETS:
        return (v["pets"] or _("yes")) if v["has_pets"] else _("no pets")
    if topic == Topic.REFERENCES:
        return "; ".join(f"{r['name']} ({r['relation']}), {r['phone']}" for r in v["references"])
    if topic == Topic.SHARED_ROOM:
        return _("shared with a family member") if v["shared_room"] else _("a room of their own")
    if topic == Topic.SMOKING:
        return _yes_no(v["smoking_in_home"])
    value = v["bedrooms"] if topic == Topic.BEDROOMS else v["beds_offered"]
    return "—" if value is None else str(value)
