from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.labels import label
from app.models import Cohort
from app.numbers import record_id


def cohort_choice(cohort: Cohort) -> str:
    return _(
        "%(name)s (%(status)s, %(free)d of %(places)d places free)",
        name=cohort.name,
        status=label(cohort.status),
        free=cohort.places_free,
        places=cohort.places,
    )


class UploadForm(FlaskForm):
    file = FileField(
        _l("Student list (Excel or CSV)"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["csv", "xlsx"], _l("Choose a file ending in .xlsx or .csv.")),
        ],
        description=_l(
            "An Excel workbook (.xlsx) or a CSV file, with the column names in the first "
            "line; at most 5,000 students."
        ),
        render_kw={
            "accept": ".xlsx,.csv,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    sheet = SelectField(
        _l("Sheet"),
        choices=[],
        validate_choice=False,  # the sheets are only known once the file is read again
        description=_l(
            "The workbook has several sheets: choose the one with the students, then choose "
            "the file again and upload it."
        ),
    )
    cohort_id = SelectField(
        _l("Enrol in cohort"),
        choices=[],
        default="",
        description=_l(
            "Optional. Each imported student is enrolled: a place while places are free, "
            "then the waitlist."
        ),
    )
    submit = SubmitField(_l("Upload and check"))

    def set_cohorts(self, cohorts: list[Cohort]) -> None:
        self.cohort_id.choices = [SelectChoice("", _("No cohort: only create the students"))] + [
            SelectChoice(str(cohort.id), cohort_choice(cohort)) for cohort in cohorts
        ]

    @property
    def chosen_sheet(self) -> str | None:
        return self.sheet.data or None

    @property
    def chosen_cohort_id(self) -> int | None:
        return record_id(self.cohort_id.data) if self.cohort_id.data else None


class ConfirmForm(FlaskForm):
    """The import buttons: mode "all" or "valid" comes from the button pressed."""

    mode = SelectField(choices=[SelectChoice("all"), SelectChoice("valid")])


IGNORE = "ignore"  # the choice that ignores a column on purpose


class ColumnsForm(FlaskForm):
    """The mapping page: one select per column of the file (column_<index>), added by
    columns_form; the required fields still missing are the errors of `missing`."""

    missing = HiddenField()

    def show(self, problems: list[tuple[int | None, str]]) -> None:
        """Each problem under its column's select; those of no column as the form's."""
        for index, message in problems:
            target = self.missing if index is None else self[f"column_{index}"]
            target.errors = [*target.errors, message]


class TamperedForm(ValueError):
    """A post the page cannot have sent: an unknown field or column."""


def columns_form(header: list[str], fields: list[tuple[str, object, str]]) -> ColumnsForm:
    """The form for a file's columns; fields: (name, label, group) of every field to choose."""
    choices = [
        SelectChoice("", _("Choose …")),
        SelectChoice(IGNORE, _("Ignore this column")),
        *(SelectChoice(name, str(label), optgroup=group) for name, label, group in fields),
    ]

    class Form(ColumnsForm):
        pass

    for index, name in enumerate(header):
        label = name.strip() or _("Column %(number)d", number=index + 1)
        setattr(Form, f"column_{index}", SelectField(label, choices=choices, validate_choice=False))
    return Form()


def chosen_fields(form: ColumnsForm, posted: dict, header: list[str]) -> list[str | None]:
    """The field of each column as posted ("" ignored, None not chosen); TamperedForm for a
    value or a column the page did not offer."""
    names = {f"column_{index}" for index in range(len(header))}
    foreign = [key for key in posted if key.startswith("column_") and key not in names]
    if foreign:
        raise TamperedForm(_("The form names a column the file does not have."))
    chosen: list[str | None] = []
    for index in range(len(header)):
        field = form[f"column_{index}"]
        offered = {choice.value for choice in field.choices}
        if field.data not in offered:
            raise TamperedForm(_("The form names a field that does not exist."))
        chosen.append(None if not field.data else "" if field.data == IGNORE else field.data)
    return chosen
