"""Who may do what, enforced: one check that runs before every view, against the table of
permissions in app.services.identity.permissions.

Each view declares its rule with @public or @requires(permission). A view that declares
nothing is refused for everybody, so a forgotten decorator fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from app.models import Role
from app.services.identity.permissions import GRANTS, Permission, can

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"


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
    app.jinja_env.globals["role_label"] = lambda role: Role(role).label
    app.jinja_env.globals["can"] = lambda permission: can(current_user, Permission(permission))


__all__ = ["GRANTS", "PUBLIC", "Permission", "can", "public", "requires", "rule_for"]
