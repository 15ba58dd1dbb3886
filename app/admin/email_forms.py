"""The form of an email template: subject and body in English and in German."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField, SubmitField, TextAreaField

from app.services.mail import templates


class LanguageText(Form):
    subject = StringField(_l("Subject"), render_kw={"maxlength": templates.SUBJECT_LENGTH})
    body = TextAreaField(_l("Text"), render_kw={"rows": 12})


class EmailTemplateForm(FlaskForm):
    en = FormField(LanguageText, label=_l("English"))
    de = FormField(LanguageText, label=_l("German"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))

    def fill(self, key: str) -> None:
        for code in templates.LANGUAGES:
            subject, body, _edited = templates.text(key, code)
            self[code].subject.data, self[code].body.data = subject, body

    def texts(self) -> dict[str, tuple[str, str]]:
        return {
            code: (self[code].subject.data or "", self[code].body.data or "")
            for code in templates.LANGUAGES
        }
