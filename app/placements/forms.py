"""Forms of the placement board and the proposals. The board renders its own markup (one
form per student and per placement), so these forms only parse and check what comes back."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.numbers import id_field, record_id

CHOOSE_FAMILY = _l("Choose a family.")


class PlaceForm(FlaskForm):
    enrolment_id = id_field(validators=[InputRequired()])
    application_id = id_field(validators=[InputRequired(message=CHOOSE_FAMILY)])
    override_reason = StringField(validators=[Optional(), Length(max=500)])


class MoveForm(FlaskForm):
    application_id = id_field(validators=[InputRequired(message=CHOOSE_FAMILY)])
    reason = StringField(
        validators=[DataRequired(message=_l("Give a reason for the move.")), Length(max=500)]
    )
    override_reason = StringField(validators=[Optional(), Length(max=500)])


class EndForm(FlaskForm):
    reason = StringField(
        _l("Why the placement ends"),
        validators=[
            DataRequired(message=_l("Give a reason to end the placement.")),
            Length(max=500),
        ],
    )


class ProposalForm(FlaskForm):
    """The pairs of a proposal as "enrolment_id:application_id": the ticked ones, and every
    one shown (for "Accept all")."""

    pair = SelectMultipleField(validate_choice=False)
    shown = SelectMultipleField(validate_choice=False)
    accept_all = SubmitField(_l("Accept all"))
    accept_selected = SubmitField(_l("Accept selected"))

    def chosen(self) -> list[tuple[int, int]] | None:
        """The pairs to place, in the order shown; None when a value is not a pair of ids."""
        values = self.shown.data if self.accept_all.data else self.pair.data
        pairs = []
        for value in values or []:
            enrolment_id, _sep, application_id = value.partition(":")
            try:
                pairs.append((record_id(enrolment_id), record_id(application_id)))
            except ValueError:
                return None
        return pairs
