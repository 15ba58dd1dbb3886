"""Editable email templates: the shipped text in both languages, an admin's override, and
what a save refuses (an unknown placeholder, `{a.b}`, a required one missing)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.models import AuditEntry, EmailTemplate, OutboxEmail, Role
from app.services.mail import shipped_notices, templates
from app.services.validation import ValidationFailed
from tests.conftest import make_user
from tests.factories import make_cohort, make_vetted_family

EDITED_EN = ("Welcome aboard, {family}!", "Dear {family}, you are approved. See you soon.")
EDITED_DE = ("Willkommen, {family}!", "Liebe Familie {family}, Sie sind zugelassen.")


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def admin_id(app) -> int:
    return make_user(app, "admin@example.org", Role.ADMIN)


def test_shipped_text_in_both_languages_with_braced_placeholders(ctx):
    subject_en, body_en = templates.render("application.received", "en", {"city": "Buffalo"})
    subject_de, body_de = templates.render("application.received", "de", {"city": "Buffalo"})
    assert subject_en == "New host-family application"
    assert "A family in Buffalo has submitted" in body_en
    assert subject_en != subject_de and "Buffalo" in body_de
    assert templates.text("application.received", "en")[1].startswith("A family in {city} ")
    assert templates.text("application.received", "en")[2] is False


def test_an_override_is_sent_in_its_language_only(ctx, admin_id):
    templates.save("family.approved", {"en": EDITED_EN, "de": EDITED_DE}, admin_id)
    db.session.commit()
    values = {"family": "Miller"}
    assert templates.render("family.approved", "en", values) == (
        "Welcome aboard, Miller!",
        "Dear Miller, you are approved. See you soon.",
    )
    assert templates.render("family.approved", "de", values)[0] == "Willkommen, Miller!"
    assert templates.render("family.declined", "en", values)[0] == "Your host-family application"
    row = db.session.scalar(sa.select(EmailTemplate).where(EmailTemplate.language == "en"))
    assert row.updated_by_id == admin_id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action.like("email_t%")))
    assert entry.details == {"key": "family.approved", "languages": ["de", "en"]}


def test_saving_the_shipped_text_keeps_no_override(ctx, admin_id):
    shipped = templates.shipped("family.approved", "en")
    templates.save("family.approved", {"en": shipped}, admin_id)
    assert db.session.scalar(sa.select(sa.func.count(EmailTemplate.id))) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {famly}, approved.", "This email has no placeholder {famly}"),
        ("Dear {family.__class__}, approved.", "is not a placeholder"),
        ("Dear {family[0]}, approved.", "is not a placeholder"),
        ("Dear {family!r}, approved.", "is not a placeholder"),
        ("Dear {family:>10}, approved.", "is not a placeholder"),
        ("Dear {family, approved.", "A brace is not closed"),
        ("   ", "Enter the text."),
    ],
)
def test_a_wrong_placeholder_is_refused_next_to_its_field(ctx, admin_id, body, message):
    with pytest.raises(ValidationFailed) as refused:
        templates.save("family.approved", {"de": ("Betreff", body)}, admin_id)
    [(field, text)] = refused.value.problems
    assert field == "de.body" and message in text
    assert db.session.scalar(sa.select(sa.func.count(EmailTemplate.id))) == 0


def test_a_required_placeholder_must_stay_in_the_body(ctx, admin_id):
    with pytest.raises(ValidationFailed) as refused:
        templates.save("concern.alert", {"en": ("{severity} report", "Log in, please.")}, 1)
    assert refused.value.problems == [("en.body", "The body needs {link}.")]
    templates.save("concern.alert", {"en": ("{severity} report", "Log in: {link}")}, admin_id)
    subject, body = templates.render("concern.alert", "en", {"severity": "urgent", "link": "L"})
    assert (subject, body) == ("Urgent report", "Log in: L")


def test_literal_braces_and_values_are_not_formatted_again(ctx, admin_id):
    templates.save("family.approved", {"en": ("Hi {{you}}", "Dear {family}.")}, admin_id)
    assert templates.render("family.approved", "en", {"family": "{family.__class__}"}) == (
        "Hi {you}",
        "Dear {family.__class__}.",
    )


def test_reset_goes_back_to_the_shipped_text(ctx, admin_id):
    templates.save("family.approved", {"en": EDITED_EN, "de": EDITED_DE}, admin_id)
    assert templates.reset("family.approved", admin_id) is True
    db.session.commit()
    assert templates.render("family.approved", "en", {})[0] == (
        "Your host-family application is approved"
    )
    assert templates.reset("family.approved", admin_id) is False
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "email_template.reset"


def test_the_approval_email_carries_the_edited_text(app, admin_id):
    with app.test_request_context():
        templates.save("family.approved", {"en": EDITED_EN}, admin_id)
        db.session.commit()
    make_vetted_family(app, [make_cohort(app)], "approved", family_name="Miller")
    with app.app_context():
        email = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.subject.like("Welcome aboard%"))
        )
        assert email is not None
        assert email.subject == "Welcome aboard, Miller!"
        assert "Dear Miller, you are approved." in email.body


def test_a_body_of_paragraphs_keeps_its_link_as_a_placeholder(ctx):
    _subject, shipped_body = templates.shipped("password.reset", "de")
    assert "\n\n{link}\n\n" in shipped_body and "{minutes} Minuten" in shipped_body
    subject, body = templates.render("password.reset", "en", {"link": "L", "minutes": 30})
    assert subject == "Choose a new password"
    assert body.split("\n\n")[1] == "L" and "for 30 minutes" in body


def test_a_stored_text_that_no_longer_parses_sends_the_shipped_one(ctx, admin_id):
    db.session.add(EmailTemplate(key="family.approved", language="en", subject="{x.y}", body="{"))
    db.session.flush()
    assert templates.render("family.approved", "en", {})[0] == (
        "Your host-family application is approved"
    )


@pytest.mark.parametrize(
    ("phrase", "count", "english", "german"),
    [
        (shipped_notices.students, 1, "1 student", "1 Schülerin oder Schüler"),
        (shipped_notices.students, 2, "2 students", "2 Schülerinnen und Schüler"),
        (
            shipped_notices.students_or_families,
            1,
            "1 student or family",
            "1 Schülerin, Schüler oder Familie",
        ),
        (
            shipped_notices.students_or_families,
            2,
            "2 students or families",
            "2 Schülerinnen, Schüler oder Familien",
        ),
        (shipped_notices.times, 1, "1 time", "1 Mal"),
        (shipped_notices.times, 2, "2 times", "2 Mal"),
    ],
)
def test_a_count_is_filled_in_as_a_phrase_in_the_readers_language(
    app, phrase, count, english, german
):
    with app.test_request_context():
        with force_locale("en"):
            assert phrase(count) == english
        with force_locale("de"):
            assert phrase(count) == german


def test_the_wrong_password_warning_counts_in_words(ctx):
    _subject, body = templates.render(
        "password.wrong", "en", {"attempts": shipped_notices.times(1)}
    )
    assert body.startswith("Somebody tried 1 time within a day to log in")
    with force_locale("de"):
        attempts = shipped_notices.times(2)
    subject, body = templates.render("password.wrong", "de", {"attempts": attempts})
    assert subject == "Falsche Passwörter für Ihr Konto"
    assert body.startswith("Jemand hat innerhalb eines Tages 2 Mal versucht")


@pytest.mark.parametrize("key", [t.key for t in shipped_notices.NOTICES])
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_notice_previews_with_its_samples(ctx, key, language):
    subject, body = templates.sample(key, language, *templates.shipped(key, language))
    template = templates.template(key)
    assert "{" not in subject + body and "%(" not in subject + body
    for placeholder in template.placeholders:
        with force_locale(language):
            assert str(placeholder.sample) in subject + body
    assert not templates.problems(key, *templates.shipped(key, language))
