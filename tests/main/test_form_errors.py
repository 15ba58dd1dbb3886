"""The error pattern every form shares (templates/_macros/forms.html, base.html): "Error:" /
"Fehler:" before the title, a summary at the top that links to each field, each error under
its label and above the input, announced once; WTForms' messages in the application's words."""

from __future__ import annotations

import re

import pytest

from app.models import Role
from tests.conftest import post
from tests.form_errors import field_error, summary_links, title


@pytest.fixture
def coordinator(app, client, auth):
    auth.login_as(Role.COORDINATOR)
    return client


def test_a_failed_login_names_the_error_in_the_title_and_links_the_summary(client):
    page = post(client, "/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert title(page).startswith("Error: Log in")
    assert summary_links(page) == {
        "email": "Email: This field is required.",
        "password": "Password: This field is required.",
    }
    assert field_error(page, "email") == "This field is required."
    # One announcement: the summary's; the errors under the fields are not alerts.
    assert page.count('role="alert"') == 1
    # Under the label, above the input; the input points at its error.
    label, error, field = (
        page.index('<label for="email">'),
        page.index('id="email-error"'),
        page.index('<input aria-describedby="email-error" aria-invalid="true"'),
    )
    assert label < error < field
    # The summary comes first in the page's content and takes the focus.
    main = page[page.index("<main") :]
    assert re.match(r'<main[^>]*>\s*<div class="error-summary"[^>]*autofocus', main)


def test_a_page_without_errors_has_a_plain_title_and_no_summary(client):
    page = client.get("/login").get_data(as_text=True)
    assert title(page).startswith("Log in")
    assert not summary_links(page)
    assert "error-summary" not in page


def test_in_german_one_meaning_has_one_wording(client, coordinator):
    coordinator.set_cookie("lang", "de")
    page = post(coordinator, "/cohorts/new", {"name": "", "places": "0"}).get_data(as_text=True)
    assert title(page).startswith("Fehler: ")
    assert "Es gibt ein Problem" in page
    # WTForms' own "required" reads as the application's own checks word it.
    assert field_error(page, "name") == "Dieses Feld ist erforderlich."
    assert "wird benötigt" not in page
    assert field_error(page, "places") == "Geben Sie eine Zahl von 1 bis 10000 ein."
    assert summary_links(page)["name"] == "Name: Dieses Feld ist erforderlich."


def test_wtforms_messages_are_in_the_application_s_words_in_english_too(coordinator):
    page = post(coordinator, "/cohorts/new", {"name": "x" * 201, "places": "0"})
    page = page.get_data(as_text=True)
    assert field_error(page, "name") == "Use at most 200 characters."
    assert field_error(page, "places") == "Enter a number from 1 to 10000."


def test_the_family_application_names_rows_and_choice_groups_and_announces_once(app, client, auth):
    from tests.factories import FAMILY_PASSWORD, make_application, make_cohort

    cohort = make_cohort(app)
    make_application(app, "fam@example.org", submitted=False, cohort_ids=[cohort])
    auth.login("fam@example.org", FAMILY_PASSWORD)
    url = "/family/application/household"
    form = client.get(url).get_data(as_text=True)
    values = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
        if name not in ("csrf_token", "save")
    }
    values.update({"members-0-name": "Pat", "members-0-age": "130", "save": "1"})
    page = post(client, url, values).get_data(as_text=True)
    assert title(page).startswith("Error: ")
    links = summary_links(page)
    assert links["members-0-age"].startswith("Person 1: ")
    assert page.count('role="alert"') == 1  # only the summary is announced
    # A group of checkboxes is reached at its first box (a fieldset takes no focus).
    url = "/family/application/availability"
    page = post(client, url, {"cohort_ids": "999999", "save": "1"}).get_data(as_text=True)
    assert title(page).startswith("Error: ")
    assert "cohort_ids-0" in summary_links(page)
