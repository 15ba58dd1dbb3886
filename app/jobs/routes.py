"""A job's page (its progress, refreshed by static/js/jobs.js or, without scripts, by the
page itself), its status as JSON for that script, and its file. Only the person who asked
for the job and admins see any of it; for anybody else it does not exist (404)."""

from __future__ import annotations

from flask import abort, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.access import Permission, requires
from app.extensions import db
from app.jobs import bp, records
from app.loading import found_or_404
from app.models import Cohort, Job, JobStatus
from app.services.privacy import audit
from app.services.roster import rosters

TITLES = {
    "roster_pdf": _l("Roster of %(cohort)s as PDF"),
    "cards_pdf": _l("Emergency cards of %(cohort)s as PDF"),
    "purge_preview": _l("What the purge would delete now"),
    "group_message": _l("Sending a message to a group"),
}
ROWS = {"roster_pdf", "cards_pdf"}  # kinds whose progress counts students
REFRESH_SECONDS = 3  # the page without scripts; the script asks every 1.5 s


def _job(job_id: int) -> Job:
    return found_or_404(records.visible(job_id, current_user))


def _cohort(job: Job) -> Cohort | None:
    cohort_id = job.params.get("cohort_id")
    return db.session.get(Cohort, cohort_id) if isinstance(cohort_id, int) else None


def _progress(job: Job) -> str:
    if job.status == JobStatus.QUEUED:
        return _("Waiting for a free worker…")
    if job.status == JobStatus.RUNNING and job.total and job.kind in ROWS:
        return ngettext(
            "%(done)d of %(num)d student done", "%(done)d of %(num)d students done", job.total,
            done=job.done,
        )  # fmt: skip
    if job.status == JobStatus.RUNNING:
        return _("Working…")
    if job.status == JobStatus.DONE and job.kind == "group_message":
        return ngettext("%(num)d email was queued.", "%(num)d emails were queued.", job.done)
    if job.status == JobStatus.DONE:
        return _("Your file is ready.")
    return _("The file could not be made.")


def _failure(job: Job) -> str:
    return job.message or _(
        "Something went wrong while the file was made. Please ask for it again; if it fails "
        "again, tell your administrator."
    )


def _status(job: Job) -> dict:
    return {
        "status": job.status.value,
        "done": job.done,
        "total": job.total,
        "text": _progress(job),
        "file_url": url_for(".file", job_id=job.id) if job.status == JobStatus.DONE else None,
        "message": _failure(job) if job.status == JobStatus.FAILED else None,
    }


@bp.route("/<int:job_id>")
@requires(Permission.FOLLOW_JOBS)
def show(job_id: int):
    job = _job(job_id)
    cohort = _cohort(job)
    name = cohort.name if cohort is not None else "—"
    return render_template(
        "jobs/show.html",
        job=job,
        cohort=cohort,
        title=str(TITLES[job.kind]) % {"cohort": name} if job.kind in TITLES else _("Your file"),
        status=_status(job),
        refresh=REFRESH_SECONDS,
    )


@bp.route("/<int:job_id>/status.json")
@requires(Permission.FOLLOW_JOBS)
def status(job_id: int):
    response = jsonify(_status(_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/file")
@requires(Permission.FOLLOW_JOBS)
def file(job_id: int):
    job = _job(job_id)
    if job.kind in ROWS and rosters.cohort_for(current_user, job.params["cohort_id"]) is None:
        abort(404)  # a teacher taken off the cohort since: its lists are no longer theirs
    stream = records.open_file(job)
    if stream is None:
        abort(404)
    used = job.params.get("audit") or {}
    details = {**used.get("details", {}), "job_id": job.id}
    audit.record(used.get("action", "job.file"), "cohort", job.params.get("cohort_id"), details)
    response = send_file(
        stream, mimetype=job.content_type, as_attachment=True, download_name=job.filename,
        max_age=0,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response
