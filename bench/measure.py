"""One measurement of the benchmark, in a process of its own so that its peak memory is its
own: `python -m bench.measure WHAT --database-url URL [--size SIZE]`. Prints one JSON line.

WHAT is one of: generate, pages, matching, pdf, exports, import. bench/run.py calls them in
turn and writes bench/RESULTS.md."""
# ruff: noqa: S608 (random test data; SQL built from constants and table names)

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models.students import HIGHEST, searched_spellings  # noqa: E402
from bench import dataset  # noqa: E402
from config import Config  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def config_for(url: str) -> type[Config]:
    return type(
        "BenchConfig",
        (Config,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-only-for-a-throwaway-database",
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "console",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            # Jobs (large roster PDFs) are run by measure_files itself, as a worker runs them.
            "JOBS_URL": "memory://",
            "JOBS_IMMEDIATE": False,
        },
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(times),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


class Statements:
    """Counts the SQL statements the engine runs while `counting` is on."""

    def __init__(self, engine: sa.Engine) -> None:
        self.counting = False
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        if self.counting:
            self.count += 1

    @contextmanager
    def measure(self):
        self.count, self.counting = 0, True
        try:
            yield self
        finally:
            self.counting = False


def log_in(client, email: str) -> None:
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": dataset.PASSWORD}
    )
    if answer.status_code != 302:
        raise SystemExit(f"cannot log in as {email}: {answer.status_code}")


def cohort_id(name: str) -> int:
    from app.models import Cohort

    found = db.session.scalar(sa.select(Cohort.id).where(Cohort.name == name))
    if found is None:
        raise SystemExit(f"no cohort {name!r}: generate the dataset first")
    return found


# --- pages ------------------------------------------------------------------------------

# The raw SQL floor of each page: the rows the page shows, fetched by hand through the
# database driver (no ORM, no template). :cohort is the measured cohort's id.
ACTIVE = "('planning', 'open', 'closed', 'travelling')"
IN_VETTING = "('submitted', 'references_checked', 'background_cleared', 'home_visited')"
SEARCH = "mül"  # the student list searches for this (a common part of German names)
# The students with a word beginning with it, in each spelling the search compares
# (app.models.students): one key range of the words' index per spelling.
WORD_RANGES = " UNION ALL ".join(
    f"SELECT student_id FROM student_words WHERE word >= '{spelling}' "
    f"AND word < '{spelling}' || :highest"
    for spelling in sorted(searched_spellings(SEARCH))
)
# ... of them those with an accepted enrolment (app.services.enrolment.students.found_by).
FOUND = (
    f"SELECT w.student_id FROM ({WORD_RANGES}) w JOIN enrolments e "
    "ON e.student_id = w.student_id WHERE e.status = 'accepted'{FENCE}"
)
RAW_SQL = {
    "dashboard": [
        f"SELECT id, name, status, departure_date, return_date, places, places_taken "
        f"FROM cohorts WHERE status IN {ACTIVE} ORDER BY departure_date DESC, id DESC",
        f"SELECT e.cohort_id, count(*) FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id "
        f"WHERE c.status IN {ACTIVE} AND e.status = 'waitlisted' GROUP BY e.cohort_id",
        "SELECT status, count(*) FROM host_applications GROUP BY status",
    ],
    "cohort": [
        "SELECT * FROM cohorts WHERE id = :cohort",
        "SELECT t.id, t.name, ct.role FROM cohort_teachers ct JOIN teachers t "
        "ON t.id = ct.teacher_id WHERE ct.cohort_id = :cohort",
        "SELECT e.id, e.status, e.waitlist_number, s.id, s.first_name, s.last_name, s.school "
        "FROM enrolments e JOIN students s ON s.id = e.student_id WHERE e.cohort_id = :cohort "
        "ORDER BY s.last_name, s.first_name",
    ],
    "students": [  # the page's total comes with its rows (app.database.CountedPagination)
        f"SELECT s.*, count(*) OVER () FROM students s WHERE s.id IN ({FOUND}) "
        "ORDER BY s.last_name, s.first_name, s.id LIMIT 25",
    ],
    "vetting": [
        f"SELECT a.id, a.status, a.city, a.submitted_at, f.family_name, u.email "
        f"FROM host_applications a JOIN host_families f ON f.id = a.family_id "
        f"JOIN users u ON u.id = f.user_id WHERE a.status IN {IN_VETTING} "
        f"ORDER BY a.submitted_at, a.id LIMIT 25",
        f"SELECT count(*) FROM host_applications WHERE status IN {IN_VETTING}",
    ],
    "board": [
        "SELECT e.id, s.first_name, s.last_name, s.gender, s.diet, s.pet_allergy, "
        "s.no_smokers FROM enrolments e JOIN students s ON s.id = e.student_id "
        "WHERE e.cohort_id = :cohort AND e.status IN ('applied', 'accepted', 'completed')",
        "SELECT p.id, p.enrolment_id, p.application_id FROM placements p "
        "WHERE p.cohort_id = :cohort AND p.status = 'active'",
        "SELECT a.id, f.family_name, a.city, a.beds_offered, ac.beds_taken, a.has_pets, "
        "a.smoking_in_home FROM application_cohorts ac JOIN host_applications a "
        "ON a.id = ac.application_id JOIN host_families f ON f.id = a.family_id "
        "WHERE ac.cohort_id = :cohort",
    ],
    "roster": [
        "SELECT e.id, s.*, p.application_id, a.address_line, a.city, a.phone, f.family_name "
        "FROM enrolments e JOIN students s ON s.id = e.student_id LEFT JOIN placements p "
        "ON p.enrolment_id = e.id AND p.status = 'active' LEFT JOIN host_applications a "
        "ON a.id = p.application_id LEFT JOIN host_families f ON f.id = a.family_id "
        "WHERE e.cohort_id = :cohort AND e.status IN ('applied', 'accepted', 'completed')",
        "SELECT g.* FROM guardians g JOIN enrolments e ON e.student_id = g.student_id "
        "WHERE e.cohort_id = :cohort",
        "SELECT c.* FROM emergency_contacts c JOIN enrolments e ON e.student_id = c.student_id "
        "WHERE e.cohort_id = :cohort",
    ],
}
# The pages other roles see, and their rows. :teacher, :family and :guardian are the emails
# of those accounts (bench/dataset.py); :enrolment the first enrolment of the cohort, :batch
# the pending import batch, :open the cohort open for applications.
TEACHER_ID = (
    "(SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = :teacher)"
)
FAMILY_ID = (
    "(SELECT f.id FROM host_families f JOIN users u ON u.id = f.user_id WHERE u.email = :family)"
)
NEWEST_APPLICATION = (
    f"(SELECT id FROM host_applications WHERE family_id = {FAMILY_ID} "
    "ORDER BY created_at DESC, id DESC LIMIT 1)"
)
GUARDIAN_LINKS = (
    "(SELECT sa.student_id FROM student_accounts sa JOIN users u ON u.id = sa.user_id "
    "WHERE u.email = :guardian)"
)
HOLDING = "('applied', 'accepted', 'completed')"
ROSTER_OF = (
    "SELECT e.id, s.first_name, s.last_name, s.date_of_birth, s.phone, s.diet, s.allergies, "
    "s.medical_notes, a.address_line, a.city, a.phone, f.family_name FROM enrolments e "
    "JOIN students s ON s.id = e.student_id LEFT JOIN placements p ON p.enrolment_id = e.id "
    "AND p.status = 'active' LEFT JOIN host_applications a ON a.id = p.application_id "
    "LEFT JOIN host_families f ON f.id = a.family_id "
)
RAW_SQL |= {
    "teacher_portal": [
        f"SELECT t.* FROM teachers t WHERE t.id = {TEACHER_ID}",
        "SELECT c.id, c.name, c.status, c.departure_date, c.return_date, ct.role "
        f"FROM cohort_teachers ct JOIN cohorts c ON c.id = ct.cohort_id WHERE ct.teacher_id = "
        f"{TEACHER_ID} ORDER BY c.departure_date DESC",
        ROSTER_OF + "JOIN cohort_teachers ct ON ct.cohort_id = e.cohort_id "
        f"WHERE ct.teacher_id = {TEACHER_ID} AND e.status IN {HOLDING}",
        "SELECT c.enrolment_id, c.application_id, max(c.contacted_on) FROM contacts c "
        "JOIN cohort_teachers ct ON ct.cohort_id = c.cohort_id "
        f"WHERE ct.teacher_id = {TEACHER_ID} GROUP BY c.enrolment_id, c.application_id",
    ],
    "teacher_cohort": [
        "SELECT c.*, ct.role FROM cohorts c JOIN cohort_teachers ct ON ct.cohort_id = c.id "
        f"WHERE c.id = :cohort AND ct.teacher_id = {TEACHER_ID}",
        ROSTER_OF + f"WHERE e.cohort_id = :cohort AND e.status IN {HOLDING}",
        "SELECT g.* FROM guardians g JOIN enrolments e ON e.student_id = g.student_id "
        "WHERE e.cohort_id = :cohort",
        "SELECT c.* FROM emergency_contacts c JOIN enrolments e ON e.student_id = c.student_id "
        "WHERE e.cohort_id = :cohort",
    ],
    "family": [
        f"SELECT a.* FROM host_applications a WHERE a.id = {NEWEST_APPLICATION}",
        f"SELECT m.* FROM household_members m WHERE m.application_id = {NEWEST_APPLICATION}",
        f"SELECT r.* FROM family_references r WHERE r.application_id = {NEWEST_APPLICATION}",
        "SELECT c.id, c.name, c.departure_date FROM application_cohorts ac JOIN cohorts c "
        f"ON c.id = ac.cohort_id WHERE ac.application_id = {NEWEST_APPLICATION}",
        "SELECT p.id, s.first_name, s.last_name, s.date_of_birth, s.diet, s.allergies, "
        "s.medical_notes, s.phone, c.name FROM placements p JOIN host_applications a "
        "ON a.id = p.application_id JOIN enrolments e ON e.id = p.enrolment_id JOIN students s "
        "ON s.id = e.student_id JOIN cohorts c ON c.id = p.cohort_id "
        f"WHERE a.family_id = {FAMILY_ID} AND p.status = 'active' "
        "AND c.status NOT IN ('completed', 'archived')",
        "SELECT g.subject_en, g.body_en FROM message_deliveries d JOIN group_messages g "
        "ON g.id = d.message_id JOIN users u ON u.id = d.recipient_id "
        "WHERE d.recipient_kind = 'user' AND u.email = :family",
    ],
    "family_section": [
        f"SELECT a.* FROM host_applications a WHERE a.id = {NEWEST_APPLICATION}",
        f"SELECT m.* FROM household_members m WHERE m.application_id = {NEWEST_APPLICATION}",
        "SELECT id, name, departure_date FROM cohorts WHERE direction = 'outbound' "
        "AND status IN ('planning', 'open', 'closed') AND return_date >= CURRENT_DATE",
    ],
    "enrolment": [
        "SELECT e.*, s.*, c.name FROM enrolments e JOIN students s ON s.id = e.student_id "
        "JOIN cohorts c ON c.id = e.cohort_id WHERE e.id = :enrolment",
        "SELECT * FROM enrolment_events WHERE enrolment_id = :enrolment ORDER BY at",
        "SELECT * FROM enrolment_documents WHERE enrolment_id = :enrolment",
        "SELECT * FROM document_files WHERE enrolment_id = :enrolment",
        "SELECT * FROM guardian_consents WHERE enrolment_id = :enrolment",
        "SELECT g.* FROM guardians g JOIN enrolments e ON e.student_id = g.student_id "
        "WHERE e.id = :enrolment",
        "SELECT p.*, f.family_name, a.city FROM placements p JOIN host_applications a "
        "ON a.id = p.application_id JOIN host_families f ON f.id = a.family_id "
        "WHERE p.enrolment_id = :enrolment AND p.status = 'active'",
    ],
    "audit": [
        "SELECT a.id, a.at, a.action, a.record_type, a.record_id, a.ip_address, u.email "
        "FROM audit_entries a LEFT JOIN users u ON u.id = a.user_id "
        "ORDER BY a.at DESC, a.id DESC LIMIT 50",
        # The page counts up to 10,000 entries ("more than 10,000"), as many as it reads.
        "SELECT count(*) FROM (SELECT a.id FROM audit_entries a LIMIT 10001) capped",
        # The filter's lists: each distinct action and record type, by a walk of its index.
        *(
            f"WITH RECURSIVE found(value) AS (SELECT min({column}) FROM audit_entries "
            f"UNION ALL SELECT (SELECT min({column}) FROM audit_entries WHERE {column} > "
            "found.value) FROM found WHERE found.value IS NOT NULL) "
            "SELECT value FROM found WHERE value IS NOT NULL"
            for column in ("action", "record_type")
        ),
    ],
    "import_preview": [
        "SELECT b.*, c.name, c.places, c.places_taken FROM import_batches b "
        "JOIN cohorts c ON c.id = b.cohort_id WHERE b.id = :batch",
    ],
    "guardian": [
        "SELECT s.*, sa.guardian_id FROM student_accounts sa JOIN students s "
        "ON s.id = sa.student_id JOIN users u ON u.id = sa.user_id WHERE u.email = :guardian",
        "SELECT e.*, c.name, c.departure_date, c.return_date FROM enrolments e JOIN cohorts c "
        f"ON c.id = e.cohort_id WHERE e.student_id IN {GUARDIAN_LINKS}",
        "SELECT d.* FROM enrolment_documents d JOIN enrolments e ON e.id = d.enrolment_id "
        f"WHERE e.student_id IN {GUARDIAN_LINKS}",
        "SELECT k.* FROM guardian_consents k JOIN enrolments e ON e.id = k.enrolment_id "
        f"WHERE e.student_id IN {GUARDIAN_LINKS}",
        "SELECT p.id, f.family_name, a.city, a.phone FROM placements p JOIN enrolments e "
        "ON e.id = p.enrolment_id JOIN host_applications a ON a.id = p.application_id "
        "JOIN host_families f ON f.id = a.family_id WHERE p.status = 'active' "
        f"AND e.student_id IN {GUARDIAN_LINKS}",
        "SELECT g.subject_de, g.body_de FROM message_deliveries d JOIN group_messages g "
        "ON g.id = d.message_id WHERE d.recipient_kind = 'guardian' AND d.status = 'queued' "
        "AND d.recipient_id IN (SELECT sa.guardian_id FROM student_accounts sa JOIN users u "
        "ON u.id = sa.user_id WHERE u.email = :guardian) ORDER BY g.sent_at DESC",
    ],
    "apply_index": [
        "SELECT id, name, departure_date, return_date, places, places_taken, "
        "enrolment_deadline FROM cohorts WHERE status = 'open' ORDER BY departure_date, id",
    ],
    "apply_cohort": [
        "SELECT c.*, p.name FROM cohorts c JOIN programmes p ON p.id = c.programme_id "
        "WHERE c.id = :open",
    ],
    "compliance": [
        "SELECT c.*, p.contact_period, p.contact_first_days, p.partner_timezone FROM cohorts c "
        "JOIN programmes p ON p.id = c.programme_id WHERE c.id = :cohort",
        "SELECT e.id, s.first_name, s.last_name, e.supervising_teacher_id, p.application_id, "
        "f.family_name FROM enrolments e JOIN students s ON s.id = e.student_id "
        "LEFT JOIN placements p ON p.enrolment_id = e.id AND p.status = 'active' "
        "LEFT JOIN host_applications a ON a.id = p.application_id LEFT JOIN host_families f "
        f"ON f.id = a.family_id WHERE e.cohort_id = :cohort AND e.status IN {HOLDING}",
        "SELECT enrolment_id, application_id, with_whom, contacted_on, wellbeing "
        "FROM contacts WHERE cohort_id = :cohort ORDER BY contacted_on",
        "SELECT t.id, t.name FROM cohort_teachers ct JOIN teachers t ON t.id = ct.teacher_id "
        "WHERE ct.cohort_id = :cohort",
    ],
    "concerns": [
        "SELECT r.id, r.student_name, r.category, r.severity, r.status, r.reported_at, "
        "r.follow_up_on, c.name, u.email FROM concern_reports r JOIN cohorts c "
        "ON c.id = r.cohort_id LEFT JOIN users u ON u.id = r.owner_id WHERE r.status <> "
        "'closed' ORDER BY r.reported_at DESC, r.id DESC LIMIT 50",
        "SELECT count(*) FROM concern_reports WHERE status <> 'closed'",
        "SELECT DISTINCT c.id, c.name FROM concern_reports r JOIN cohorts c ON c.id = r.cohort_id",
    ],
    "messages": [
        "SELECT g.id, g.audience, g.subject_en, g.created_at, g.sent_at, c.name "
        "FROM group_messages g LEFT JOIN cohorts c ON c.id = g.cohort_id "
        "ORDER BY g.created_at DESC, g.id DESC LIMIT 200",
        "SELECT message_id, count(*) FROM message_deliveries WHERE message_id IN "
        "(SELECT id FROM group_messages ORDER BY created_at DESC, id DESC LIMIT 200) "
        "GROUP BY message_id",
    ],
}
# Every main page: label, URL, who looks at it (an account of bench/dataset.py, or nobody).
PAGES = {
    "dashboard": ("Dashboard", "/dashboard", "coordinator"),
    "cohort": ("Cohort page", "/cohorts/{cohort}", "coordinator"),
    "students": ("Student list, search and filters", "/students/?status=accepted", "coordinator"),
    "vetting": ("Family vetting queue", "/vetting/", "coordinator"),
    "board": ("Placement board", "/placements/cohorts/{cohort}", "coordinator"),
    "roster": ("Roster (HTML)", "/rosters/cohorts/{cohort}", "coordinator"),
    "enrolment": ("Enrolment page", "/enrolments/{enrolment}", "coordinator"),
    "import_preview": ("Import preview (60 rows)", "/students/import/{batch}", "coordinator"),
    "compliance": ("Contact rule (compliance view)", "/care/cohorts/{cohort}", "coordinator"),
    "concerns": ("Concern reports", "/care/concerns/", "coordinator"),
    "messages": ("Group messages", "/messages/", "coordinator"),
    "audit": ("Audit trail", "/admin/audit", "admin"),
    "teacher_portal": ("Teacher's portal", "/teachers/me", "teacher"),
    "teacher_cohort": ("Teacher's cohort", "/teachers/me/cohorts/{cohort}", "teacher"),
    "family": ("Host family's page (task list)", "/family/", "family"),
    "family_section": (
        "Host family's application, a section",
        "/family/application/household",
        "family",
    ),
    "guardian": ("Guardian's page", "/my/", "guardian"),
    "apply_index": ("Apply: open cohorts (public)", "/apply/", None),
    "apply_cohort": ("Apply: a cohort (public)", "/apply/cohorts/{open}", None),
}
ACCOUNTS = {
    "coordinator": dataset.COORDINATOR,
    "admin": dataset.ADMIN,
    "teacher": dataset.TEACHER,
    "family": dataset.FAMILY,
    "guardian": dataset.GUARDIAN,
}


def raw_runner(engine: sa.Engine, statements: list[str], params: dict) -> Callable[[], int]:
    """Runs the statements through the driver's own cursor; returns the rows fetched."""
    postgres = engine.dialect.name == "postgresql"
    # {FENCE}: a subquery PostgreSQL must not fold into the outer query (the app does the
    # same, app/services/enrolment/students.py); SQLite evaluates an IN (SELECT …) on its own
    # anyway.
    statements = [sql.replace("{FENCE}", " OFFSET 0" if postgres else "") for sql in statements]
    prepared = [
        re.sub(r":(\w+)", r"%(\1)s", sql.replace("%", "%%")) if postgres else sql
        for sql in statements
    ]
    connection = engine.raw_connection()

    def run() -> int:
        cursor = connection.cursor()
        fetched = 0
        for sql in prepared:
            cursor.execute(sql, {k: v for k, v in params.items() if f"{k}" in sql})
            fetched += len(cursor.fetchall())
        cursor.close()
        connection.commit()
        return fetched

    return run


def timed(function: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def measure_pages(app, repeat: int) -> dict:
    from app.access import Permission, requires
    from app.models import Enrolment, ImportBatch

    @requires(Permission.STAFF_DASHBOARD)
    def bare():
        return "ok"

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    with app.app_context():
        counter = Statements(db.engine)
        current = cohort_id(dataset.CURRENT)
        params = {
            "cohort": current,
            "open": cohort_id(dataset.NEXT_OPEN),
            "enrolment": db.session.scalar(
                sa.select(sa.func.min(Enrolment.id)).where(Enrolment.cohort_id == current)
            ),
            "batch": db.session.scalar(sa.select(sa.func.max(ImportBatch.id))),
            "highest": HIGHEST,
            "teacher": dataset.TEACHER,
            "family": dataset.FAMILY,
            "guardian": dataset.GUARDIAN,
        }
        engine = db.engine
    clients = {None: app.test_client()}
    for role, email in ACCOUNTS.items():
        clients[role] = app.test_client()
        log_in(clients[role], email)
    staff = clients["coordinator"]
    staff.post("/students/", data={"q": SEARCH, "csrf_token": csrf(staff, "/students/")})
    results: dict = {}

    def get(client, url: str) -> Callable[[], int]:
        def run() -> int:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            return len(response.get_data())

        return run

    bare_get = get(staff, "/bench/bare")
    timed(bare_get, 5)
    bare_times, _ = timed(bare_get, repeat)
    results["bare"] = summary(bare_times)
    for key, (label, pattern, role) in PAGES.items():
        url = pattern.format(**params)
        page = get(clients[role], url)
        timed(page, 3)  # warm-up: template compilation, caches
        with counter.measure():
            size = page()
        statements = counter.count
        times, _ = timed(page, repeat)
        raw = raw_runner(engine, RAW_SQL[key], params)
        timed(raw, 3)
        raw_times, rows = timed(raw, repeat)
        results[key] = {
            "label": label,
            "url": url,
            "role": role or "public",
            "bytes": size,
            "statements": statements,
            "page": summary(times),
            "raw_sql": summary(raw_times),
            "raw_rows": rows,
        }
    return results


def csrf(client, url: str) -> str:
    return TOKEN.search(client.get(url).get_data(as_text=True)).group(1)


# --- matching ---------------------------------------------------------------------------


def check_optimal(students, families, returns_on, proposal) -> dict:
    """The proposal against an exact solver of another kind on the same problem: a
    minimum-weight full matching on the sparse graph of allowed pairs (scipy's LAPJVsp), one
    node per free bed, with a dummy bed per student meaning "not placed". Most students placed
    first, then the best total fit."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    from app.services.placement import matching
    from app.services.placement.matching_matrix import allowed_from, broken_matrices, fit_matrix

    n = len(students)
    allowed = allowed_from(broken_matrices(students, families, returns_on), n, len(families))
    fit = fit_matrix(students, families)
    big = n * matching.MAX_FIT + 1
    bed_family = np.repeat(np.arange(len(families)), [matching.slots(f) for f in families])
    rows, beds = np.nonzero(allowed[:, bed_family])
    cost = (big - fit[rows, bed_family[beds]]).astype(float)  # placed: big - fit > 0
    beds_count = bed_family.size
    graph = coo_matrix(
        (
            np.concatenate([cost, np.full(n, 2.0 * big)]),  # not placed: 2 big
            (
                np.concatenate([rows, np.arange(n)]),
                np.concatenate([beds, beds_count + np.arange(n)]),
            ),
        ),
        shape=(n, beds_count + n),
    ).tocsr()
    _, chosen = min_weight_full_bipartite_matching(graph)
    real = chosen < beds_count
    best_placed = int(real.sum())
    best_fit = int(fit[np.arange(n)[real], bed_family[chosen[real]]].sum())
    placed = len(proposal.pairs)
    total = sum(pair.score for pair in proposal.pairs)
    return {
        "placed": placed,
        "fit": total,
        "best_placed": best_placed,
        "best_fit": best_fit,
        "optimal": (placed, total) == (best_placed, best_fit),
    }


def measure_matching(app, repeat: int) -> dict:
    from app.models import Cohort
    from app.placements.proposals import propose
    from app.services.placement import facts, placements

    results = {}
    for key, name in (("60x80", dataset.MATCHING_60), ("2000x2500", dataset.MATCHING_2000)):
        with app.test_request_context():
            cohort = db.session.get(Cohort, cohort_id(name))
            times, proposal = timed(lambda cohort=cohort: propose(cohort), repeat)
            peak = peak_mb()  # before the check, which is no part of the work
            # The check's own copy of the facts, read after the peak: a worker holds one.
            students = [facts.student_facts(e) for e in placements.placeable_enrolments(cohort)]
            families = facts.cohort_family_facts(cohort)
            beds = sum(f.free_beds for f in families)
            check = check_optimal(students, families, cohort.return_date, proposal)
            db.session.rollback()
        results[key] = {
            "students": len(students),
            "families": len(families),
            "beds": beds,
            **summary(times),
            **check,
        }
    results["peak_mb_work"] = peak
    return results


# --- files --------------------------------------------------------------------------------


def download(client, url: str, kind: str) -> Callable[[], int]:
    def run() -> int:
        response = client.get(url)
        data = response.get_data()
        if response.status_code != 200 or not response.mimetype.endswith(kind):
            raise SystemExit(f"{url}: {response.status_code} {response.mimetype}")
        return len(data)

    return run


def pdf_job(app, client, url: str, requests: list[float]) -> Callable[[], int]:
    """A roster PDF too large for the request: the request that starts the job (its time
    noted in requests), the job run as the worker runs it, the file downloaded."""
    from app.jobs import records

    def run() -> int:
        start = time.perf_counter()
        response = client.get(url)
        requests.append(time.perf_counter() - start)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/jobs/" not in location:
            raise SystemExit(f"{url}: {response.status_code}, not a job ({location})")
        job_id = int(location.rstrip("/").rsplit("/", 1)[1])
        with app.app_context():
            records.execute(job_id)
        return download(client, f"/jobs/{job_id}/file", "pdf")()

    return run


def measure_files(app, what: str, repeat: int) -> dict:
    client = app.test_client()
    with app.app_context():
        current = cohort_id(dataset.CURRENT)
        big = cohort_id(dataset.ROSTER_500)
    log_in(client, dataset.COORDINATOR)
    requests: list[float] = []
    if what == "pdf":
        cases = {
            "pdf_60": download(client, f"/rosters/cohorts/{current}/roster.pdf", "pdf"),
            "pdf_500": pdf_job(app, client, f"/rosters/cohorts/{big}/roster.pdf", requests),
        }
    else:
        cases = {
            "csv_500": download(client, f"/rosters/cohorts/{big}/roster.csv", "csv"),
            "xlsx_500": download(client, f"/rosters/cohorts/{big}/roster.xlsx", "sheet"),
        }
    results = {}
    for key, run in cases.items():
        run()  # warm-up
        requests.clear()
        times, size = timed(run, repeat)
        results[key] = {"bytes": size, **summary(times)}
    if requests:
        results["pdf_500_request"] = summary(requests)
    return results


def measure_import(app, rows: int) -> dict:
    """The CSV import as staff do it: upload (stored for the preview), the preview's check of
    every row, then the import of all rows with their enrolments, committed."""
    from app.models import ImportBatch, User
    from app.services.enrolment import imports

    data = dataset.import_csv(rows).encode()
    with app.test_request_context():
        target = cohort_id(dataset.IMPORT)
        staff = db.session.scalar(sa.select(User.id).where(User.email == dataset.COORDINATOR))
        start = time.perf_counter()
        batch = imports.create_batch(data, "bench.csv", target, staff)
        db.session.commit()
        uploaded = time.perf_counter()
        checked = imports.check_batch(batch)
        previewed = time.perf_counter()
        batch = db.session.get(ImportBatch, batch.id)
        result = imports.import_batch(batch, "all", staff)
        db.session.commit()
        done = time.perf_counter()
    return {
        "rows": rows,
        "valid": len(checked.valid),
        "imported": result.get("created", result),
        "upload_s": round(uploaded - start, 3),
        "preview_s": round(previewed - uploaded, 3),
        "import_s": round(done - previewed, 3),
        "total_s": round(done - start, 3),
    }


def generate(app, size: str) -> dict:
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    with app.app_context():
        start = time.perf_counter()
        upgrade()
        migrated = time.perf_counter()
        password_hash = generate_password_hash(dataset.PASSWORD, "scrypt:1024:8:1")
        ids, written = dataset.build(size, password_hash)
    return {
        "migrate_s": round(migrated - start, 1),
        "build_s": round(time.perf_counter() - migrated, 1),
        "rows": sum(written.values()),
        "tables": written,
        "cohorts": ids if len(ids) < 20 else {k: v for k, v in ids.items() if "Bench" in k},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", choices=("generate", "pages", "matching", "pdf", "exports", "import")
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", choices=tuple(dataset.SIZES), default="national")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app(config_for(args.database_url))
    start = time.perf_counter()
    if args.what == "generate":
        result = generate(app, args.size)
    elif args.what == "pages":
        result = measure_pages(app, args.repeat)
    elif args.what == "matching":
        result = measure_matching(app, args.repeat)
    elif args.what in ("pdf", "exports"):
        result = measure_files(app, args.what, args.repeat)
    else:
        result = measure_import(app, 5000)
    result["wall_s"] = round(time.perf_counter() - start, 1)
    result["peak_mb"] = round(result.pop("peak_mb_work", peak_mb()), 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
