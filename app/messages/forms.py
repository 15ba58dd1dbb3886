from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.numbers import choice_id

PLACEHOLDERS = _l("You can use {name} (the recipient's name) and {cohort} (the cohort's name).")


class MessageForm(FlaskForm):
    audience = SelectField(
        _l("Who receives it"),
        validators=[InputRequired(message=_l("Choose who the message is for."))],
    )
    cohort_id = SelectField(
        _l("Cohort"),
        coerce=choice_id,
        default=0,
        description=_l("Needed for every audience except families in vetting."),
    )
    subject_en = StringField(
        _l("Subject in English"),
        validators=[InputRequired(message=_l("Enter the subject in English.")), Length(max=200)],
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[InputRequired(message=_l("Enter the text in English.")), Length(max=10000)],
        description=PLACEHOLDERS,
        render_kw={"rows": 8},
    )
    subject_de = StringField(
        _l("Subject in German"),
        validators=[InputRequired(message=_l("Enter the subject in German.")), Length(max=200)],
    )
    body_de = TextAreaField(
        _l("Text in German"),
        validators=[InputRequired(message=_l("Enter the text in German.")), Length(max=10000)],
        description=PLACEHOLDERS,
        render_kw={"rows": 8},
    )
    submit = SubmitField(_l("Preview the recipients"))

    def texts(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data
            for name in ("subject_en", "body_en", "subject_de", "body_de")
        }


class SendForm(FlaskForm):
    pass
