"""Forms of the family pages. They only parse input; the family service checks the answers."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import apply_domain_error
from app.labels import choices
from app.models import Cohort, Diet
from app.models.families import GenderPreference
from app.numbers import DecimalNumberField, NumberField, RowList, record_id, whole_number
from app.services.errors import DomainError
from app.services.hosting.families import (
    ANSWER_FIELDS,
    MAX_MEMBERS,
    MEMBER_FIELDS,
    REFERENCE_FIELDS,
)
from app.services.validation import ValidationFailed

EMPTY_MEMBER_ROWS = 2
STATES = [
    SelectChoice("NY", _l("New York")),
    SelectChoice("PA", _l("Pennsylvania")),
    SelectChoice("ON", _l("Ontario (Canada)")),
]
DIETS = [SelectChoice(d.value, d.label) for d in Diet if d not in (Diet.NONE, Diet.OTHER)]


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


class ApplicationForm(FlaskForm):
    family_name = StringField(
        _l("Family name"),
        validators=[Length(max=200)],
        description=_l("e.g. Miller, or Miller-Lopez when you have two names"),
        render_kw={"autocomplete": "family-name"},
    )
    address_line = StringField(
        _l("Street address"),
        validators=[Length(max=200)],
        render_kw={"autocomplete": "street-address"},
    )
    city = StringField(
        _l("City or town"),
        validators=[Length(max=100)],
        render_kw={"autocomplete": "address-level2"},
    )
    state = SelectField(_l("US state"), choices=STATES, default="NY")
    postal_code = StringField(
        _l("ZIP code"),
        validators=[Length(max=10)],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    phone = TelField(
        _l("Home phone"), validators=[Length(max=40)], render_kw={"autocomplete": "tel"}
    )
    mobile_phone = TelField(
        _l("Mobile phone (optional)"),
        validators=[Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )
    members = RowList(
        FormField(MemberForm), label=_l("Who lives in your home"), max_entries=MAX_MEMBERS
    )
    languages = StringField(
        _l("Languages spoken at home"),
        validators=[Length(max=200)],
        description=_l("Separate with commas, e.g. English, Spanish."),
    )
    has_pets = BooleanField(_l("We have pets"))
    pets = StringField(
        _l("Which pets?"), validators=[Length(max=200)], description=_l("e.g. two cats, a dog")
    )
    smoking_in_home = BooleanField(_l("Somebody smokes inside our home"))
    bedrooms = NumberField(
        _l("Bedrooms in your home"),
        validators=[Optional()],
        render_kw={"min": 1, "max": 20, "inputmode": "numeric"},
    )
    beds_offered = NumberField(
        _l("How many students you can host"),
        validators=[Optional()],
        render_kw={"min": 1, "max": 6, "inputmode": "numeric"},
    )
    shared_room = BooleanField(
        _l("A student would share a room (only with a student of the same gender)")
    )
    gender_preference = SelectField(
        _l("You would prefer to host"), choices=choices(GenderPreference), default="any"
    )
    diets = MultiCheckboxField(
        _l("Diets your family can cook for"),
        choices=DIETS,
        description=_l("Tick every diet you could manage at home."),
    )
    high_school = StringField(_l("Nearest high school"), validators=[Length(max=200)])
    school_distance_miles = DecimalNumberField(
        _l("Distance to that school (miles)"),
        validators=[Optional()],
        render_kw={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"},
    )
    cohort_ids = MultiCheckboxField(_l("Groups you could host"), coerce=record_id)
    motivation = TextAreaField(
        _l("Why would you like to host a student?"),
        validators=[Length(max=5000)],
        description=_l("A few sentences about your family, your interests and your everyday life."),
        render_kw={"rows": 6},
    )
    interests = StringField(
        _l("Your family's interests and hobbies"),
        validators=[Length(max=2000)],
        description=_l(
            "Separate with commas, e.g. hiking, baseball, music. "
            "We match them with the students' interests."
        ),
    )
    reference1 = FormField(ReferenceForm, label=_l("First reference"))
    reference2 = FormField(ReferenceForm, label=_l("Second reference"))
    background_check_consent = BooleanField(
        _l("We agree to a background check of every adult who lives in our home"),
        description=_l(
            "A student is only placed with a family whose adults (18 and over) have passed a "
            "criminal background check. The local coordinator arranges it with you and tells "
            "you what is needed; the result is used only to decide on hosting."
        ),
    )
    save = SubmitField(_l("Save and continue later"))
    submit_application = SubmitField(_l("Submit application"))
    save_changes = SubmitField(_l("Save changes"))

    def __init__(self, cohorts: list[Cohort], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort_ids.choices = [(c.id, cohort_label(c)) for c in cohorts]

    @classmethod
    def filled(cls, values: dict, cohorts: list[Cohort]) -> ApplicationForm:
        """The form showing stored answers (as families.as_values gives them), with empty
        rows for more household members."""
        data = dict(values)
        free = max(0, min(EMPTY_MEMBER_ROWS, MAX_MEMBERS - len(values["members"])))
        data["members"] = [*values["members"], *({} for _ in range(free))]
        references = values["references"]
        for number in (1, 2):
            data[f"reference{number}"] = references[number - 1] if len(references) >= number else {}
        return cls(cohorts, formdata=None, data=data)

    def _filled_members(self) -> list[int]:
        """Indices of the household rows with anything typed in; empty rows are ignored."""
        return [
            index
            for index, entry in enumerate(self.members.entries)
            if any(
                entry.form[f].data not in (None, "") and str(entry.form[f].data).strip()
                for f in MEMBER_FIELDS
            )
        ]

    def values(self) -> dict:
        """The answers in the shape families.save_answers takes."""
        values = {name: _data(self[name]) for name in ("family_name", *ANSWER_FIELDS)}
        values["diets"] = list(self.diets.data or [])
        values["cohort_ids"] = list(self.cohort_ids.data or [])
        values["members"] = [
            {f: _data(self.members.entries[i].form[f]) for f in MEMBER_FIELDS}
            for i in self._filled_members()
        ]
        values["references"] = [
            {f: _data(self[f"reference{n}"].form[f]) for f in REFERENCE_FIELDS} for n in (1, 2)
        ]
        return values

    def show_problems(self, error: DomainError) -> None:
        """Show the service's problems next to the fields. Its member numbers count only
        the filled rows; they are turned back into the rows of the form."""
        if isinstance(error, ValidationFailed):
            rows = self._filled_members()
            error = ValidationFailed(
                [(self._row_path(name, rows), m) for name, m in error.problems]
            )
        apply_domain_error(self, error)

    @staticmethod
    def _row_path(name: str, rows: list[int]) -> str:
        parts = (name or "").split(".")
        if len(parts) == 3 and parts[0] == "members":
            try:
                index = whole_number(parts[1], 0, len(rows) - 1)
            except ValueError:
                return name
            return f"members.{rows[index]}.{parts[2]}"
        return name

    def row_label(self, number: int) -> str:
        """How the error summary (app/forms.py) names a household row: as its legend does."""
        return str(_l("Person %(n)d", n=number))


def _data(field):
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
