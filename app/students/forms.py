from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.forms import QuickSelect
from app.labels import choices
from app.models import Diet, Gender, VisaStatus
from app.numbers import choice_id
from app.services.enrolment.students import GUARDIAN_FIELDS, PERSON_FIELDS, SCALAR_FIELDS


class PersonForm(Form):
    """A guardian or an emergency contact (checked by the student service)."""

    name = StringField(_l("Name"), validators=[Length(max=200)])
    relation = StringField(
        _l("Relation"), validators=[Length(max=50)], description=_l("e.g. mother, uncle")
    )
    phone = TelField(_l("Phone"), validators=[Length(max=40)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])


class GuardianForm(PersonForm):
    """A guardian: also the language letters and emails to them are written in."""

    locale = SelectField(
        _l("Language for letters and emails"),
        choices=[
            SelectChoice("", _l("Not known (German)")),
            SelectChoice("de", _l("German")),
            SelectChoice("en", _l("English")),
        ],
        validate_choice=False,  # the student service refuses anything else
    )


class StudentForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[InputRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[InputRequired(), Length(max=100)])
    date_of_birth = DateField(_l("Date of birth"), validators=[InputRequired()])
    gender = SelectField(
        _l("Gender"), choices=[SelectChoice("", _l("— choose —")), *choices(Gender)]
    )
    school = StringField(_l("School"), validators=[InputRequired(), Length(max=200)])
    grade = StringField(_l("Grade"), validators=[InputRequired(), Length(max=20)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = TelField(_l("Mobile phone"), validators=[Optional(), Length(max=40)])
    guardian1 = FormField(GuardianForm, label=_l("First guardian"))
    guardian2 = FormField(GuardianForm, label=_l("Second guardian (optional)"))
    emergency1 = FormField(PersonForm, label=_l("Emergency contact"))
    emergency2 = FormField(PersonForm, label=_l("Second emergency contact (optional)"))
    diet = SelectField(_l("Diet"), choices=choices(Diet))
    allergies = TextAreaField(_l("Allergies"), validators=[Length(max=2000)])
    pet_allergy = BooleanField(_l("Allergic to pets"))
    medical_notes = TextAreaField(
        _l("Medical notes"),
        validators=[Length(max=2000)],
        description=_l(
            "Health data. Read by admins and coordinators, the supervising teachers of the "
            "student's cohort and the host family the student lives with; every view is recorded."
        ),
    )
    no_pets = BooleanField(_l("Prefers a home without pets"))
    no_smokers = BooleanField(_l("Prefers a home without smokers"))
    interests = TextAreaField(
        _l("Interests"), validators=[Length(max=2000)], description=_l("Separate with commas.")
    )
    languages = StringField(
        _l("Languages"),
        validators=[Length(max=200)],
        description=_l("Separate with commas, e.g. German, English, Turkish."),
    )
    passport_number = StringField(_l("Passport number (optional)"), validators=[Length(max=20)])
    passport_expiry = DateField(_l("Passport expires"), validators=[Optional()])
    visa_status = SelectField(_l("Visa / ESTA"), choices=choices(VisaStatus))
    submit = SubmitField(_l("Save student"))

    def values(self) -> dict:
        """The form's data in the shape the student service takes."""
        values = {name: getattr(self, name).data for name in SCALAR_FIELDS}

        def person(field: FormField, fields: tuple[str, ...] = PERSON_FIELDS) -> dict:
            return {key: field.form[key].data for key in fields}

        values["guardians"] = [
            person(self.guardian1, GUARDIAN_FIELDS),
            person(self.guardian2, GUARDIAN_FIELDS),
        ]
        values["emergency_contacts"] = [person(self.emergency1), person(self.emergency2)]
        return values

    def fill(self, values: dict) -> None:
        """Show stored details (GET of the edit page)."""
        for name in SCALAR_FIELDS:
            getattr(self, name).data = values[name]
        for prefix, key in (("guardian", "guardians"), ("emergency", "emergency_contacts")):
            for number, person in enumerate(values[key][:2], start=1):
                sub = getattr(self, f"{prefix}{number}").form
                for field in GUARDIAN_FIELDS if prefix == "guardian" else PERSON_FIELDS:
                    value = person[field]
                    sub[field].data = (value or "") if field == "locale" else value


class FilterForm(FlaskForm):
    """The student list's search and filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Beginnings of the names or the email; Müller also finds Mueller."),
    )
    cohort = SelectField(
        _l("Cohort"), coerce=choice_id, validators=[Optional()], widget=QuickSelect()
    )
    status = SelectField(_l("Enrolment status"), validators=[Optional()], widget=QuickSelect())
    # Free text (part of the name, any case): a national organisation has hundreds of schools.
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    missing = BooleanField(_l("Documents missing"))
