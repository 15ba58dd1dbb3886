"""Consent given and withdrawn online: an ordinary consent row (so every effect of a consent
and its withdrawal holds), to the current wording only; a new wording asks again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import DocumentKind, Enrolment, OutboxEmail, Role, StudentAccount, User
from app.models.base import utcnow
from app.services.enrolment import disclosure, documents, online_consent
from app.services.errors import DomainError
from tests.conftest import make_user
from tests.factories import enrol, make_cohort, make_student

CONSENT = DocumentKind.GUARDIAN_CONSENT


@pytest.fixture
def setting(app):
    with app.test_request_context():
        guardians = [
            {
                "name": "Maria Schmidt",
                "relation": "mother",
                "phone": "+49 231 1",
                "email": "m@x.org",
            },
            {"name": "Karl Schmidt", "relation": "father", "phone": "+49 231 2"},
        ]
        sid = make_student(app, first_name="Lena", last_name="Schmidt", guardians=guardians)
        enrolment = db.session.get(Enrolment, enrol(app, sid, make_cohort(app)))
        user = db.session.get(User, make_user(app, "m@x.org", Role.GUARDIAN))
        coordinator = db.session.get(User, make_user(app, "c@x.org", Role.COORDINATOR))
        coordinator.locale = "de"
        maria = enrolment.student.guardians[0]
        link = StudentAccount(user_id=user.id, student_id=sid, guardian_id=maria.id)
        db.session.add(link)
        db.session.flush()
        yield link, enrolment, user


def url(enrolment_id: int) -> str:
    return f"https://example.org/enrolments/{enrolment_id}"


def test_consent_is_recorded_with_the_account_the_time_and_the_wording(setting):
    link, enrolment, user = setting
    assert CONSENT in documents.missing_kinds(enrolment)
    consent = online_consent.give(link, enrolment, "  Maria   Schmidt ", True, user)
    assert (consent.given_by, consent.recorded_by_id) == ("Maria Schmidt", user.id)
    assert consent.guardian_id == link.guardian_id
    assert consent.wording_version == documents.current_wording_version()
    assert CONSENT not in documents.missing_kinds(enrolment)
    assert online_consent.current_consent(link, enrolment) is consent
    with pytest.raises(DomainError, match="already given"):
        online_consent.give(link, enrolment, "Maria Schmidt", True, user)


@pytest.mark.parametrize(
    ("name", "confirmed", "message"),
    [
        ("", True, "Type your full name"),
        ("Maria", False, "Tick the box"),
        ("x" * 201, True, "too long"),
    ],
)
def test_a_signature_needs_a_name_and_the_tick(setting, name, confirmed, message):
    link, enrolment, user = setting
    with pytest.raises(DomainError, match=message):
        online_consent.give(link, enrolment, name, confirmed, user)
    assert enrolment.consents == []


def test_a_new_wording_asks_every_guardian_again(setting, monkeypatch):
    link, enrolment, user = setting
    online_consent.give(link, enrolment, "Maria Schmidt", True, user)
    wordings = {**documents.consent_wordings(), "2099-1": {"en": "New text.", "de": "Neu."}}
    monkeypatch.setattr(documents, "consent_wordings", lambda: wordings)
    assert CONSENT in documents.missing_kinds(enrolment)
    assert online_consent.current_consent(link, enrolment) is None
    assert online_consent.wording() == "New text."
    missing = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.id == enrolment.id, documents.lacks_documents()
        )
    )
    assert missing == 1
    again = online_consent.give(link, enrolment, "Maria Schmidt", True, user)
    assert again.wording_version == "2099-1"


def test_withdrawal_online_has_the_effects_of_staffs_and_tells_staff(setting):
    link, enrolment, user = setting
    documents.record_consent(  # Karl's consent on paper, recorded by staff
        enrolment, "Karl Schmidt", utcnow(), documents.current_wording_version(), None
    )
    online_consent.give(link, enrolment, "Maria Schmidt", True, user)
    withdrawn = online_consent.withdraw(link, enrolment, user, url)
    assert len(withdrawn) == 2 and all(not c.active for c in enrolment.consents)
    assert withdrawn[0].withdrawal_note == "Withdrawn online by Maria Schmidt."
    assert documents.consent_withdrawn(enrolment)
    assert disclosure.of(enrolment).consent_note  # rosters show the safety facts only
    (email,) = db.session.scalars(sa.select(OutboxEmail)).all()
    assert email.recipient == "c@x.org"
    assert email.subject == "Einwilligung für Lena Schmidt widerrufen"  # the coordinator's language
    assert url(enrolment.id) in email.body
    assert "Maria Schmidt" in email.body
    with pytest.raises(DomainError, match="no consent to withdraw"):
        online_consent.withdraw(link, enrolment, user, url)


def lacking(enrolment: Enrolment) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Enrolment.id)).where(
                Enrolment.id == enrolment.id, documents.lacks_documents()
            )
        )
    )


def test_where_both_must_consent_each_listed_guardian_must(setting):
    link, enrolment, user = setting
    for kind in documents.PAPER_KINDS:  # only the consent is left to decide
        documents.set_received(enrolment, kind, True, None)
    online_consent.give(link, enrolment, "Maria Schmidt", True, user)
    assert documents.missing_kinds(enrolment) == [] and not lacking(enrolment)

    online_consent.require_both(enrolment.cohort.programme, True)
    karl = enrolment.student.guardians[1]
    assert documents.guardians_yet_to_consent(enrolment) == [karl]
    assert documents.missing_kinds(enrolment) == [CONSENT] and lacking(enrolment)

    version = documents.current_wording_version()  # Karl's consent arrives on paper
    documents.record_consent(enrolment, karl.name, utcnow(), version, None, karl.id)
    assert documents.guardians_yet_to_consent(enrolment) == []
    assert documents.missing_kinds(enrolment) == [] and not lacking(enrolment)
