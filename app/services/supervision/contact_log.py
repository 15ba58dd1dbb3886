"""The cohort's contact log as a sheet for the print engine (print view, PDF, CSV, XLSX):
the programme's yearly report. Without the notes unless they are asked for."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Cohort
from app.models.base import utcnow
from app.printing.sheet import DATE, Group, Sheet
from app.services.supervision import contacts

COLUMNS = [
    ("date", _l("Date")),
    ("with_whom", _l("With")),
    ("student", _l("Student")),
    ("family", _l("Host family")),
    ("mode", _l("How")),
    ("participants", _l("Who took part")),
    ("wellbeing", _l("Wellbeing")),
    ("recorded_by", _l("Recorded by")),
]
NOTES = ("notes", _l("Notes"))


def log_sheet(
    cohort: Cohort,
    paper: str = "a4",
    notes: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> Sheet:
    """The contacts of the cohort, oldest first, one row each."""
    group = Group("", [])
    for line in contacts.log(cohort, since, until):
        contact = line.contact
        row = [
            [contact.contacted_on.isoformat()],
            [str(contact.with_whom.label)],
            [line.student],
            [_("The %(name)s family", name=line.family) if line.family else ""],
            [str(contact.mode.label)],
            [contact.participants],
            [str(contact.wellbeing.label) if contact.wellbeing else ""],
            [line.recorded_by],
        ]
        if notes:
            row.append([contact.notes])
        group.rows.append(row)
    return Sheet(
        title=_("Contact log"),
        cohort=cohort,
        columns=[*COLUMNS, NOTES] if notes else list(COLUMNS),
        groups=[group],
        produced_at=utcnow(),
        paper=paper,
        counts="contacts",
        kinds={"date": DATE},
    )
