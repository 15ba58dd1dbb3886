from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length


class ConsentForm(FlaskForm):
    """Consent signed by typing one's full name and ticking the confirmation; the service
    checks both (and says what is missing)."""

    name = StringField(
        _l("Your full name"), validators=[Length(max=200)], render_kw={"autocomplete": "name"}
    )
    confirm = BooleanField(_l("I have read the text above and give my consent."))
    submit = SubmitField(_l("Give consent"))


class WithdrawForm(FlaskForm):
    """The confirmation of an online withdrawal (the button alone)."""

    submit = SubmitField(_l("Withdraw my consent"))
