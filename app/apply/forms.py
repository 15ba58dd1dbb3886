"""The application's section forms: the very fields of the staff's student form (same labels,
hints and limits), a section each; a section may be saved unfinished, so a required field
is only required at submit, when the student service checks everything."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Optional

from app.services.enrolment.applications_online import FIELDS, Section
from app.services.enrolment.students import GUARDIAN_FIELDS, PERSON_FIELDS
from app.students.forms import StudentForm

# The student form's fields of each answer (the people are two fieldsets each).
FORM_FIELDS = {
    "guardians": ("guardian1", "guardian2"),
    "emergency_contacts": ("emergency1", "emergency2"),
}


def _names(section: Section) -> list[str]:
    return [name for key in FIELDS[section] for name in FORM_FIELDS.get(key, (key,))]


def _optional(field: UnboundField) -> UnboundField:
    validators = [
        Optional() if isinstance(v, InputRequired) else v
        for v in field.kwargs.get("validators", [])
    ]
    kwargs = {**field.kwargs, "validators": validators}
    if issubclass(field.field_class, SelectField):
        kwargs["validate_choice"] = False  # the student service refuses anything else
    return UnboundField(field.field_class, *field.args, **kwargs)


class _SectionBase(FlaskForm):
    def values(self) -> dict:
        """The section's answers in the shape applications_online.save takes."""
        found = {}
        for key in FIELDS[self.section]:
            if key in FORM_FIELDS:
                fields = GUARDIAN_FIELDS if key == "guardians" else PERSON_FIELDS
                found[key] = [
                    {field: self[name].form[field].data for field in fields}
                    for name in FORM_FIELDS[key]
                ]
            else:
                found[key] = self[key].data
        return found

    def fill(self, values: dict) -> None:
        for name in _names(self.section):
            if name[:-1] in ("guardian", "emergency"):
                key = "guardians" if name.startswith("guardian") else "emergency_contacts"
                people = values.get(key) or []
                index = int(name[-1]) - 1
                person = people[index] if index < len(people) else {}
                for field in self[name].form:
                    field.data = person.get(field.short_name) or ""
            else:
                value = values.get(name)
                if value is not None:
                    self[name].data = value


def _form(section: Section) -> type[_SectionBase]:
    attrs = {name: _optional(getattr(StudentForm, name)) for name in _names(section)}
    attrs["section"] = section
    attrs["save"] = SubmitField()
    return type(f"{section.name.title()}Form", (_SectionBase,), attrs)


SECTION_FORMS = {section: _form(section) for section in Section}
