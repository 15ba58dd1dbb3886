"""`make bench`: builds the two datasets on SQLite and on PostgreSQL, runs every measurement
in a process of its own (bench/measure.py) and writes bench/RESULTS.md: both databases side
by side, the targets, the machine, the date.

    .venv/bin/python -m bench.run                 # SQLite files in a temporary directory and
                                                  # a throwaway PostgreSQL server (bench/pg.py)
    .venv/bin/python -m bench.run --repeat 10     # fewer requests per page
    .venv/bin/python -m bench.run --sizes small   # only the small dataset's pages (quick)
    .venv/bin/python -m bench.run --databases sqlite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/austausch_bench_{size} \\
        .venv/bin/python -m bench.run             # PostgreSQL of your own: {size} becomes
                                                  # small/national; those databases are
                                                  # DROPPED and created
"""
# ruff: noqa: S603, S607 (subprocesses with fixed arguments: ours and git)

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench.pg import throwaway_server

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"

# Targets of issues #9 and #22, on a 2-core machine.
PAGE_MEDIAN_MS = 15
FLOOR_RATIO = 4
MATCHING_S = {"60x80": 0.2, "2000x2500": 5.0}
PDF_S = {"pdf_60": 1.5, "pdf_500": 10.0}  # the 500 as a job: request, run, download
JOB_REQUEST_MS = 100
IMPORT_S = 5.0
MEMORY_MB = 250


def run_step(what: str, url: str, size: str, repeat: int) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.measure",
        what,
        "--database-url",
        url,
        "--size",
        size,
        "--repeat",
        str(repeat),
    ]
    print(f"· {what} ({size}) …", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-6000:])
        raise SystemExit(f"bench step {what} ({size}) failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {time.perf_counter() - start:.1f} s, peak {result['peak_mb']} MB", flush=True)
    return result


def template_urls(template: str, sizes: list[str]) -> dict[str, str]:
    """BENCH_DATABASE_URL with {size} in it: those databases, dropped and created."""
    import sqlalchemy as sa

    urls = {}
    for size in sizes:
        url = sa.make_url(template.replace("{size}", size))
        if "bench" not in (url.database or ""):
            raise SystemExit("BENCH_DATABASE_URL must name a database containing 'bench'")
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
        admin.dispose()
        urls[size] = url.render_as_string(hide_password=False)
    return urls


def postgres_urls(stack: ExitStack, sizes: list[str], notes: list[str]) -> dict[str, str]:
    """The PostgreSQL databases: BENCH_DATABASE_URL's, else on a throwaway server started
    here (bench/pg.py) and stopped when the run ends; empty when there is none."""
    template = os.environ.get("BENCH_DATABASE_URL")
    if template:
        notes.append("PostgreSQL: the server of BENCH_DATABASE_URL.")
        return template_urls(template, sizes)
    server = stack.enter_context(throwaway_server(say=lambda m: print(f"· {m}", flush=True)))
    if server is None:
        notes.append(
            "**PostgreSQL was not measured**: no server binaries found "
            "(/usr/lib/postgresql/*/bin) and no BENCH_DATABASE_URL given."
        )
        return {}
    notes.append(
        f"PostgreSQL: {server.version()}, a throwaway server started for this run "
        "(bench/pg.py: fsync off, as in CI), on the same machine."
    )
    return {size: server.url(f"austausch_bench_{size}") for size in sizes}


def code_version() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %cs %s"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            # the results of an earlier run (make bench, then make load) change no code
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
             ":!bench/RESULTS.*", ":!bench/LOAD.*"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except OSError:
        return "unknown"
    return (commit[:90] or "unknown") + (" (with uncommitted changes)" if dirty else "")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.1f} GiB RAM, Python "
        f"{platform.python_version()}, load average {load} at the end"
    )


DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def mark(ok: bool | None) -> str:
    return "–" if ok is None else "✓" if ok else "✗ **missed**"


def cells(values: dict[str, object], dbs: list[str]) -> str:
    """One cell per database, side by side."""
    return " | ".join("–" if values.get(db) is None else str(values[db]) for db in dbs)


def page_rows(results: dict, dbs: list[str], size: str, missed: list[str]) -> list[str]:
    """The main pages at the measured size: per database median, p95, raw SQL, ratio, met."""
    first = results[dbs[0]]["pages"][size]
    small = "small" if size != "small" else None
    lines = []
    for key, page in first.items():
        if not isinstance(page, dict) or "page" not in page:
            continue
        values: dict[str, dict] = {}
        for db in dbs:
            measured = results[db]["pages"][size][key]
            bare = results[db]["pages"][size]["bare"]
            floor = bare["median_ms"] + measured["raw_sql"]["median_ms"]
            ratio = measured["page"]["median_ms"] / floor
            counts = [measured["statements"]]
            if small and small in results[db]["pages"]:
                counts.insert(0, results[db]["pages"][small][key]["statements"])
            ok = (
                measured["page"]["median_ms"] <= PAGE_MEDIAN_MS
                and ratio <= FLOOR_RATIO
                and len(set(counts)) == 1
            )
            if not ok:
                missed.append(f"{page['label']} ({DATABASES[db]})")
            values[db] = {
                "statements": " / ".join(map(str, counts)),
                "median": measured["page"]["median_ms"],
                "p95": measured["page"]["p95_ms"],
                "raw": measured["raw_sql"]["median_ms"],
                "ratio": f"{ratio:.1f}×",
                "met": mark(ok),
            }
        statements = {v["statements"] for v in values.values()}
        lines.append(
            f"| {page['label']} ({page['role']}) | "
            + (statements.pop() if len(statements) == 1 else cells(
                {db: v["statements"] for db, v in values.items()}, dbs
            ).replace(" | ", " ; "))
            + " | "
            + " | ".join(cells({db: v[field] for db, v in values.items()}, dbs)
                         for field in ("median", "p95", "raw", "ratio", "met"))
            + " |"
        )  # fmt: skip
    bare = {db: results[db]["pages"][size]["bare"] for db in dbs}
    lines.append(
        "| *floor: bare route* | | "
        + cells({db: b["median_ms"] for db, b in bare.items()}, dbs)
        + " | "
        + cells({db: b["p95_ms"] for db, b in bare.items()}, dbs)
        + " |"
        + " |" * (3 * len(dbs))
    )
    return lines


def other_rows(results: dict, dbs: list[str], missed: list[str]) -> list[str]:
    """Matching, files, import: per database median, p95, peak MB, met."""
    rows: list[tuple[str, str, dict]] = []
    for key, limit in MATCHING_S.items():
        per_db = {}
        for db in dbs:
            m = results[db]["matching"][key]
            ok = m["median_ms"] / 1000 <= limit and m["optimal"]
            per_db[db] = (m, results[db]["matching"]["peak_mb"], ok)
            label = (
                f"matching {m['students']} students × {m['beds']} beds ({m['families']} families;"
                f" optimal by the exact check: {'yes' if m['optimal'] else 'NO'})"
            )
        rows.append((label, f"≤ {limit} s", per_db))
    for group, limits in (("pdf", PDF_S), ("exports", {"csv_500": None, "xlsx_500": None})):
        for key, limit in limits.items():
            fmt, count = key.split("_")
            per_db = {}
            for db in dbs:
                m = results[db][group][key]
                peak = results[db][group]["peak_mb"]
                ok = (limit is None or m["median_ms"] / 1000 <= limit) and peak <= MEMORY_MB
                per_db[db] = (m, peak, ok)
            target = f"≤ {limit} s" if limit else f"≤ {MEMORY_MB} MB"
            rows.append((f"roster {fmt.upper()} of {count} students", target, per_db))
    per_db = {}
    for db in dbs:
        m = results[db]["pdf"].get("pdf_500_request")
        if m is not None:
            per_db[db] = (m, results[db]["pdf"]["peak_mb"], m["median_ms"] <= JOB_REQUEST_MS)
    if per_db:
        rows.append(
            ("the request that starts the PDF of 500 as a job", f"≤ {JOB_REQUEST_MS} ms", per_db)
        )
    per_db = {}
    parts = []
    for db in dbs:
        imported = results[db]["import"]
        m = {"median_ms": imported["total_s"] * 1000, "p95_ms": None}
        per_db[db] = (m, imported["peak_mb"], imported["total_s"] <= IMPORT_S)
        parts.append(
            f"{DATABASES[db]}: upload {imported['upload_s']} s, preview {imported['preview_s']} "
            f"s, import {imported['import_s']} s, {imported['valid']:,} valid"
        )
    rows.append((f"CSV import of 5,000 rows ({'; '.join(parts)})", f"≤ {IMPORT_S} s", per_db))
    lines = []
    for label, target, per_db in rows:
        for db, (_m, _peak, ok) in per_db.items():
            if not ok:
                missed.append(f"{label.split(' (')[0]} ({DATABASES[db]})")

        def seconds(ms):
            return None if ms is None else f"{ms / 1000:.3f} s"

        lines.append(
            f"| {label} | {target} | "
            + cells({db: seconds(v[0]["median_ms"]) for db, v in per_db.items()}, dbs)
            + " | "
            + cells({db: seconds(v[0]["p95_ms"]) for db, v in per_db.items()}, dbs)
            + " | "
            + cells({db: v[1] for db, v in per_db.items()}, dbs)
            + " | "
            + cells({db: mark(v[2]) for db, v in per_db.items()}, dbs)
            + " |"
        )
    return lines


def report(
    results: dict,
    sizes: list[str],
    notes: list[str],
    started: datetime,
    seconds: float,
    machine_line: str | None = None,
) -> str:
    dbs = [db for db in DATABASES if db in results]
    names = [DATABASES[db] for db in dbs]
    size = "national" if "national" in sizes else sizes[-1]
    rule = " | ".join("---:" for _ in dbs)
    lines = [
        "# Benchmark results",
        "",
        f"`make bench` on {started:%Y-%m-%d %H:%M} UTC, {' and '.join(names)}, "
        f"{seconds / 60:.1f} minutes in all (datasets included).",
        f"Machine: {machine_line or machine()}.",
        *[f"{note}" for note in notes],
        "",
        "Every figure is measured in-process (Flask's test client through the whole stack: "
        "session, login, access rules, database, template), on a machine shared with other "
        "work, so figures are noisy; each measurement runs in a process of its own, whose "
        "peak resident memory is given. How it is measured: bench/README.md.",
        "",
        "## Datasets",
        "",
        "| database | size | rows | students | families | cohorts | audit rows | built in |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in dbs:
        for name, data in results[db]["generate"].items():
            t = data["tables"]
            lines.append(
                f"| {DATABASES[db]} | {name} | {data['rows']:,} | {t.get('students', 0):,} | "
                f"{t.get('host_families', 0):,} | {t.get('cohorts', 0):,} | "
                f"{t.get('audit_entries', 0):,} | {data['build_s']} s |"
            )
    missed: list[str] = []
    repeat = results[dbs[0]]["pages"][size]["bare"]["n"]
    lines += [
        "",
        f"## Main pages ({size} size)",
        "",
        f"Target at national size, on each database: median ≤ {PAGE_MEDIAN_MS} ms, and ≤ "
        f"{FLOOR_RATIO}× the two floors together (a bare route through the same stack + the "
        "raw SQL fetching the same rows through the driver); statement counts equal at both "
        f"sizes (given as small / national). Medians and p95 in ms over {repeat} requests "
        "after a warm-up, logged in as the role in brackets. Peak memory of the pages' "
        "process: "
        + ", ".join(f"{DATABASES[db]} {results[db]['pages'][size]['peak_mb']} MB" for db in dbs)
        + ".",
        "",
    ]
    # One header cell per database and measure.
    header = ["page (role)", "statements"]
    for measure in ("median", "p95", "raw SQL", "ratio to floors", "met"):
        header += [f"{measure} {name}" for name in names]
    lines.append("| " + " | ".join(header) + " |")
    lines.append(
        "| --- | ---: | " + " | ".join([rule] * 4) + " | " + " | ".join("---" for _ in dbs) + " |"
    )
    lines += page_rows(results, dbs, size, missed)
    if all("import" in results[db] for db in dbs):
        header = ["measurement", "target"]
        for measure in ("median", "p95", "peak MB", "met"):
            header += [f"{measure} {name}" for name in names]
        lines += [
            "",
            "## Matching, files, import",
            "",
            "| " + " | ".join(header) + " |",
            "| --- | --- | "
            + " | ".join([rule] * 3)
            + " | "
            + " | ".join("---" for _ in dbs)
            + " |",
            *other_rows(results, dbs, missed),
        ]
        peaks = {
            db: {
                step: results[db][step]["peak_mb"]
                for step in ("matching", "pdf", "exports", "import")
            }
            | {"pages": results[db]["pages"][size]["peak_mb"]}
            for db in dbs
        }
        over = [
            f"{step} ({DATABASES[db]})"
            for db in dbs
            for step, mb in peaks[db].items()
            if mb > MEMORY_MB
        ]
        lines += [
            "",
            "## Memory",
            "",
            f"Target: a worker serving the national dataset stays ≤ {MEMORY_MB} MB. Peak "
            "resident memory of each measuring process (Python, Flask, SQLAlchemy, WeasyPrint, "
            "numpy and scipy loaded): "
            + "; ".join(
                f"{DATABASES[db]}: "
                + ", ".join(f"{step} {mb} MB" for step, mb in peaks[db].items())
                for db in dbs
            )
            + ". "
            + (f"Over the target: {', '.join(over)}." if over else "All within the target."),
        ]
    else:
        over = []
        lines += [
            "",
            "Matching, files and the import were not measured: they need the national dataset "
            f"(this run: --sizes {','.join(sizes)}).",
        ]
    lines += [
        "",
        "## Summary",
        "",
        (
            "Every target is met."
            if not missed and not over
            else "Not met: " + ", ".join(missed + over) + "."
        ),
        "",
    ]
    if missed or over:
        lines += [
            'Why, as far as measured ("Known misses" in bench/README.md):',
            "",
            known_misses(),
            "",
        ]
    return "\n".join(lines)


def known_misses() -> str:
    """The reasons for the misses, as bench/README.md's "Known misses" states them."""
    text = (ROOT / "bench" / "README.md").read_text()
    section = text.split("## Known misses", 1)[-1].split("\n## ", 1)[0]
    return section.strip()


def run_database(db: str, urls: dict[str, str], repeat: int) -> dict:
    """Every measurement on one database: the datasets, the pages at each size, and on the
    national dataset matching, files and the import."""
    print(f"{DATABASES[db]}:", flush=True)
    results: dict = {"generate": {}, "pages": {}}
    for size, url in urls.items():
        results["generate"][size] = run_step("generate", url, size, 1)
    for size, url in urls.items():
        results["pages"][size] = run_step("pages", url, size, repeat)
    if "national" in urls:
        national = urls["national"]
        results["matching"] = run_step("matching", national, "national", 5)
        results["pdf"] = run_step("pdf", national, "national", 3)
        results["exports"] = run_step("exports", national, "national", 5)
        results["import"] = run_step("import", national, "national", 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark: writes bench/RESULTS.md")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--sizes",
        default="small,national",
        help="datasets, comma-separated (small,national); without national only the pages",
    )
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--note", action="append", default=[], help="a line for RESULTS.md")
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="measure nothing: write RESULTS.md again from the figures of the last run "
        '(RESULTS.json), with bench/README.md\'s "Known misses" as they are now',
    )
    args = parser.parse_args(argv)
    if args.rewrite:
        return rewrite(args.output)
    sizes = [size for size in ("small", "national") if size in args.sizes.split(",")]
    wanted = [db for db in DATABASES if db in args.databases.split(",")]
    if not sizes or not wanted:
        parser.error("choose at least one size and one database")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    notes: list[str] = [f"Code: {code_version()}.", *args.note]
    results: dict = {}
    # The stack stops the throwaway PostgreSQL server and removes the SQLite files at the
    # end, also after a failed step or Ctrl+C.
    with ExitStack() as stack:
        directory = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="austausch-bench-"))
        )
        urls: dict[str, dict[str, str]] = {}
        if "sqlite" in wanted:
            urls["sqlite"] = {size: f"sqlite:///{directory / f'{size}.sqlite'}" for size in sizes}
        if "postgresql" in wanted:
            found = postgres_urls(stack, sizes, notes)
            if found:
                urls["postgresql"] = found
            else:
                print(notes[-1].replace("**", ""), flush=True)
        if not urls:
            raise SystemExit("nothing to measure")
        for db, by_size in urls.items():
            results[db] = run_database(db, by_size, args.repeat)
    seconds = time.perf_counter() - clock
    machine_line = machine()
    text = report(results, sizes, notes, started, seconds, machine_line)
    args.output.write_text(text)
    run = {
        "sizes": sizes,
        "notes": notes,
        "started": started.isoformat(),
        "seconds": seconds,
        "machine": machine_line,
    }
    stored = {"run": run, "results": results}
    args.output.with_suffix(".json").write_text(json.dumps(stored, indent=1) + "\n")
    print(text)
    return 0


def rewrite(output: Path) -> int:
    """RESULTS.md again from RESULTS.json: the same figures, the reasons as README has them."""
    stored = json.loads(output.with_suffix(".json").read_text())
    if "run" not in stored:
        raise SystemExit(f"{output.with_suffix('.json')} is of an older run: run make bench")
    run = stored["run"]
    started = datetime.fromisoformat(run["started"])
    results = stored["results"]
    text = report(results, run["sizes"], run["notes"], started, run["seconds"], run.get("machine"))
    output.write_text(text)
    print(f"{output} written again from {output.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
