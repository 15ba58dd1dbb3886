"""Which English a person reads: host families (in the US) read US spelling, staff read what
their browser asks for (British by default); dates follow the reader's locale; emails to a
family are in the family's variant, whoever sends them."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import gettext

from app.extensions import db
from app.models import ApplicationStatus, HostApplication, OutboxEmail, Role
from app.services.hosting import vetting
from app.services.identity import accounts
from app.services.mail import notifications
from tests.conftest import Auth, make_user
from tests.factories import FAMILY_PASSWORD, make_application, make_cohort, make_vetted_family
from tests.main.test_i18n import extract_messages

US_PO = Path(__file__).resolve().parents[2] / "app" / "translations" / "en_US" / "LC_MESSAGES"
US_PO = US_PO / "messages.po"
# British spellings in source strings that US English writes differently.
BRITISH = re.compile(
    r"\b(programme|neighbour|colour|favour|behaviour|travell(?:ing|ed|er)|enrolment|enrols?"
    r"|centre|organis\w*|recognis\w*|mobile phone)\b",
    re.IGNORECASE,
)
SHORT_DATE_GB = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")  # 02/12/2026
SHORT_DATE_US = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b(?!/)")  # 12/2/26


@pytest.fixture(autouse=True, scope="module")
def compiled_us_catalogue() -> None:
    """Compile the en_US catalogue like `make translations` when the .mo is missing or stale."""
    mo = US_PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= US_PO.stat().st_mtime:
        return
    with US_PO.open("rb") as source:
        catalog = read_po(source, locale="en_US")
    with tempfile.NamedTemporaryFile(dir=mo.parent, suffix=".mo", delete=False) as target:
        write_mo(target, catalog)
    os.chmod(target.name, 0o644)
    os.replace(target.name, mo)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_every_british_spelling_has_a_us_entry(tmp_path):
    pot = tmp_path / "messages.pot"
    extract_messages(pot)
    with pot.open("rb") as source:
        template = read_po(source)
    with US_PO.open("rb") as source:
        us = read_po(source)
    missing = []
    for message in template:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or not any(BRITISH.search(text) for text in ids):
            continue
        entry = us.get(message.id, message.context)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not strings or not all(strings) or any(BRITISH.search(text) for text in strings):
            missing.append(ids[0])
    assert not missing, "no US spelling in app/translations/en_US for:\n" + "\n".join(missing)
    assert not [errors for _message, errors in us.check()], "placeholders differ"


def test_a_family_reads_us_spelling_whatever_its_browser_says(app, client):
    make_application(app, "family@example.org", submitted=False)
    Auth(app, client).login("family@example.org", FAMILY_PASSWORD)
    headers = {"Accept-Language": "en-GB"}
    application = text_of(client.get("/family/application/references", headers=headers))
    assert "for example a neighbor, a teacher" in application
    assert "e.g. neighbor, coach" in application


def test_a_us_browser_reads_us_spelling_before_logging_in(app, client):
    us = text_of(client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}))
    assert "the program's coordinators" in us
    british = text_of(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "the programme's coordinators" in british


def test_staff_read_dates_in_the_order_their_browser_asks_for(app, client):
    make_user(app, "admin@example.org", Role.ADMIN)
    Auth(app, client).login("admin@example.org")
    url = "/admin/users"
    british = text_of(client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert SHORT_DATE_GB.search(british) and not SHORT_DATE_US.search(british)
    american = text_of(client.get(url, headers={"Accept-Language": "en-US"}))
    assert SHORT_DATE_US.search(american) and not SHORT_DATE_GB.search(american)
    assert "Programme" in text_of(client.get("/cohorts/new", headers={"Accept-Language": "en"}))


def test_emails_to_a_family_are_in_us_english_and_to_staff_in_british(app):
    make_application(app, "family@example.org")
    make_user(app, "staff@example.org", Role.COORDINATOR)
    with app.test_request_context(headers={"Accept-Language": "de-DE"}):
        family = accounts.find_user("family@example.org")
        family.locale = "en"
        staff = accounts.find_user("staff@example.org")
        with notifications.in_language(family):
            assert gettext("Programme coordinator") == "Program coordinator"
        with notifications.in_language(staff):
            assert gettext("Programme coordinator") == "Programme coordinator"
        family.locale = "de"
        with notifications.in_language(family):
            assert gettext("Programme coordinator") == "Programmkoordination"


def test_a_decision_email_is_in_the_family_language_whoever_decides(app):
    application_id = make_vetted_family(app, [make_cohort(app)], "home_visited")
    with app.test_request_context(headers={"Accept-Language": "en-GB"}):  # staff in English
        application = db.session.get(HostApplication, application_id)
        application.family.user.locale = "de"
        vetting.decide(application, ApplicationStatus.APPROVED, None)
        db.session.flush()
        email = db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.recipient == application.family.user.email)
            .order_by(OutboxEmail.id.desc())
        ).first()
        assert email.subject == "Ihre Bewerbung als Gastfamilie wurde angenommen"


def test_staff_news_of_a_submitted_application_is_in_each_reader_language(app):
    make_user(app, "koordination@example.org", Role.COORDINATOR)
    make_user(app, "admin@example.org", Role.ADMIN)
    with app.app_context():
        accounts.find_user("koordination@example.org").locale = "de"
        db.session.commit()
    make_application(app, "family@example.org")  # the family writes in US English
    with app.app_context():
        subjects = {
            email.recipient: email.subject
            for email in db.session.scalars(sa.select(OutboxEmail))
            if email.recipient != "family@example.org"
        }
    assert subjects == {
        "koordination@example.org": "Neue Bewerbung als Gastfamilie",
        "admin@example.org": "New host-family application",
    }
