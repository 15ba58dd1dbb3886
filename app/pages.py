"""Rendering pages whose visit is itself recorded (views of medical notes, roster views)."""

from __future__ import annotations

from flask import render_template

from app.extensions import db


def render_and_commit(template: str, **context) -> str:
    """Render first, then commit the audit entries the visit wrote: a commit before rendering
    would expire every row already loaded and make the template load them again one by one."""
    html = render_template(template, **context)
    db.session.commit()
    return html
