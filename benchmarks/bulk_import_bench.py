"""Timing of a workbook import: 500 rows of one pilot, as an XLSX workbook (its milestones
as exported, 300 new measurements, 200 new expenses) and as a CSV file (500 measurements),
read, previewed and applied, against a fresh SQLite database.

Two views of the same work:
- the import itself: `parsing.read`, `preview_import`, `apply_import` + commit, each with
  its wall time and the CPU time of this process;
- the two pages a person waits for: uploading (read, keep, preview, the preview page
  rendered) and confirming (read again, apply, commit, redirect), through the test client.

Every run imports new rows (the values differ from run to run), on top of the last, as a
team does month after month; the median of the runs is reported.

Run: .venv/bin/python benchmarks/bulk_import_bench.py [--runs N] [--no-write] [--profile]
Prints the timings and writes them, with the machine's details, to
benchmarks/RESULTS-bulk-import.md. `--profile` prints the cProfile of one XLSX preview and
apply instead. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook

MEASUREMENTS, EXPENSES, CSV_ROWS = 300, 200, 500
RESULTS = Path(__file__).with_name("RESULTS-bulk-import.md")
TARGET_S = 2.0


class Clock:
    """Wall and CPU time of one step, over the runs."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def time(self, name: str, step: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        self.wall.setdefault(name, []).append(time.perf_counter() - wall)
        self.cpu.setdefault(name, []).append(time.process_time() - cpu)
        return result


def xlsx_workbook(sheets, pilot, indicator, today, run: int) -> bytes:
    # The pilot's workbook as exported, with the month's new rows in place of the rows
    # already imported (a file of 500 rows however long the pilot has run).
    rows = sheets.rows_of([pilot])
    rows["measurements"], rows["expenses"] = [], []
    book = load_workbook(io.BytesIO(sheets.to_xlsx(rows)))
    measurements, expenses = book.worksheets[1], book.worksheets[2]
    for n in range(MEASUREMENTS):
        measurements.append(["", "", pilot.id, indicator.id, "", "",
                             today - timedelta(days=n % 50), 100 + n + run * 1000,
                             f"Skaitītājs, mērījums {run}-{n}"])
    for n in range(EXPENSES):
        expenses.append(["", "", pilot.id, "", today - timedelta(days=n % 50),
                         round(10 + n + 0.25, 2), f"Izdevumi {run}-{n}: kancelejas preces"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(sheets, pilot, indicator, today, run: int) -> bytes:
    rows = [["", "", pilot.id, indicator.id, indicator.name, indicator.unit,
             today - timedelta(days=n % 50), f"{200 + n + run * 1000}.5",
             f"Aptauja {run}-{n}"] for n in range(CSV_ROWS)]
    return sheets.to_csv(sheets.MEASUREMENTS, rows).encode("utf-8")


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_REPEATS", 5)))
    options.add_argument("--no-write", action="store_true")
    options.add_argument("--profile", action="store_true")
    args = options.parse_args()
    load = os.getloadavg()  # the machine may be shared: wall time then says little alone

    folder = tempfile.mkdtemp(prefix="talka-bulk-bench-")
    from app import create_app
    from app.bulk import operations as ops
    from app.bulk import parsing, sheets
    from app.core.clock import today_riga
    from app.extensions import db
    from app.pilots.models_money import Expense
    from app.pilots.models_plan import Measurement

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{folder}/bench.db", "INSTANCE_PATH": folder,
                      "SECRET_KEY": "bench-secret-key-not-for-production",
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": "talka.test",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAIL_SERVER": "",
                      "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"})
    clock = Clock()
    with app.app_context():
        db.create_all()
        from app.places.operations import load_reference_data

        load_reference_data()
        db.session.commit()
        from tests.conftest import DEFAULT_PASSWORD
        from tests.factories_pilots import add_milestone, pilot_world

        world = pilot_world()
        for n in range(6):
            add_milestone(world.pilot, title=f"Posms {n + 1}",
                          due=world.pilot.start_date + timedelta(days=30 * (n + 1)))
        db.session.commit()
        pilot_id, actor_id = world.pilot.id, world.lead.id
        actor_email = world.lead.email
        today = today_riga()

    def fresh():
        from app.accounts.models import User
        from app.pilots.models import Pilot

        return db.session.get(Pilot, pilot_id), db.session.get(User, actor_id)

    def direct(kind: str, data: bytes, run: int) -> None:
        name = f"bench-{run}.{kind}"
        with app.test_request_context():
            pilot, actor = fresh()
            parsed = clock.time(f"{kind}: read", lambda: parsing.read(data, name))
            preview = clock.time(f"{kind}: preview", lambda: ops.preview_import(
                parsed, actor=actor, source=name))
            expected = CSV_ROWS if kind == "csv" else MEASUREMENTS + EXPENSES
            assert preview.count(ops.CREATE) == expected, preview.problems[:3]

            def apply():
                ops.apply_import(parsed, actor=actor, source=name)
                db.session.commit()

            clock.time(f"{kind}: apply", apply)
            db.session.remove()

    def pages(kind: str, data: bytes, run: int) -> None:
        client = app.test_client()
        client.post("/login", data={"email": actor_email, "password": DEFAULT_PASSWORD})
        response = clock.time(f"{kind}: upload page (read, preview, page)", lambda: client.post(
            "/pilots/import", data={"workbook": (io.BytesIO(data), f"page-{run}.{kind}")},
            content_type="multipart/form-data"))
        assert response.status_code == 200, response.status_code
        token = re.search(rb"/pilots/import/([0-9a-f]{64})", response.data).group(1).decode()
        response = clock.time(f"{kind}: confirm page (read, apply)",
                              lambda: client.post(f"/pilots/import/{token}"))
        assert response.status_code == 302, response.status_code

    def workbook(kind: str, run: int) -> bytes:
        with app.test_request_context():
            pilot, _actor = fresh()
            build = xlsx_workbook if kind == "xlsx" else csv_file
            data = build(sheets, pilot, pilot.indicators[0], today, run)
            db.session.remove()
            return data

    if args.profile:
        data = workbook("xlsx", 0)
        profiler = cProfile.Profile()
        profiler.enable()
        direct("xlsx", data, 0)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    run = 0
    for _ in range(args.runs):
        for kind in ("xlsx", "csv"):
            run += 1
            direct(kind, workbook(kind, run), run)
            run += 1
            pages(kind, workbook(kind, run), run)
    with app.app_context():
        created = (db.session.query(Measurement).count(), db.session.query(Expense).count())
    report(clock, args, load, created)


def report(clock: Clock, args, load, created) -> None:
    lines = [
        "# Workbook import: 500 rows",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.platform()} · "
        f"Python {platform.python_version()} · {os.cpu_count()} cores · SQLite · "
        f"load average before the run {load[0]:.1f}, after {os.getloadavg()[0]:.1f}",
        "",
        f"One pilot, imported into by its team lead. XLSX: the pilot's workbook as "
        f"exported (its milestones, left unchanged; the rows imported before left out) with {MEASUREMENTS} new measurements "
        f"and {EXPENSES} new expenses; CSV: {CSV_ROWS} new measurements. {args.runs} runs "
        f"of each, every run on top of the last (the pilot grows to {created[0]} "
        f"measurements and {created[1]} expenses); medians, and the slowest run.",
        "",
        "| step | wall median s | wall max s | CPU median s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, values in clock.wall.items():
        lines.append(f"| {name} | {statistics.median(values):.3f} | {max(values):.3f} | "
                     f"{statistics.median(clock.cpu[name]):.3f} |")
    for kind in ("xlsx", "csv"):
        total = [sum(v) for v in zip(*(clock.wall[f"{kind}: {s}"]
                                        for s in ("read", "preview", "apply")), strict=True)]
        pages = [a + b for a, b in zip(clock.wall[f"{kind}: upload page (read, preview, page)"],
                                       clock.wall[f"{kind}: confirm page (read, apply)"],
                                       strict=True)]
        lines.append(f"| **{kind}: read + preview + apply** | {statistics.median(total):.3f} "
                     f"| {max(total):.3f} | |")
        lines.append(f"| **{kind}: both pages** | {statistics.median(pages):.3f} | "
                     f"{max(pages):.3f} | |")
    lines += ["", f"Target: importing 500 rows (preview and apply together) in under "
              f"{TARGET_S:.0f} s. Wall time includes waiting for a core when the machine is "
              f"busy; the CPU time is what the import itself costs."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        kept = ""
        if RESULTS.exists() and "\n## " in RESULTS.read_text():
            kept = "\n## " + RESULTS.read_text().split("\n## ", 1)[1]
        RESULTS.write_text(text + kept)


if __name__ == "__main__":
    main()
