"""The form of the reminders' settings: per kind on or off, and its days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from app.numbers import NumberField
from app.services.mail import reminder_settings as rs


def _days(kind: rs.Kind) -> NumberField:
    setting = kind.days
    return NumberField(
        kind.days_label,
        validators=[InputRequired(), NumberRange(setting.low, setting.high)],
        description=_l(
            "From %(low)d to %(high)d; %(default)d unless changed.",
            low=setting.low,
            high=setting.high,
            default=setting.default,
        ),
        render_kw={"min": setting.low, "max": setting.high},
    )


class RemindersForm(FlaskForm):
    documents_on = BooleanField(rs.DOCUMENTS.label)
    documents_days = _days(rs.DOCUMENTS)
    background_on = BooleanField(rs.BACKGROUND.label)
    background_days = _days(rs.BACKGROUND)
    drafts_on = BooleanField(rs.DRAFTS.label)
    drafts_days = _days(rs.DRAFTS)
    contacts_on = BooleanField(rs.CONTACTS.label)
    follow_ups_on = BooleanField(rs.FOLLOW_UPS.label)
    placements_on = BooleanField(rs.PLACEMENTS.label)
    submit = SubmitField(_l("Save"))

    def fill(self) -> None:
        for kind in rs.KINDS:
            getattr(self, f"{kind.name}_on").data = rs.enabled(kind)
            if kind.days is not None:
                getattr(self, f"{kind.name}_days").data = rs.days(kind)

    def values(self) -> dict[str, tuple[bool, int | None]]:
        return {
            kind.name: (
                bool(getattr(self, f"{kind.name}_on").data),
                getattr(self, f"{kind.name}_days").data if kind.days is not None else None,
            )
            for kind in rs.KINDS
        }
