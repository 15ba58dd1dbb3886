"""Who may do what: one table of permissions by role. The web checks it before every view
(app.access); services ask `can` where a rule depends on who acts (a teacher sees only the
cohorts they supervise)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from app.models import Role


class Permission(StrEnum):
    ACCOUNT = "account"  # own account: change password, language
    STAFF_DASHBOARD = "staff_dashboard"
    EDIT_HISTORY = "edit_history"
    MANAGE_USERS = "manage_users"
    MANAGE_ENROLMENT = "manage_enrolment"  # cohorts, students, enrolments, documents, import
    VIEW_MEDICAL = "view_medical"  # students' medical notes (special-category data)
    FAMILY_PORTAL = "family_portal"  # a host family's own application and student
    VET_FAMILIES = "vet_families"  # every family's application and its vetting
    MANAGE_TEACHERS = "manage_teachers"  # teachers, their cohorts and whom they supervise
    TEACHER_PORTAL = "teacher_portal"  # a teacher's own cohorts: roster and emergency data
    PLACE_STUDENTS = "place_students"  # the placement board and matching proposals
    PRINT_ROSTERS = "print_rosters"  # rosters and emergency cards (teachers: their own cohorts)
    READ_AUDIT = "read_audit"  # the audit trail: who saw or changed what
    MANAGE_PRIVACY = "manage_privacy"  # retention settings, people's data exports and erasure
    CARE = "care"  # contacts during the stay, the contact rule's view, concern reports' pages
    REPORT_CONCERNS = "report_concerns"  # report a concern (a family: about its own student)
    MANAGE_CONCERNS = "manage_concerns"  # take reports, their status, follow-ups, moves, closing
    CARE_SETTINGS = "care_settings"  # a programme's contact rule and alerts before departure
    GUARDIAN_PAGE = "guardian_page"  # a guardian's or adult student's own student(s) only
    INVITE_GUARDIANS = "invite_guardians"  # invite a student's guardians to their page
    FOLLOW_JOBS = "follow_jobs"  # the progress and file of one's own background jobs


GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.ACCOUNT: frozenset(Role),
    Permission.STAFF_DASHBOARD: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.EDIT_HISTORY: frozenset({Role.ADMIN}),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
    Permission.MANAGE_ENROLMENT: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.VIEW_MEDICAL: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.FAMILY_PORTAL: frozenset({Role.HOST_FAMILY}),
    Permission.VET_FAMILIES: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.MANAGE_TEACHERS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.TEACHER_PORTAL: frozenset({Role.TEACHER}),
    Permission.PLACE_STUDENTS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.PRINT_ROSTERS: frozenset({Role.ADMIN, Role.COORDINATOR, Role.TEACHER}),
    Permission.READ_AUDIT: frozenset({Role.ADMIN}),
    Permission.MANAGE_PRIVACY: frozenset({Role.ADMIN}),
    Permission.CARE: frozenset({Role.ADMIN, Role.COORDINATOR, Role.TEACHER}),
    Permission.REPORT_CONCERNS: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.TEACHER, Role.HOST_FAMILY}
    ),
    Permission.MANAGE_CONCERNS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.CARE_SETTINGS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.GUARDIAN_PAGE: frozenset({Role.GUARDIAN}),
    Permission.INVITE_GUARDIANS: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.FOLLOW_JOBS: frozenset({Role.ADMIN, Role.COORDINATOR, Role.TEACHER}),
}


def can(user: Any, permission: Permission) -> bool:
    """Whether this (possibly anonymous) user holds the permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in GRANTS[permission]
