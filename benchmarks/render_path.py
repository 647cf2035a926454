"""The real render path: every page cached, uncached and signed in, as a share of hello-world.

Run from the repository root (wrk is needed: `apt-get install wrk`):

    .venv/bin/python benchmarks/render_path.py                  # 1 000 and 10 000 ideas
    .venv/bin/python benchmarks/render_path.py --ideas 1000 --seconds 3 --no-write

For each data size it makes a fresh SQLite database with `seed-demo --ideas N` (timed), and
serves three gunicorn apps (2 sync workers each) on loopback: Talka with its page caches,
Talka with `PUBLIC_CACHE=0`, and benchmarks/hello_app.py. Then, for every page:

- **cached**: an anonymous reader, the same URL again and again (the best case);
- **uncached**: `PUBLIC_CACHE=0` and a fresh query string on every request (wrk's Lua
  script), so no page cache answers and each request renders its page, from the rows,
  cards, sections and figures kept for the current data (app/public/fragments.py and
  summaries.py): what every reader gets but the first after a change;
- **signed in**: a coordinator, a judge or a team member with their session cookie, on
  the uncached app (signed-in pages are never cached);
- **after a change**, in process (the servers stopped): each page read with everything
  kept and right after a committed change of data, alternately, with the median of each:
  what the first reader after an edit pays.

Each figure is the median of `--rounds` interleaved rounds (hello-world, page, hello-world,
page, ...), and the page's share is against the median hello-world of the same rounds, so
a busy neighbour on the machine slows both alike. wrk runs with `--timeout 30s`. The cached
pages take `--cached-rounds` (5): their goal, at least hello-world's rate, is within a few
points of what they reach, and one round's share moves by up to fifteen points on a
shared machine; each round's own share is reported as a range, so the noise is in plain
sight rather than in the median.

The growth table compares each page's share at the two sizes: a page whose cost does not
grow with the data keeps its share. Writes benchmarks/RESULTS-render-path.md.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from public_pages import (  # noqa: E402
    ANALYSIS,
    HOST,
    PICK,
    ROOT,
    Server,
    build_database,
    fetch,
    load_average,
    machine,
    serve,
)

RESULTS = Path(__file__).with_name("RESULTS-render-path.md")
PUBLIC_GOAL, SIGNED_IN_GOAL, PORTFOLIO_GOAL, CACHED_GOAL = 0.10, 0.05, 0.03, 1.0
DEMO_PASSWORD = "talka-demo-parole-2026"  # noqa: S105 - the demo's published sign-in
ROLES = {"coordinator": "koordinators@varam.gov.lv", "judge": "ilze.vitola@valmiera.lv",
         "team member": "janis.berzins@dobele.lv"}

FRESH_LUA = """
local counter = 0
local thread_id = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  thread_id = id or 0
end
function request()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "fresh=" .. thread_id .. "-" .. counter)
end
"""

PICK_MORE = PICK.replace('    print(json.dumps({', '''    from app.accounts.models import User
    from app.accounts.operations import create_api_token
    coordinator = s.scalar(select(User).where(User.email == "koordinators@varam.gov.lv"))
    _token, raw = create_api_token(coordinator, "benchmark")
    s.commit()
    print(json.dumps({"token": raw, ''')


# The first reader after a change of data: in process (Flask's test client), each page read
# once with everything kept, then once right after a committed change of the public data
# and of the judging data (every kept row, card, section and figure is then worked out
# again), alternately; the median of each, and a bare Flask hello-world in the same process
# as the yardstick. The app is the uncached one (PUBLIC_CACHE=0).
AFTER_CHANGE = r"""
import html, json, re, statistics, sys, time
from flask import Flask
from app import create_app
from app.extensions import db
from app.pilots.models import Pilot
from app.public.cache import JUDGING_ROW, bump_public_version, forget_recent_state
pages, roles, token, rounds, pilot_id = json.loads(sys.argv[1])
app = create_app()
site = app.config["SITE_URL"]  # the host every link and every form's origin is checked for
hello = Flask("hello")
hello.add_url_rule("/", "hello", lambda: "Hello, World!")
def timed(client, path, headers):
    started = time.perf_counter()
    status = client.get(path, headers=headers, base_url=site).status_code
    assert status == 200, (path, status)
    return time.perf_counter() - started
def change():
    # An edit of one pilot, as its team saves it, and a raise of the judging version.
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        pilot.title = pilot.title[:-1] if pilot.title.endswith(".") else pilot.title + "."
        bump_public_version(db.session, row=JUDGING_ROW)
        db.session.commit()
    forget_recent_state()
hello_client = hello.test_client()
def hello_once():
    started = time.perf_counter()
    hello_client.get("/")
    return time.perf_counter() - started
for _ in range(50):
    hello_once()
hello_ms = statistics.median(hello_once() for _ in range(500)) * 1000
clients = {}
for role, email in [("", None), *roles.items()]:
    client = app.test_client()
    if email:
        page = client.get("/login", base_url=site).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"email": email, "password": "talka-demo-parole-2026"}
        if csrf:
            form["csrf_token"] = html.unescape(csrf.group(1))
        assert client.post("/login", data=form, base_url=site).status_code == 302, email
    clients[role] = client
out = {"hello_ms": hello_ms, "pages": {}}
for name, role, path in pages:
    client = clients["" if "/api/" in path and role else role]
    headers = {"Authorization": f"Bearer {token}"} if "/api/" in path and role else {}
    sep = "&" if "?" in path else "?"
    for n in range(3):
        timed(client, f"{path}{sep}warm={n}", headers)
    kept, changed = [], []
    for n in range(rounds):
        kept.append(timed(client, f"{path}{sep}kept={n}", headers))
        change()
        changed.append(timed(client, f"{path}{sep}changed={n}", headers))
    out["pages"][name] = [statistics.median(kept) * 1000, statistics.median(changed) * 1000]
print(json.dumps(out))
"""


@dataclass
class Figure:
    rps: float
    hello: float
    p99_ms: float | None
    errors: int
    # Each round's page against the hello-world run right before it: how far the machine's
    # noise moves the share from round to round.
    rounds: tuple[float, ...] = ()

    @property
    def share(self) -> float:
        return self.rps / self.hello if self.hello else 0.0


def wrk(port: int, path: str, seconds: float, connections: int, *, headers: dict[str, str],
        fresh: Path | None) -> tuple[float, float | None, int]:
    command = [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}",
               f"-d{max(1, round(seconds))}s", "--timeout", "30s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if fresh is not None:
        command += ["-s", str(fresh)]
    command.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True,  # noqa: S603
                         timeout=seconds + 90, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                     out)
    errors = (int(bad.group(1)) if bad else 0) + (
        int(sock.group(1)) + int(sock.group(4)) if sock else 0)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = (float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
              if p99 else None)
    return rps, p99_ms, errors


def measure(page: int, path: str, hello: int, args, *, headers: dict[str, str] | None = None,
            fresh: Path | None = None, rounds: int | None = None) -> Figure:
    headers = headers or {}
    wrk(page, path, 1, args.connections, headers=headers, fresh=fresh)  # warm up
    pages, hellos, p99s, errors = [], [], [], 0
    for _ in range(args.rounds if rounds is None else rounds):
        hellos.append(wrk(hello, "/", args.seconds, args.connections, headers={},
                          fresh=None)[0])
        rps, p99, bad = wrk(page, path, args.seconds, args.connections, headers=headers,
                            fresh=fresh)
        pages.append(rps)
        errors += bad
        if p99 is not None:
            p99s.append(p99)
    return Figure(statistics.median(pages), statistics.median(hellos),
                  statistics.median(p99s) if p99s else None, errors,
                  tuple(p / h for p, h in zip(pages, hellos, strict=True) if h))


def sign_in(port: int, email: str) -> str:
    """The Cookie header of a fresh session for `email`, signed in through the real form."""
    jar: dict[str, str] = {}

    def request(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        head = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=head)
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    _status, page = request("GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": DEMO_PASSWORD}
    if token:
        form["csrf_token"] = html.unescape(token.group(1))
    status, _text = request("POST", "/login", urllib.parse.urlencode(form))
    if status != 302:
        raise RuntimeError(f"signing in as {email} answered {status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def public_pages(p: dict) -> list[tuple[str, str]]:
    return [("home", "/"), ("hackathons", "/hackathons"),
            ("hackathon with results", f"/hackathons/{p['slug']}"), ("winners", "/winners"),
            ("pilots", "/pilots"), ("pilot", f"/pilots/{p['pilot']}"),
            ("municipality", f"/municipalities/{p['municipality']}"), ("open data", "/data"),
            ("API pilots", "/api/v1/pilots"), ("API winners", "/api/v1/winners")]


def signed_in_pages(p: dict) -> list[tuple[str, str, str]]:
    return [("coordinator", "idea list", f"/hackathons/{p['slug']}/ideas"),
            ("coordinator", "judging dashboard", f"/hackathons/{p['slug']}/judging"),
            ("coordinator", "portfolio", "/pilots/portfolio"),
            ("coordinator", "ranking API (100)",
             f"/api/v1/hackathons/{p['hackathon_id']}/ranking?per_page=100"),
            ("judge", "my reviews", "/reviews"),
            ("team member", "my ideas", "/ideas")]


def run_size(ideas: int, args, fresh: Path) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="talka-render-"))
    env = {**os.environ, "INSTANCE_PATH": str(folder),
           "DATABASE_URL": f"sqlite:///{folder / 'talka.sqlite'}",
           "SECRET_KEY": "benchmark-only-secret-key", "TALKA_ENV": "development",
           "SITE_URL": f"http://{HOST}", "MAIL_SERVER": "", "PYTHONDONTWRITEBYTECODE": "1",
           # this checkout's code, even where the virtualenv also points at another one
           "PYTHONPATH": str(ROOT)}
    servers: list[Server] = []
    load_before = load_average()
    try:
        print(f"Seeding {ideas} ideas ...", flush=True)
        seed = build_database(folder, ideas, env)
        info = json.loads(subprocess.run([sys.executable, "-c", PICK_MORE], cwd=ROOT,  # noqa: S603
                                         env=env, check=True, capture_output=True,
                                         text=True).stdout)
        serving = {**env, "TALKA_ENV": "production", "SESSION_COOKIE_SECURE": "0"}
        cached = serve("talka", "wsgi:app", env=serving, chdir=ROOT, log=folder / "c.log")
        servers.append(cached)
        uncached = serve("talka-uncached", "wsgi:app", env={**serving, "PUBLIC_CACHE": "0"},
                         chdir=ROOT, log=folder / "u.log")
        servers.append(uncached)
        hello = serve("hello", "hello_app:app", env=serving, chdir=Path(__file__).parent,
                      log=folder / "h.log")
        servers.append(hello)
        rows: list[dict] = []
        for name, path in public_pages(info):
            status, body, _elapsed = fetch(cached.port, path)
            row = {"page": name, "path": path, "status": status, "kind": "public",
                   "bytes": len(body)}
            if status == 200:
                row["cached"] = measure(cached.port, path, hello.port, args,
                                        rounds=args.cached_rounds)
                row["uncached"] = measure(uncached.port, path, hello.port, args, fresh=fresh)
            rows.append(row)
            print(f"  {name:<26} " + "  ".join(
                f"{k} {row[k].share:.1%}" for k in ("cached", "uncached") if k in row),
                flush=True)
        cookies = {role: sign_in(uncached.port, email) for role, email in ROLES.items()}
        for role, name, path in signed_in_pages(info):
            headers = ({"Authorization": f"Bearer {info['token']}"} if "/api/" in path
                       else {"Cookie": cookies[role]})
            row = {"page": f"{role}: {name}", "path": path, "kind": "signed in",
                   "status": 200}
            row["signed in"] = measure(uncached.port, path, hello.port, args,
                                       headers=headers)
            rows.append(row)
            print(f"  {row['page']:<36} {row['signed in'].share:.1%}", flush=True)
        for server in servers:  # the machine to the in-process measurement alone
            server.stop()
        servers.clear()
        after = after_change(info, {**serving, "PUBLIC_CACHE": "0"}, args.change_rounds)
        for name, (kept, changed) in after["pages"].items():
            print(f"  {name:<36} kept {kept:.2f} ms, after a change {changed:.2f} ms",
                  flush=True)
        return {"ideas": ideas, "seed": seed, "counts": info["counts"], "rows": rows,
                "after": after, "load": (load_before, load_average())}
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def after_change(info: dict, env: dict, rounds: int) -> dict:
    """Each page's in-process time with everything kept and right after a change of data
    (AFTER_CHANGE), and hello-world's in the same process."""
    pages = [(name, "", path) for name, path in public_pages(info)] + [
        (f"{role}: {name}", role, path) for role, name, path in signed_in_pages(info)]
    print("In process, kept and after a change ...", flush=True)
    done = subprocess.run([sys.executable, "-c", AFTER_CHANGE,  # noqa: S603
                           json.dumps([pages, ROLES, info["token"], rounds, info["pilot"]])],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _after_change_lines(result: dict) -> list[str]:
    after = result.get("after")
    if not after:
        return []
    lines = ["### The first reader after a change (in process)", "",
             "What the tables above do not show: what a change of data wrote (its tables, its "
             "pilots' rows) is worked out again by the first reader after it. Flask's test "
             "client, the uncached app, each page read alternately with everything kept and "
             "right after a committed change: the title of one pilot edited, as its team saves "
             "it, and the judging version raised; the median "
             f"of each. A bare Flask hello-world took {after['hello_ms'] * 1000:.0f} µs in "
             "the same process.", "",
             "| page | kept (ms) | after a change (ms) | ratio |", "| --- | ---: | ---: | ---: |"]
    for name, (kept, changed) in after["pages"].items():
        lines.append(f"| {name} | {kept:.2f} | {changed:.2f} | {changed / kept:.1f}× |")
    return [*lines, ""]


def goal_for(row: dict) -> float:
    if "portfolio" in row["page"]:
        return PORTFOLIO_GOAL
    return PUBLIC_GOAL if row["kind"] == "public" else SIGNED_IN_GOAL


def _met(figure: Figure | None, goal: float) -> str:
    if figure is None:
        return "—"
    return "met" if figure.share >= goal else "**missed**"


def _cell(figure: Figure | None, *, spread: bool = False) -> str:
    if figure is None:
        return "—"
    p99 = f", p99 {figure.p99_ms:,.0f} ms" if figure.p99_ms is not None else ""
    errors = f", **{figure.errors} errors**" if figure.errors else ""
    rounds = (f", rounds {min(figure.rounds):.0%}–{max(figure.rounds):.0%}"
              if spread and figure.rounds else "")
    return f"{figure.rps:,.0f} req/s = **{figure.share:.1%}**{rounds}{p99}{errors}"


def write(results: list[dict], args, loads: tuple[str, str]) -> None:
    """Write the results; a hand-written section from "## Analysis" on is kept."""
    kept = ""
    if RESULTS.exists():
        old = RESULTS.read_text(encoding="utf-8")
        if ANALYSIS in old:
            kept = old[old.index(ANALYSIS):]
    lines = ["# The real render path", "",
             "Output of `.venv/bin/python benchmarks/render_path.py`: gunicorn, 2 sync workers "
             f"per app, wrk `-t2 -c{args.connections} --timeout 30s`, {args.seconds:g} s per run, "
             f"median of {args.rounds} interleaved rounds ({args.cached_rounds} for the cached "
             "pages, whose goal lies within the machine's noise from one round to the next; "
             "each round's own share is given as a range), each page as a share of a bare "
             "Flask hello-world measured in the same rounds, and the size of the cached page. "
             "*Uncached* is `PUBLIC_CACHE=0` with a "
             "fresh query string per request; *signed in* is a real session (or the "
             "coordinator's API token) on the uncached app.", "",
             f"Goals: public pages uncached ≥ {PUBLIC_GOAL:.0%}, signed-in pages ≥ "
             f"{SIGNED_IN_GOAL:.0%}, the portfolio ≥ {PORTFOLIO_GOAL:.0%}; cached public "
             f"pages ≥ {CACHED_GOAL:.0%}.", ""]
    for result in results:
        counts = ", ".join(f"{v:,} {k}" for k, v in result["counts"].items())
        lines += [f"## {result['ideas']:,} ideas", "",
                  f"`seed-demo --ideas {result['ideas']}` took {result['seed'][0]:.1f} s "
                  f"(its volume batch {result['seed'][1]:.1f} s). Data: {counts}. Load "
                  f"average (1, 5, 15 min) before / after this size: {result['load'][0]} / "
                  f"{result['load'][1]}.", "",
                  "| page | path | size | cached | goal | uncached / signed in | goal |",
                  "| --- | --- | ---: | --- | --- | --- | --- |"]
        for row in result["rows"]:
            real = row.get("uncached") or row.get("signed in")
            cached = row.get("cached")
            size = f"{row['bytes'] / 1000:,.1f} KB" if "bytes" in row else "—"
            lines.append(f"| {row['page']} | `{row['path']}` | {size} "
                         f"| {_cell(cached, spread=True)} | {_met(cached, CACHED_GOAL)} "
                         f"| {_cell(real)} | {_met(real, goal_for(row))} |")
        lines.append("")
        lines += _after_change_lines(result)
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += ["## Growth", "",
                  f"Each page's real-path share at {small['ideas']:,} and {large['ideas']:,} "
                  "ideas; a ratio near 100 % means its cost does not grow with the data.", "",
                  f"| page | {small['ideas']:,} ideas | {large['ideas']:,} ideas | ratio |",
                  "| --- | ---: | ---: | ---: |"]
        for a, b in zip(small["rows"], large["rows"], strict=True):
            fa = a.get("uncached") or a.get("signed in")
            fb = b.get("uncached") or b.get("signed in")
            if fa and fb:
                ratio = f"{fb.share / fa.share:.0%}" if fa.share else "—"
                lines.append(f"| {a['page']} | {fa.share:.1%} | {fb.share:.1%} | {ratio} |")
        lines.append("")
    lines += ["## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    lines += [f"| load average before / after | {loads[0]} / {loads[1]} |", ""]
    RESULTS.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", default="1000,10000",
                        help="comma-separated data sizes (default 1000,10000)")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=_positive, default=3)
    parser.add_argument("--cached-rounds", type=_positive, default=5,
                        help="rounds for the cached pages (default 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--change-rounds", type=int, default=9,
                        help="reads of each page kept and after a change, in process")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    before = load_average()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(FRESH_LUA)
    try:
        results = [run_size(int(n), args, Path(lua.name)) for n in args.ideas.split(",")]
    finally:
        os.unlink(lua.name)
    if not args.no_write:
        write(results, args, (before, load_average()))
        print(f"Wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
