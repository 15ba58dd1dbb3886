"""What gunicorn serves in the load test: the application of wsgi.py (ProductionConfig) plus
one bare route, `/bench/bare`, that a coordinator may see and that only answers "ok": the
same stack (gunicorn worker, session, login session row, access rule, response headers)
without a page. The capacity run compares the page mix's requests/s with this route's."""

from app.access import Permission, requires
from wsgi import app


@requires(Permission.STAFF_DASHBOARD)
def bare():
    return "ok"


app.add_url_rule("/bench/bare", "bench_bare", bare)
