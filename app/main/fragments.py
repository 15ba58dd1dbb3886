"""Parts of a page rendered once per kept list of rows (app/kept.py) and language.

A kept list is the same object for as long as nothing it is computed from changes, so the
rows' HTML made from it is reused while the list is: the dashboard's long tables then cost a
dictionary lookup instead of a few milliseconds of template. A part must show nothing but the
rows (no user, no form, no time of day)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

_rendered: dict[tuple[str, str, str], tuple[object, Markup]] = {}


def rendered(template: str, rows: object, **context: object) -> Markup:
    """The template rendered with the rows (and context made from them only)."""
    key = (template, str(get_locale()), request.script_root)
    found = _rendered.get(key)
    if found is not None and found[0] is rows:
        return found[1]
    html = Markup(render_template(template, **context))  # noqa: S704 (an autoescaped template)
    _rendered[key] = (rows, html)
    return html
