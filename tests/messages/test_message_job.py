"""A group message to a large audience is sent by a background job: the request leads to the
job's page, the worker queues (and sends) an email per recipient with the delivery log, and
a second click neither starts another job nor sends twice. (Jobs run right after the
request's commit here: Huey's immediate mode.)"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Job, JobStatus, MessageDelivery, OutboxEmail
from tests.conftest import post
from tests.factories import make_cohort
from tests.messages.test_message_pages import _guardian, _write


def test_a_large_audience_is_sent_by_a_job(app, client, auth):
    app.config["GROUP_MESSAGE_JOB_RECIPIENTS"] = 1
    auth.login_as("coordinator")
    cohort_id = make_cohort(app)
    _guardian(app, cohort_id, "anne@example.org", "en", "Anne Smith")
    _guardian(app, cohort_id, "bernd@example.org", "de", "Bernd Meier")
    with app.app_context():
        db.session.execute(sa.delete(OutboxEmail))
        db.session.commit()
    preview = _write(client, cohort_id)
    message_id = int(preview.rstrip("/").rsplit("/", 1)[1])

    response = post(client, f"/messages/{message_id}/send")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 emails were queued." in page and f"/messages/{message_id}" in page
    with app.app_context():
        [job] = db.session.scalars(sa.select(Job)).all()
        assert (job.kind, job.status, job.done) == ("group_message", JobStatus.DONE, 2)
        emails = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
        assert sorted(e.recipient for e in emails) == ["anne@example.org", "bernd@example.org"]
        german = next(e for e in emails if e.recipient == "bernd@example.org")
        assert german.body.startswith("Hallo Bernd Meier, bis Freitag.")
        assert "http://localhost:5000/messages/unsubscribe/" in german.body
        assert all(e.sent_at is not None for e in emails)  # handed to the mail server
        assert db.session.scalar(sa.select(sa.func.count(MessageDelivery.id))) == 2

    again = post(client, f"/messages/{message_id}/send")  # a second click, once sent
    assert again.headers["Location"] == f"/messages/{message_id}"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 2
    assert "This message has already been sent." in client.get(again.headers["Location"]).get_data(
        as_text=True
    )
