from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from app.forms import language_choices
from app.models import Role
from app.numbers import NumberField


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class CreateUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices)
    language = SelectField(
        _l("Language of emails and letters"),
        choices=language_choices,
        validate_choice=False,  # the account service refuses any other; none: the default
        description=_l("Every email to the person is written in it, whoever sends it."),
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l(
            "Give it to the person on a separate channel; they can change it after logging in."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))


class RoleForm(FlaskForm):
    """Choose a new role; sent by GET to the confirmation page."""

    class Meta:
        csrf = False

    role = SelectField(_l("Role"), choices=role_choices)
    submit = SubmitField(_l("Change role…"))


class ConfirmRoleForm(FlaskForm):
    """The confirmed change: the new role and the role the confirmation page showed."""

    role = HiddenField(validators=[DataRequired()])
    from_role = HiddenField(validators=[DataRequired()])


class AuditFilterForm(FlaskForm):
    """The audit trail's filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    person = EmailField(_l("Person (email)"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Action"), validators=[Optional()])
    record_type = SelectField(_l("Record"), validators=[Optional()])
    record_id = NumberField(
        _l("Record number"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC)"), validators=[Optional()])


class ActiveForm(FlaskForm):
    """Activate or deactivate: the wish is sent, not a toggle, so a second click changes nothing."""

    want = HiddenField(validators=[AnyOf(["activate", "deactivate"])])
