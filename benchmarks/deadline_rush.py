"""The deadline rush as a benchmark: figures for SQLite and PostgreSQL.

Run: .venv/bin/python benchmarks/deadline_rush.py [--clients 50] [--repeat 1]
                                                  [--only sqlite|postgresql]
Each database is tried with gunicorn's sync workers (the README's deployment) and with
gthread workers, `--repeat` times each. Prints a table and writes it, with the machine's details, to
benchmarks/RESULTS-deadline-rush.md.

The scenario is the one tests/stress/test_deadline_rush.py checks (tests/stress/rush.py):
API clients with bearer tokens save (PATCH with the version they saw; a 409 conflict
makes them re-read) and submit their ideas around a deadline set a few seconds ahead,
against gunicorn on a fresh database. Every run is checked the same way the test checks
it, and the table says whether the checks passed. PostgreSQL runs on a scratch database
beside TEST_DATABASE_URL's (default postgresql+psycopg://postgres@127.0.0.1:5432/test),
created and dropped by the run.

Not a test: the figures depend on the machine and on what else it is doing (the load
average before and after each run is written down for that reason).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.stress.rush lives beside the app, not in the package

from tests.stress.rush import CHECKS, Plan, figures, rush_once  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS-deadline-rush.md")
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SERVERS = (("4 sync workers", 4, 1), ("4 gthread workers × 4 threads", 4, 4))


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
    if not url.startswith("postgresql"):
        url = DEFAULT_POSTGRES
    try:
        import psycopg

        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                        connect_timeout=5).close()
    except Exception as exc:  # any failure: no PostgreSQL to measure
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        return None
    return url


def _postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _gunicorn_version() -> str:
    try:
        return subprocess.run([sys.executable, "-m", "gunicorn", "--version"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _ms(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def run(database: str, url: str | None, label: str, plan: Plan) -> dict:
    load_before = _load()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="talka-rush-") as workdir:
        rush = rush_once(Path(workdir), plan, url)
    wall = time.monotonic() - began
    problems = {name: check(rush) for name, check in CHECKS.items()}
    row = {"database": database, "server": label, "figures": figures(rush),
           "problems": {k: v for k, v in problems.items() if v}, "wall": wall,
           "timings": rush.timings, "load": f"{load_before} → {_load()}",
           "created_tables": rush.created_tables}
    f = row["figures"]
    print(f"{database:10} {label:32} {f['requests']:5d} req {f['requests_per_s']:6.1f} req/s  "
          f"save p50/p95 {_ms(f['save_p50_ms'])}/{_ms(f['save_p95_ms'])} ms  "
          f"submit p50/p95 {_ms(f['submit_p50_ms'])}/{_ms(f['submit_p95_ms'])} ms  "
          f"5xx {f['server_errors']}  checks "
          f"{'passed' if not row['problems'] else 'FAILED: ' + ', '.join(row['problems'])}",
          flush=True)
    for name, found in row["problems"].items():
        for line in found[:5]:
            print(f"    {name}: {line}", flush=True)
    return row


def write_results(rows: list[dict], plan: Plan, info: dict) -> str:
    lines = [
        "# Deadline rush benchmark",
        "",
        "Output of `.venv/bin/python benchmarks/deadline_rush.py`: the scenario of "
        "`tests/stress/test_deadline_rush.py`, "
        "measured.",
        "",
        f"Scenario: {plan.describe().split(', ', 1)[0]}; every client reads its idea "
        f"(warm-up; a fifth of the teams submit then), then the deadline is set "
        f"{plan.before:g} s ahead and the clients save in a loop (PATCH with the version "
        f"they saw, a pause of {plan.think[0]:g}–{plan.think[1]:g} s between requests; a "
        f"409 conflict makes them re-read) and submit at their planned moment (from 3 s "
        f"before to {plan.after:g} s after the deadline, or never) until "
        f"{plan.after:g} s after it. Every 5th client sends one save with an outdated "
        f"version on purpose. One connection per request. Rates and latencies are the "
        f"rush's own (warm-up left out), measured by the clients, on one machine with the "
        f"server.",
        "",
        "| database | server | requests | req/s | save p50 / p95 (ms) | submit p50 / p95 (ms) "
        "| saves 200 (after deadline) | conflicts 409 (on purpose) | saves refused after "
        "deadline | submits accepted (warm-up + rush) | late submits refused | closest "
        "accepted before / refused after deadline (ms) | 5xx | checks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    for row in rows:
        f = row["figures"]
        checks = "passed" if not row["problems"] else "FAILED: " + ", ".join(row["problems"])
        lines.append(
            f"| {row['database']} | {row['server']} | {f['requests']} | "
            f"{f['requests_per_s']:.1f} | {_ms(f['save_p50_ms'])} / {_ms(f['save_p95_ms'])} | "
            f"{_ms(f['submit_p50_ms'])} / {_ms(f['submit_p95_ms'])} | {f['saves_ok']} "
            f"({f['saves_ok_after_deadline']}) | {f['conflicts']} "
            f"({f['conflicts_on_purpose']}) | {f['locked_saves']} | "
            f"{f['submits_ok_warm_up']} + {f['submits_ok']} | {f['late_refusals']} | "
            f"{_ms(f['closest_accepted_before_deadline_ms'])} / "
            f"{_ms(f['closest_refused_after_deadline_ms'])} | {f['server_errors']} | "
            f"{checks} |")
    lines += ["", "Where the time of each run went (s; gunicorn boots while init-db and the "
              "setup run, and is ready after \"server ready\" seconds from their start), "
              "and the machine's load average (1, 5, 15 min) before → after the run:", "",
              "| database | server | init-db | setup | server ready | warm-up | rush | "
              "stop | read back | whole run | load |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        t = row["timings"]
        lines.append(
            f"| {row['database']} | {row['server']} | " + " | ".join(
                f"{t.get(k, float('nan')):.1f}" for k in (
                    "init-db", "setup", "ready", "warm-up", "rush", "gunicorn stop",
                    "reading the database"))
            + f" | {row['wall']:.1f} | {row['load']} |")
    lines += ["", "Reading the figures: the clients and the server share the machine's two "
              "cores, so the latencies are mostly queueing (50 clients in a closed loop: "
              "latency ≈ clients ÷ throughput − pause). \"Closest accepted before / refused "
              "after\" are the server's decisions nearest the deadline: the submit accepted "
              "latest (deadline − submitted_at) and the refused late submit answered "
              "earliest (received − deadline). The checks are the test's: no 5xx, every "
              "save answered 200 kept, no submission at or after the deadline, no "
              "half-written rows."]
    failed = [row for row in rows if row["problems"]]
    if failed:
        lines += ["", "## Problems found", ""]
        for row in failed:
            for name, found in row["problems"].items():
                lines.append(f"- {row['database']}, {row['server']}, {name}: "
                             f"{len(found)} problem(s); first: `{found[0]}`")
    created = sorted({t for row in rows for t in row["created_tables"]})
    if created:
        lines += ["", f"`init-db` lacked the tables {created}; the runs created them with "
                      f"create_all()."]
    lines += ["", "| machine | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    plan = Plan(clients=args.clients, shared_ideas=max(0, args.clients // 5))
    databases = []
    if args.only in (None, "sqlite"):
        databases.append(("SQLite", None))
    postgres = _postgres_url() if args.only in (None, "postgresql") else None
    if postgres:
        databases.append(("PostgreSQL", postgres))
    info = {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "nproc": os.cpu_count(),
        "cpu": _cpu(),
        "platform": platform.platform(),
        "gunicorn": _gunicorn_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(postgres) if postgres else "not measured",
        "load average at start": _load(),
    }
    rows = []
    for database, url in databases:
        for label, workers, threads in SERVERS:
            for _ in range(max(1, args.repeat)):
                rows.append(run(database, url, label,
                                Plan(clients=plan.clients, shared_ideas=plan.shared_ideas,
                                     workers=workers, threads=threads)))
    info["load average at end"] = _load()
    print()
    print(write_results(rows, plan, info))
    return 1 if any(row["problems"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
