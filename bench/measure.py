"""One measurement of the benchmark, in a process of its own so that its peak memory is its
own: `python -m bench.measure WHAT --database-url URL [--size SIZE]`. Prints one JSON line.

WHAT is one of: generate, pages, matching, pdf, exports, import. bench/run.py calls them in
turn and writes bench/RESULTS.md."""
# ruff: noqa: S311, S608 (random test data; SQL built from constants and table names)

from __future__ import annotations

import argparse
import io
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
# The words beginning with it, in each spelling the search compares (app.models.students).
WORD_RANGES = " OR ".join(
    f"(word >= '{spelling}' AND word < '{spelling}' || :highest)"
    for spelling in sorted(searched_spellings(SEARCH))
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
    "students": [
        "SELECT s.* FROM students s WHERE s.id IN (SELECT student_id FROM student_words "
        f"WHERE {WORD_RANGES}{{FENCE}}) AND s.id IN (SELECT student_id FROM enrolments "
        "WHERE status = 'accepted') ORDER BY s.last_name, s.first_name, s.id LIMIT 25",
        "SELECT count(*) FROM students s WHERE s.id IN (SELECT student_id FROM student_words "
        f"WHERE {WORD_RANGES}{{FENCE}}) AND s.id IN (SELECT student_id FROM enrolments "
        "WHERE status = 'accepted')",
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
PAGES = {
    "dashboard": ("Dashboard", "/dashboard"),
    "cohort": ("Cohort page", "/cohorts/{cohort}"),
    "students": ("Student list, search and filters", "/students/?status=accepted"),
    "vetting": ("Family vetting queue", "/vetting/"),
    "board": ("Placement board", "/placements/cohorts/{cohort}"),
    "roster": ("Roster (HTML)", "/rosters/cohorts/{cohort}"),
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

    @requires(Permission.STAFF_DASHBOARD)
    def bare():
        return "ok"

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    client = app.test_client()
    with app.app_context():
        counter = Statements(db.engine)
        current = cohort_id(dataset.CURRENT)
        engine = db.engine
    log_in(client, dataset.COORDINATOR)
    client.post("/students/", data={"q": SEARCH, "csrf_token": csrf(client, "/students/")})
    results: dict = {}

    def get(url: str) -> Callable[[], int]:
        def run() -> int:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            return len(response.get_data())

        return run

    bare_get = get("/bench/bare")
    timed(bare_get, 5)
    bare_times, _ = timed(bare_get, repeat)
    results["bare"] = summary(bare_times)
    with app.app_context():
        engine = db.engine
    params = {"cohort": current, "highest": HIGHEST}
    for key, (label, pattern) in PAGES.items():
        url = pattern.format(cohort=current)
        page = get(url)
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


def measure_files(app, what: str, repeat: int) -> dict:
    client = app.test_client()
    with app.app_context():
        current = cohort_id(dataset.CURRENT)
        big = cohort_id(dataset.ROSTER_500)
    log_in(client, dataset.COORDINATOR)
    if what == "pdf":
        cases = {
            "pdf_60": (f"/rosters/cohorts/{current}/roster.pdf", "pdf"),
            "pdf_500": (f"/rosters/cohorts/{big}/roster.pdf", "pdf"),
        }
    else:
        cases = {
            "csv_500": (f"/rosters/cohorts/{big}/roster.csv", "csv"),
            "xlsx_500": (f"/rosters/cohorts/{big}/roster.xlsx", "sheet"),
        }
    results = {}
    for key, (url, kind) in cases.items():
        run = download(client, url, kind)
        run()  # warm-up
        times, size = timed(run, repeat)
        results[key] = {"url": url, "bytes": size, **summary(times)}
    return results


def import_csv(rows: int) -> str:
    import csv
    import random

    from app.services.enrolment.student_csv import COLUMN_NAMES

    chance = random.Random(5000)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    for i in range(rows):
        first, last = chance.choice(dataset.FIRST), chance.choice(dataset.LAST)
        writer.writerow(
            {
                "first_name": first,
                "last_name": f"{last}-{i}",
                "date_of_birth": f"2010-{chance.randint(1, 12):02d}-{chance.randint(1, 28):02d}",
                "gender": chance.choice(("female", "male")),
                "school": chance.choice(dataset.SCHOOL_NAMES) + "-Gymnasium",
                "grade": "10a",
                "email": f"import{i}@example.org",
                "phone": "+49 170 1234567",
                "guardian1_name": f"Anna {last}",
                "guardian1_relation": "mother",
                "guardian1_phone": "+49 231 123456",
                "emergency1_name": "Eva Schmidt",
                "emergency1_relation": "aunt",
                "emergency1_phone": "+49 231 777888",
                "diet": "vegetarian",
                "allergies": "hazelnuts" if i % 7 == 0 else "",
                "no_smokers": "yes",
                "interests": "football, piano",
                "languages": "German, English",
            }
        )
    return out.getvalue()


def measure_import(app, rows: int) -> dict:
    """The CSV import as staff do it: upload (stored for the preview), the preview's check of
    every row, then the import of all rows with their enrolments, committed."""
    from app.models import ImportBatch, User
    from app.services.enrolment import imports

    data = import_csv(rows).encode()
    with app.test_request_context():
        target = cohort_id(dataset.IMPORT)
        staff = db.session.scalar(sa.select(User.id).where(User.email == dataset.COORDINATOR))
        start = time.perf_counter()
        batch = imports.create_batch(data, "bench.csv", target, staff)
        db.session.commit()
        uploaded = time.perf_counter()
        checked = imports.check_rows(batch.content)
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
