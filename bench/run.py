"""`make bench`: builds the two datasets, runs every measurement in a process of its own
(bench/measure.py) and writes bench/RESULTS.md: the table, the targets, the machine, the date.

    .venv/bin/python -m bench.run                 # SQLite files in a temporary directory
    .venv/bin/python -m bench.run --repeat 10     # fewer requests per page
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/austausch_bench_{size} \\
        .venv/bin/python -m bench.run             # PostgreSQL: {size} becomes small/national;
                                                  # those databases are DROPPED and created
"""
# ruff: noqa: S603 (subprocesses with fixed arguments)

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"

# Targets of issue #9, on a 2-core machine.
PAGE_MEDIAN_MS = 50
FLOOR_RATIO = 4
MATCHING_S = {"60x80": 0.2, "2000x2500": 5.0}
PDF_S = {"pdf_60": 1.5, "pdf_500": 10.0}
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


def database_urls(directory: Path) -> dict[str, str]:
    template = os.environ.get("BENCH_DATABASE_URL")
    if not template:
        return {size: f"sqlite:///{directory / f'{size}.sqlite'}" for size in ("small", "national")}
    import sqlalchemy as sa

    urls = {}
    for size in ("small", "national"):
        url = sa.make_url(template.replace("{size}", size))
        if "bench" not in (url.database or ""):
            raise SystemExit("BENCH_DATABASE_URL must name a database containing 'bench'")
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
        admin.dispose()
        urls[size] = url.render_as_string(hide_password=False)
    return urls


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


def mark(ok: bool) -> str:
    return "✓" if ok else "✗ **missed**"


def report(results: dict, dialect: str, started: datetime, seconds: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"`make bench` on {started:%Y-%m-%d %H:%M} UTC, {dialect}, {seconds / 60:.1f} minutes "
        "in all (datasets included).",
        f"Machine: {machine()}.",
        "",
        "Every figure is measured in-process (Flask's test client through the whole stack: "
        "session, login, access rules, database, template), on a machine shared with other "
        "work, so figures are noisy; each measurement runs in a process of its own, whose "
        "peak resident memory is given. How it is measured: bench/README.md.",
        "",
    ]
    sizes = results["generate"]
    lines += [
        "## Datasets",
        "",
        "| size | rows | students | families | cohorts | audit rows | built in |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, data in sizes.items():
        t = data["tables"]
        lines.append(
            f"| {size} | {data['rows']:,} | {t.get('students', 0):,} | "
            f"{t.get('host_families', 0):,} | {t.get('cohorts', 0):,} | "
            f"{t.get('audit_entries', 0):,} | {data['build_s']} s |"
        )
    pages = results["pages"]
    lines += [
        "",
        "## Main pages",
        "",
        f"Target at national size: median ≤ {PAGE_MEDIAN_MS} ms, and ≤ {FLOOR_RATIO}× the two "
        "floors together (a bare route through the same stack + the raw SQL fetching the same "
        "rows through the driver); statement counts equal at both sizes. Medians and p95 in ms "
        f"over {pages['national']['bare']['n']} requests after a warm-up.",
        "",
        "| page | statements small / national | median small | median national | p95 "
        "national | raw SQL national | ratio to floors | peak MB | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    bare = pages["national"]["bare"]
    missed = []
    for key, page in pages["national"].items():
        if not isinstance(page, dict) or "page" not in page:
            continue
        small = pages["small"][key]
        floor = bare["median_ms"] + page["raw_sql"]["median_ms"]
        ratio = page["page"]["median_ms"] / floor
        ok = (
            page["page"]["median_ms"] <= PAGE_MEDIAN_MS
            and ratio <= FLOOR_RATIO
            and page["statements"] == small["statements"]
        )
        if not ok:
            missed.append(page["label"])
        lines.append(
            f"| {page['label']} | {small['statements']} / {page['statements']} | "
            f"{small['page']['median_ms']} | {page['page']['median_ms']} | "
            f"{page['page']['p95_ms']} | {page['raw_sql']['median_ms']} | {ratio:.1f}× | "
            f"{pages['national']['peak_mb']} | {mark(ok)} |"
        )
    lines.append(
        f"| *floor: bare route* | | {pages['small']['bare']['median_ms']} | {bare['median_ms']} "
        f"| {bare['p95_ms']} | | | | |"
    )
    lines += [
        "",
        "## Matching, files, import",
        "",
        "| measurement | result | median | p95 | target | peak MB | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    matching = results["matching"]
    for key, limit in MATCHING_S.items():
        m = matching[key]
        ok = m["median_ms"] / 1000 <= limit and m["optimal"]
        if not ok:
            missed.append(f"matching {key}")
        lines.append(
            f"| matching {m['students']} students × {m['beds']} beds ({m['families']} families) "
            f"| {m['placed']} placed, fit {m['fit']}, optimal: {'yes' if m['optimal'] else 'NO'} "
            f"(exact check) | {m['median_ms'] / 1000:.3f} s | {m['p95_ms'] / 1000:.3f} s | "
            f"≤ {limit} s | {matching['peak_mb']} | {mark(ok)} |"
        )
    for group, limits in (("pdf", PDF_S), ("exports", {"csv_500": None, "xlsx_500": None})):
        data = results[group]
        for key, limit in limits.items():
            m = data[key]
            fmt, count = key.split("_")
            ok = limit is None or m["median_ms"] / 1000 <= limit
            if not ok:
                missed.append(key)
            lines.append(
                f"| roster {fmt.upper()} of {count} students | {m['bytes']:,} bytes | "
                f"{m['median_ms'] / 1000:.3f} s | {m['p95_ms'] / 1000:.3f} s | "
                f"{f'≤ {limit} s' if limit else 'bounded memory'} | {data['peak_mb']} | "
                f"{mark(ok and data['peak_mb'] <= MEMORY_MB)} |"
            )
    imported = results["import"]
    ok = imported["total_s"] <= IMPORT_S
    if not ok:
        missed.append("import")
    lines.append(
        f"| CSV import of {imported['rows']:,} rows (upload {imported['upload_s']} s, preview "
        f"{imported['preview_s']} s, import {imported['import_s']} s) | {imported['valid']:,} "
        f"valid | {imported['total_s']} s | | ≤ {IMPORT_S} s | {imported['peak_mb']} | "
        f"{mark(ok)} |"
    )
    peaks = {
        step: results[step]["peak_mb"] for step in ("matching", "pdf", "exports", "import")
    } | {"pages": pages["national"]["peak_mb"]}
    over = {step: mb for step, mb in peaks.items() if mb > MEMORY_MB}
    lines += [
        "",
        "## Memory",
        "",
        f"Target: a worker serving the national dataset stays ≤ {MEMORY_MB} MB. Peak resident "
        "memory of each measuring process (Python, Flask, SQLAlchemy, WeasyPrint, numpy and "
        "scipy loaded): "
        + ", ".join(f"{step} {mb} MB" for step, mb in peaks.items())
        + ". "
        + (f"Over the target: {', '.join(over)}." if over else "All within the target."),
        "",
        "## Summary",
        "",
        (
            "Every target is met."
            if not missed and not over
            else "Not met: "
            + ", ".join(missed + list(over))
            + '. Why, as far as measured (from "Known misses" in bench/README.md):'
        ),
        "",
    ]
    if missed or over:
        lines += [known_misses(), ""]
    return "\n".join(lines)


def known_misses() -> str:
    """The reasons for the misses, as bench/README.md's "Known misses" states them."""
    text = (ROOT / "bench" / "README.md").read_text()
    section = text.split("## Known misses", 1)[-1].split("\n## ", 1)[0]
    return section.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark: writes bench/RESULTS.md")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="austausch-bench-") as directory:
        urls = database_urls(Path(directory))
        results: dict = {"generate": {}, "pages": {}}
        for size, url in urls.items():
            results["generate"][size] = run_step("generate", url, size, 1)
        for size, url in urls.items():
            results["pages"][size] = run_step("pages", url, size, args.repeat)
        national = urls["national"]
        results["matching"] = run_step("matching", national, "national", 5)
        results["pdf"] = run_step("pdf", national, "national", 3)
        results["exports"] = run_step("exports", national, "national", 5)
        results["import"] = run_step("import", national, "national", 1)
    dialect = "PostgreSQL" if urls["national"].startswith("postgresql") else "SQLite"
    text = report(results, dialect, started, time.perf_counter() - clock)
    args.output.write_text(text)
    (args.output.with_suffix(".json")).write_text(json.dumps(results, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
