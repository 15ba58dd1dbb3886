"""The PDF of a large roster is a job: the request records it and goes to the job's page, the
worker renders it reporting progress and stores the file, which only the person who asked
(and admins) may download, as an attachment, with an audit entry like any roster download.
Here jobs run in Huey's immediate mode (right after the request's commit) unless a test says
otherwise; test_worker.py runs a real worker on a queue file."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.jobs import records
from app.models import AuditEntry, Job, JobStatus, Role
from app.printing import pdf_chunks
from app.rosters import routes as roster_routes
from tests.conftest import make_user
from tests.factories import TEACHER_PASSWORD, make_teacher

pytestmark = pytest.mark.slow  # PDFs rendered

ROSTER = "/rosters/cohorts/{}/roster.pdf?preset=full"


def ask(client, cohort_id: int, what: str = "roster.pdf?preset=full") -> int:
    """Ask for the PDF; the id of the job whose page the answer leads to."""
    response = client.get(f"/rosters/cohorts/{cohort_id}/{what}")
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/jobs/")
    return int(location.removeprefix("/jobs/"))


def jobs(app) -> list[Job]:
    with app.app_context():
        found = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
        db.session.expunge_all()
        return list(found)


def download(client, job_id: int):
    """The job's file as the client gets it (the response closed, its file with it)."""
    response = client.get(f"/jobs/{job_id}/file")
    response.get_data()
    response.close()
    return response


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_large_roster_is_made_by_a_job_and_downloaded_by_who_asked(
    app, roster, coordinator, client
):
    job_id = ask(client, roster.cohort_id)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Your file is ready." in page
    assert f'href="/jobs/{job_id}/file"' in page
    status = client.get(f"/jobs/{job_id}/status.json").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] == 7

    response = download(client, job_id)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.data)
    assert "Becker" in text and "Kowalski" in text and "Zimmermann" not in text  # withdrawn
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "roster.pdf")
        ).one()
        assert (entry.user_id, entry.record_type, entry.record_id) == (
            coordinator, "cohort", roster.cohort_id,
        )  # fmt: skip
        assert entry.details["job_id"] == job_id and "medical" in entry.details["columns"]


def test_a_small_roster_stays_in_the_request(app_factory, roster, coordinator, client):
    app = client.application
    app.config["PDF_JOB_THRESHOLD"] = 80
    response = client.get(ROSTER.format(roster.cohort_id))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert jobs(app) == []


def test_emergency_cards_of_a_large_cohort_are_a_job_too(app, roster, coordinator, client):
    job_id = ask(client, roster.cohort_id, "cards.pdf")
    response = download(client, job_id)
    assert response.status_code == 200 and "Becker" in pdf_text(response.data)
    assert "Emergency cards of" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_job_reports_the_rows_rendered_part_by_part(
    app, roster, coordinator, client, monkeypatch
):
    monkeypatch.setattr(pdf_chunks, "ROWS_PER_PART", 3)
    seen = []
    progress = records.progress
    monkeypatch.setattr(
        records, "progress", lambda job, d, t: (seen.append((d, t)), progress(job, d, t))
    )
    job_id = ask(client, roster.cohort_id)
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)
    assert len(seen) >= 4 and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert download(client, job_id).data.startswith(b"%PDF")


def test_a_double_click_finds_the_job_already_asked_for(app, roster, coordinator, client):
    app.config["JOBS_IMMEDIATE"] = False  # nobody runs the queue: the first job waits
    from app.jobs import queue

    app.extensions[queue.EXTENSION][0].immediate = False
    first = ask(client, roster.cohort_id)
    assert ask(client, roster.cohort_id) == first
    assert "Waiting for a free worker" in client.get(f"/jobs/{first}").get_data(as_text=True)
    other_columns = ask(client, roster.cohort_id, "roster.pdf?preset=transport")
    assert other_columns != first
    assert [job.status for job in jobs(app)] == [JobStatus.QUEUED, JobStatus.QUEUED]
    with app.app_context():
        records.execute(first)
        db.session.commit()
    assert jobs(app)[0].status == JobStatus.DONE
    assert ask(client, roster.cohort_id) not in (first, other_columns)  # done: a new one


@pytest.mark.parametrize("path", ["", "/status.json", "/file"])
def test_nobody_else_sees_the_job(app, roster, coordinator, client, auth, path):
    job_id = ask(client, roster.cohort_id)
    auth.logout()
    make_user(app, "other@example.org", Role.COORDINATOR)
    auth.login("other@example.org")
    assert client.get(f"/jobs/{job_id}{path}").status_code == 404
    auth.logout()
    make_teacher(app, "Anna Lehmann", email="anna@example.org")
    auth.login("anna@example.org", TEACHER_PASSWORD)
    assert client.get(f"/jobs/{job_id}{path}").status_code == 404
    auth.logout()
    auth.login_as(Role.HOST_FAMILY)
    assert client.get(f"/jobs/{job_id}{path}").status_code == 403
    auth.logout()
    auth.login_as(Role.ADMIN)
    response = client.get(f"/jobs/{job_id}{path}")
    response.get_data()
    response.close()
    assert response.status_code == 200


def test_a_failed_job_says_so_with_its_message(app, roster, coordinator, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(roster_routes, "pdf_of", broken)
    job_id = ask(client, roster.cohort_id)
    [job] = jobs(app)
    assert job.status == JobStatus.FAILED and job.result_key is None and job.finished_at
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The file could not be made." in page and "Please ask for it again" in page
    assert "fire" not in page  # the error's text is for the log only
    assert download(client, job_id).status_code == 404
    assert client.get(f"/jobs/{job_id}/status.json").get_json()["status"] == "failed"


def test_a_job_whose_requester_lost_the_cohort_fails_with_the_reason(app, roster, client, auth):
    email = next(iter(roster.teacher_emails.values()))
    auth.login(email, TEACHER_PASSWORD)
    app.extensions["jobs.queue"][0].immediate = False
    job_id = ask(client, roster.cohort_id)
    with app.app_context():  # taken off the cohort before the worker gets to the job
        db.session.execute(sa.text("DELETE FROM cohort_teachers"))
        db.session.commit()
        records.execute(job_id)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "You may no longer print this cohort" in page
    assert download(client, job_id).status_code == 404


def test_a_teacher_taken_off_the_cohort_cannot_download_the_file_any_more(
    app, roster, client, auth
):
    email = next(iter(roster.teacher_emails.values()))
    auth.login(email, TEACHER_PASSWORD)
    job_id = ask(client, roster.cohort_id)
    assert download(client, job_id).status_code == 200
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM cohort_teachers"))
        db.session.commit()
    assert download(client, job_id).status_code == 404


def test_the_page_speaks_german(app, roster, coordinator, client):
    job_id = ask(client, roster.cohort_id)
    client.set_cookie("lang", "de")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Ihre Datei ist fertig." in page and "PDF herunterladen" in page
