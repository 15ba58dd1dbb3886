"""Background jobs: long work (the PDF of a large roster) done by a worker off the request
path, on Huey's queue (a SQLite file embedded, Redis to share it between machines). The
request records a job (app.models.Job) and queues its id; the worker runs it, updates its
progress and stores its file; the job's page shows the progress and offers the file to the
person who asked (and admins)."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from app.jobs import routes  # noqa: E402,F401
