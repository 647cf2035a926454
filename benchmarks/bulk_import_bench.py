"""Timing of a workbook import: 500 rows (300 measurements, 200 expenses) of one pilot,
previewed and then applied, against a fresh SQLite database.

Run: .venv/bin/python benchmarks/bulk_import_bench.py
Prints the timings and writes them, with the machine's details, to
benchmarks/RESULTS-bulk-import.md. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook

MEASUREMENTS, EXPENSES = 300, 200
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
RESULTS = Path(__file__).with_name("RESULTS-bulk-import.md")
LOAD = os.getloadavg()  # the machine may be shared: wall time then says little alone


def main() -> None:
    folder = tempfile.mkdtemp(prefix="talka-bulk-bench-")
    from app import create_app
    from app.bulk import operations as ops
    from app.bulk import parsing, sheets
    from app.core.clock import today_riga
    from app.extensions import db
    from app.pilots.models import Measurement

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{folder}/bench.db", "INSTANCE_PATH": folder,
                      "SECRET_KEY": "bench-secret-key-not-for-production",
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": "talka.test",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAIL_SERVER": "",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    timings: dict[str, list[float]] = {"read": [], "preview": [], "apply": [],
                                       "apply (CPU time of this process)": []}
    with app.test_request_context():
        db.create_all()
        from app.places.operations import load_reference_data

        load_reference_data()
        db.session.commit()
        from tests.factories_pilots import pilot_world

        world = pilot_world()
        indicator = world.pilot.indicators[0]
        today = today_riga()
        for repeat in range(REPEATS):
            book = load_workbook(io.BytesIO(sheets.to_xlsx(sheets.rows_of([world.pilot]))))
            ws, ex = book.worksheets[1], book.worksheets[2]
            for n in range(MEASUREMENTS):
                ws.append(["", "", world.pilot.id, indicator.id, "", "",
                           today - timedelta(days=n % 50), 100 + n + repeat * 1000, "bench"])
            for n in range(EXPENSES):
                ex.append(["", "", world.pilot.id, "", today - timedelta(days=n % 50),
                           10 + n, f"Izdevumi {repeat}-{n}"])
            buffer = io.BytesIO()
            book.save(buffer)
            data = buffer.getvalue()
            started = time.perf_counter()
            parsed = parsing.read(data, "bench.xlsx")
            timings["read"].append(time.perf_counter() - started)
            started = time.perf_counter()
            preview = ops.preview_import(parsed, actor=world.coordinator, source="bench.xlsx")
            timings["preview"].append(time.perf_counter() - started)
            assert preview.count(ops.CREATE) == MEASUREMENTS + EXPENSES, preview.problems[:3]
            started, cpu = time.perf_counter(), time.process_time()
            ops.apply_import(parsed, actor=world.coordinator, source="bench.xlsx")
            db.session.commit()
            timings["apply"].append(time.perf_counter() - started)
            timings["apply (CPU time of this process)"].append(time.process_time() - cpu)
        assert db.session.query(Measurement).count() == MEASUREMENTS * REPEATS
    report(timings)


def report(timings: dict[str, list[float]]) -> None:
    lines = [
        "# Workbook import: 500 rows",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.platform()} · "
        f"Python {platform.python_version()} · {os.cpu_count()} cores · SQLite · "
        f"load average before the run {LOAD[0]:.1f}",
        "",
        f"One pilot; {MEASUREMENTS} new measurements and {EXPENSES} new expenses in an "
        f"XLSX workbook; {REPEATS} runs, each on top of the last (the pilot grows).",
        "",
        "| step | median s | max s |",
        "| --- | ---: | ---: |",
    ]
    total = [r + p + a for r, p, a in zip(timings["read"], timings["preview"],
                                            timings["apply"], strict=True)]
    for name, values in (*timings.items(), ("read + preview + apply", total)):
        lines.append(f"| {name} | {statistics.median(values):.3f} | {max(values):.3f} |")
    lines += ["", "Target: applying 500 rows in under 2 s. Wall time includes waiting for a "
              "core when the machine is busy; the CPU time is what the import itself costs."]
    text = "\n".join(lines) + "\n"
    print(text)
    if "--no-write" not in sys.argv:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
