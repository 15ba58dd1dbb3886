from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.labels import choices
from app.models import ContactMode, ContactPeriod, ContactWith, Wellbeing
from app.numbers import NumberField, choice_id
from app.services.supervision.contacts import NOTES_LENGTH


class ContactForm(FlaskForm):
    with_whom = RadioField(
        _l("With whom"),
        choices=choices(ContactWith),
        validate_choice=False,  # the service says which are allowed
        validators=[InputRequired(message=_l("Say whom the contact was with."))],
    )
    enrolment_id = SelectField(_l("Student"), coerce=choice_id, default=0)
    application_id = SelectField(_l("Host family"), coerce=choice_id, default=0)
    contacted_on = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter the date of the contact."))],
        description=_l("The day in the host area."),
    )
    mode = RadioField(
        _l("How"),
        choices=choices(ContactMode),
        validate_choice=False,
        validators=[InputRequired(message=_l("Say how the contact was made."))],
    )
    participants = StringField(
        _l("Who took part"),
        validators=[Length(max=300)],
        description=_l("For example: the student, the host mother, the teacher."),
    )
    wellbeing = RadioField(
        _l("How is the student?"),
        choices=choices(Wellbeing),
        validators=[Optional()],
        validate_choice=False,
        description=_l("Only for a contact with the student."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=NOTES_LENGTH)])
    submit = SubmitField(_l("Record the contact"))

    def values(self) -> dict:
        return {
            "with_whom": self.with_whom.data,
            "enrolment_id": self.enrolment_id.data or None,
            "application_id": self.application_id.data or None,
            "contacted_on": self.contacted_on.data,
            "mode": self.mode.data,
            "participants": self.participants.data or "",
            "wellbeing": self.wellbeing.data or None,
            "notes": self.notes.data or "",
        }


class RuleForm(FlaskForm):
    contact_period = RadioField(
        _l("How often"),
        choices=choices(ContactPeriod),
        validators=[InputRequired()],
        validate_choice=False,
    )
    contact_first_days = NumberField(
        _l("First contact within (days after arrival)"),
        validators=[InputRequired(), NumberRange(1, 60)],
    )
    unplaced_alert_weeks = NumberField(
        _l("Alert about unplaced students (weeks before departure)"),
        validators=[InputRequired(), NumberRange(1, 52)],
    )
    home_timezone = SelectField(_l("Time zone of the home city"), validators=[InputRequired()])
    partner_timezone = SelectField(
        _l("Time zone of the partner city"), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Save the rule"))

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "contact_period",
                "contact_first_days",
                "unplaced_alert_weeks",
                "home_timezone",
                "partner_timezone",
            )
        }


class LogFilterForm(FlaskForm):
    """The log's filter: a GET form, without CSRF."""

    class Meta:
        csrf = False

    order = SelectField(
        _l("Order"),
        choices=[
            SelectChoice("newest", _l("newest first")),
            SelectChoice("oldest", _l("oldest first")),
        ],
        validators=[Optional()],
    )
    since = DateField(_l("Contacts from"), validators=[Optional()])
    until = DateField(_l("Contacts until"), validators=[Optional()])
