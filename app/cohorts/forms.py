from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.labels import choices
from app.models import Direction
from app.numbers import NumberField, choice_id, id_field
from app.services.enrolment.cohorts import COHORT_FIELDS


class CohortForm(FlaskForm):
    programme_id = SelectField(_l("Programme"), coerce=choice_id, validators=[InputRequired()])
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example “Buffalo spring 2027”."),
    )
    direction = SelectField(_l("Direction"), choices=choices(Direction))
    departure_date = DateField(_l("Departure"), validators=[InputRequired()])
    return_date = DateField(_l("Return"), validators=[InputRequired()])
    enrolment_deadline = DateField(_l("Enrolment deadline"), validators=[Optional()])
    places = NumberField(_l("Places"), validators=[InputRequired(), NumberRange(1, 10000)])
    students_per_teacher = NumberField(
        _l("Students per supervising teacher (target)"),
        default=10,
        validators=[InputRequired(), NumberRange(1, 100)],
    )
    submit = SubmitField(_l("Save cohort"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in COHORT_FIELDS}


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    confirmed = HiddenField()  # "1" from the confirmation page of a one-way step


class EnrolExistingForm(FlaskForm):
    """One student found by the cohort page's search, enrolled with a button."""

    student_id = id_field(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Enrol"))
