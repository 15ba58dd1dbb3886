"""Translations: the German catalogue is complete and compiled, the language is chosen from
the person's choice (cookie, account), then the browser, and content shows in that language."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import escape

from app.extensions import db
from app.models import Role, User
from app.services import history
from tests.conftest import Auth, make_user, post

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
PO = TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The same keywords as `make extract-messages`.
KEYWORDS = ("_l", "lazy_gettext")
FIX_HINT = (
    "Run `make extract-messages`, then translate the new entries in "
    "app/translations/de/LC_MESSAGES/messages.po (and remove any `#, fuzzy` flag)."
)
LANGUAGE_SWITCH_RE = re.compile(r"<form[^>]*language-switch.*?</form>", re.DOTALL)
NEXT_RE = re.compile(r'name="next" value="([^"]*)"')


def compile_catalogue() -> None:
    """Compile messages.po like `make translations` when the .mo is missing or stale."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    with PO.open("rb") as source:
        catalog = read_po(source, locale="de")
    # Write next to the target and rename, so a parallel run never reads half a file.
    with tempfile.NamedTemporaryFile(
        dir=MO.parent, prefix=".tmp-", suffix=".mo", delete=False
    ) as target:
        write_mo(target, catalog)
    os.chmod(target.name, 0o644)  # a temporary file is private; the catalogue is not
    os.replace(target.name, MO)


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogue() -> None:
    compile_catalogue()


def read_catalogue(path: Path):
    with path.open("rb") as source:
        return read_po(source)


# Babel skips folders whose names start with "_" unless told otherwise: templates/_macros/ too.
IGNORE_DIRS = ["--ignore-dirs", ".* __pycache__"]


def extract_messages(target: Path) -> None:
    """Extract the visible strings from the current source, as `make extract-messages` does."""
    pybabel = Path(sys.executable).parent / "pybabel"
    command = (
        [str(pybabel)] if pybabel.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    )
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    result = subprocess.run(
        [
            *command,
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            *IGNORE_DIRS,
            *keywords,
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"


def page(client, url: str = "/", language: str | None = None) -> str:
    headers = {"Accept-Language": language} if language else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def location_path(response) -> str:
    """Where a redirect goes; fails when it leaves the site."""
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), response.headers["Location"]
    return parts.path + (f"?{parts.query}" if parts.query else "")


def stored_locale(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(User.locale).where(User.email == email))


def seed_history(app) -> None:
    with app.app_context():
        history.seed_if_empty()
        db.session.commit()


def is_translated(message) -> bool:
    """A German entry exists, is not fuzzy and has text (for every plural form)."""
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(text and text.strip() for text in strings)


# The catalogue ------------------------------------------------------------------------


def test_every_visible_string_has_a_german_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    extract_messages(pot)
    template = read_catalogue(pot)
    german = read_catalogue(PO)

    missing = []
    for message in template:
        if not message.id:
            continue
        if not is_translated(german.get(message.id, message.context)):
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
            missing.append(f"  - {msgid!r} ({where})")

    assert not missing, (
        f"{len(missing)} visible string(s) have no German translation:\n"
        + "\n".join(missing)
        + f"\n{FIX_HINT}"
    )


def test_the_german_catalogue_is_usable():
    german = read_catalogue(PO)
    assert not german.fuzzy, "the header of messages.po is marked fuzzy; pybabel would skip it"
    fuzzy = [message.id for message in german if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy entries are not compiled: {fuzzy}\n{FIX_HINT}"
    problems = [f"  - {message.id!r}: {errors}" for message, errors in german.check()]
    assert not problems, "placeholders differ from the English text:\n" + "\n".join(problems)


# The compiled catalogue is used -------------------------------------------------------


@pytest.mark.parametrize("accept", ["de", "de-DE,de;q=0.9,en;q=0.8", "fr, de;q=0.5"])
def test_browser_asking_for_german_gets_german(client, accept):
    text = page(client, language=accept)
    assert '<html lang="de">' in text
    assert "Die Geschichte der Partnerschaft" in text
    assert "The story of the partnership" not in text
    assert "Anmelden" in text
    # The switch offers the other language.
    assert ">English</button>" in text


@pytest.mark.parametrize("accept", ["fr", "en-US,en;q=0.9", None])
def test_other_browsers_get_english(client, accept):
    text = page(client, language=accept)
    assert '<html lang="en">' in text
    assert "The story of the partnership" in text
    assert "Die Geschichte der Partnerschaft" not in text
    assert ">Deutsch</button>" in text


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


# The switch in the header -------------------------------------------------------------


def test_switch_sets_a_cookie_that_beats_the_browser(client):
    response = post(client, "/language", {"language": "de", "next": "/"})
    assert response.status_code == 302
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "de"
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert (cookie.max_age or 0) >= 300 * 24 * 3600

    text = page(client, language="en")
    assert '<html lang="de">' in text
    assert "Die Geschichte der Partnerschaft" in text

    post(client, "/language", {"language": "en", "next": "/"})
    assert client.get_cookie("lang").value == "en"
    text = page(client, language="de")
    assert '<html lang="en">' in text
    assert "The story of the partnership" in text


@pytest.mark.parametrize("language", ["fr", "", "xx-evil"])
def test_unknown_language_is_refused(client, language):
    response = post(client, "/language", {"language": language, "next": "/"})
    assert response.status_code == 400
    assert client.get_cookie("lang") is None


def test_switch_needs_the_csrf_token(client):
    response = client.post("/language", data={"language": "de", "next": "/"})
    assert response.status_code == 400
    assert client.get_cookie("lang") is None


@pytest.mark.parametrize("url", ["/login", "/login?next=%2Fdashboard"])
def test_switch_keeps_the_person_on_their_page(client, url):
    form = LANGUAGE_SWITCH_RE.search(page(client, url))
    assert form, "no language switch in the header"
    field = NEXT_RE.search(form.group(0))
    assert field, "the language switch has no next field"
    here = html.unescape(field.group(1))
    assert urlsplit(here).path == "/login"

    response = post(client, "/language", {"language": "de", "next": here})
    assert response.status_code == 302
    assert location_path(response) == here
    assert "<h1>Anmelden</h1>" in page(client, here, language="en")


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "//evil.example/login", "https://evil.example/", "/\\evil.example", ""],
)
def test_switch_does_not_follow_an_external_next(client, target):
    response = post(client, "/language", {"language": "de", "next": target})
    assert response.status_code == 302
    assert location_path(response) == "/"
    assert "evil.example" not in response.headers["Location"]
    assert client.get_cookie("lang").value == "de"


# The choice of a logged-in person is stored on the account ----------------------------


def test_logged_in_choice_is_stored_on_the_account(app, client, auth):
    email = "coordinator@example.org"
    auth.login_as(Role.COORDINATOR, email)
    assert stored_locale(app, email) is None

    response = post(client, "/language", {"language": "de", "next": "/dashboard"})
    assert response.status_code == 302
    assert location_path(response) == "/dashboard"
    assert stored_locale(app, email) == "de"
    assert "<h1>Übersicht</h1>" in page(client, "/dashboard", language="en")

    # Another device without the cookie: the account's language applies after login.
    other = app.test_client()
    Auth(app, other).login_as(Role.COORDINATOR, email)
    assert other.get_cookie("lang") is None
    text = page(other, "/dashboard", language="en")
    assert '<html lang="de">' in text
    assert "<h1>Übersicht</h1>" in text

    post(client, "/language", {"language": "en", "next": "/"})
    assert stored_locale(app, email) == "en"


def test_anonymous_choice_changes_no_account(app, client):
    make_user(app, "staff@example.org", Role.COORDINATOR)
    post(client, "/language", {"language": "de", "next": "/"})
    assert stored_locale(app, "staff@example.org") is None


# History events are shown in the chosen language --------------------------------------


def seed_rows(app) -> list:
    seed_history(app)
    with app.app_context():
        return [
            {"title_en": e.title_en, "title_de": e.title_de, "text_de": e.text_de}
            for e in history.timeline()
        ]


def test_history_events_show_in_german(app, client):
    rows = seed_rows(app)
    assert rows, "the seed data has no events"
    text = page(client, language="de")
    for row in rows:
        assert str(escape(row["title_de"])) in text, row["title_de"]
        assert str(escape(row["text_de"])) in text, row["title_de"]
        if row["title_en"] != row["title_de"]:
            assert str(escape(row["title_en"])) not in text, row["title_en"]
    # Dates and the partnership's age read in German too.
    for when in ("4. Juli 1977", "Mai 1974", "seit 1993", "Heute"):
        assert f'<p class="timeline-when">{when}</p>' in text, when
    assert f"Seit 1950, also seit {date.today().year - 1950} Jahren" in text


def test_history_events_show_in_english(app, client):
    rows = seed_rows(app)
    text = page(client, language="en")
    for row in rows:
        assert str(escape(row["title_en"])) in text, row["title_en"]
        if row["title_en"] != row["title_de"]:
            assert str(escape(row["title_de"])) not in text, row["title_de"]
    assert '<p class="timeline-when">since 1993</p>' in text


def test_dashboard_shows_the_latest_events_in_german(app, client, auth):
    seed_history(app)
    auth.login_as(Role.COORDINATOR)
    post(client, "/language", {"language": "de", "next": "/dashboard"})
    text = page(client, "/dashboard")
    assert "Neueste Ereignisse der Zeitleiste" in text
    with app.app_context():
        latest = history.latest(3)
        titles = [(event.title_de, event.title_en) for event in latest]
    for german, english in titles:
        assert str(escape(german)) in text
        if german != english:
            assert str(escape(english)) not in text


@pytest.mark.parametrize("language", ["en-GB", "de-DE"])
def test_templates_plural_texts_read_as_jinja_writes_them(app, language):
    """ngettext in a template takes the fast path of app/jinja_gettext.py (no context
    function call): the same text, number and escaped values as Jinja's own ngettext."""
    from jinja2 import Environment

    source = (
        '{% for n in [1, 3] %}{{ ngettext("%(num)d free bed", "%(num)d free beds", n) }}|'
        '{{ ngettext("%(taken)d of %(num)d bed taken", "%(taken)d of %(num)d beds taken", n,'
        " taken=n - 1) }}|{{ ngettext('%(num)d family', '%(num)d families', n, x=\"<b>\") }}"
        "{% endfor %}"
    )
    with app.test_request_context(headers={"Accept-Language": language}):
        fast = app.jinja_env.from_string(source)
        assert "austausch_ngettext" in app.jinja_env.compile(source, raw=True)
        plain = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
        from app.i18n import translations

        plain.install_gettext_callables(
            gettext=lambda s: translations().ugettext(s),
            ngettext=lambda s, p, n: translations().ungettext(s, p, n),
            newstyle=True,
        )
        assert fast.render() == plain.from_string(source).render()
        if language == "de-DE":
            assert "3 freie" in fast.render()
