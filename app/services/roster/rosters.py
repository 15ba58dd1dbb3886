"""Cohort rosters: who may print which cohort, the columns a roster can carry, presets that keep
a printout to what its purpose needs, grouping and sorting. One Sheet feeds the print view,
the PDF, CSV and XLSX, so that they never differ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import HOLDS_PLACE, Cohort, Enrolment, Role, User
from app.models.base import utcnow
from app.printing.sheet import Group, Sheet
from app.services.identity.permissions import Permission, can
from app.services.privacy import audit
from app.services.roster import gaps
from app.services.roster.roster_columns import (  # noqa: F401 (re-exported: the roster API)
    COLUMNS,
    CONSENT_NOTE,
    GROUP_LABELS,
    PRESET_LABELS,
    PRESETS,
    SORT_LABELS,
    Column,
    Row,
    address_lines,
    cells,
    family_label,
    family_phones,
)
from app.services.supervision import student_cards, teacher_roster, teachers
from app.services.supervision.teacher_roster import Colleague
from app.services.validation import ValidationFailed, record_id

PAPERS = ("a4", "letter")
GROUPS = ("none", "family", "teacher")
SORTS = ("name", "town")


@dataclass(frozen=True)
class Options:
    columns: tuple[str, ...]
    group: str = "none"
    sort: str = "name"
    paper: str = "a4"
    teacher_id: int | None = None  # only this teacher's students

    def query(self) -> dict:
        """The options as URL parameters, to link the print view and the downloads."""
        args: dict = {"columns": list(self.columns), "group": self.group, "sort": self.sort}
        args["paper"] = self.paper
        if self.teacher_id is not None:
            args["teacher"] = self.teacher_id
        return args

    def audit_details(self, fmt: str) -> dict:
        details = {"format": fmt, "columns": list(self.columns), "group": self.group}
        if self.teacher_id is not None:
            details["teacher_id"] = self.teacher_id
        return details


UNKNOWN = {
    "preset": _l("Unknown preset: %(value)s."),
    "group": _l("Unknown grouping: %(value)s."),
    "sort": _l("Unknown order: %(value)s."),
    "paper": _l("Unknown paper size: %(value)s."),
}


def _choice(args: MultiDict, name: str, allowed_values: tuple[str, ...], default: str, problems):
    value = args.get(name) or default
    if value not in allowed_values:
        problems.append((name, str(UNKNOWN[name]) % {"value": value[:40]}))
        return default
    return value


def parse_options(args: MultiDict, default_paper: str = "a4") -> Options:
    """Read roster options from request arguments; anything unknown is refused by name."""
    problems: list[tuple[str, str]] = []
    preset = _choice(args, "preset", tuple(PRESETS), "full", problems)
    # The chooser form says chosen=1: then no ticked column is a mistake, not "the preset".
    chosen = args.get("chosen") == "1"
    wanted = args.getlist("columns") or ([] if chosen else list(PRESETS[preset]))
    unknown = [c for c in wanted if c not in COLUMNS]
    for key in unknown:
        problems.append(("columns", _("Unknown column: %(name)s.", name=key[:40])))
    columns = tuple(key for key in COLUMNS if key in wanted)
    if not columns and not unknown:
        problems.append(("columns", _("Choose at least one column.")))
    group = _choice(args, "group", GROUPS, "none", problems)
    sort = _choice(args, "sort", SORTS, "name", problems)
    paper = _choice(args, "paper", PAPERS, default_paper, problems)
    teacher_id = None
    if args.get("teacher"):
        try:
            teacher_id = record_id(args.get("teacher", ""))
        except ValueError:
            problems.append(("teacher", _("Unknown teacher.")))
    if problems:
        raise ValidationFailed(problems)
    return Options(columns, group, sort, paper, teacher_id)


def paper_for(language_tags: list[str]) -> str:
    """US Letter for readers in North America, A4 for everybody else."""
    for tag in language_tags:
        region = tag.replace("_", "-").split("-")[1:2]
        if region:
            return "letter" if region[0].upper() in {"US", "CA", "MX"} else "a4"
    return "a4"


def cohort_for(user: User, cohort_id: int) -> Cohort | None:
    """The cohort if the person may print its roster: staff any cohort, a teacher the cohorts
    they are assigned to while those last, nobody else."""
    if can(user, Permission.STAFF_DASHBOARD):
        return db.session.get(Cohort, cohort_id)
    if user.role == Role.TEACHER:
        teacher = teachers.teacher_for_user(user)
        found = teacher and teacher_roster.assigned_cohort(teacher, cohort_id)
        return found[0] if found else None
    return None


class TooLarge(ValidationFailed):
    """A print or PDF over the configured size; CSV and XLSX still work."""


def check_printable(count: int, counts: str) -> None:
    """Refuse a print view or PDF over the configured size; counts: "students" or "families"."""
    limit = current_app.config["ROSTER_PRINT_LIMIT"]
    if count <= limit:
        return
    if counts == "families":
        message = _(
            "This list has %(count)d families; print and PDF take at most %(limit)d. "
            "Download CSV or XLSX instead.",
            count=count,
            limit=limit,
        )
    else:
        message = _(
            "This list has %(count)d students; print and PDF take at most %(limit)d. "
            "Choose one teacher's students, or download CSV or XLSX.",
            count=count,
            limit=limit,
        )
    raise TooLarge([("cohort", message)])


def _group_key(row: Row, group: str) -> tuple:
    if group == "family":
        return (row.home is None, row.entry.family_name.casefold(), row.home.id if row.home else 0)
    if group == "teacher":
        return (row.teacher is None, row.teacher.name.casefold() if row.teacher else "")
    return ()


def _heading(row: Row, options: Options) -> Group:
    chosen = set(options.columns)
    if options.group == "family":
        if row.home is None:
            return Group(_("Not placed yet"), [])
        details = (address_lines(row) if "address" in chosen else []) + (
            family_phones(row) if "family_phone" in chosen else []
        )
        return Group(family_label(row)[0], details)
    if options.group == "teacher":
        if row.teacher is None:
            return Group(_("No supervising teacher yet"), [])
        return Group(row.teacher.name, [row.teacher.phone] if "teacher" in chosen else [])
    return Group("", [])


def cohort_teachers(cohort: Cohort, wanted: int | None = None) -> dict[int, Colleague]:
    """The cohort's teachers by id; refuses a wanted teacher who is not one of them."""
    teachers = {t.id: t for t in teacher_roster.colleagues(cohort)}
    if wanted is not None and wanted not in teachers:
        raise ValidationFailed([("teacher", _("This teacher does not supervise this cohort."))])
    return teachers


def student_count(cohort: Cohort, options: Options) -> int:
    """How many students the roster (and the cards) of these options lists, counted without
    loading them: whether its PDF is made in the request or by a job. Refuses a teacher who
    does not supervise the cohort, and more students than a PDF may take."""
    cohort_teachers(cohort, options.teacher_id)
    query = sa.select(sa.func.count(Enrolment.id)).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE)
    )
    if options.teacher_id is not None:
        query = query.where(Enrolment.supervising_teacher_id == options.teacher_id)
    count = db.session.scalar(query) or 0
    check_printable(count, "students")
    return count


def build(cohort: Cohort, options: Options, today: date | None = None) -> Sheet:
    """The cohort's current roster: students holding a place (withdrawn ones are out) with
    their active placement (cancelled ones are out). A student whose guardians withdrew their
    consent stays on it for their safety, with what the consent rule shows (roster_columns)."""
    return _sheet(cohort, options, _rows(cohort, options, today))


def checked(cohort: Cohort, options: Options) -> tuple[Sheet, list[gaps.Gap]]:
    """The roster and the safety data missing from it (gaps), from the same rows: the
    settings every card needs, then each student's gaps, then teachers without a phone."""
    rows = _rows(cohort, options)
    found = gaps.settings()
    for row in rows:
        found.extend(gaps.of_student(row.entry, row.teacher, contacts=True))
    teachers = {row.teacher.id: row.teacher for row in rows if row.teacher is not None}
    found.extend(gaps.of_teachers(teachers.values()))
    return _sheet(cohort, options, rows), found


def _rows(cohort: Cohort, options: Options, today: date | None = None) -> list[Row]:
    teachers = cohort_teachers(cohort, options.teacher_id)
    today = today or utcnow().date()
    rows = [
        Row(
            entry,
            teachers.get(entry.supervising_teacher_id),
            today,
            entry.consent_withdrawn,
        )
        for entry in student_cards.cards_of([cohort.id])[cohort.id]
    ]
    if options.teacher_id is not None:
        rows = [r for r in rows if r.teacher is not None and r.teacher.id == options.teacher_id]
    rows.sort(key=lambda r: (r.student.last_name.casefold(), r.student.first_name.casefold()))
    if options.sort == "town":  # stable sorts: by town, then by name inside a town
        rows.sort(key=lambda r: (r.home is None, r.home.city.casefold() if r.home else ""))
    if options.group != "none":
        rows.sort(key=lambda r: _group_key(r, options.group))  # stable: keeps the order inside
    return rows


def _sheet(cohort: Cohort, options: Options, rows: list[Row]) -> Sheet:
    columns = [COLUMNS[key] for key in options.columns]
    groups: list[Group] = []
    last_key = None
    for row in rows:
        key = _group_key(row, options.group)
        if not groups or key != last_key:
            groups.append(_heading(row, options))
            last_key = key
        if row.consent_withdrawn:
            groups[-1].marked.add(len(groups[-1].rows))
        groups[-1].rows.append(cells(columns, row))
    grouped_by = GROUP_COLUMNS.get(options.group)
    return Sheet(
        title=_("Roster"),
        cohort=cohort,
        columns=[(c.key, c.label) for c in columns],
        groups=groups,
        produced_at=utcnow(),
        paper=options.paper,
        kinds={c.key: c.kind for c in columns if c.kind != "text"},
        grouped_by=(grouped_by, COLUMNS[grouped_by].label) if grouped_by else None,
        in_headings=IN_HEADINGS.get(options.group, ()),
    )


# A grouped roster's group column in a spreadsheet, and the columns its printed group
# headings show (_heading), which the printout then leaves out of the rows.
GROUP_COLUMNS = {"family": "family", "teacher": "teacher"}
IN_HEADINGS = {"family": ("family", "address", "family_phone"), "teacher": ("teacher",)}


def record_use(cohort: Cohort, action: str, details: dict) -> None:
    """Every roster shown, printed or downloaded goes into the audit trail."""
    audit.record(action, "cohort", cohort.id, details)
