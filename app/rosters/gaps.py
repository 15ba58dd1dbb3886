"""The safety data a printout lacks (app/services/roster/gaps.py) as the roster, print and
cards pages show it: each gap's text and, where the person may open it, a link to the page
that fixes it."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import Permission, can
from app.services.roster.gaps import Gap, GapKind

# Where each kind of gap is fixed: the page, from the gap's record, and who may open it.
FIXES = {
    GapKind.UNPLACED: ("placements.board", "cohort_id", Permission.PLACE_STUDENTS),
    GapKind.FAMILY_PHONE: ("vetting.show", "application_id", Permission.VET_FAMILIES),
    GapKind.NO_TEACHER: ("teachers.cohort", "cohort_id", Permission.MANAGE_TEACHERS),
    GapKind.TEACHER_PHONE: ("teachers.edit", "teacher_id", Permission.MANAGE_TEACHERS),
    GapKind.EMERGENCY: ("students.edit", "student_id", Permission.MANAGE_ENROLMENT),
}
FIX_LABELS = {
    GapKind.UNPLACED: _l("Place students"),
    GapKind.FAMILY_PHONE: _l("Open the family's application"),
    GapKind.NO_TEACHER: _l("Assign teachers"),
    GapKind.TEACHER_PHONE: _l("Edit the teacher's details"),
    GapKind.EMERGENCY: _l("Edit the student's details"),
}


def fixes(found: list[Gap]) -> list[dict]:
    """Each gap's text, and a link to fix it where the person may open that page."""
    shown = []
    for gap in found:
        item = {"text": gap.text, "url": None, "label": None}
        fix = FIXES.get(gap.kind)
        if fix is not None and can(current_user, fix[2]):
            endpoint, argument, _permission = fix
            item["url"] = url_for(endpoint, **{argument: gap.record_id})
            item["label"] = str(FIX_LABELS[gap.kind])
        shown.append(item)
    return shown
