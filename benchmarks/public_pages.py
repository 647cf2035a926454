"""Requests per second of every public page at 10 000 ideas, beside a bare Flask hello-world.

Run from the repository root:

    .venv/bin/python benchmarks/public_pages.py            # 10 000 ideas, about 8 minutes
    .venv/bin/python benchmarks/public_pages.py --ideas 2000 --seconds 4 --no-write

In one run it: makes a fresh SQLite database in a temporary folder and fills it with
`flask --app wsgi seed-demo --ideas N` (timed); serves Talka with gunicorn (2 sync
workers) on 127.0.0.1, and benchmarks/hello_app.py the same way on another port; loads
each page with a bounded load generator on loopback only (wrk when installed, else
Python threads with http.client; each run stops by itself after --seconds); and writes
the table, with the machine it ran on, to benchmarks/RESULTS.md.

Each page is first fetched once (its status decides whether it is measured: a page that
does not answer 200 to an anonymous visitor is listed as not built yet), then it and
hello-world are warmed up for a second and measured in turns (hello, page, hello,
page); the better run of each counts, since other work on the machine only ever slows
a run down, and the page's share is against its paired hello-world. Taking turns keeps
the comparison fair on a shared machine whose background load changes by the minute.
The goal: every public page at least 30 % of hello-world's throughput.

Not a test: the numbers depend on the machine and on what else runs on it (the load
average before and after is recorded beside them).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("RESULTS.md")
VENV_BIN = Path(sys.executable).parent
GOAL = 0.30
HOST = "127.0.0.1"


# --- serving -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop this gunicorn (its own process group: the master and its two workers)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def serve(name: str, app: str, *, env: dict, chdir: Path, log: Path) -> Server:
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
               "--bind", f"{HOST}:{port}", "--chdir", str(chdir),
               "--error-logfile", str(log), app]
    process = subprocess.Popen(command, env=env, start_new_session=True,  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} did not start; see {log}")
        with contextlib.suppress(OSError):
            status, _body, _elapsed = fetch(port, "/")
            if status:
                return Server(name, port, process)
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer within a minute; see {log}")


def fetch(port: int, path: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


# --- load ----------------------------------------------------------------------------------------

@dataclass
class Load:
    rps: float
    requests: int
    errors: int
    p50_ms: float | None
    p99_ms: float | None
    tool: str


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_with_wrk(port: int, path: str, seconds: float, connections: int) -> Load:
    out = subprocess.run(  # noqa: S603
        [shutil.which("wrk"), "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s",
         "--latency", f"http://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                     out)
    errors = (int(bad.group(1)) if bad else 0) + (
        int(sock.group(1)) + int(sock.group(4)) if sock else 0)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return Load(rps, requests, errors, _ms(p50.group(1)) if p50 else None,
                _ms(p99.group(1)) if p99 else None, "wrk")


def load_with_threads(port: int, path: str, seconds: float, connections: int) -> Load:
    """Fallback: `connections` threads, each reusing its connection while the server
    keeps it open (gunicorn's sync workers close it after each answer)."""
    stop_at = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker():
        connection = None
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(HOST, port, timeout=30)
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status >= 400:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                bad += 1
                connection = None
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 \
            if latencies else None

    return Load(len(latencies) / elapsed, len(latencies), errors[0], pct(0.5), pct(0.99),
                "python threads")


def _tool():
    return load_with_wrk if shutil.which("wrk") else load_with_threads


def measure_pair(talka: int, path: str, hello: int, seconds: float, connections: int
                 ) -> tuple[Load, Load]:
    """The page and hello-world in turns (hello, page, hello, page), after warming both up;
    the better run of each. Taking turns means both see the same background load, which
    on a shared machine changes from one minute to the next."""
    tool = _tool()
    tool(talka, path, 1.0, connections)  # warm up: every worker renders and caches it
    tool(hello, "/", 1.0, connections)
    pages, hellos = [], []
    for _ in range(2):
        hellos.append(tool(hello, "/", seconds, connections))
        pages.append(tool(talka, path, seconds, connections))
    best = lambda runs: max(runs, key=lambda r: r.rps)  # noqa: E731
    return best(pages), best(hellos)


# --- the data ------------------------------------------------------------------------------------

def build_database(folder: Path, ideas: int, env: dict) -> tuple[float, float]:
    """A fresh schema and the demo with `ideas` ideas; answers the seconds the command took,
    and of them the volume batch's."""
    subprocess.run([sys.executable, "-c", (
        "from app import create_app\nfrom app.extensions import db\n"
        "from app.places.operations import load_reference_data\n"
        "app = create_app()\nwith app.app_context():\n"
        "    db.create_all(); load_reference_data(); db.session.commit()\n")],
        cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    done = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "seed-demo",  # noqa: S603
                           "--ideas", str(ideas)], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"seed-demo failed:\n{done.stderr[-3000:]}")
    out = done.stdout
    seconds = time.perf_counter() - started
    volume = next(line for line in out.splitlines() if line.startswith("Volume batch"))
    print(volume)
    return seconds, float(re.search(r" in ([\d.]+) s\.$", volume).group(1))


PICK = r"""
import json
from sqlalchemy import func, select
from app import create_app
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.judging.models_results import WinnerDecision
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator, Measurement
from app.teams.models import Team
app = create_app()
with app.app_context():
    s = db.session
    counts = {"ideas": s.scalar(select(func.count(Idea.id))),
              "hackathons": s.scalar(select(func.count(Hackathon.id))),
              "pilots": s.scalar(select(func.count(Pilot.id))),
              "winners": s.scalar(select(func.count(Idea.id)).where(Idea.status == "winner")),
              "measurements": s.scalar(select(func.count(Measurement.id)))}
    hackathon = s.execute(
        select(Hackathon.slug, Hackathon.id).join(WinnerDecision,
        WinnerDecision.hackathon_id == Hackathon.id).join(Idea, Idea.hackathon_id == Hackathon.id)
        .group_by(Hackathon.id).order_by(func.count(Idea.id).desc(), Hackathon.id)).first()
    pilot = s.execute(select(Pilot.id).join(Indicator, Indicator.pilot_id == Pilot.id)
        .join(Measurement, Measurement.indicator_id == Indicator.id).where(Pilot.status == "active")
        .group_by(Pilot.id).order_by(func.count(Measurement.id).desc(), Pilot.id)).scalar()
    place = s.execute(select(Team.municipality_id).join(Idea, Idea.team_id == Team.id)
        .group_by(Team.municipality_id).order_by(func.count(Idea.id).desc())).scalar()
    winner = s.scalar(select(Idea.id).where(Idea.status == "winner").order_by(Idea.id))
    print(json.dumps({"slug": hackathon.slug, "hackathon_id": hackathon.id, "pilot": pilot,
                      "municipality": place, "winner": winner, "counts": counts}))
"""


def pages(p: dict) -> list[tuple[str, str, bool]]:
    """(name, path, named in the issue)."""
    return [
        ("home", "/", True),
        ("hackathons", "/hackathons", True),
        ("hackathon with results", f"/hackathons/{p['slug']}", True),
        ("winners", "/winners", True),
        ("pilots", "/pilots", True),
        ("pilot", f"/pilots/{p['pilot']}", True),
        ("municipality", f"/municipalities/{p['municipality']}", True),
        ("open data", "/data", True),
        ("feed", "/feed.atom", True),
        ("sitemap", "/sitemap.xml", True),
        ("API pilots", "/api/v1/pilots", True),
        ("API winners", "/api/v1/winners", True),
        ("results", f"/hackathons/{p['slug']}/results", False),
        ("winning idea", f"/ideas/{p['winner']}", False),
        ("municipalities", "/municipalities", False),
        ("data dictionary", "/data/dictionary", False),
        ("open data CSV (pilots)", "/data/pilots.csv", False),
        ("pilot feed", f"/pilots/{p['pilot']}/feed.atom", False),
    ]


# --- the report ----------------------------------------------------------------------------------

def machine() -> list[tuple[str, str]]:
    memory = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = "?"
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "?")
    import gunicorn

    return [("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
            ("nproc", str(os.cpu_count())), ("cpu", cpu), ("memory", memory),
            ("python", f"{platform.python_version()} ({platform.python_implementation()})"),
            ("gunicorn", f"{gunicorn.__version__}, 2 sync workers, 127.0.0.1"),
            ("platform", platform.platform())]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


ANALYSIS = "## Analysis"


def write_results(rows, hello_runs, baseline, info, seed_seconds, args, tool, loads):
    """Write RESULTS.md; a hand-written section from "## Analysis" on is kept."""
    kept = ""
    if RESULTS.exists():
        old = RESULTS.read_text(encoding="utf-8")
        if ANALYSIS in old:
            kept = old[old.index(ANALYSIS):]
    lines = ["# Public pages benchmark", "",
             "Output of `.venv/bin/python benchmarks/public_pages.py"
             + (f" --ideas {args.ideas}" if args.ideas != 10000 else "") + "`: requests per "
             "second of each public page served by gunicorn (2 sync workers) on a database "
             f"seeded with `flask --app wsgi seed-demo --ideas {args.ideas}`, beside a bare "
             "Flask hello-world served the same way, in one run. Anonymous visitors, "
             f"{args.connections} connections, {args.seconds:g} s per run after a 1 s warm-up; "
             f"load generator: {tool}, on loopback.", "",
             f"Goal: every public page at least {GOAL:.0%} of hello-world.", "",
             "| page | path | status | req/s | hello-world req/s | % of hello-world | "
             "p50 ms | p99 ms | first view ms | goal |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, path, status, first_ms, load, paired in rows:
        if load is None:
            lines.append(f"| {name} | `{path}` | {status} | — | — | — | — | — | — | "
                         f"not built yet (anonymous GET answers {status}) |")
            continue
        share = load.rps / paired.rps
        p50 = f"{load.p50_ms:.1f}" if load.p50_ms is not None else "—"
        p99 = f"{load.p99_ms:.1f}" if load.p99_ms is not None else "—"
        lines.append(f"| {name} | `{path}` | {status} | {load.rps:,.0f} | {paired.rps:,.0f} | "
                     f"{share:.0%} | {p50} | {p99} | {first_ms:,.0f} | "
                     f"{'met' if share >= GOAL else '**missed**'} |")
    lines += ["", "Each page is measured in turns with hello-world (hello, page, hello, page; "
              "the better run of each), and its share is against that paired hello-world "
              f"run. Hello-world over the whole run: {min(r.rps for r in hello_runs):,.0f}–"
              f"{max(r.rps for r in hello_runs):,.0f} req/s, median {baseline:,.0f}.", "",
              "First view: one request before the load (a cold page cache in the worker "
              "that answers it; the other worker renders on its first request of the "
              "warm-up).", "",
              "## Data", "",
              f"- `seed-demo --ideas {args.ideas}` took **{seed_seconds[0]:.1f} s** "
              f"(the whole command: the demo, then the volume batch, which took "
              f"{seed_seconds[1]:.1f} s).",
              "- " + ", ".join(f"{v:,} {k}" for k, v in info["counts"].items()) + "."]
    missed = [name for name, _path, _status, _first, load, paired in rows
              if load is not None and load.rps / paired.rps < GOAL]
    lines += ["", "Missed the goal in this run: " + (", ".join(missed) if missed else "none")
              + "."]
    lines += ["", "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    lines += [f"| load average before / after | {loads[0]} / {loads[1]} |", ""]
    RESULTS.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")


# --- main ----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    loads = [load_average(), ""]
    folder = Path(tempfile.mkdtemp(prefix="talka-bench-"))
    env = {**os.environ, "INSTANCE_PATH": str(folder),
           "DATABASE_URL": f"sqlite:///{folder / 'talka.sqlite'}",
           "SECRET_KEY": "benchmark-only-secret-key", "TALKA_ENV": "development",
           "SITE_URL": f"http://{HOST}",
           "MAIL_SERVER": "", "PYTHONDONTWRITEBYTECODE": "1"}
    servers: list[Server] = []
    try:
        print(f"Seeding {args.ideas} ideas in {folder} ...", flush=True)
        seed_seconds = build_database(folder, args.ideas, env)
        print(f"  seed-demo --ideas {args.ideas}: {seed_seconds[0]:.1f} s", flush=True)
        info = json.loads(subprocess.run([sys.executable, "-c", PICK], cwd=ROOT, env=env,  # noqa: S603
                                         check=True, capture_output=True, text=True).stdout)
        serving = {**env, "TALKA_ENV": "production"}
        talka = serve("talka", "wsgi:app", env=serving, chdir=ROOT, log=folder / "talka.log")
        servers.append(talka)
        hello = serve("hello", "hello_app:app", env=serving, chdir=Path(__file__).parent,
                      log=folder / "hello.log")
        servers.append(hello)
        tool = "wrk" if shutil.which("wrk") else "Python threads (http.client)"

        rows, hello_runs = [], []
        for name, path, _named in pages(info):
            status, _body, first = fetch(talka.port, path)
            load = paired = None
            if status == 200:
                load, paired = measure_pair(talka.port, path, hello.port, args.seconds,
                                            args.connections)
                hello_runs.append(paired)
            rows.append((name, path, status, first * 1000, load, paired))
            shown = (f"{load.rps:,.0f} req/s, hello-world {paired.rps:,.0f} req/s: "
                     f"{load.rps / paired.rps:.0%}") if load else f"not measured ({status})"
            print(f"  {name:<24} {path[:58]:<58} {shown}", flush=True)
        baseline = statistics.median(r.rps for r in hello_runs)
        loads[1] = load_average()
        if not args.no_write:
            write_results(rows, hello_runs, baseline, info, seed_seconds, args, tool, loads)
            print(f"Wrote {RESULTS}")
        errors = sum(r[4].errors for r in rows if r[4])
        if errors:
            print(f"warning: {errors} failed requests during the load; see {folder}")
        return 0
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
