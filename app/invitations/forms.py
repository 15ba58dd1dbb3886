from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from app.auth.forms import NewPasswordForm


class InviteForm(FlaskForm):
    invitee = HiddenField(validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Invite to check and complete the data"))


class ChoosePasswordForm(NewPasswordForm):
    submit = SubmitField(_l("Create my account"))


class LoginToAcceptForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in and accept"))


class AcceptForm(FlaskForm):
    submit = SubmitField(_l("Add the student to my account"))
