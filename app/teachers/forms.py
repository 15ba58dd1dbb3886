"""Forms of the teacher pages: a teacher's details, their account, assigning them to a cohort."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.labels import choices
from app.models import TeacherRole
from app.numbers import record_id


class TeacherForm(FlaskForm):
    """A teacher's contact details."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    school = StringField(
        _l("School"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The school in Dortmund where they teach."),
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("The number students and families call during the exchange."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    languages = StringField(
        _l("Languages"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: German, English"),
    )
    submit = SubmitField(_l("Save"))

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "school": self.school.data,
            "phone": self.phone.data,
            "languages": self.languages.data or "",
        }


class NewTeacherForm(TeacherForm):
    """A teacher and their login account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l(
            "Give it to the teacher on a separate channel; they can change it after logging in."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create teacher"))


class AssignForm(FlaskForm):
    """Assign a teacher to a cohort, or change their role there."""

    teacher_id = SelectField(_l("Teacher"), coerce=record_id, validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=lambda: choices(TeacherRole))
    submit = SubmitField(_l("Assign"))
