"""Background jobs in the purge and in a staff account's export and erasure: a job's file goes
24 hours after it is ready (and is served no more), its row after 30 days, and both with the
account that asked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import storage
from app.extensions import db
from app.jobs import records
from app.models import Job, JobStatus, Role, User
from app.models.base import utcnow
from app.services.privacy import privacy_purge
from app.services.privacy.privacy_accounts import account_data, erase_account
from app.storage import transactional
from tests.conftest import make_user

NOW = datetime(2027, 3, 1, 12, 0)


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(STORAGE_FOLDER=str(tmp_path))


def job(user_id: int, asked: datetime, finished: datetime | None, with_file: bool = True) -> int:
    """A finished job of the user, with a stored file; its id."""
    found = Job(kind="roster_pdf", user_id=user_id, params={"cohort_id": 1}, same_as="x")
    found.status = JobStatus.DONE if finished else JobStatus.FAILED
    found.created_at, found.finished_at = asked, finished
    db.session.add(found)
    db.session.flush()
    if with_file:
        found.result_key = transactional.add(b"%PDF-1.7 roster", prefix=f"jobs/{found.id}")
        found.filename, found.content_type = "roster.pdf", "application/pdf"
    db.session.commit()
    return found.id


def files() -> list[str]:
    return sorted(storage.current().keys("jobs"))


def test_the_purge_deletes_files_after_a_day_and_jobs_after_a_month(app):
    user_id = make_user(app, "c@example.org", Role.COORDINATOR)
    with app.app_context():
        fresh = job(user_id, NOW - timedelta(hours=2), NOW - timedelta(hours=1))
        stale = job(user_id, NOW - timedelta(hours=30), NOW - timedelta(hours=25))
        old = job(user_id, NOW - timedelta(days=31), NOW - timedelta(days=31))
        failed = job(user_id, NOW - timedelta(days=31), None, with_file=False)
        assert len(files()) == 3
        report = privacy_purge.purge(NOW)
        db.session.commit()
        assert sorted(report.job_ids) == sorted([old, failed])
        assert report.job_file_ids == [stale]
        assert report.counts()["jobs"] == 2 and report.counts()["job_files"] == 1
        kept = {j.id: j.result_key for j in db.session.scalars(sa.select(Job))}
        assert set(kept) == {fresh, stale} and kept[stale] is None
        assert files() == [kept[fresh]]
        # a second run finds nothing more
        again = privacy_purge.purge(NOW)
        assert again.job_ids == [] and again.job_file_ids == []


def test_a_dry_run_deletes_no_file(app):
    user_id = make_user(app, "c@example.org", Role.COORDINATOR)
    with app.app_context():
        job(user_id, NOW - timedelta(days=31), NOW - timedelta(days=31))
        report = privacy_purge.purge(NOW, dry_run=True)
        db.session.commit()
        assert len(report.job_ids) == 1 and len(files()) == 1


def test_a_file_past_its_day_is_served_no_more(app):
    user_id = make_user(app, "c@example.org", Role.COORDINATOR)
    with app.app_context():
        now = utcnow()
        recent = db.session.get(Job, job(user_id, now, now - timedelta(hours=1)))
        stream = records.open_file(recent)
        assert stream is not None
        stream.close()
        late = db.session.get(Job, job(user_id, now, now - timedelta(hours=25)))
        assert records.open_file(late) is None


def test_the_account_export_lists_its_jobs_without_their_files(app):
    user_id = make_user(app, "c@example.org", Role.COORDINATOR)
    with app.app_context():
        job_id = job(user_id, NOW, NOW)
        data = account_data(db.session.get(User, user_id))
        [exported] = data["background_jobs"]
        assert exported["id"] == job_id and exported["kind"] == "roster_pdf"
        assert "result_key" not in exported


def test_erasing_the_account_deletes_its_jobs_and_files(app):
    user_id = make_user(app, "c@example.org", Role.COORDINATOR)
    other_id = make_user(app, "d@example.org", Role.COORDINATOR)
    make_user(app, "admin@example.org", Role.ADMIN)
    with app.app_context():
        job(user_id, NOW, NOW)
        kept = job(other_id, NOW, NOW)
        erase_account(db.session.get(User, user_id), None)
        db.session.commit()
        assert list(db.session.scalars(sa.select(Job.id))) == [kept]
        assert files() == [db.session.get(Job, kept).result_key]
