"""Language choice: the person's own choice (remembered in a cookie and on the account),
then the browser's languages, then English. English comes in the person's variant (US
English for host families, else as the browser asks; see app.services.identity.locales)."""

from __future__ import annotations

from typing import ClassVar

from babel import support
from flask import Flask, current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import Domain, get_domain, get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

from app import jinja_gettext
from app.services.identity import locales


def N_(message: str) -> str:  # pybabel extracts the messages it marks
    return message


COOKIE = "lang"


def select_locale() -> str:
    config = current_app.config
    if not has_request_context():  # commands speak the default language
        return locales.locale_for(config["BABEL_DEFAULT_LOCALE"])
    user = current_user if current_user and current_user.is_authenticated else None
    language = _chosen_language(user)
    asked = [tag for tag, _quality in request.accept_languages]
    return locales.locale_for(language, user, asked)


def _chosen_language(user) -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(COOKIE)
    if chosen in supported:
        return chosen
    return (
        locales.language_of(user)
        or request.accept_languages.best_match(supported)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    """The language of the page ("en" or "de"), without its variant."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def init_app(app: Flask) -> None:
    from app.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    Domain.get_translations = _kept_translations
    # Templates translate through the request's catalogue, found once (Flask-Babel's own
    # callables look it up again for every string: ~60 µs each, a third of a placement
    # board's time).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # And constant texts at the cost of a dictionary lookup (app/jinja_gettext.py).
    jinja_gettext.install(app.jinja_env, translations)
    app.jinja_env.globals["current_language"] = current_language
    app.before_request(_form_messages_in_our_words)
    app.jinja_env.filters["when"] = event_when


def translations():
    """The catalogue of the current language, kept beside Flask-Babel's locale on `g`; found
    anew when the locale changes (`force_locale`, e.g. an email in the family's language)."""
    return _catalogue(None)


def _catalogue(domain: Domain | None):
    context = _cv_app.get(None)  # flask.g without its proxy: ~2 µs less a string
    if context is None:
        return _FIND(domain or get_domain())
    babel = context.g.__dict__.get("_flask_babel")
    kept = getattr(babel, "austausch_catalogue", None)
    if (
        kept is not None
        and (domain is None or kept[2] is domain)
        and kept[0] is not None
        and kept[0] is getattr(babel, "babel_locale", None)
    ):
        return kept[1]
    ours = get_domain()
    found = _FIND(domain or ours)  # also settles the locale
    babel = context.g.__dict__.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None)
    if locale is not None and (domain is None or domain is ours):
        babel.austausch_catalogue = (locale, found, ours)
    return found


# Flask-Babel finds the catalogue again for every gettext and every lazy text turned into a
# string (`gettext`, `_l`, enum labels in services and forms): through nine of werkzeug's
# proxies, ~10 µs on an idle machine and ~30 times our kept catalogue's cost. Its domain asks
# the request's kept catalogue first.
_FIND = Domain.get_translations


def _kept_translations(self: Domain):
    return _catalogue(self)


# WTForms' own messages in the words our checks use (app/services/validation.py, numbers.py):
# one meaning, one wording, in English and, through our catalogue, in German. The
# placeholders stay WTForms' (it fills them in after translating).
FORM_WORDING = {
    "Not a valid date value.": N_("Enter a date."),
    "Invalid email address.": N_("Enter a valid email address."),
    "Not a valid choice.": N_("Choose one of the options."),
    "Number must be between %(min)s and %(max)s.": N_("Enter a number from %(min)s to %(max)s."),
    "Number must be at least %(min)s.": N_("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": N_("Enter a number of at most %(max)s."),
    "Field must be between %(min)d and %(max)d characters long.": N_(
        "Use %(min)d to %(max)d characters."
    ),
}
FORM_PLURAL_WORDING = {
    "Field cannot be longer than %(max)d character.": lambda n: translations().ungettext(
        "Use at most %(max)d character.", "Use at most %(max)d characters.", n
    ),
    "Field must be at least %(min)d character long.": lambda n: translations().ungettext(
        "Use at least %(min)d character.", "Use at least %(min)d characters.", n
    ),
}


class FormTranslations:
    """The catalogue WTForms' own messages ("This field is required.", "Not a valid date
    value.") are translated with: in our words (FORM_WORDING) and from our catalogue where it
    has the message, so that one meaning has one wording in each language; else WTForms' own
    translation. Looked up when a message is translated, not when the request begins."""

    catalogues: ClassVar[dict[str, support.Translations]] = {}

    def _wtforms(self) -> support.Translations:
        language = current_language()
        found = self.catalogues.get(language)
        if found is None:
            found = support.Translations.load(messages_path(), [language], domain="wtforms")
            self.catalogues[language] = found
        return found

    def ugettext(self, string: str) -> str:
        string = FORM_WORDING.get(string, string)
        ours = translations().ugettext(string)
        return ours if ours != string else self._wtforms().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        reworded = FORM_PLURAL_WORDING.get(singular)
        if reworded is not None:
            return reworded(n)
        ours = translations().ungettext(singular, plural, n)
        if ours not in (singular, plural):
            return ours
        return self._wtforms().ungettext(singular, plural, n)


_FORM_TRANSLATIONS = FormTranslations()


def _form_messages_in_our_words() -> None:
    # Flask-WTF translates WTForms' messages with the catalogue it finds on the request
    # (flask_wtf.i18n, loaded there once per request); ours goes there first.
    request.wtforms_translations = _FORM_TRANSLATIONS


def event_when(event) -> str:
    """How a history event's date reads: 4 July 1977, May 1974, 1950, since 1993, today."""
    from datetime import date

    from flask_babel import format_date, gettext

    if event.year is None:
        return gettext("Today")
    if event.day:
        text = format_date(date(event.year, event.month, event.day), "long")
    elif event.month:
        text = format_date(date(event.year, event.month, 1), "MMMM y")
    else:
        text = str(event.year)
    return gettext("since %(when)s", when=text) if event.ongoing else text
