"""What the recovery of accounts and the limits on passwords keep about people: emailed links
(only a hash) and attempts (a keyed hash of the email, an address). The purge deletes what no
longer works or counts; erasing a person or deleting an account takes theirs with it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AccountLink, Attempt, AttemptKind, HostApplication, LinkPurpose, User
from app.models.base import utcnow
from app.services.identity import limits, recovery
from app.services.privacy.privacy_purge import purge
from app.services.privacy.privacy_requests import erase_family
from tests.conftest import make_user
from tests.factories import make_application

NOW = utcnow().replace(microsecond=0)


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def leave_traces(email: str, address: str) -> None:
    """A link of each purpose and a wrong password and a request for a link."""
    account = user(email)
    recovery.issue(account, LinkPurpose.RESET_PASSWORD)
    recovery.issue(account, LinkPurpose.CONFIRM_EMAIL)
    limits.record_wrong_password(email, address)
    limits.link_request(email, address)


def rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_purge_deletes_links_that_no_longer_work_and_attempts_nobody_counts(app):
    make_user(app, "staff@example.org")
    with app.app_context():
        leave_traces("staff@example.org", "198.51.100.7")
        live = recovery.issue(user("staff@example.org"), LinkPurpose.RESET_PASSWORD)
        links = db.session.scalars(sa.select(AccountLink).order_by(AccountLink.id)).all()
        links[0].expires_at = NOW - timedelta(minutes=1)  # expired
        links[1].used_at = NOW - timedelta(minutes=1)  # used
        old, recent = db.session.scalars(sa.select(Attempt).order_by(Attempt.id)).all()
        old.at = NOW - timedelta(days=1, minutes=1)
        db.session.commit()

        dry = purge(NOW, dry_run=True)
        assert (dry.counts()["account_links"], dry.counts()["attempts"]) == (2, 1)
        assert (rows(AccountLink), rows(Attempt)) == (3, 2)
        report = purge(NOW)
        db.session.commit()
        assert report.counts() == dry.counts()
        assert recovery.find(live, LinkPurpose.RESET_PASSWORD) is not None
        assert db.session.scalars(sa.select(Attempt.id)).all() == [recent.id]
        assert purge(NOW).empty


def test_attempts_are_kept_as_long_as_the_longest_limit_counts_them(app_factory):
    app = app_factory(LINK_EMAIL_LIMIT="3 per hour; 10 per 7 days")
    with app.app_context():
        limits.link_request("someone@example.org", "198.51.100.7")
        db.session.scalar(sa.select(Attempt)).at = NOW - timedelta(days=6)
        db.session.commit()
        assert purge(NOW).counts()["attempts"] == 0
        assert purge(NOW + timedelta(days=2)).counts()["attempts"] == 1


def test_erasing_a_family_erases_its_links_and_attempts(app):
    application_id = make_application(app, "famerase@example.org")
    make_user(app, "other@example.org")
    with app.app_context():
        leave_traces("famerase@example.org", "198.51.100.7")
        leave_traces("other@example.org", "198.51.100.8")
        family = db.session.get(HostApplication, application_id).family
        key = limits.account_key("famerase@example.org")
        db.session.commit()
        erase_family(family, None)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).where(Attempt.account_key == key)) == 0
        other = user("other@example.org")
        assert {link.user_id for link in db.session.scalars(sa.select(AccountLink))} == {other.id}
        assert {a.ip_address for a in db.session.scalars(sa.select(Attempt))} == {"198.51.100.8"}


def test_the_account_is_named_by_a_keyed_hash_of_the_email(app):
    with app.app_context():
        limits.record_wrong_password(" Staff@Example.ORG ", "198.51.100.7")
        attempt = db.session.scalar(sa.select(Attempt))
        assert attempt.kind == AttemptKind.WRONG_PASSWORD
        assert attempt.account_key == limits.account_key("staff@example.org")
        assert "staff" not in attempt.account_key
        assert len(attempt.account_key) == 64
