"""Where an application stands, as the steps a family sees on its portal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.labels import label
from app.models.families import ApplicationStatus, HostApplication
from app.services.hosting.families import FINISHED

A = ApplicationStatus


@dataclass(frozen=True)
class Step:
    name: str
    state: str  # done, current, upcoming, or skipped (never reached: decided or withdrawn)
    when: date | datetime | None = None
    detail: str = ""  # what happens in this step, or the decision taken


def steps(application: HostApplication) -> list[Step]:
    """Draft → submitted → references → background check → home visit → decision."""
    reached = [
        (_l("Application started"), application.created_at, ""),
        (_l("Submitted"), application.submitted_at, _l("when all your answers are complete")),
        (
            _l("References checked"),
            application.references_checked_at,
            _l("we contact your two references"),
        ),
        (
            _l("Background check"),
            application.background_cleared_at,
            _l("the local coordinator arranges it with you"),
        ),
        (
            _l("Home visit"),
            application.home_visit_on or application.home_visit_recorded_at,
            _l("a coordinator visits you at home"),
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
