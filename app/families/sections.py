"""The forms of the application's sections, one per section of the task list. They only
parse input; the family service checks the answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FormField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.families.forms import (
    DIETS,
    STATES,
    MemberForm,
    MultiCheckboxField,
    ReferenceForm,
    cohort_label,
)
from app.families.forms import (
    field_data as _data,
)
from app.forms import apply_domain_error
from app.labels import choices
from app.models import Cohort
from app.models.families import GenderPreference
from app.numbers import DecimalNumberField, NumberField, RowList, record_id, whole_number
from app.services.errors import DomainError
from app.services.hosting import sections
from app.services.hosting.families import (
    MAX_MEMBERS,
    MEMBER_FIELDS,
    REFERENCE_FIELDS,
)
from app.services.hosting.sections import Section
from app.services.validation import ValidationFailed


class SectionForm(FlaskForm):
    """One section of the application: it parses its own answers only."""

    section: Section

    @classmethod
    def filled(cls, values: dict, cohorts: list[Cohort]) -> SectionForm:
        """The form showing stored answers (as families.as_values gives them)."""
        return cls(cohorts, formdata=None, data=dict(values))

    def __init__(self, cohorts: list[Cohort], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        """The section's answers in the shape sections.save takes."""
        return {name: _data(self[name]) for name in sections.FIELDS[self.section]}

    def show_problems(self, error: DomainError) -> None:
        apply_domain_error(self, error)


class HouseholdForm(SectionForm):
    section = Section.HOUSEHOLD
    family_name = StringField(
        _l("Family name"),
        validators=[Length(max=200)],
        description=_l("e.g. Miller, or Miller-Lopez when you have two names"),
        render_kw={"autocomplete": "family-name"},
    )
    members = RowList(
        FormField(MemberForm), label=_l("Who lives in your home"), max_entries=MAX_MEMBERS
    )
    languages = StringField(
        _l("Languages spoken at home"),
        validators=[Length(max=200)],
        description=_l("Separate with commas, e.g. English, Spanish."),
    )
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

    @classmethod
    def filled(cls, values: dict, cohorts: list[Cohort]) -> SectionForm:
        """With one empty row for the first person when nobody is listed yet."""
        data = dict(values)
        data["members"] = list(values["members"]) or [{}]
        return cls(cohorts, formdata=None, data=data)

    def can_add(self) -> bool:
        return len(self.members.entries) < MAX_MEMBERS

    def add_person(self) -> None:
        """One more empty row, the rows typed so far kept as they are."""
        if self.can_add():
            entry = self.members.append_entry()
            entry.form.name.render_kw = {"autofocus": True}  # the page opens where to type

    def remove_person(self, row: str) -> None:
        """Take a row away (by its position on the page); saved with the section."""
        try:
            index = whole_number(row, 0, len(self.members.entries) - 1)
        except ValueError:
            return
        del self.members.entries[index]  # the others keep their names: nothing typed moves

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
        values = super().values()
        values["members"] = [
            {f: _data(self.members.entries[i].form[f]) for f in MEMBER_FIELDS}
            for i in self._filled_members()
        ]
        return values

    def show_problems(self, error: DomainError) -> None:
        """Its member numbers count only the filled rows; they are turned back into the rows
        of the form."""
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


class HomeForm(SectionForm):
    section = Section.HOME
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
    state = SelectField(
        _l("US state"), choices=STATES, default="NY", render_kw={"autocomplete": "address-level1"}
    )
    postal_code = StringField(
        _l("ZIP code"),
        validators=[Length(max=10)],
        description=_l("5 digits, e.g. 14222"),
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
    bedrooms = NumberField(
        _l("Bedrooms in your home"),
        validators=[Optional()],
        render_kw={"min": 1, "max": 20, "inputmode": "numeric"},
    )
    has_pets = BooleanField(_l("We have pets"))
    pets = StringField(
        _l("Which pets?"), validators=[Length(max=200)], description=_l("e.g. two cats, a dog")
    )
    smoking_in_home = BooleanField(_l("Somebody smokes inside our home"))
    high_school = StringField(_l("Nearest high school"), validators=[Length(max=200)])
    school_distance_miles = DecimalNumberField(
        _l("Distance to that school (miles)"),
        validators=[Optional()],
        render_kw={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"},
    )


class PreferencesForm(SectionForm):
    section = Section.PREFERENCES
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

    def values(self) -> dict:
        values = super().values()
        values["diets"] = list(self.diets.data or [])
        return values


class ReferencesForm(SectionForm):
    section = Section.REFERENCES
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

    @classmethod
    def filled(cls, values: dict, cohorts: list[Cohort]) -> SectionForm:
        data = dict(values)
        references = values["references"]
        for number in (1, 2):
            data[f"reference{number}"] = references[number - 1] if len(references) >= number else {}
        return cls(cohorts, formdata=None, data=data)

    def values(self) -> dict:
        return {
            "background_check_consent": self.background_check_consent.data,
            "references": [
                {f: _data(self[f"reference{n}"].form[f]) for f in REFERENCE_FIELDS} for n in (1, 2)
            ],
        }


class AvailabilityForm(SectionForm):
    section = Section.AVAILABILITY
    cohort_ids = MultiCheckboxField(_l("Groups you could host"), coerce=record_id)

    def __init__(self, cohorts: list[Cohort], *args, **kwargs) -> None:
        super().__init__(cohorts, *args, **kwargs)
        self.cohort_ids.choices = [(c.id, cohort_label(c)) for c in cohorts]

    def values(self) -> dict:
        return {"cohort_ids": list(self.cohort_ids.data or [])}


SECTION_FORMS: dict[Section, type[SectionForm]] = {
    form.section: form
    for form in (HouseholdForm, HomeForm, PreferencesForm, ReferencesForm, AvailabilityForm)
}


def field_label(section: Section, name: str) -> str:
    """The question a section asks for an answer (a top-level name such as "reference1")."""
    unbound = getattr(SECTION_FORMS[section], name)
    return str(unbound.kwargs.get("label") or unbound.args[0])
