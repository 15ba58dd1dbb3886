from flask_wtf import FlaskForm
from wtforms import HiddenField


class LanguageForm(FlaskForm):
    """The language switch in the page header."""

    language = HiddenField()
    next = HiddenField()
