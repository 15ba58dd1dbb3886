"""Forms of the family pages that are not the application (its sections: sections.py).
They only parse input; the services check it."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import Cohort, Diet
from app.numbers import NumberField


class SignupForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l(
            "At least 8 characters, not easy to guess: no names, no words of this site, no "
            "years or runs like abcd. A few unrelated words make a strong password."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create account"))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, we want to withdraw our application."), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Withdraw application"))


# The programme's host area: Buffalo and the towns around it (families.US_STATES).
STATES = [
    SelectChoice("NY", _l("New York")),
    SelectChoice("PA", _l("Pennsylvania")),
]
DIETS = [SelectChoice(d.value, d.label) for d in Diet if d not in (Diet.NONE, Diet.OTHER)]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    age = NumberField(
        _l("Age"), validators=[Optional()], render_kw={"min": 0, "max": 120, "inputmode": "numeric"}
    )
    relation = StringField(
        _l("Relation"),
        validators=[Length(max=50)],
        render_kw={"placeholder": _l("e.g. mother, son")},
    )


class ReferenceForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    relation = StringField(
        _l("How they know you"),
        validators=[Length(max=100)],
        render_kw={"placeholder": _l("e.g. neighbour, coach, pastor")},
    )
    phone = TelField(_l("Phone"), validators=[Length(max=40)], render_kw={"autocomplete": "off"})
    email = EmailField(
        _l("Email (optional)"), validators=[Length(max=254)], render_kw={"autocomplete": "off"}
    )


def field_data(field):
    """A field's value; a text field left out of the request counts as empty."""
    if isinstance(field, StringField) and field.data is None:
        return ""
    return field.data


def cohort_label(cohort: Cohort) -> str:
    return "{name} ({start} – {end})".format(
        name=cohort.name,
        start=format_date(cohort.departure_date, "medium"),
        end=format_date(cohort.return_date, "medium"),
    )
