"""What a report's page shows: the report, its timeline in words, and the forms the person
may use on it (take it, add an action, its status, a follow-up day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import format_date, format_timedelta
from flask_babel import gettext as _
from flask_login import current_user

from app.concerns.forms import ActionNoteForm, FollowUpForm, StatusForm, TakeForm
from app.labels import label
from app.models import ActionKind, ConcernReport, ConcernStatus, Role
from app.models.base import utcnow
from app.services.supervision import care_alerts, compliance, concern_access, concerns
from app.services.supervision.concerns import NEXT


@dataclass(frozen=True)
class Step:
    """One line of the timeline: when, who, what, and its text."""

    at: datetime
    who: str
    what: str
    text: str


def _detail(kind: ActionKind, text: str) -> str:
    if kind is ActionKind.STATUS and text in ConcernStatus._value2member_map_:
        return label(ConcernStatus(text))
    if kind is ActionKind.FOLLOW_UP:
        return format_date(date.fromisoformat(text), "long") if text else _("cleared")
    if kind is ActionKind.TAKEN:
        return _("taken over from %(who)s", who=text) if text else ""
    return text


def _moved_to(report: ConcernReport, text: str) -> str:
    """Where a move took the student, when it is the report's placement."""
    placement = report.placement
    if placement is None or str(placement.id) != text:
        return ""
    family = placement.application.family
    where = family.family_name or family.user.email
    if placement.ends_on is None:
        return where
    until = _("temporary until %(date)s", date=format_date(placement.ends_on, "long"))
    return f"{where}, {until}"


def timeline(report: ConcernReport) -> list[Step]:
    return [
        Step(
            action.at,
            action.by.email if action.by else _("an unknown user"),
            label(action.kind),
            _moved_to(report, action.text)
            if action.kind is ActionKind.MOVE
            else _detail(action.kind, action.text),
        )
        for action in report.actions
    ]


def overdue(report: ConcernReport) -> bool:
    """Whether the report's follow-up day has come (in the host area) and it is not closed."""
    return (
        report.follow_up_on is not None
        and report.status is not ConcernStatus.CLOSED
        and report.follow_up_on <= compliance.local_today(report.cohort)
    )


@dataclass(frozen=True)
class Awaiting:
    """A report waiting for an owner, as the dashboard lists it: `details` is False for a
    safeguarding report the person may not see (only that it waits, its cohort and age)."""

    report: ConcernReport
    details: bool
    may_take: bool

    @property
    def ago(self) -> str:
        """How long ago it was reported: "3 hours ago"."""
        return format_timedelta(self.report.reported_at - utcnow(), add_direction=True)


@dataclass(frozen=True)
class DashboardAlerts:
    awaiting: list[Awaiting]
    follow_ups: int  # open reports at or past their follow-up day
    take_form: TakeForm


def dashboard_alerts() -> DashboardAlerts:
    """What sits at the top of the staff dashboard until somebody acts on it."""
    user = current_user
    return DashboardAlerts(
        awaiting=[
            Awaiting(
                report,
                concern_access.may_see(user, report),
                concern_access.may_take(user, report),
            )
            for report in concerns.awaiting_owner(user)
        ],
        follow_ups=care_alerts.follow_ups_waiting(date.today()),
        take_form=TakeForm(formdata=None),
    )


def show(report: ConcernReport, status: int = 200, **sent):
    """The report's page; `sent` holds a form that was refused, shown with its errors."""
    user = current_user
    manage = concern_access.may_manage(user, report) and report.status is not ConcernStatus.CLOSED
    status_form = sent.pop("status_form", None) or StatusForm(formdata=None)
    status_form.offer(NEXT[report.status])
    forms = {
        "take_form": TakeForm(formdata=None, unowned="" if report.owner_id else "1"),
        "action_form": ActionNoteForm(formdata=None),
        "follow_up_form": FollowUpForm(formdata=None, follow_up_on=report.follow_up_on),
        **sent,
    }
    page = render_template(
        "concerns/show.html",
        report=report,
        steps=timeline(report),
        overdue=overdue(report),
        may_take=concern_access.may_take(user, report),
        may_add_action=concern_access.may_add_action(user, report),
        may_manage=manage,
        # The family that reported it sees what it reported and the status, not how it is
        # handled (who owns it, the timeline's notes, where the student moved).
        handling=user.role is not Role.HOST_FAMILY,
        status_form=status_form,
        **forms,
    )
    return page, status
