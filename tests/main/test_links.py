"""Links are links: no template gives a link role="button" (Space does nothing on a link, so
the role would promise a key that does not work); links that look like buttons use the
"button" class instead."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LINK_AS_BUTTON = re.compile(r"<a\b[^>]*\brole=[\"']?button", re.IGNORECASE)


def test_no_link_claims_to_be_a_button():
    found = [
        f"{path.relative_to(TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for text in [path.read_text(encoding="utf-8")]
        for match in LINK_AS_BUTTON.finditer(text)
    ]
    assert not found, 'links with role="button" (use class="button"): ' + ", ".join(found)
    assert list(TEMPLATES.rglob("*.html")), "the templates were found"
