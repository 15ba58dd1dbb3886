"""Forms of the concern reports: the report itself, and what its page offers to those who
may act on it (take it, add an action, its status, a follow-up day, closing, a move)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.labels import choices
from app.models import ConcernCategory, Severity
from app.numbers import choice_id, id_field
from app.services.supervision.concerns import TEXT_LENGTH

# What each severity means, next to its choice.
SEVERITY_HINTS = {
    Severity.ROUTINE.value: _l("Needs attention in the next days; nobody is alerted at once."),
    Severity.URGENT.value: _l(
        "Needs a coordinator today: the coordinators and admins get an email at once."
    ),
    Severity.EMERGENCY.value: _l(
        "Someone is in danger now. Call 911 (USA) or 112 (Europe) first, then report here: "
        "the coordinators and admins get an email at once."
    ),
}


class ReportForm(FlaskForm):
    enrolment_id = SelectField(
        _l("Student"),
        coerce=choice_id,
        validators=[
            InputRequired(message=_l("Choose the student.")),
            NumberRange(min=1, message=_l("Choose the student.")),  # not the placeholder
        ],
    )
    contact_id = id_field(validators=[Optional()], widget=HiddenInput())
    category = SelectField(
        _l("What is it about?"),
        validators=[InputRequired()],
        description=_l("Safeguarding (abuse or neglect) is seen only by the admins and its owner."),
    )
    severity = RadioField(_l("How serious is it?"), validators=[InputRequired()])
    happened_on = DateField(_l("When did it happen?"), validators=[InputRequired()])
    what_happened = TextAreaField(
        _l("What happened"),
        validators=[DataRequired(), Length(max=TEXT_LENGTH)],
        description=_l("Facts: who, what, where. Write only what the people handling it need."),
    )
    action_taken = TextAreaField(
        _l("What was done so far"), validators=[Optional(), Length(max=TEXT_LENGTH)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("Choose…")), *choices(ConcernCategory)]
        self.severity.choices = choices(Severity)


class ActionNoteForm(FlaskForm):
    text = TextAreaField(
        _l("What was done"),
        validators=[DataRequired(message=_l("Say what was done.")), Length(max=TEXT_LENGTH)],
    )


class TakeForm(FlaskForm):
    # "1" from a Take button on a report nobody owned: a colleague who was quicker keeps it.
    unowned = HiddenField()


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Change the status to"), validators=[InputRequired(message=_l("Choose a status."))]
    )

    def offer(self, statuses) -> None:
        """The statuses the report may go to from where it is."""
        self.status.choices = [("", _l("Choose…")), *((s.value, s.label) for s in statuses)]


class FollowUpForm(FlaskForm):
    follow_up_on = DateField(
        _l("Follow up on"),
        validators=[Optional()],
        description=_l("The owner is reminded by email on that day. Leave it empty to clear it."),
    )


class CloseForm(FlaskForm):
    outcome = TextAreaField(
        _l("Outcome"),
        validators=[
            DataRequired(message=_l("Write the outcome before closing the report.")),
            Length(max=TEXT_LENGTH),
        ],
        description=_l("How it ended, and what follows from it. It stays on the report."),
    )


class MoveForm(FlaskForm):
    application_id = SelectField(
        _l("Family"),
        coerce=choice_id,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a family."))],
    )
    reason = StringField(
        _l("Reason for the move"),
        validators=[DataRequired(message=_l("Give a reason for the move.")), Length(max=500)],
    )
    ends_on = DateField(
        _l("Temporary until"),
        validators=[Optional()],
        description=_l(
            "For a temporary family: the day the stay there ends. Leave it empty for a "
            "lasting move."
        ),
    )
    override_reason = StringField(validators=[Optional(), Length(max=500)])
