"""On a large database the privacy page's preview of the purge is worked out by a background
job: the page says it is working, and shows the same report as the request would have once
the job is done; a change of the settings asks for a new report. (Jobs run right after the
request's commit here: Huey's immediate mode.)"""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Job, JobStatus, Role, Student
from app.models.base import utcnow
from tests.conftest import post
from tests.factories import make_student

PAGE = "/admin/privacy/"
WORKING = "Working it out in the background"


def section(html: str) -> str:
    """The page's "What the purge would delete now" section."""
    return re.search(r'<section aria-labelledby="now-heading">.*?</section>', html, re.S)[0]


def old_student(app) -> None:
    """A student recorded two years ago who never enrolled: due for the purge."""
    student_id = make_student(app, last_name="Vergessen")
    with app.app_context():
        db.session.execute(
            sa.update(Student)
            .where(Student.id == student_id)
            .values(created_at=utcnow() - timedelta(days=800))
        )
        db.session.commit()


def test_a_large_database_gets_the_preview_from_a_job(app, client, auth):
    old_student(app)
    auth.login_as(Role.ADMIN)
    inline = section(client.get(PAGE).get_data(as_text=True))
    assert "<dt>Students</dt><dd>1</dd>" in inline

    app.config["PURGE_PREVIEW_JOB_STUDENTS"] = 0
    first = client.get(PAGE).get_data(as_text=True)
    assert WORKING in section(first) and "data-job-status" in first
    with app.app_context():
        [job] = db.session.scalars(sa.select(Job)).all()
        assert (job.kind, job.status) == ("purge_preview", JobStatus.DONE)
    assert section(client.get(PAGE).get_data(as_text=True)) == inline  # the job's report

    response = post(
        client, PAGE,
        {"retention_months": 36, "family_inactive_months": 24, "safeguarding_keep_until_age": 25},
    )  # fmt: skip
    assert response.status_code == 302
    assert WORKING in client.get(PAGE).get_data(as_text=True)  # new settings: a new report
    after = section(client.get(PAGE).get_data(as_text=True))
    assert "<dt>Students</dt><dd>0</dd>" in after or "Nothing is due" in after
