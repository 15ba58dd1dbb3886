"""The pages of messages to a group: write in both languages, see the recipients and their
number before sending, send once, the delivery log; the unsubscribe link; a family's page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import GroupMessage, Guardian, MessageOptOut, OutboxEmail, User
from app.services.mail import group_messages as gm
from tests.conftest import post
from tests.factories import enrol, make_cohort, make_student

FORM = {
    "audience": "guardians",
    "subject_en": "Meeting",
    "body_en": "Dear {name}, see you on Friday.",
    "subject_de": "Treffen",
    "body_de": "Hallo {name}, bis Freitag.",
}


def _guardian(app, cohort_id, email, locale, name):
    student_id = make_student(app)
    enrol(app, student_id, cohort_id)
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian).filter_by(student_id=student_id)).one()
        guardian.email, guardian.locale, guardian.name = email, locale, name
        db.session.commit()


def _write(client, cohort_id) -> str:
    response = post(client, "/messages/new", {**FORM, "cohort_id": cohort_id})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_the_count_and_the_list_come_before_sending(app, client, auth):
    auth.login_as("coordinator")
    cohort_id = make_cohort(app)
    _guardian(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _guardian(app, cohort_id, None, None, "Carl Ohne")
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()
    preview = _write(client, cohort_id)
    html = client.get(preview).get_data(as_text=True)
    assert "1 recipient receives an email" in html
    assert "Anne Smith" in html and "anne@example.org" in html
    assert "Carl Ohne" in html and "no email known — cannot be reached" in html
    assert "Send to 1 recipient" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0
    message_id = int(preview.rstrip("/").rsplit("/", 1)[1])
    assert post(client, f"/messages/{message_id}/send").status_code == 302
    assert post(client, f"/messages/{message_id}/send").status_code == 302  # a double submit
    with app.app_context():
        emails = db.session.scalars(sa.select(OutboxEmail)).all()
        assert [e.recipient for e in emails] == ["anne@example.org"]
        assert emails[0].body.startswith("Dear Anne Smith, see you on Friday.")
    log = client.get(preview).get_data(as_text=True)
    assert "Delivery log" in log
    assert re.search(r"Anne Smith.*anne@example\.org", log, re.S)
    assert "not sent: no email known — cannot be reached" in log


def test_the_pages_in_german(app, client, auth):
    auth.login_as("coordinator")
    with app.app_context():
        user = db.session.scalars(sa.select(User).filter_by(email="coordinator@example.org")).one()
        user.locale = "de"
        db.session.commit()
    cohort_id = make_cohort(app)
    _guardian(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    assert "Neue Nachricht" in client.get("/messages/new").get_data(as_text=True)
    html = client.get(_write(client, cohort_id)).get_data(as_text=True)
    assert "Berta Krause" in html and "An 1 Empfänger senden" in html


def test_a_text_in_each_language_is_required(app, client, auth):
    auth.login_as("coordinator")
    cohort_id = make_cohort(app)
    response = post(client, "/messages/new", {**FORM, "body_de": "", "cohort_id": cohort_id})
    assert response.status_code == 400
    assert "Enter the text in German." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(GroupMessage.id))) == 0


def test_one_click_unsubscribe_works_without_login(app, client):
    with app.app_context():
        token = gm.unsubscribe_token("anne@example.org")
    assert client.get(f"/messages/unsubscribe/{token}").status_code == 200
    response = client.post(
        f"/messages/unsubscribe/{token}",
        data={"List-Unsubscribe": "One-Click"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "no more messages to a group" in response.get_data(as_text=True)
    assert client.get(f"/messages/unsubscribe/{token}x").status_code == 404
    with app.app_context():
        assert db.session.get(MessageOptOut, "anne@example.org") is not None


def test_a_family_sees_the_group_messages_it_received_on_its_page(app, client, auth):
    from app.models import Cohort
    from tests.factories import FAMILY_PASSWORD, make_vetted_family, place

    cohort_id = make_cohort(app)
    student_id = make_student(app)
    enrolment_id = enrol(app, student_id, cohort_id)
    application_id = make_vetted_family(
        app, [cohort_id], family_name="Miller", email="miller@example.org"
    )
    place(app, enrolment_id, application_id)
    with app.app_context():
        staff = db.session.get(User, auth_user(app))
        texts = {**FORM, "subject_en": "Welcome evening", "subject_de": "Willkommensabend"}
        message = gm.create(gm.FAMILIES, db.session.get(Cohort, cohort_id), texts)
        gm.send(message, staff, lambda token: f"https://example.org/u/{token}")
        db.session.commit()
    auth.login("miller@example.org", FAMILY_PASSWORD)
    html = client.get("/family/").get_data(as_text=True)
    assert "Messages" in html
    assert "Welcome evening" in html or "Willkommensabend" in html
    assert "Miller, see you on Friday." in html or "Hallo Miller, bis Freitag." in html


def auth_user(app) -> int:
    from tests.conftest import make_user

    return make_user(app, "sender@example.org", "coordinator")


def test_the_list_shows_each_sent_messages_number_of_recipients(app, client, auth):
    auth.login_as("coordinator")
    cohort_id = make_cohort(app)
    _guardian(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _guardian(app, cohort_id, None, None, "Carl Ohne")  # a delivery too: cannot be reached
    sent = _write(client, cohort_id)
    assert post(client, sent.rstrip("/") + "/send").status_code == 302
    post(client, "/messages/new", {**FORM, "subject_en": "Draft", "cohort_id": cohort_id})
    rows = re.findall(r"<tr>(.*?)</tr>", client.get("/messages/").get_data(as_text=True), re.S)
    cells = {
        re.sub(r"<[^>]+>", "", row.split("<br>")[0]).strip(): re.findall(
            r'data-label="Recipients">([^<]*)<', row
        )
        for row in rows[1:]
    }
    assert cells == {"Draft": ["—"], "Meeting": ["2"]}
