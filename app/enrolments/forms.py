from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class ReasonForm(FlaskForm):
    """The confirmation of a withdrawal or a reinstatement, with an optional reason."""

    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class WithdrawForm(ReasonForm):
    """The confirmation of a withdrawal: the reason, and whether the email may tell it."""

    share_reason = BooleanField(
        _l("Put this reason in the email"),
        description=_l("Without a tick the email says only that the place is withdrawn."),
    )


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


class ReviewForm(FlaskForm):
    """Accept a file (the button alone)."""


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why the file is rejected; the guardians will read it.")),
            Length(max=500),
        ],
        description=_l(
            "The guardians (and a student with their own account) read this in an email. Say "
            "what is wrong with the file (unreadable, a page missing, expired), not what the "
            "document says: no medical details."
        ),
    )
