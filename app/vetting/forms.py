"""Forms of the vetting pages: the queue's filters and one form per vetting step."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.forms import QuickSelect
from app.models import ApplicationStatus
from app.numbers import choice_id

A = ApplicationStatus


class FilterForm(FlaskForm):
    """The queue's search and filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()], widget=QuickSelect())
    cohort = SelectField(
        _l("Group"), coerce=choice_id, validators=[Optional()], widget=QuickSelect()
    )
    city = SelectField(_l("City"), validators=[Optional()], widget=QuickSelect())


class ReferencesForm(FlaskForm):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Whom you reached and what they said, in a few words."),
    )
    submit = SubmitField(_l("Both references were checked"))


class BackgroundForm(FlaskForm):
    expires_on = DateField(
        _l("Background check valid until"),
        validators=[InputRequired()],
        description=_l("The expiry date on the clearance of the adults in the home."),
    )
    submit = SubmitField(_l("Background check cleared"))


class HomeVisitForm(FlaskForm):
    visited_on = DateField(_l("Date of the visit"), validators=[InputRequired()])
    visited_by = StringField(_l("Visited by"), validators=[InputRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record the home visit"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice(A.APPROVED.value, _l("Approve: the family may host")),
            SelectChoice(A.BACKUP.value, _l("Backup list: ask the family if a home is needed")),
            SelectChoice(A.DECLINED.value, _l("Decline")),
        ],
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("The reason, kept with the decision. The family is emailed either way."),
    )
    submit = SubmitField(_l("Record the decision"))


class DeclineForm(FlaskForm):
    """A decline is possible at any step of vetting."""

    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Kept with the decision. The family is emailed that it was declined."),
    )
    submit = SubmitField(_l("Decline the application"))
