from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class ReasonForm(FlaskForm):
    """The confirmation of a withdrawal or a reinstatement, with an optional reason."""

    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class DocumentForm(FlaskForm):
    received = HiddenField(validators=[DataRequired()])


class ConsentForm(FlaskForm):
    given_by = SelectField(_l("Given by"), validators=[DataRequired()])
    given_at = DateField(_l("Date signed"), validators=[InputRequired()])
    wording_version = SelectField(_l("Wording version"), validators=[DataRequired()])
    submit = SubmitField(_l("Record consent"))


class WithdrawConsentForm(FlaskForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Withdraw consent"))
