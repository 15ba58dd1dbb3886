"""PDFs of large cohorts as background jobs (app/jobs/): the roster and the emergency cards of
more students than PDF_JOB_THRESHOLD are made by a worker, which reports the rows rendered;
the request only records the job (a double click finds the running one) and goes to its page.
The worker renders as the person who asked, in their language, and checks again that they
may print the cohort's lists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, redirect, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.jobs import queue, records
from app.models import Cohort, Job, User
from app.services.errors import DomainError
from app.services.roster import lists, rosters
from app.services.roster.rosters import Options

PDF = "application/pdf"


def too_long(cohort: Cohort, options: Options) -> bool:
    """Whether the PDF of the cohort's roster or cards is made by a job rather than in the
    request (counted, not built: the request stays quick); refuses what may not be printed."""
    return rosters.student_count(cohort, options) > current_app.config["PDF_JOB_THRESHOLD"]


def start(cohort: Cohort, what: str, options: Options, details: dict):
    """Record the job for the cohort's roster or cards (what) and go to its page. details:
    what the audit entry of the download will say (the columns, the format)."""
    params = {
        "cohort_id": cohort.id,
        "args": options.query(),
        "locale": str(get_locale() or "en_GB"),
        "audit": {"action": f"{what}.pdf", "details": details},
    }
    job = records.start(f"{what}_pdf", current_user, params)
    return redirect(url_for("jobs.show", job_id=job.id))


@contextmanager
def _as_requester(job: Job) -> Iterator[tuple[User, Cohort, Options]]:
    """A request of the person who asked (the page's "produced by" names them), in their
    language; their cohort (still theirs to print) and options."""
    user = records.requester(job)
    if user is None or not user.active:
        raise DomainError(_("The account that asked for this file is no longer active."))
    path = f"/rosters/cohorts/{job.params['cohort_id']}"  # the page's links are the roster's
    with current_app.test_request_context(path), force_locale(job.params["locale"]):
        g._login_user = user  # Flask-Login's current user for this made-up request
        cohort = rosters.cohort_for(user, job.params["cohort_id"])
        if cohort is None:
            raise DomainError(_("You may no longer print this cohort's lists."))
        yield user, cohort, rosters.parse_options(MultiDict(job.params["args"]))


@queue.runner("roster_pdf")
def roster_pdf(job: Job) -> None:
    from app.rosters import routes

    with _as_requester(job) as (_user, cohort, options):
        sheet = rosters.build(cohort, options)
        rosters.check_printable(sheet.count, sheet.counts)
        name = routes.filename(cohort, "roster", "pdf")
        records.progress(job, 0, sheet.count)
        data = routes.pdf_of(sheet, lambda done, total: records.progress(job, done, total))
        records.finish(job, data, name, PDF)


@queue.runner("cards_pdf")
def cards_pdf(job: Job) -> None:
    from app.printing import pdf
    from app.rosters import routes

    with _as_requester(job) as (_user, cohort, options):
        cards, _found = lists.checked_cards(cohort, options.teacher_id)
        rosters.check_printable(len(cards), "students")
        name = routes.filename(cohort, "emergency-cards", "pdf")
        records.progress(job, 0, len(cards))
        data = pdf.render(routes.cards_page(cohort, options, cards, for_pdf=True))
        records.progress(job, len(cards), len(cards))
        records.finish(job, data, name, PDF)
