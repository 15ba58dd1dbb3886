"""Applications made online in the privacy services: the account's export holds its drafts,
erasing the account deletes them, and the purge deletes drafts untouched for 90 days."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import ApplicationDraft, Cohort, Role, User
from app.models.base import utcnow
from app.services.enrolment import applications_online
from app.services.enrolment.applications_online import Section
from app.services.privacy.privacy_accounts import account_data, erase_account
from app.services.privacy.privacy_purge import purge
from tests.conftest import make_user
from tests.factories import make_cohort


def writing(app) -> tuple[int, int]:
    cohort_id = make_cohort(app, places=2)
    user_id = make_user(app, "maria@example.org", Role.GUARDIAN)
    with app.app_context():
        draft = applications_online.start(
            db.session.get(User, user_id), db.session.get(Cohort, cohort_id)
        )
        applications_online.save(draft, Section.HEALTH, {"medical_notes": "Asthma"})
        db.session.commit()
        return user_id, draft.id


def test_the_accounts_export_holds_its_drafts(app):
    user_id, _draft_id = writing(app)
    with app.app_context():
        [draft] = account_data(db.session.get(User, user_id))["application_drafts"]
        assert draft["answers"]["medical_notes"] == "Asthma"
        assert draft["submitted_at"] is None


def test_erasing_the_account_deletes_its_drafts(app):
    user_id, _draft_id = writing(app)
    make_user(app, "admin@example.org", Role.ADMIN)
    with app.app_context():
        erase_account(db.session.get(User, user_id), None)
        db.session.commit()
        assert db.session.scalars(sa.select(ApplicationDraft)).all() == []


def test_the_purge_deletes_drafts_untouched_for_90_days(app):
    _user_id, draft_id = writing(app)
    with app.app_context():
        purge(utcnow() + timedelta(days=89))
        db.session.commit()
        assert db.session.get(ApplicationDraft, draft_id) is not None
        purge(utcnow() + timedelta(days=91))
        db.session.commit()
        assert db.session.get(ApplicationDraft, draft_id) is None
