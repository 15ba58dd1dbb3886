"""Statement budgets of the main pages. Each page runs as many SQL statements for a programme
of 2 cohorts, students, families ... as for one of 25, and no more than its budget: a query
run once per row (an N+1) fails the first check, any added query the second.

A budget is the page's count when it was last looked at. When a change needs one more
statement, raise the budget in the same commit and say why; when it saves some, lower it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD, empty_tables, make_config, post
from tests.factories import FAMILY_PASSWORD, TEACHER_PASSWORD
from tests.perf.data import SCHOOL, STAFF_EMAIL, World, build

SMALL, LARGE = 2, 25


@dataclass(frozen=True)
class Page:
    who: str  # "staff", "teacher", "family" or "guardian"
    url: Callable[[World], str]
    budget: int
    # Search words are POSTed to the list first: they live in the session, never in the URL.
    search: tuple[str, str] | None = None


PAGES = {
    # The counts kept between requests (app/kept.py): the version they were kept under, the
    # concern reports waiting for an owner, the follow-ups due, the temporary families
    # ending ... The first view after a change counts anew: the current cohorts, their
    # waitlists and missing documents, families by status, expiring checks, the unplaced
    # list, the cohorts whose stay is on (with some, three more for all of them).
    "dashboard": Page("staff", lambda w: "/dashboard", budget=8),
    "cohort list": Page("staff", lambda w: "/cohorts/", budget=4),  # + the count of pages
    # + the accepted uploaded files, which count as documents received
    "cohort": Page("staff", lambda w: f"/cohorts/{w.cohort_id}", budget=16),
    # + the search words kept with the login session (not in the cookie)
    "student list": Page(
        "staff",
        lambda w: f"/students/?cohort={w.cohort_id}&status=applied&school={SCHOOL}&missing=y",
        budget=5,
        search=("/students/", "perf"),
    ),
    # + the search words; + the version of the kept expiry alerts (app/kept.py), after which
    # only the alerted families and their groups are read, by their ids
    "vetting queue": Page("staff", lambda w: "/vetting/", budget=11),
    "placement board": Page("staff", lambda w: f"/placements/cohorts/{w.cohort_id}", budget=13),
    "roster": Page("staff", lambda w: f"/rosters/cohorts/{w.cohort_id}", budget=8),
    "teacher portal": Page("teacher", lambda w: "/teachers/me", budget=8),
    "teacher's cohort": Page("teacher", lambda w: f"/teachers/me/cohorts/{w.cohort_id}", budget=8),
    # The cohort's students with their homes, contact days, placements' dates, teachers.
    "compliance view": Page("staff", lambda w: f"/care/cohorts/{w.cohort_id}", budget=8),
    "compliance view (teacher)": Page(
        "teacher", lambda w: f"/care/cohorts/{w.cohort_id}?teacher=mine", budget=9
    ),
    # + the count of contacts, for the pages; + the audit entry (the page shows the notes)
    "contact log": Page("staff", lambda w: f"/care/cohorts/{w.cohort_id}/contacts", budget=5),
    "cohort's teachers": Page("staff", lambda w: f"/teachers/cohorts/{w.cohort_id}", budget=7),
    # The students placed there with their enrolments, students and teachers in one
    # statement, + their consents (what the consent rule shows of them)
    # + the household members and references, for the task list's status of each section
    # + the concern reports the family made
    # + the group messages it received (with their cohorts)
    "family portal": Page("family", lambda w: "/family/", budget=11),
    # the page, its count, cohorts (with their programmes) and owners, the cohorts of the
    # filter
    "concern reports": Page("staff", lambda w: "/care/concerns/?status=all", budget=6),
    "teacher's concern reports": Page("teacher", lambda w: "/care/concerns/", budget=6),
    # the newest messages with their number of recipients, counted in the same statement
    "group messages": Page("staff", lambda w: "/messages/", budget=2),
    # the report, cohort, people and timeline in a few statements, + the audit of the view
    "concern report": Page("staff", lambda w: f"/care/concerns/{w.report_id}", budget=8),
    # Two students: the links (with students and guardians); the enrolments of both, with
    # their cohorts and programmes, documents, uploaded files, consents and supervising
    # teachers (with their addresses), one statement each for both; the active placements
    # of both with their families and homes; the messages each received; the waitlisted
    # one's position.
    "guardian's page": Page("guardian", lambda w: "/my/", budget=11),
    # The public pages of the online application, for anybody: the cohorts taking
    # applications with their programmes and free places, in one statement; one cohort.
    "apply: open cohorts": Page("public", lambda w: "/apply/", budget=1),
    "apply: a cohort": Page("public", lambda w: f"/apply/cohorts/{w.cohort_id}", budget=1),
}


def logged_in_clients(app, world: World) -> dict:
    logins = {
        "staff": (STAFF_EMAIL, PASSWORD),
        "teacher": (world.teacher_email, TEACHER_PASSWORD),
        "family": (world.family_email, FAMILY_PASSWORD),
        "guardian": (world.guardian_email, PASSWORD),
    }
    clients = {"public": app.test_client()}
    for who, (email, password) in logins.items():
        client = app.test_client()
        response = post(client, "/login", {"email": email, "password": password})
        assert response.status_code == 302, f"{who} could not log in"
        clients[who] = client
    return clients


def statements_of(app, client, page: Page, world: World) -> list[str]:
    """The statements one request for the page runs, after a first request has filled
    whatever is loaded once per process."""
    if page.search is not None:
        list_url, words = page.search
        assert post(client, list_url, {"q": words}).status_code == 302
    url = page.url(world)
    assert client.get(url).status_code == 200
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200, url
    return seen


@pytest.fixture(scope="module")
def measured(database_url) -> dict[int, dict[str, list[str]]]:
    """For each size, the statements of each page."""
    result = {}
    for size in (SMALL, LARGE):
        app = create_app(make_config(database_url))
        with app.app_context():
            db.create_all()
            empty_tables()
        try:
            world = build(app, size)
            clients = logged_in_clients(app, world)
            result[size] = {
                name: statements_of(app, clients[page.who], page, world)
                for name, page in PAGES.items()
            }
        finally:
            with app.app_context():
                db.session.remove()
                empty_tables()
                db.engine.dispose()
    return result


PARAMETER = r"(?:\?|%\(\w+\)s)"  # SQLite's and psycopg's
PARAMETER_LIST = re.compile(rf"\({PARAMETER}(?:, {PARAMETER})*\)")


def _shape(statement: str) -> str:
    """The statement with any list of parameters as (…): IN lists differ in length."""
    return " ".join(PARAMETER_LIST.sub("(…)", statement).split())[:300]


def _grown(small: list[str], large: list[str]) -> str:
    """The statements the larger programme ran more often: where the N+1 is."""
    more = Counter(map(_shape, large))
    more.subtract(Counter(map(_shape, small)))
    return "\n".join(f"{times:+d} × {text}" for text, times in more.items() if times)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_runs_as_many_statements_for_any_size_and_keeps_its_budget(measured, name):
    small, large = measured[SMALL][name], measured[LARGE][name]
    grown = _grown(small, large)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} statements\n{grown}"
    budget = PAGES[name].budget
    assert len(large) <= budget, f"{name}: {len(large)} statements, budget {budget}"
