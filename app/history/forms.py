from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class EventForm(FlaskForm):
    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(1800, 2200)],
        description=_l("Leave empty for something that describes the present."),
    )
    month = IntegerField(_l("Month"), validators=[Optional(), NumberRange(1, 12)])
    day = IntegerField(_l("Day"), validators=[Optional(), NumberRange(1, 31)])
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
