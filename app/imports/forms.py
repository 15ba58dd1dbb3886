from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField
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
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose the CSV file to import.")),
            FileAllowed(["csv"], _l("Choose a file ending in .csv.")),
        ],
        description=_l("UTF-8, with the column names in the first line; at most 5,000 students."),
        render_kw={"accept": ".csv,text/csv"},
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
    def chosen_cohort_id(self) -> int | None:
        return record_id(self.cohort_id.data) if self.cohort_id.data else None


class ConfirmForm(FlaskForm):
    """The import buttons: mode "all" or "valid" comes from the button pressed."""

    mode = SelectField(choices=[SelectChoice("all"), SelectChoice("valid")])
