"""The documents reminder does not ask for a document whose uploaded file waits for staff's
review (the guardian sent it yesterday); it still asks for the others, and sends nothing when
only such files are left. Staff's list of missing documents still names it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, DocumentKind, Enrolment
from app.services.enrolment import document_files, documents
from tests.services.enrolment.test_uploads import a_pdf
from tests.services.mail.test_reminders import (
    DEADLINE,
    _at,
    _documents_cohort,
    _emails,
    _only,
    _run,
)

K = DocumentKind
PAPERS = (K.MEDICAL_FORM, K.INSURANCE, K.PASSPORT_VISA, K.CODE_OF_CONDUCT)
DAY_BEFORE = _at(DEADLINE - timedelta(days=1))


@pytest.fixture
def files_app(app_factory, tmp_path):
    return app_factory(STORAGE_FOLDER=str(tmp_path / "files"))


def lenas_enrolment(app) -> int:
    """Lena's enrolment (guardian maria@example.org, English), nothing handed in yet."""
    _only(app, "documents")
    cohort_id = _documents_cohort(app, locale="en")
    with app.app_context():
        return db.session.scalar(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort_id))


def hand_in(app, enrolment_id: int, ticked=(), uploaded=(), rejected=(), consent=False) -> None:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for kind in ticked:
            documents.set_received(enrolment, kind, True, None)
        for kind in (*rejected, *uploaded):
            file = document_files.upload(enrolment, kind, a_pdf(), "scan.pdf", None)
            if kind in rejected:
                document_files.reject(file, "Cut off", None)
        if consent:
            version = documents.current_wording_version()
            documents.record_consent(enrolment, "Maria", datetime(2026, 1, 5), version, None)
        db.session.commit()


def test_a_document_waiting_for_review_is_not_asked_for_and_the_others_are(files_app):
    enrolment = lenas_enrolment(files_app)
    hand_in(files_app, enrolment, uploaded=[K.MEDICAL_FORM], rejected=[K.INSURANCE])

    assert _run(files_app, DAY_BEFORE).sent["documents"] == 1

    [(_recipient, _subject, body)] = [e for e in _emails(files_app) if "missing" in e[1]]
    assert "Medical form" not in body
    assert "Guardian consent, Insurance, Passport / visa, Code of conduct." in body
    with files_app.app_context():
        still = documents.missing_kinds(db.session.get(Enrolment, enrolment))
        assert K.MEDICAL_FORM in still  # staff still have to review it


def test_no_reminder_when_only_files_waiting_for_review_are_left(files_app):
    enrolment = lenas_enrolment(files_app)
    hand_in(files_app, enrolment, ticked=PAPERS[1:], uploaded=[K.MEDICAL_FORM], consent=True)

    assert _run(files_app, DAY_BEFORE).sent["documents"] == 0
    with files_app.app_context():
        cohort = db.session.get(Enrolment, enrolment).cohort
        assert documents.cohort_missing_count(db.session.get(Cohort, cohort.id)) == 1

    # Rejected, the file no longer waits: the reminder asks for it again.
    with files_app.app_context():
        file = db.session.get(Enrolment, enrolment).files[0]
        document_files.reject(file, "Cut off", None)
        db.session.commit()
    assert _run(files_app, DAY_BEFORE).sent["documents"] == 1
    reminder = next(e for e in _emails(files_app) if "missing" in e[1])
    assert reminder[2].count("Medical form") == 1
