"""Editable email templates: every automatic email (the registry in shipped.py) in English and
German, as shipped or as an admin reworded it.

    with notifications.in_language(family):
        subject, body = templates.render("family.approved", templates.language(), values)
    notifications.queue(family.email, subject, body)

Placeholders are `{name}`; the text is parsed with string.Formatter and filled in by hand,
never with str.format, so `{a.b}` or `{a[0]}` cannot reach into the values."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import EmailTemplate
from app.services.errors import DomainError
from app.services.mail.shipped import BY_KEY, TEMPLATES, Placeholder, Template
from app.services.privacy import audit
from app.services.validation import ValidationFailed

__all__ = ["TEMPLATES", "Placeholder", "Template"]

LANGUAGES = ("en", "de")
SUBJECT_LENGTH = 300
BODY_LENGTH = 10_000
_PERCENT = re.compile(r"%\((\w+)\)[sd]")


def template(key: str) -> Template:
    try:
        return BY_KEY[key]
    except KeyError:
        raise DomainError(_("There is no such email.")) from None


def language() -> str:
    """The language of the text being written now (inside notifications.in_language)."""
    return str(get_locale() or "en")[:2]


def _braced(text: str) -> str:
    """A gettext string with `%(name)s` as the template text with `{name}`."""
    text = text.replace("{", "{{").replace("}", "}}").replace("%%", "\0")
    return _PERCENT.sub(r"{\1}", text).replace("\0", "%")


def _shipped_text(text_: object) -> str:
    """A lazy gettext string translated now; a body of several parts as paragraphs, a plain
    str part (such as "{link}") being template text already."""
    if isinstance(text_, tuple):
        return "\n\n".join(_shipped_text(part) for part in text_)
    return text_ if isinstance(text_, str) else _braced(str(text_))


def shipped(key: str, language_code: str) -> tuple[str, str]:
    """The subject and body as shipped (the catalogue's text) in a language."""
    found = template(key)
    if language() == language_code:  # keep the variant (US English) being written in
        return _shipped_text(found.subject), _shipped_text(found.body)
    with force_locale(language_code):
        return _shipped_text(found.subject), _shipped_text(found.body)


def override(key: str, language_code: str) -> EmailTemplate | None:
    query = sa.select(EmailTemplate).where(
        EmailTemplate.key == key, EmailTemplate.language == language_code
    )
    return db.session.scalar(query)


def text(key: str, language_code: str) -> tuple[str, str, bool]:
    """The subject and body sent now, and whether an admin changed them."""
    row = override(key, language_code)
    if row is not None:
        return row.subject, row.body, True
    return (*shipped(key, language_code), False)


def edited_keys() -> set[tuple[str, str]]:
    """(key, language) of every template an admin changed."""
    return set(db.session.execute(sa.select(EmailTemplate.key, EmailTemplate.language)).all())


def _parse(text_: str) -> list[tuple[str, str | None]]:
    """The text as (literal, placeholder name or None) pairs; refuses anything but `{name}`."""
    try:
        parts = list(string.Formatter().parse(text_))
    except ValueError:
        raise DomainError(
            _("A brace is not closed: write placeholders as {name} and a brace alone as {{ or }}.")
        ) from None
    result = []
    for literal, name, spec, conversion in parts:
        if name is not None and (not name.isidentifier() or spec or conversion):
            raise DomainError(
                _("“{%(name)s}” is not a placeholder: write placeholders as {name}.", name=name)
            )
        result.append((literal, name))
    return result


def names_in(text_: str) -> list[str]:
    return [name for _literal, name in _parse(text_) if name is not None]


def problems(key: str, subject: str, body: str) -> list[tuple[str, str]]:
    """What is wrong with a subject and body for the email `key`: (field, message) pairs,
    field being "subject" or "body"."""
    found = template(key)
    result = []
    for field, value, limit in (("subject", subject, SUBJECT_LENGTH), ("body", body, BODY_LENGTH)):
        if not value.strip():
            result.append((field, _("Enter the text.")))
            continue
        if len(value) > limit:
            result.append((field, _("Write at most %(count)d characters.", count=limit)))
            continue
        if field == "subject" and "\n" in value.strip():
            result.append((field, _("Write the subject on one line.")))
            continue
        try:
            names = names_in(value)
        except DomainError as error:
            result.append((field, error.message))
            continue
        unknown = sorted({n for n in names if found.placeholder(n) is None})
        if unknown:
            message = _(
                "This email has no placeholder %(names)s. Use one of those listed.",
                names=", ".join("{" + n + "}" for n in unknown),
            )
            result.append((field, message))
        elif field == "body":
            missing = [p.name for p in found.placeholders if p.required and p.name not in names]
            if missing:
                message = _(
                    "The body needs %(names)s.",
                    names=", ".join("{" + n + "}" for n in missing),
                )
                result.append((field, message))
    return result


def fill(text_: str, values: Mapping[str, object]) -> str:
    """The text with each `{name}` replaced by its value (an unknown one by nothing)."""
    return "".join(
        literal + ("" if name is None else str(values.get(name, "")))
        for literal, name in _parse(text_)
    )


def render(key: str, language_code: str, values: Mapping[str, object]) -> tuple[str, str]:
    """The email's subject and body in a language ("en" or "de"), with the values filled in:
    an admin's wording if any, else the shipped text."""
    subject, body, _edited = text(key, language_code)
    try:
        subject, body = fill(subject, values), fill(body, values)
    except DomainError:  # a stored text changed outside the editor: the email still goes out
        subject, body = (fill(part, values) for part in shipped(key, language_code))
    subject = " ".join(subject.split())
    return subject[:1].upper() + subject[1:], body


def sample(key: str, language_code: str, subject: str, body: str) -> tuple[str, str]:
    """A subject and body filled in with the sample values (the preview), in a language."""
    found = template(key)
    with force_locale(language_code):
        values = {p.name: str(p.sample) for p in found.placeholders}
    subject = " ".join(fill(subject, values).split())
    return subject[:1].upper() + subject[1:], fill(body, values)


def save(key: str, texts: Mapping[str, tuple[str, str]], by_id: int | None) -> None:
    """Store an admin's subject and body per language ({"en": (subject, body), …}); text the
    same as shipped removes the override. Refused (ValidationFailed, fields "en.subject"…)
    if a placeholder is unknown or a required one missing."""
    found = [
        (f"{code}.{field}", message)
        for code, (subject, body) in texts.items()
        for field, message in problems(key, subject, body)
    ]
    if found:
        raise ValidationFailed(found)
    changed = []
    for code, (subject, body) in texts.items():
        if code not in LANGUAGES:
            continue
        row = override(key, code)
        subject = subject.strip()
        body = body.replace("\r\n", "\n").strip()
        if (subject, body) == shipped(key, code):
            if row is not None:
                db.session.delete(row)
                changed.append(code)
            continue
        if row is None:
            row = EmailTemplate(key=key, language=code)
            db.session.add(row)
        if (row.subject, row.body) != (subject, body):
            row.subject, row.body, row.updated_by_id = subject, body, by_id
            changed.append(code)
    if changed:
        audit.record(
            "email_template.changed", "email_template", None, _details(key, changed), by_id
        )
    db.session.flush()


def reset(key: str, by_id: int | None) -> bool:
    """Back to the shipped text in every language; whether anything was changed."""
    template(key)
    rows = db.session.scalars(sa.select(EmailTemplate).where(EmailTemplate.key == key)).all()
    for row in rows:
        db.session.delete(row)
    if rows:
        details = _details(key, [row.language for row in rows])
        audit.record("email_template.reset", "email_template", None, details, user_id=by_id)
    db.session.flush()
    return bool(rows)


def _details(key: str, languages: list[str]) -> dict:
    return {"key": key, "languages": sorted(languages)}
