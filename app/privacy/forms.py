from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.numbers import NumberField
from app.services.privacy import settings


class SettingsForm(FlaskForm):
    retention_months = NumberField(
        _l("Keep a cohort's personal data after its completion for (months)"),
        validators=[InputRequired()],
        description=_l("From 1 to 120 months; 12 unless changed."),
        render_kw={"min": settings.RETENTION_MONTHS.low, "max": settings.RETENTION_MONTHS.high},
    )
    family_inactive_months = NumberField(
        _l("Delete a host family's data after no activity for (months)"),
        validators=[InputRequired()],
        description=_l(
            "From 6 to 120 months; 24 unless changed. Only once every cohort it applied for is "
            "purged."
        ),
        render_kw={
            "min": settings.FAMILY_INACTIVE_MONTHS.low,
            "max": settings.FAMILY_INACTIVE_MONTHS.high,
        },
    )
    safeguarding_keep_until_age = NumberField(
        _l("Keep safeguarding reports until the student is (years old)"),
        validators=[InputRequired()],
        description=_l(
            "From 18 to 100; 25 unless changed. A report of abuse or neglect outlives the "
            "cohort's purge, detached from the enrolment, so that a later allegation can be "
            "checked: records of concerns about a child's safety are commonly kept until the "
            "person is 25."
        ),
        render_kw={
            "min": settings.SAFEGUARDING_KEEP_UNTIL_AGE.low,
            "max": settings.SAFEGUARDING_KEEP_UNTIL_AGE.high,
        },
    )
    submit = SubmitField(_l("Save settings"))


class EraseForm(FlaskForm):
    confirm = StringField(
        _l("Type the name or address shown above to confirm"),
        validators=[InputRequired(), Length(max=300)],
        render_kw={"autocomplete": "off"},
    )
    clear_mentions = BooleanField(_l("Also replace these mentions with “[erased]”"))
    submit = SubmitField(_l("Erase for good"))
