"""Admins reword the automatic emails through the web: the list, the editor with both
languages and a preview, a typo refused next to its field, and the way back."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.models import EmailTemplate, Role
from app.services.mail import templates
from tests.conftest import post
from tests.form_errors import field_error, summary_links

URL = "/admin/emails/family.approved"


def texts(en=("Approved, {family}!", "Dear {family}, welcome."), de=None):
    de = de or ("Angenommen, {family}!", "Liebe Familie {family}, willkommen.")
    return {"en-subject": en[0], "en-body": en[1], "de-subject": de[0], "de-body": de[1]}


@pytest.fixture
def admin(auth):
    auth.login_as(Role.ADMIN)


def overrides(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(EmailTemplate)).all()
        return {row.language: (row.subject, row.body) for row in rows}


def test_the_list_names_every_email_and_whether_it_was_edited(app, client, admin):
    page = client.get("/admin/emails").get_data(as_text=True)
    assert "Your host-family application is approved" in page
    assert "To coordinators and admins: a concern report waits for an owner" in page
    assert "Edited" not in page
    post(client, URL, {**texts(), "submit": "Save"})
    page = client.get("/admin/emails").get_data(as_text=True)
    assert page.count("<strong>Edited</strong>") == 2


def test_the_editor_shows_both_languages_and_the_placeholders(client, admin):
    page = html.unescape(client.get(URL).get_data(as_text=True))
    assert 'name="en-subject"' in page and 'name="de-subject"' in page
    assert "Your host-family application is approved" in page
    assert "Ihre Bewerbung als Gastfamilie wurde angenommen" in page
    assert "{family}" in page and "Miller" in page


def test_saving_both_languages(app, client, admin):
    response = post(client, URL, {**texts(), "submit": "Save"})
    assert response.status_code == 302
    assert overrides(app) == {
        "en": ("Approved, {family}!", "Dear {family}, welcome."),
        "de": ("Angenommen, {family}!", "Liebe Familie {family}, willkommen."),
    }
    page = client.get(URL).get_data(as_text=True)
    assert "Back to the shipped text" in page


def test_the_preview_shows_the_sample_and_saves_nothing(app, client, admin):
    response = post(client, URL, {**texts(), "preview": "Preview"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Approved, Miller!" in page and "Dear Miller, welcome." in page
    assert "Angenommen, Miller!" in page
    assert overrides(app) == {}


@pytest.mark.parametrize("button", [{"submit": "Save"}, {"preview": "Preview"}])
def test_a_placeholder_typo_is_refused_next_to_its_field(app, client, admin, button):
    data = texts(de=("Angenommen!", "Liebe Familie {famliy}, willkommen."))
    response = post(client, URL, {**data, **button})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no placeholder {famliy}" in field_error(page, "de-body")
    assert "de-body" in summary_links(page)
    assert overrides(app) == {}


def test_a_required_placeholder_missing_is_refused(app, client, admin):
    data = {
        "en-subject": "Report",
        "en-body": "Please log in.",
        "de-subject": "Meldung",
        "de-body": "Bitte anmelden: {link}",
        "submit": "Save",
    }
    response = post(client, "/admin/emails/concern.alert", data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "en-body") == "The body needs {link}."


def test_back_to_the_shipped_text_after_confirming(app, client, admin):
    post(client, URL, {**texts(), "submit": "Save"})
    page = client.get(URL + "/reset").get_data(as_text=True)
    assert "removed, in English and in German" in page
    assert overrides(app) != {}
    response = post(client, URL + "/reset")
    assert response.status_code == 302
    assert overrides(app) == {}


def test_an_unknown_email_is_not_found(client, admin):
    assert client.get("/admin/emails/no.such").status_code == 404


def test_coordinators_cannot_edit(client, auth):
    auth.login_as(Role.COORDINATOR)
    assert client.get("/admin/emails").status_code == 403


def test_the_list_runs_as_many_statements_however_many_emails_were_edited(app, client, admin):
    def statements() -> int:
        seen = []

        def note(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            assert client.get("/admin/emails").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        return len(seen)

    before = statements()
    post(client, URL, {**texts(), "submit": "Save"})
    post(client, "/admin/emails/family.declined", {**texts(), "submit": "Save"})
    assert statements() == before <= 4  # the login session, the account, the edited ones


def test_the_summary_names_each_wrong_field_once(client, admin):
    data = texts(en=("Approved", "Dear {famly}."))
    page = post(client, URL, {**data, "submit": "Save"}).get_data(as_text=True)
    assert page.count('<a href="#en-') == 1
    assert summary_links(page) == {
        "en-body": "English: Text: This email has no placeholder {famly}. Use one of those listed."
    }


NEW_KEYS = [
    "reminder.documents",
    "reminder.documents_staff",
    "reminder.background_family",
    "reminder.background_staff",
    "reminder.draft",
    "reminder.contacts",
    "placement.placed",
    "placement.moved",
    "placement.temporary",
    "signup.taken",
    "password.wrong",
]


def test_the_list_names_the_reminders_the_placement_and_the_account_notices(client, admin):
    page = html.unescape(client.get("/admin/emails").get_data(as_text=True))
    assert "To a host family: a student of a cohort is placed with it" in page
    assert "To a teacher, weekly: contacts overdue or due within the week" in page
    assert "To an account holder: repeated wrong passwords within a day" in page
    for key in NEW_KEYS:
        assert f"/admin/emails/{key}" in page


@pytest.mark.parametrize("key", NEW_KEYS)
def test_each_new_email_shows_its_placeholders_and_previews(app, client, admin, key):
    url = f"/admin/emails/{key}"
    page = html.unescape(client.get(url).get_data(as_text=True))
    with app.test_request_context():
        found = templates.template(key)
        data = {}
        for language in ("en", "de"):
            subject, body = templates.shipped(key, language)
            data |= {f"{language}-subject": subject, f"{language}-body": body}
        with force_locale("en"):
            samples = [str(p.sample) for p in found.placeholders]
    assert str(found.purpose) in page
    for placeholder in found.placeholders:
        assert "{" + placeholder.name + "}" in page
    response = post(client, url, {**data, "preview": "Preview"})
    preview = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    for sample in samples:
        assert sample in preview
    assert overrides(app) == {}


def test_the_previews_read_the_counts_in_each_language(client, admin):
    page = html.unescape(client.get("/admin/emails/reminder.contacts").get_data(as_text=True))
    assert "{overdue}" in page and "2 students or families" in page
    data = {
        "en-subject": "Contacts",
        "en-body": "Overdue: {overdue}. Soon: {soon}. {link}",
        "de-subject": "Kontakte",
        "de-body": "Überfällig: {overdue}. Bald: {soon}. {link}",
        "preview": "Preview",
    }
    preview = html.unescape(
        post(client, "/admin/emails/reminder.contacts", data).get_data(as_text=True)
    )
    assert "Overdue: 2 students or families. Soon: 1 student or family." in preview
    german = "Überfällig: 2 Schülerinnen, Schüler oder Familien. Bald: 1 Schülerin, Schüler"
    assert german + " oder Familie." in preview
