"""Messages to a group: who the audiences are, each recipient's language, those who cannot be
reached listed, unsubscribed addresses skipped, and a message sent once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, GroupMessage, Guardian, MessageDelivery, OutboxEmail, User
from app.services.errors import DomainError
from app.services.mail import group_messages as gm
from tests.conftest import make_user
from tests.factories import (
    assign_teacher,
    enrol,
    make_cohort,
    make_student,
    make_teacher,
    make_vetted_family,
    place,
)

TEXTS = {
    "subject_en": "Meeting for {cohort}",
    "body_en": "Dear {name}, the meeting is on Friday.",
    "subject_de": "Treffen für {cohort}",
    "body_de": "Liebe(r) {name}, das Treffen ist am Freitag.",
}


def _link(token: str) -> str:
    return f"https://austausch.example.org/messages/unsubscribe/{token}"


def _student(app, cohort_id, guardian_email, locale=None, name="Maria") -> int:
    student_id = make_student(app)
    enrolment_id = enrol(app, student_id, cohort_id)
    with app.app_context():
        guardian = db.session.scalars(sa.select(Guardian).filter_by(student_id=student_id)).one()
        guardian.email = guardian_email
        guardian.locale = locale
        guardian.name = name
        db.session.commit()
    return enrolment_id


def _clear(app):
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()


@pytest.fixture
def cohort_id(app):
    return make_cohort(app)


def _recipients(app, audience, cohort_id):
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
        return gm.recipients(audience, cohort)


def test_guardians_in_their_language_and_the_unreachable_listed(app, cohort_id):
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _student(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    _student(app, cohort_id, None, None, "Carl Ohne")
    found = {r.name: r for r in _recipients(app, gm.GUARDIANS, cohort_id)}
    assert found["Anne Smith"].language == "en"
    assert found["Berta Krause"].language == "de"
    assert found["Carl Ohne"].email is None
    assert found["Carl Ohne"].language == "de"  # a guardian without a language reads German


def test_other_cohorts_guardians_are_not_included(app, cohort_id):
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _student(app, make_cohort(app), "zoe@example.org", "en", "Zoe Other")
    assert [r.name for r in _recipients(app, gm.GUARDIANS, cohort_id)] == ["Anne Smith"]


def test_unplaced_families_and_teachers(app, cohort_id):
    placed = _student(app, cohort_id, "placed@example.org", "en", "Placed Parent")
    _student(app, cohort_id, "waiting@example.org", "en", "Waiting Parent")
    application_id = make_vetted_family(app, [cohort_id], family_name="Miller")
    place(app, placed, application_id)
    teacher_id = make_teacher(app, name="Anna Lehmann")
    assign_teacher(app, cohort_id, teacher_id)
    assert [r.name for r in _recipients(app, gm.UNPLACED, cohort_id)] == ["Waiting Parent"]
    assert [r.name for r in _recipients(app, gm.FAMILIES, cohort_id)] == ["Miller"]
    assert [r.name for r in _recipients(app, gm.TEACHERS, cohort_id)] == ["Anna Lehmann"]
    assert [r.kind for r in _recipients(app, gm.TEACHERS, cohort_id)] == ["user"]


def test_families_in_vetting_but_not_approved_ones(app, cohort_id):
    make_vetted_family(app, [cohort_id], "references_checked", family_name="Vetted")
    make_vetted_family(app, [cohort_id], "approved", family_name="Done")
    assert [r.name for r in _recipients(app, gm.VETTING, None)] == ["Vetted"]


def test_missing_documents_lists_guardians_of_students_lacking_papers(app, cohort_id):
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    names = [r.name for r in _recipients(app, gm.MISSING_DOCUMENTS, cohort_id)]
    assert names == ["Anne Smith"]  # nothing handed in yet


def test_a_cohort_audience_needs_a_cohort(app):
    with app.app_context(), pytest.raises(DomainError):
        gm.recipients(gm.GUARDIANS, None)


def _send(app, cohort_id, texts=TEXTS) -> int:
    with app.app_context():
        staff = db.session.scalars(sa.select(User).filter_by(email="coord@example.org")).one()
        message = gm.create(gm.GUARDIANS, db.session.get(Cohort, cohort_id), texts)
        gm.send(message, staff, _link)
        db.session.commit()
        return message.id


def test_each_guardian_gets_the_text_written_for_their_language(app, cohort_id):
    make_user(app, "coord@example.org", role="coordinator")
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _student(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    _student(app, cohort_id, None, None, "Carl Ohne")
    _clear(app)
    message_id = _send(app, cohort_id)
    with app.app_context():
        cohort_name = db.session.get(Cohort, cohort_id).name
        emails = {e.recipient: e for e in db.session.scalars(sa.select(OutboxEmail))}
        assert set(emails) == {"anne@example.org", "berta@example.org"}
        anne, berta = emails["anne@example.org"], emails["berta@example.org"]
        assert anne.subject == f"Meeting for {cohort_name}"
        assert anne.body.startswith("Dear Anne Smith, the meeting is on Friday.")
        assert berta.subject == f"Treffen für {cohort_name}"
        assert "Liebe(r) Berta Krause" in berta.body
        assert anne.kind == "group" and anne.unsubscribe_url.startswith("https://")
        statuses = {
            d.name: d.status
            for d in db.session.scalars(sa.select(MessageDelivery).filter_by(message_id=message_id))
        }
        assert statuses == {
            "Anne Smith": "queued",
            "Berta Krause": "queued",
            "Carl Ohne": "unreachable",
        }


def test_a_message_is_sent_once(app, cohort_id):
    make_user(app, "coord@example.org", role="coordinator")
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _clear(app)
    message_id = _send(app, cohort_id)
    with app.app_context():
        message = db.session.get(GroupMessage, message_id)
        staff = db.session.scalars(sa.select(User).filter_by(email="coord@example.org")).one()
        with pytest.raises(DomainError):
            gm.send(message, staff, _link)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 1


def test_an_unsubscribed_address_gets_no_group_message(app, cohort_id):
    make_user(app, "coord@example.org", role="coordinator")
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _student(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    _clear(app)
    with app.app_context():
        token = gm.unsubscribe_token("Anne@Example.org")
        gm.unsubscribe(gm.email_of_token(token))
        db.session.commit()
        assert gm.email_of_token(token + "x") is None
    _send(app, cohort_id)
    with app.app_context():
        assert [e.recipient for e in db.session.scalars(sa.select(OutboxEmail))] == [
            "berta@example.org"
        ]


def test_erasing_a_student_removes_their_guardians_delivery_rows(app, cohort_id):
    from app.models import Student
    from app.services.privacy import privacy_requests

    make_user(app, "coord@example.org", role="coordinator")
    enrolment_id = _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _student(app, cohort_id, "berta@example.org", "de", "Berta Krause")
    message_id = _send(app, cohort_id)
    with app.app_context():
        from app.models import Enrolment

        student = db.session.get(Student, db.session.get(Enrolment, enrolment_id).student_id)
        privacy_requests.erase_student(student, None)
        db.session.commit()
        names = db.session.scalars(
            sa.select(MessageDelivery.name).filter_by(message_id=message_id)
        ).all()
        assert names == ["Berta Krause"]


def test_a_family_sees_the_messages_it_received_and_erasure_removes_them(app, cohort_id):
    from app.models import HostApplication
    from app.services.privacy import privacy_requests

    make_user(app, "coord@example.org", role="coordinator")
    enrolment_id = _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    application_id = make_vetted_family(app, [cohort_id], family_name="Miller")
    place(app, enrolment_id, application_id)
    with app.app_context():
        staff = db.session.scalars(sa.select(User).filter_by(email="coord@example.org")).one()
        message = gm.create(gm.FAMILIES, db.session.get(Cohort, cohort_id), TEXTS)
        gm.send(message, staff, _link)
        db.session.commit()
        family = db.session.get(HostApplication, application_id).family
        received = gm.received("user", family.user.id)
        german = gm.notifications.language_of(family.user) == "de"
        expected = "Liebe(r) Miller, das" if german else "Dear Miller, the"
        assert [body.split(" Treffen")[0].split(" meeting")[0] for _m, _s, body in received] == [
            expected
        ]
        privacy_requests.erase_family(family, None)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 0


def test_an_unknown_placeholder_is_refused(app, cohort_id):
    with app.app_context(), pytest.raises(DomainError) as refused:
        gm.create(gm.GUARDIANS, db.session.get(Cohort, cohort_id), {**TEXTS, "body_de": "{nmae}"})
    assert refused.value.field == "body_de"


def test_the_purge_deletes_a_purged_cohorts_messages_and_old_ones_to_no_cohort(app, cohort_id):
    from datetime import datetime, timedelta

    from app.services.privacy import privacy_care

    make_user(app, "coord@example.org", role="coordinator")
    _student(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _send(app, cohort_id)
    other = _send(app, make_cohort(app))
    now = datetime.now()
    with app.app_context():
        recent = gm.create(gm.VETTING, None, TEXTS).id
        old = gm.create(gm.VETTING, None, TEXTS)
        old.created_at = now - timedelta(days=400)
        db.session.commit()
        privacy_care.delete_messages([cohort_id], now)
        db.session.commit()
        left = set(db.session.scalars(sa.select(GroupMessage.id)))
        assert left == {other, recent}
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 0  # Anne's went
