"""How a page shows a failed submit (the pattern of templates/_macros/forms.html), read from
its HTML: the error under a field's label, the summary's links, the title."""

from __future__ import annotations

import html
import re

SUMMARY_RE = re.compile(r'<div class="error-summary"[^>]*>(.*?)</div>\s*</div>', re.DOTALL)
LINK_RE = re.compile(r'<a href="#([^"]+)">(.*?)</a>', re.DOTALL)
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def field_error(page: str, field: str) -> str:
    """The error shown with a form field, or '' when there is none."""
    match = re.search(
        rf'<p id="{re.escape(field)}-error" class="field-error">'
        r'<span class="visually-hidden">[^<]*</span>(.*?)</p>',
        page,
        re.DOTALL,
    )
    return html.unescape(match.group(1)).strip() if match else ""


def summary_links(page: str) -> dict[str, str]:
    """The error summary's links: the id each moves to, and its text ({} without a summary)."""
    match = SUMMARY_RE.search(page)
    if not match:
        return {}
    return {
        target: html.unescape(re.sub(r"\s+", " ", text)).strip()
        for target, text in LINK_RE.findall(match.group(1))
    }


def title(page: str) -> str:
    match = TITLE_RE.search(page)
    return html.unescape(match.group(1)).strip() if match else ""
