"""Writing the audit trail. Services call record(); the entry joins the caller's transaction,
so an action that is rolled back leaves no entry, and a view that only reads commits it."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEntry


def _actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _address() -> str:
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def record(
    action: str,
    record_type: str = "",
    record_id: int | None = None,
    details: dict | None = None,
    user_id: int | None = None,
) -> AuditEntry:
    """Add one entry: the person (the logged-in user unless given), the action, the record.
    details holds names (columns, fields, formats), never personal values."""
    entry = AuditEntry(
        user_id=user_id if user_id is not None else _actor_id(),
        action=action,
        record_type=record_type,
        record_id=record_id,
        details=details or {},
        ip_address=_address(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry
