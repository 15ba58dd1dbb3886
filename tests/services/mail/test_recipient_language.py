"""Every email is written in the language of the person it goes to, whoever's click sends it:
a family that signed up in English gets English although the staff work in German, and the
other way round; each coordinator gets staff news in their own language; a guardian is
written to in theirs (German when none is known)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, get_locale, gettext

from app.cli import reminders as reminders_cli
from app.extensions import db
from app.models import Cohort, Guardian, HostApplication, OutboxEmail, Role
from app.models.base import utcnow
from app.services.hosting import families, vetting
from app.services.identity import accounts
from app.services.mail import notifications
from tests.conftest import Auth, make_user, post
from tests.factories import FAMILY_PASSWORD, enrol, family_values, make_cohort, make_student

BROWSER = {"en": "en-US,en;q=0.9", "de": "de-DE,de;q=0.9,en;q=0.5"}
FAMILY = "hosts@example.org"
OTHER = {"en": "de", "de": "en"}


def translated(app, language: str, message: str, **values) -> str:
    """The message as the catalogue of `language` has it (English: as written)."""
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def emails_to(app, address: str) -> list[OutboxEmail]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.recipient == address).order_by(OutboxEmail.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def assert_written_in(app, email: OutboxEmail, language: str, subject: str, sentence: str, **kw):
    """The email's subject and body are the texts in `language`, not in the other one."""
    expected, other = (translated(app, lang, subject) for lang in (language, OTHER[language]))
    assert expected != other  # the test can tell the languages apart
    assert email.subject == expected, (email.recipient, email.subject)
    assert translated(app, language, sentence, **kw) in email.body
    assert translated(app, OTHER[language], sentence, **kw) not in email.body


def staff_client(app, email: str, role: Role, language: str):
    """A staff member working in `language`: their account's and their pages' language."""
    make_user(app, email, role)
    with app.app_context():
        accounts.set_language(accounts.find_user(email), language)
        db.session.commit()
    client = app.test_client()
    client.set_cookie("lang", language)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = BROWSER[language]
    Auth(app, client).login(email)
    return client


@pytest.mark.parametrize(("family_language", "staff_language"), [("en", "de"), ("de", "en")])
def test_a_family_gets_every_email_in_its_language_whoever_acts(
    app, family_language, staff_language, monkeypatch
):
    cohort_id = make_cohort(app)
    with app.app_context():
        cohort_name = db.session.get(Cohort, cohort_id).name
    coordinator = staff_client(app, "coordinator@example.org", Role.COORDINATOR, staff_language)
    # A colleague who reads the other language: staff news reach each in their own.
    make_user(app, "colleague@example.org", Role.COORDINATOR)
    with app.app_context():
        accounts.set_language(accounts.find_user("colleague@example.org"), family_language)
        db.session.commit()
    admin = staff_client(app, "admin@example.org", Role.ADMIN, staff_language)

    # The family signs up with its browser in its language.
    family = app.test_client()
    family.environ_base["HTTP_ACCEPT_LANGUAGE"] = BROWSER[family_language]
    response = post(
        family,
        "/family/signup",
        {"email": FAMILY, "password": FAMILY_PASSWORD, "confirm": FAMILY_PASSWORD},
    )
    assert response.status_code == 302
    [welcome] = emails_to(app, FAMILY)
    assert_written_in(
        app,
        welcome,
        family_language,
        "Welcome to the Dortmund–Buffalo exchange",
        "If you did not sign up, ignore this email: the account cannot be used.",
    )
    with app.app_context():
        user = accounts.find_user(FAMILY)
        assert user.locale == family_language
        user.email_confirmed_at = utcnow()  # as if the family had followed the link
        application = families.current_application(families.family_of(user))
        families.save_answers(application, family_values([cohort_id]))
        application_id = application.id
        family_id = user.id
        db.session.commit()

    # It submits; each coordinator and admin is told in their own language.
    assert Auth(app, family).login(FAMILY, FAMILY_PASSWORD).status_code == 302
    assert post(family, "/family/application/submit").status_code == 302
    for address, language in (
        ("coordinator@example.org", staff_language),
        ("admin@example.org", staff_language),
        ("colleague@example.org", family_language),
    ):
        [news] = emails_to(app, address)
        assert_written_in(
            app,
            news,
            language,
            "New host-family application",
            "A family in %(city)s has submitted its application to host. It waits in the "
            "vetting queue.",
            city="Buffalo",
        )

    # The coordinator, working in the other language, vets and approves.
    url = f"/vetting/{application_id}"
    today = date.today()
    steps = (
        ("references", {"note": "Both called back."}),
        ("background", {"expires_on": (today + timedelta(days=500)).isoformat()}),
        ("home-visit", {"visited_on": today.isoformat(), "visited_by": "Karen Wojcik"}),
        ("decision", {"decision": "approved", "note": "Warm home."}),
    )
    for step, data in steps:
        assert post(coordinator, f"{url}/{step}", data).status_code == 302, step
    with app.app_context():
        assert db.session.get(HostApplication, application_id).status == vetting.A.APPROVED
    welcome, approved = emails_to(app, FAMILY)
    assert_written_in(
        app,
        approved,
        family_language,
        "Your host-family application is approved",
        "Good news: your application to host a student from Dortmund is approved. We will "
        "let you know when a student is placed with you. Log in to see the details.",
    )

    # The coordinator places a student with the family; the hourly run tells the family.
    enrolment_id = enrol(app, make_student(app), cohort_id)
    placed = {"enrolment_id": enrolment_id, "application_id": application_id}
    assert post(coordinator, f"/placements/cohorts/{cohort_id}/place", placed).status_code == 302
    assert len(emails_to(app, FAMILY)) == 2  # not at the moment of placing
    an_hour_later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(reminders_cli, "utcnow", lambda: an_hour_later)
    output = app.test_cli_runner().invoke(args=["reminders", "send"]).output
    assert "placements: 1 email(s) queued" in output
    *_before, told = emails_to(app, FAMILY)
    assert_written_in(
        app,
        told,
        family_language,
        "A student has been placed with you",
        "Good news: a student of the group %(cohort)s has been placed with your family.",
        cohort=cohort_name,
    )

    # An admin working in the other language sends a link to choose a new password.
    assert post(admin, f"/admin/users/{family_id}/password-link").status_code == 302
    *_before, reset = emails_to(app, FAMILY)
    assert_written_in(
        app,
        reset,
        family_language,
        "Choose a new password",
        "To choose a new password for your Austausch account, open this link:",
    )


@pytest.mark.parametrize(("page_language", "browser"), [("de", "en"), ("en", "de")])
def test_the_language_chosen_on_the_page_wins_over_the_browser(app, page_language, browser):
    family = app.test_client()
    family.environ_base["HTTP_ACCEPT_LANGUAGE"] = BROWSER[browser]
    family.set_cookie("lang", page_language)  # the language switch of the sign-up page
    data = {"email": FAMILY, "password": FAMILY_PASSWORD, "confirm": FAMILY_PASSWORD}
    assert post(family, "/family/signup", data).status_code == 302
    [welcome] = emails_to(app, FAMILY)
    with app.app_context():
        assert accounts.find_user(FAMILY).locale == page_language
    assert_written_in(
        app,
        welcome,
        page_language,
        "Welcome to the Dortmund–Buffalo exchange",
        "If you did not sign up, ignore this email: the account cannot be used.",
    )


def test_staff_change_a_familys_language_and_the_next_email_follows_it(app):
    cohort_id = make_cohort(app)
    coordinator = staff_client(app, "coordinator@example.org", Role.COORDINATOR, "de")
    family = app.test_client()
    family.environ_base["HTTP_ACCEPT_LANGUAGE"] = BROWSER["de"]
    data = {"email": FAMILY, "password": FAMILY_PASSWORD, "confirm": FAMILY_PASSWORD}
    assert post(family, "/family/signup", data).status_code == 302
    with app.app_context():
        user = accounts.find_user(FAMILY)
        application = families.current_application(families.family_of(user))
        families.save_answers(application, family_values([cohort_id]))
        families.submit(application)
        application_id = application.id
        db.session.commit()

    url = f"/vetting/{application_id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert f'action="{url}/language"' in page
    assert post(coordinator, f"{url}/language", {"language": "en"}).status_code == 302
    assert post(coordinator, f"{url}/language", {"language": "fr"}).status_code == 400
    with app.app_context():
        assert accounts.find_user(FAMILY).locale == "en"
    # The coordinator, working in German, declines: the family reads it in English now.
    assert post(coordinator, f"{url}/decline", {"reason": "Too far."}).status_code == 302
    declined = emails_to(app, FAMILY)[-1]
    assert_written_in(
        app,
        declined,
        "en",
        "Your host-family application",
        "Thank you for offering to host. After careful review we cannot place a student "
        "with you this time. Log in to see the details; you are welcome to apply again.",
    )


def test_a_family_chooses_the_language_of_its_emails_on_its_account_page(app):
    client = app.test_client()
    make_user(app, FAMILY, Role.HOST_FAMILY)
    Auth(app, client).login(FAMILY)
    assert 'action="/account/language"' in client.get("/account/").get_data(as_text=True)
    assert post(client, "/account/language", {"language": "de"}).status_code == 302
    with app.app_context():
        assert accounts.find_user(FAMILY).locale == "de"
        assert notifications.language_of(accounts.find_user(FAMILY)) == "de"


@pytest.mark.parametrize(("locale", "language"), [("en", "en"), ("de", "de"), (None, "de")])
def test_a_guardian_is_written_to_in_their_language_else_german(app, locale, language):
    guardian = Guardian(name="Ayşe Demir", relation="mother", phone="+49 231 1", locale=locale)
    with app.test_request_context(headers={"Accept-Language": BROWSER[OTHER[language]]}):
        assert notifications.guardian_language(guardian) == language
        with notifications.in_language_of_guardian(guardian):
            subject = gettext("Choose a new password")
    assert subject == translated(app, language, "Choose a new password")
    assert subject != translated(app, OTHER[language], "Choose a new password")


def test_in_language_for_gives_the_language_and_its_english_variant(app):
    with app.test_request_context(headers={"Accept-Language": BROWSER["de"]}):
        with notifications.in_language_for("en", "US"):
            assert str(get_locale()) == "en_US"
        with notifications.in_language_for("en"):
            assert str(get_locale()) == "en_GB"
        with notifications.in_language_for("de", "US"):
            assert str(get_locale()) == "de"
        with notifications.in_language_for(None):
            assert str(get_locale()) == "en_GB"  # the default language, British English


def test_an_admin_sets_the_language_of_an_account_on_creating_it_and_on_its_page(app):
    admin = staff_client(app, "admin@example.org", Role.ADMIN, "en")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert re.search(r'<select[^>]* name="language"', page)
    data = {"email": "lehrer@example.org", "role": "teacher", "password": FAMILY_PASSWORD}
    assert post(admin, "/admin/users", {**data, "language": "de"}).status_code == 302
    with app.app_context():
        teacher = accounts.find_user("lehrer@example.org")
        assert teacher.locale == "de"
        teacher_id = teacher.id
    assert f'action="/admin/users/{teacher_id}/language"' in admin.get(
        f"/admin/users/{teacher_id}"
    ).get_data(as_text=True)
    assert post(admin, f"/admin/users/{teacher_id}/language", {"language": "en"}).status_code == 302
    with app.app_context():
        assert accounts.find_user("lehrer@example.org").locale == "en"
    # The password link the (English-speaking) admin sends is in the teacher's language.
    assert post(admin, f"/admin/users/{teacher_id}/language", {"language": "de"}).status_code == 302
    assert post(admin, f"/admin/users/{teacher_id}/password-link").status_code == 302
    [reset] = emails_to(app, "lehrer@example.org")
    assert_written_in(
        app,
        reset,
        "de",
        "Choose a new password",
        "To choose a new password for your Austausch account, open this link:",
    )
