"""What an editable email is made of (the registry is shipped.py and shipped_notices.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    """A value the email fills in: its name, what it is, a sample for the preview; a required
    one must stay in the body."""

    name: str
    description: object
    sample: object
    required: bool = False


@dataclass(frozen=True)
class Template:
    key: str
    purpose: object
    subject: object  # lazy gettext strings, without values
    body: object  # or a tuple of paragraphs, a plain str being template text ("{link}")
    placeholders: tuple[Placeholder, ...] = ()

    def placeholder(self, name: str) -> Placeholder | None:
        return next((p for p in self.placeholders if p.name == name), None)
