from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.numbers import NumberField


class EventForm(FlaskForm):
    year = NumberField(
        _l("Year"),
        validators=[Optional(), NumberRange(1800, 2200)],
        description=_l("Leave empty for something that describes the present."),
    )
    month = NumberField(_l("Month"), validators=[Optional(), NumberRange(1, 12)])
    day = NumberField(_l("Day"), validators=[Optional(), NumberRange(1, 31)])
    ongoing = BooleanField(_l("Still goes on (shown as “since”)"))
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=200)])
    title_de = StringField(_l("Title in German"), validators=[DataRequired(), Length(max=200)])
    text_en = TextAreaField(_l("Text in English"), validators=[DataRequired(), Length(max=5000)])
    text_de = TextAreaField(_l("Text in German"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "year",
                "month",
                "day",
                "ongoing",
                "title_en",
                "title_de",
                "text_en",
                "text_de",
            )
        }
