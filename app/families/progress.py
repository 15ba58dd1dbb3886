"""Where an application stands, as the steps a family sees on its portal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.labels import label
from app.models.families import ApplicationStatus, HostApplication
from app.services.hosting.families import FINISHED
from app.services.hosting.rechecks import REACHES, Check, pending

A = ApplicationStatus


@dataclass(frozen=True)
class Step:
    name: str
    state: str  # done, current, upcoming, or skipped (never reached: decided or withdrawn)
    when: date | datetime | None = None
    detail: str = ""  # what happens in this step, or the decision taken


def steps(application: HostApplication) -> list[Step]:
    """Draft → submitted → references → background check → home visit → decision; a check
    the family's changes reopened is not done until it is recorded again."""
    reached = [
        (_l("Application started"), application.created_at, ""),
        (_l("Submitted"), application.submitted_at, _l("when all your answers are complete")),
        _check(
            application,
            Check.REFERENCES,
            _l("References checked"),
            _l("we contact your two references"),
        ),
        _check(
            application,
            Check.BACKGROUND,
            _l("Background check"),
            _l("the local coordinator arranges it with you"),
        ),
        _check(
            application,
            Check.HOME_VISIT,
            _l("Home visit"),
            _l("a coordinator visits you at home"),
            application.home_visit_on,
        ),
        (_l("Decision"), application.decided_at, _l("we tell you by email")),
    ]
    finished = application.status in FINISHED
    result: list[Step] = []
    current_found = False
    for name, when, hint in reached:
        if when is not None:
            state = "done"
        elif finished:
            state = "skipped"
        elif not current_found:
            state, current_found = "current", True
        else:
            state = "upcoming"
        detail = str(hint) if state in ("current", "upcoming") else ""
        result.append(Step(str(name), state, when, detail))
    if application.decided_at is not None:
        result[-1] = replace(result[-1], detail=label(application.status))
    if application.status == A.WITHDRAWN:
        withdrawn = [e.at for e in application.events if e.to_status == A.WITHDRAWN]
        result.append(Step(str(_l("Withdrawn")), "done", max(withdrawn, default=None)))
    return result


def _check(
    application: HostApplication, check: Check, name: object, hint: object, on: date | None = None
) -> tuple[object, date | datetime | None, object]:
    """A vetting check as (name, when done, what happens), or as to be done again."""
    changed = pending(application).get(check)
    if changed:
        topics = ", ".join(label(topic) for topic in changed)
        return name, None, _l("to be done again: you changed %(topics)s", topics=topics)
    return name, on or getattr(application, REACHES[check][1]), hint
