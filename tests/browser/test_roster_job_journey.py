"""A coordinator asks for the PDF roster of a 500-student cohort: the request only starts a
background job and leads to its page, which shows the progress while a worker (Huey's
consumer on a queue file, as `flask jobs worker` runs it) renders the roster part by part,
then offers the file; the file is the roster, with every student's name."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.jobs import queue
from app.models import Cohort, Role, Student
from app.services.enrolment import enrolments, students
from tests.browser.test_roster_journey import log_in
from tests.conftest import make_user
from tests.factories import make_cohort, student_values

STUDENTS = 500


@pytest.fixture
def app(app_factory, tmp_path):
    return app_factory(JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}", JOBS_IMMEDIATE=False)


@pytest.fixture
def large_cohort(app) -> tuple[int, list[str]]:
    """A cohort of 500 students, inserted in bulk and enrolled through the service."""
    cohort_id = make_cohort(app, name="Herbst 2027", places=STUDENTS)
    rows = [
        students.normalise(
            student_values(first_name="Kim", last_name=f"Schüler{number:03d}", email=None)
        )
        for number in range(STUDENTS)
    ]
    with app.app_context():
        table = Student.__table__
        ids = list(db.session.scalars(sa.insert(table).returning(table.c.id), rows))
        enrolments.enrol_many(ids, db.session.get(Cohort, cohort_id), None)
        db.session.commit()
    return cohort_id, [f"Kim {row['last_name']}" for row in rows]


def test_a_coordinator_follows_the_job_and_downloads_the_pdf(app, large_cohort, page):
    cohort_id, names = large_cohort
    make_user(app, "coordinator@example.org", Role.COORDINATOR)
    log_in(page, "coordinator@example.org")
    page.goto(f"/rosters/cohorts/{cohort_id}?preset=transport")
    page.get_by_role("link", name="Download PDF").click()

    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster of Herbst 2027 as PDF")
    progress = page.get_by_role("status")
    expect(progress).to_have_text("Waiting for a free worker…")  # no worker yet

    worker = queue.start_in_background(app, workers=1)
    try:
        # the page asks for the job's status and shows how far the worker got
        expect(progress).to_have_text(re.compile(r"\d+ of 500 students done"), timeout=30_000)
        download_link = page.get_by_role("link", name="Download the PDF")
        expect(download_link).to_be_visible(timeout=60_000)
    finally:
        worker.stop(graceful=True)
    expect(progress).to_have_text("Your file is ready.")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert all(name in text for name in (names[0], names[250], names[-1]))
    assert sum(name in text for name in names) == STUDENTS
