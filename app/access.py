"""Who may do what: one table of permissions and one check that runs before every view.

Each view declares its rule with @public or @requires(permission). A view that declares
nothing is refused for everybody, so a forgotten decorator fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import Role

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"

ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.TEACHER: _l("Supervising teacher"),
    Role.HOST_FAMILY: _l("Host family"),
}


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
}


def can(user: Any, permission: Permission) -> bool:
    """Whether this (possibly anonymous) user holds the permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in GRANTS[permission]


def public(view: F) -> F:
    """Mark a view as open to everybody, logged in or not."""
    view._access = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(permission: Permission) -> Callable[[F], F]:
    """Mark a view as needing the permission."""

    def mark(view: F) -> F:
        view._access = permission  # type: ignore[attr-defined]
        return view

    return mark


def rule_for(endpoint: str | None) -> str | Permission | None:
    """The declared rule of an endpoint, or None when it declares none."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_access", None)


def enforce_access() -> Any:
    """before_request: anonymous users go to the login page, wrong roles get 403."""
    if request.url_rule is None:  # 404 and 405 are answered by Flask itself
        return None
    rule = rule_for(request.endpoint)
    if rule == PUBLIC:
        return None
    if rule is None:
        abort(403)
    if not current_user.is_authenticated:
        from app.extensions import login_manager

        return login_manager.unauthorized()
    if not can(current_user, rule):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
    app.jinja_env.globals["role_label"] = lambda role: ROLE_LABELS[Role(role)]
    app.jinja_env.globals["can"] = lambda permission: can(current_user, Permission(permission))
