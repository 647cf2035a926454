"""The deadline rush: many API clients save and submit ideas in the last seconds
before a hackathon's deadline, against the real app under gunicorn.

Shared by the test (tests/stress/test_deadline_rush.py), which asserts outcomes,
and the benchmark (benchmarks/deadline_rush.py), which reports figures.

How a rush goes:
1. A new database: a temporary SQLite file (WAL), or a scratch PostgreSQL database
   created beside TEST_DATABASE_URL's and dropped afterwards.
2. `python -m tests.stress.rush setup` (its own process, like an operator's script) runs
   `flask --app wsgi init-db` through Flask's command line (if the migrations lack a
   table of the models, it creates the missing ones with create_all() and says so:
   `Server.created_tables`), then makes an open hackathon, one team per idea (its lead,
   plus a second member on some ideas, so that two people edit one idea and real
   version conflicts happen), a complete draft idea per team, and a bearer token each.
3. Meanwhile gunicorn boots: `wsgi:app` from the project's .venv on a free port, with
   several workers; the environment carries DATABASE_URL, INSTANCE_PATH, SECRET_KEY and
   TALKA_ENV=development only. It is used once the setup is done.
4. Warm-up, with the deadline still an hour away: every client reads its idea (the
   first use of its token and of each worker), and the "early" teams submit.
5. The rush: the hackathon's deadline is set a few seconds ahead (by the machine's
   clock, which is the server's too); every client loops: PATCH with a new text and the
   version it last saw (a 409 conflict makes it re-read), and POST submit at its planned
   moment: from 3 s before the deadline to shortly after it, or never. Requests go on
   until a couple of seconds past the deadline. Every request's send and receive time
   and its answer are recorded.
6. gunicorn is stopped; the database's final state is read with the app's models and
   kept with the answers, and the scratch database is dropped.

The checks at the end of this module compare the answers with the stored state.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Ports answered over TLS (the topology's nginx), with a client context that trusts them.
TLS: dict[int, ssl.SSLContext] = {}

# Variables of the developer's shell that must not leak into the server under test.
_SCRUB = ("DATABASE_URL", "TEST_DATABASE_URL", "MAIL_SERVER", "SITE_URL", "SECRET_KEY",
          "TALKA_ENV", "RATELIMIT_STORAGE_URI", "INSTANCE_PATH", "UPLOAD_DIR", "FLASK_APP",
          "SQLALCHEMY_DATABASE_URI")

# What the server may answer, per kind of request; anything else is a failure.
ALLOWED = {"read": {200}, "save": {200, 409}, "submit": {200, 409}}

# gunicorn settings beside the command line: a worker that has finished (its requests are
# answered, its transactions committed) leaves at once instead of tearing the interpreter
# down object by object, which takes seconds per worker on a busy 2-core machine.
GUNICORN_CONF = """\
import logging
import os


def worker_exit(server, worker):
    logging.shutdown()
    os._exit(0)
"""

# Lines in the server's log that mean a request failed inside the app or a worker died.
LOG_ALARMS = ("Traceback", "Unhandled error", "WORKER TIMEOUT", "Worker failed",
              "Worker (pid", "Exception in worker")

ROLES = ("early", "edge", "late", "never", "edge")  # cycled over the ideas


def project_python() -> str:
    """The project's own interpreter (.venv), where gunicorn is a dependency."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def epoch(value: datetime | str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


@dataclass(frozen=True)
class Plan:
    """The size and timing of a rush."""

    clients: int = 50
    shared_ideas: int = 10  # ideas edited by two clients (two members of one team)
    before: float = 4.0  # seconds from the first request to the deadline
    after: float = 2.0  # seconds the clients go on after the deadline
    # The README's deployment: `gunicorn --workers 4` (sync workers). threads > 1 runs
    # gthread workers instead (the benchmark measures both).
    workers: int = 4
    threads: int = 1
    think: tuple[float, float] = (0.0, 0.1)  # pause between a client's requests (s)
    seed: int = 20261121
    request_timeout: float = 60.0

    @property
    def ideas(self) -> int:
        return self.clients - self.shared_ideas

    @property
    def worker_class(self) -> str:
        return "sync" if self.threads <= 1 else "gthread"

    def describe(self) -> str:
        kind = ("sync workers" if self.threads <= 1
                else f"gthread workers × {self.threads} threads")
        return (f"{self.clients} clients on {self.ideas} ideas ({self.shared_ideas} edited by "
                f"two members), {self.workers} {kind}, deadline {self.before:g} s after the "
                f"start, requests until {self.after:g} s after it")


# --- the server ---------------------------------------------------------------------------

class Server:
    """A fresh database, migrated by init-db and filled by the setup, served by gunicorn."""

    def __init__(self, workdir: Path, plan: Plan, postgres_url: str | None = None):
        from sqlalchemy.engine import make_url

        self.workdir = Path(workdir)
        self.plan = plan
        self.log_path = self.workdir / "gunicorn.log"
        self.access_log_path = self.workdir / "access.log"
        self._admin_url = None
        if postgres_url:
            # A scratch database of our own beside the suite's, never the suite's own.
            self._admin_url = make_url(postgres_url)
            name = f"talka_rush_{uuid.uuid4().hex[:10]}"
            self.database_url = self._admin_url.set(database=name).render_as_string(
                hide_password=False)
        else:
            self.database_url = f"sqlite:///{self.workdir / 'talka.sqlite'}"
        self.dialect = "postgresql" if postgres_url else "sqlite"
        self.env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
        self.env.update({
            "DATABASE_URL": self.database_url,
            "INSTANCE_PATH": str(self.workdir / "instance"),
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TALKA_ENV": "development",
            "PYTHONUNBUFFERED": "1",
        })
        self.process: subprocess.Popen | None = None
        self.engine = None
        self.port = 0
        self.created_tables: list[str] = []
        self.world: dict = {}
        self.timings: dict[str, float] = {}  # seconds each step took
        self._database_made = False

    # --- life cycle --------------------------------------------------------------
    def start(self, timeout: float = 90) -> Server:
        """Create the database; then, at the same time, migrate and fill it (one process)
        and boot gunicorn (which touches no database until its first request)."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # Every model known to the mapper (and the app's connect hook: WAL, busy timeout).
        from app import _import_models

        _import_models()
        setup = None
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            if self._admin_url is not None:
                self._postgres(f'CREATE DATABASE "{self._database_name}"')
                self._database_made = True
            began = time.monotonic()
            setup = subprocess.Popen(
                [project_python(), "-m", "tests.stress.rush", "setup", str(self.plan.clients),
                 str(self.plan.shared_ideas)],
                cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
            self._boot()
            try:
                out, err = setup.communicate(timeout=180)
            except subprocess.TimeoutExpired:
                setup.kill()
                out, err = setup.communicate()
            if setup.returncode != 0:
                raise RuntimeError(f"the setup failed ({setup.returncode}):\n{out}\n{err}")
            self.world = json.loads(out.strip().splitlines()[-1])
            self.created_tables = self.world["created_tables"]
            self.timings.update(self.world["timings"])
            self.timings["init-db and setup"] = time.monotonic() - began
            self.engine = create_engine(self.database_url, poolclass=NullPool)
            self._wait_ready(began, timeout)
        except BaseException:
            if setup is not None and setup.poll() is None:
                setup.kill()
                setup.wait()
            self.stop()
            raise
        return self

    def _boot(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))  # a free port, held from here until gunicorn has it
        listener.listen(256)
        self.port = listener.getsockname()[1]
        conf = self.workdir / "gunicorn.conf.py"
        conf.write_text(GUNICORN_CONF)
        command = [project_python(), "-m", "gunicorn", "wsgi:app", "--config", str(conf),
                   "--bind", f"fd://{listener.fileno()}",
                   "--workers", str(self.plan.workers),
                   "--worker-class", self.plan.worker_class,
                   # --preload: the app is imported once and forked, so that four workers
                   # boot quickly on a busy machine; each worker opens its own connections.
                   "--preload", "--timeout", "60", "--graceful-timeout", "10",
                   "--no-control-socket",
                   "--log-level", "info", "--error-logfile", "-",
                   # One line per request: worker pid, status, method, path, time in µs.
                   "--access-logfile", str(self.access_log_path),
                   "--access-logformat", "%(p)s %(s)s %(m)s %(U)s %(D)s"]
        if self.plan.worker_class == "gthread":
            command += ["--threads", str(self.plan.threads)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT,
                                            pass_fds=[listener.fileno()])
        listener.close()

    def _wait_ready(self, began: float, timeout: float) -> None:
        """Every worker has booted and the app answers."""
        limit = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            booted = self.log_text().count("Booting worker")
            if booted >= self.plan.workers and self._healthy():
                self.timings["ready"] = time.monotonic() - began
                return
            if time.monotonic() > limit:
                raise RuntimeError("gunicorn did not become ready in time:\n" + self.log_tail())
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            status, _body = http_call("GET", self.port, "/healthz", None, timeout=10)
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        """Stop gunicorn (gracefully, then by force) and close our connections."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.engine is not None:
            self.engine.dispose()

    def drop(self) -> None:
        """Drop the scratch PostgreSQL database (the SQLite file goes with its temp dir)."""
        if self._admin_url is not None and self._database_made:
            self._postgres(f'DROP DATABASE IF EXISTS "{self._database_name}" WITH (FORCE)')
            self._database_made = False

    @property
    def _database_name(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).database

    def _postgres(self, statement: str) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        admin = create_engine(self._admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    # --- the log -------------------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:]) or "(empty server log)"

    def log_alarms(self) -> list[str]:
        return [line for line in self.log_text().splitlines()
                if any(alarm in line for alarm in LOG_ALARMS)]

    # --- the database, behind the app's back only to set the scene and read the end --
    def set_deadline(self, deadline: datetime) -> datetime:
        """Move the hackathon's submission deadline; returns it as stored."""
        from sqlalchemy import select, update

        from app.hackathons.models import Hackathon

        table = Hackathon.__table__
        with self.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == self.world["hackathon_id"])
                               .values(submission_closes_at=deadline))
            return connection.scalar(select(table.c.submission_closes_at)
                                     .where(table.c.id == self.world["hackathon_id"]))

    def read_state(self) -> State:
        """The stored ideas, revisions, audit entries and queued e-mails, as plain data."""
        from sqlalchemy import func, select
        from sqlalchemy.orm import Session

        from app.core.audit import AuditEntry
        from app.hackathons.models import Hackathon
        from app.ideas.models import Idea, IdeaRevision
        from app.ideas.operations import snapshot
        from app.mail.models import OutboxMessage

        hackathon_id = self.world["hackathon_id"]
        with Session(self.engine) as session:
            hackathon = session.get(Hackathon, hackathon_id)
            ideas = session.scalars(select(Idea).where(Idea.hackathon_id == hackathon_id)
                                    .order_by(Idea.id)).unique().all()
            audits = dict(session.execute(
                select(AuditEntry.object_id, func.count()).where(
                    AuditEntry.action == "idea.submit", AuditEntry.object_type == "idea")
                .group_by(AuditEntry.object_id)).all())
            kinds = session.scalars(select(OutboxMessage.kind).where(
                OutboxMessage.kind.like("idea-submitted:%"))).all()
            stored = {}
            for idea in ideas:
                revisions = session.scalars(select(IdeaRevision).where(
                    IdeaRevision.idea_id == idea.id).order_by(IdeaRevision.number)).all()
                mails = [k for k in kinds if k.startswith(f"idea-submitted:{idea.id}:")]
                stored[idea.id] = StoredIdea(
                    id=idea.id, status=idea.status.value, version=idea.version,
                    solution=idea.solution, updated_at=epoch(idea.updated_at),
                    submitted_at=epoch(idea.submitted_at), fields=snapshot(idea),
                    members=len(idea.team.members),
                    revisions=[StoredRevision(r.number, epoch(r.saved_at), r.status.value,
                                              r.data) for r in revisions],
                    submit_audits=audits.get(str(idea.id), 0),
                    submit_mails=len(mails), distinct_submit_mails=len(set(mails)))
            return State(deadline=epoch(hackathon.submission_closes_at), ideas=stored)


@dataclass
class StoredRevision:
    number: int
    saved_at: float
    status: str
    data: dict


@dataclass
class StoredIdea:
    id: int
    status: str
    version: int
    solution: str
    updated_at: float
    submitted_at: float | None
    fields: dict
    members: int
    revisions: list[StoredRevision]
    submit_audits: int
    submit_mails: int
    distinct_submit_mails: int


@dataclass
class State:
    deadline: float
    ideas: dict[int, StoredIdea]


# --- the clients -----------------------------------------------------------------------------

def connect(port: int, timeout: float = 60.0) -> http.client.HTTPConnection:
    """A connection to the port on this machine: TLS where the port is in TLS."""
    if port in TLS:
        return http.client.HTTPSConnection(HOST, port, timeout=timeout, context=TLS[port])
    return http.client.HTTPConnection(HOST, port, timeout=timeout)


def http_call(method: str, port: int, path: str, token: str | None, body: dict | None = None,
              timeout: float = 60.0) -> tuple[int, Any]:
    """One request on its own connection (Connection: close), so that an answer always
    belongs to exactly one request. Returns (status, parsed JSON or text)."""
    headers = {"Accept": "application/json", "Accept-Language": "en", "Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection = connect(port, timeout)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    finally:
        connection.close()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")[:500]


@dataclass
class Call:
    """One request, with the client's clock around it (the server's clock too: one machine)."""

    client: int
    idea: int
    kind: str  # read | save | submit
    phase: str  # warm-up (deadline far away) | rush
    sent: float
    received: float
    status: int  # 0: no answer (connection error or time-out)
    body: Any = None
    text: str | None = None  # the solution text a save sent
    version_sent: int | None = None
    stale_on_purpose: bool = False
    error: str = ""

    @property
    def latency(self) -> float:
        return self.received - self.sent

    @property
    def stale(self) -> bool:
        """A 409 for a stale version: the answer carries the stored idea as `current`."""
        return self.status == 409 and isinstance(self.body, dict) and "current" in self.body

    @property
    def refused(self) -> bool:
        """A 409 for the idea's state or the clock (not a version conflict)."""
        return self.status == 409 and not self.stale


@dataclass
class Client:
    number: int
    idea: int
    token: str
    role: str  # early | edge | late | never
    submit_offset: float | None  # edge, late: when to submit, in seconds from the deadline
    stale_first: bool  # the first save of the rush sends an outdated version on purpose
    # Goes on past the end until it has sent a request after the deadline (a quarter of the
    # ideas, of every role), so that each kind of late request is made however slow the
    # server is.
    must_cross: bool


@dataclass
class Rush:
    plan: Plan
    dialect: str
    started: float
    deadline: float  # as stored in the database
    ended: float
    clients: list[Client]
    calls: list[Call]
    state: State
    world: dict
    log_alarms: list[str] = field(default_factory=list)
    created_tables: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def of(self, kind: str, phase: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.kind == kind and phase in (None, c.phase)]


def _plan_clients(world: dict, plan: Plan) -> list[Client]:
    rng = random.Random(plan.seed)
    clients = []
    for k, idea in enumerate(world["ideas"]):
        role = ROLES[k % len(ROLES)]
        for writer in idea["writers"]:
            offset = {"edge": rng.uniform(-3.0, 0.3),
                      "late": rng.uniform(0.2, max(0.3, plan.after - 0.5))}.get(role)
            number = len(clients)
            clients.append(Client(number, idea["id"], writer["token"], role, offset,
                                  stale_first=number % 5 == 1, must_cross=k % 4 == 0))
    return clients


class _Timeline:
    """Set by the conductor once every client has warmed up: when the rush starts, the
    deadline as stored, and when the clients stop."""

    def __init__(self, parties: int):
        self.warmed_up = threading.Barrier(parties)
        self.go = threading.Event()
        self.start = self.deadline = self.end = 0.0


def _client(client: Client, port: int, plan: Plan, timeline: _Timeline, calls: list[Call],
            lock: threading.Lock) -> None:
    rng = random.Random(plan.seed * 1000 + client.number)
    path = f"/api/v1/ideas/{client.idea}"
    phase = "warm-up"

    def call(kind, method, url, body=None, **extra) -> Call:
        sent = time.time()
        try:
            status, answer = http_call(method, port, url, client.token, body,
                                       timeout=plan.request_timeout)
            error = ""
        except (OSError, http.client.HTTPException) as exc:
            status, answer, error = 0, None, repr(exc)
        record = Call(client.number, client.idea, kind, phase, sent, time.time(), status,
                      answer, error=error, **extra)
        with lock:
            calls.append(record)
        return record

    def read() -> int | None:
        answer = call("read", "GET", path)
        return answer.body["version"] if answer.status == 200 else None

    def submit() -> tuple[int | None, bool]:
        """(the version now known, whether this client is done submitting)."""
        answer = call("submit", "POST", path + "/submit")
        if answer.status == 200:
            return answer.body["version"], True
        if answer.stale:  # the partner saved first: re-read; try again while a draft
            return read(), answer.body["current"]["status"] != "draft"
        return read(), True  # refused (the deadline, or the partner submitted first)

    # Warm-up, with the deadline still an hour away: the form is opened (the first use of
    # the token, and of each worker), and the early teams submit.
    version = read()
    pending = client.submit_offset is not None
    if client.role == "early" and version is not None:
        version, _done = submit()
    try:
        timeline.warmed_up.wait(timeout=plan.request_timeout * 3)
    except threading.BrokenBarrierError:
        return
    timeline.go.wait()
    phase = "rush"
    time.sleep(max(0.0, timeline.start - time.time()))
    submit_at = timeline.deadline + client.submit_offset if pending else None
    locked = False
    saves = 0
    after_deadline = not client.must_cross
    while version is not None and (time.time() < timeline.end or not after_deadline
                                   or pending):
        now = time.time()
        after_deadline = after_deadline or now >= timeline.deadline
        if pending and (now >= submit_at or now >= timeline.end):
            version, done = submit()
            pending = not done
            continue
        saves += 1
        text = (f"Risinājums no klienta {client.number}, saglabājums {saves}: "
                f"{uuid.uuid4().hex}")
        on_purpose = client.stale_first and saves == 1
        sent_version = version - 1 if on_purpose else version
        answer = call("save", "PATCH", path, {"solution": text, "version": sent_version},
                      text=text, version_sent=sent_version, stale_on_purpose=on_purpose)
        if answer.status == 200:
            version = answer.body["version"]
        elif answer.stale:
            version = read()  # re-read, as a person reloads the page, then go on
        elif answer.status == 409:
            locked = True  # a submitted idea after the deadline stays as it was
        else:
            version = read()
        low, high = plan.think
        time.sleep(rng.uniform(low, high) + (0.2 if locked else 0.0))


def run_rush(server: Server, plan: Plan) -> Rush:
    """Warm up, set the deadline `plan.before` seconds ahead, let the clients loose until
    `plan.after` seconds past it, stop the server, and read what was stored."""
    clients = _plan_clients(server.world, plan)
    timeline = _Timeline(len(clients) + 1)
    calls: list[Call] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_client, name=f"rush-client-{c.number}",
                                args=(c, server.port, plan, timeline, calls, lock),
                                daemon=True) for c in clients]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        timeline.warmed_up.wait(timeout=plan.request_timeout * 3)
    except threading.BrokenBarrierError:
        server.stop()
        raise RuntimeError("the clients did not finish warming up:\n"
                           + server.log_tail()) from None
    server.timings["warm-up"] = time.monotonic() - began
    began = time.monotonic()
    timeline.start = time.time() + 0.3
    timeline.deadline = epoch(server.set_deadline(utc(timeline.start + plan.before)))
    timeline.end = timeline.deadline + plan.after
    timeline.go.set()
    for thread in threads:
        thread.join(timeout=max(1.0, timeline.end + plan.request_timeout * 3 - time.time()))
    stuck = [t.name for t in threads if t.is_alive()]
    ended = time.time()
    server.timings["rush"] = time.monotonic() - began
    began = time.monotonic()
    server.stop()
    server.timings["gunicorn stop"] = time.monotonic() - began
    if stuck:
        raise RuntimeError(f"clients still waiting for answers: {stuck}\n" + server.log_tail())
    calls.sort(key=lambda c: (c.sent, c.client))
    began = time.monotonic()
    state = server.read_state()
    server.timings["reading the database"] = time.monotonic() - began
    return Rush(plan=plan, dialect=server.dialect, started=timeline.start,
                deadline=timeline.deadline, ended=ended, clients=clients, calls=calls,
                state=state, world=server.world, log_alarms=server.log_alarms(),
                created_tables=server.created_tables, timings=dict(server.timings))


def rush_once(workdir: Path, plan: Plan, postgres_url: str | None = None) -> Rush:
    """A whole rush on a new database, which is dropped afterwards."""
    server = Server(workdir, plan, postgres_url)
    try:
        server.start()
        return run_rush(server, plan)
    finally:
        server.stop()
        server.drop()


# --- checks: each returns the problems found, [] when all is well ------------------------------

SLACK = 0.001  # s: float epoch ↔ microsecond datetimes, on the one clock of this machine


def _fmt(call: Call, rush: Rush) -> str:
    """One request for a failure message, its times relative to the deadline."""
    detail = call.body.get("detail") if isinstance(call.body, dict) else call.body
    return (f"client {call.client}, idea {call.idea}, {call.phase} {call.kind} → "
            f"{call.status or 'no answer'}, sent {call.sent - rush.deadline:+.3f} s and "
            f"answered {call.received - rush.deadline:+.3f} s from the deadline: "
            f"{call.error or detail!r}")


def check_answers(rush: Rush) -> list[str]:
    """No 500, no connection failure, only the statuses each request may get."""
    problems = [f"unexpected answer: {_fmt(c, rush)}" for c in rush.calls
                if c.status not in ALLOWED[c.kind]]
    problems += [f"server log: {line}" for line in rush.log_alarms]
    for c in rush.calls:
        if c.status == 409 and not (isinstance(c.body, dict) and c.body.get("detail")):
            problems.append(f"409 without a problem detail: {_fmt(c, rush)}")
        # (A submitted idea after the deadline is refused for that before its version
        # is looked at; check_deadline checks those refusals.)
        if c.stale_on_purpose and not (c.stale or c.refused):
            problems.append(f"a save with an outdated version was not refused: {_fmt(c, rush)}")
        if c.stale and c.body["current"]["version"] <= (c.version_sent or 0):
            problems.append(f"a conflict's `current` is not newer than the version sent: "
                            f"{_fmt(c, rush)}")
    return problems


def check_saves_kept(rush: Rush) -> list[str]:
    """Every save answered 200 is in the history as sent, and the stored idea is the one
    the newest 200 answer showed; no write happened that no answer told of."""
    problems = []
    for idea_id, idea in rush.state.ideas.items():
        calls = [c for c in rush.calls if c.idea == idea_id and c.status == 200]
        writes = [c for c in calls if c.kind in ("save", "submit")]
        by_number = {r.number: r for r in idea.revisions}
        versions = [c.body["version"] for c in writes]
        if len(set(versions)) != len(versions):
            problems.append(f"idea {idea_id}: two writes were answered with the same version: "
                            f"{sorted(versions)}")
        for c in writes:
            if c.kind == "save":
                if c.body["solution"] != c.text:
                    problems.append(f"idea {idea_id}: the 200 answer does not show the text "
                                    f"sent: {_fmt(c, rush)}")
                if c.body["version"] != c.version_sent + 1:
                    problems.append(f"idea {idea_id}: version {c.version_sent} saved as "
                                    f"{c.body['version']}: {_fmt(c, rush)}")
            revision = by_number.get(c.body["version"])
            if revision is None:
                problems.append(f"idea {idea_id}: revision {c.body['version']} of a 200 "
                                f"answer is missing: {_fmt(c, rush)}")
                continue
            if c.kind == "save" and revision.data.get("solution") != c.text:
                problems.append(f"idea {idea_id}: revision {revision.number} does not hold "
                                f"the text the 200 answer accepted")
            if abs(revision.saved_at - epoch(c.body["updated_at"])) > 1e-6:
                problems.append(f"idea {idea_id}: revision {revision.number} saved_at differs "
                                f"from the answer's updated_at")
        expected_version = 1 + len(writes)
        if idea.version != expected_version:
            problems.append(f"idea {idea_id}: stored version {idea.version}, but 1 + "
                            f"{len(writes)} accepted writes = {expected_version}")
        if calls:
            newest = max(calls, key=lambda c: c.body["version"])
            if newest.body["version"] != idea.version:
                problems.append(f"idea {idea_id}: stored version {idea.version}, newest "
                                f"answer version {newest.body['version']}")
            elif (newest.body["solution"], newest.body["status"]) != (idea.solution,
                                                                      idea.status):
                problems.append(f"idea {idea_id}: stored text/status differ from the newest "
                                f"200 answer (version {idea.version})")
    return problems


def check_deadline(rush: Rush) -> list[str]:
    """The server's clock decides: nothing is submitted at or after the deadline, a submit
    refused for lateness leaves a draft, a submitted idea is not changed after it."""
    deadline = rush.deadline
    problems = []
    if rush.state.deadline != deadline:
        problems.append(f"the stored deadline moved: {rush.state.deadline} != {deadline}")
    accepted: dict[int, list[Call]] = {}
    for c in rush.of("submit"):
        if c.status == 200:
            accepted.setdefault(c.idea, []).append(c)
            decided = epoch(c.body["submitted_at"])
            if decided is None or decided >= deadline:
                problems.append(f"submitted at or after the deadline: {_fmt(c, rush)} "
                                f"submitted_at={c.body['submitted_at']}")
            elif not c.sent - SLACK <= decided <= c.received + SLACK:
                problems.append(f"submitted_at outside the request's time: {_fmt(c, rush)}")
            if c.sent >= deadline:
                problems.append(f"a submit sent after the deadline was accepted: {_fmt(c, rush)}")
            if c.body["status"] != "submitted":
                problems.append(f"a 200 submit answer is not submitted: {_fmt(c, rush)}")
        elif c.refused and c.received < deadline:
            idea = rush.state.ideas[c.idea]
            if idea.status == "draft":
                problems.append(f"a submit was refused before the deadline though the idea "
                                f"stayed a draft: {_fmt(c, rush)}")
    for idea_id, idea in rush.state.ideas.items():
        mine = accepted.get(idea_id, [])
        if idea.status == "submitted":
            if len(mine) != 1:
                problems.append(f"idea {idea_id} is submitted, with {len(mine)} accepted "
                                f"submits")
            elif abs(epoch(mine[0].body["submitted_at"]) - (idea.submitted_at or 0)) > 1e-6:
                problems.append(f"idea {idea_id}: stored submitted_at differs from the answer")
            if idea.submitted_at is None or idea.submitted_at >= deadline:
                problems.append(f"idea {idea_id}: stored submitted_at is not before the "
                                f"deadline")
            if idea.updated_at >= deadline:
                problems.append(f"idea {idea_id}: a submitted idea was changed after the "
                                f"deadline")
        elif idea.status == "draft":
            if mine:
                problems.append(f"idea {idea_id}: a submit was accepted but it is a draft")
            if idea.submitted_at is not None:
                problems.append(f"idea {idea_id}: a draft with submitted_at")
        else:
            problems.append(f"idea {idea_id}: unexpected status {idea.status}")
    for c in rush.of("save"):
        if c.status == 200 and c.body["status"] == "submitted" \
                and epoch(c.body["updated_at"]) >= deadline:
            problems.append(f"a submitted idea was saved after the deadline: {_fmt(c, rush)}")
        if c.refused:
            if c.received < deadline:
                problems.append(f"a save was refused before the deadline: {_fmt(c, rush)}")
            if rush.state.ideas[c.idea].status != "submitted":
                problems.append(f"a draft's save was refused: {_fmt(c, rush)}")
    return problems


def check_rows_whole(rush: Rush) -> list[str]:
    """No half-written rows: the history is 1..version without gaps, the newest revision is
    the stored idea, the timestamps agree, and each submission has its audit entry and one
    e-mail per team member; drafts have neither."""
    problems = []
    expected_ids = {i["id"] for i in rush.world["ideas"]}
    if set(rush.state.ideas) != expected_ids:
        problems.append(f"the hackathon's ideas changed: {sorted(rush.state.ideas)} != "
                        f"{sorted(expected_ids)}")
    for idea_id, idea in rush.state.ideas.items():
        numbers = [r.number for r in idea.revisions]
        if numbers != list(range(1, idea.version + 1)):
            problems.append(f"idea {idea_id}: version {idea.version}, revisions {numbers}")
            continue
        newest = idea.revisions[-1]
        if newest.data != idea.fields:
            problems.append(f"idea {idea_id}: the newest revision is not the stored idea")
        if newest.status != idea.status:
            problems.append(f"idea {idea_id}: newest revision {newest.status}, idea "
                            f"{idea.status}")
        if abs(newest.saved_at - idea.updated_at) > 1e-6:
            problems.append(f"idea {idea_id}: updated_at is not the newest revision's time")
        times = [r.saved_at for r in idea.revisions]
        if times != sorted(times):
            problems.append(f"idea {idea_id}: revisions saved out of order")
        statuses = [r.status for r in idea.revisions]
        flips = [r for prev, r in zip(idea.revisions, idea.revisions[1:], strict=False)
                 if prev.status != r.status]
        if idea.status == "submitted":
            if len(flips) != 1 or flips[0].status != "submitted" \
                    or abs(flips[0].saved_at - (idea.submitted_at or 0)) > 1e-6:
                problems.append(f"idea {idea_id}: history of statuses {statuses} does not "
                                f"show one submission at submitted_at")
        elif flips or set(statuses) != {"draft"}:
            problems.append(f"idea {idea_id}: a draft with statuses {statuses}")
        submitted = idea.status == "submitted"
        if idea.submit_audits != (1 if submitted else 0):
            problems.append(f"idea {idea_id} ({idea.status}): {idea.submit_audits} "
                            f"idea.submit audit entries")
        wanted_mails = idea.members if submitted else 0
        if (idea.submit_mails, idea.distinct_submit_mails) != (wanted_mails, wanted_mails):
            problems.append(f"idea {idea_id} ({idea.status}): {idea.submit_mails} submission "
                            f"e-mails ({idea.distinct_submit_mails} distinct), expected "
                            f"{wanted_mails}")
    return problems


def check_coverage(rush: Rush) -> list[str]:
    """The rush did what it is for: submits accepted before the deadline and refused after
    it, submitted ideas edited before it and refused after it, drafts saved after it, and
    outdated versions refused. (The plan makes each happen, unless the server takes longer
    than the seconds before the deadline to answer anything.)"""
    deadline = rush.deadline
    problems = []
    submits = rush.of("submit")
    saves = rush.of("save", "rush")
    wanted = {
        "a submit accepted": any(c.status == 200 for c in submits),
        "a submit sent after the deadline and refused": any(
            c.refused and c.sent >= deadline for c in submits),
        "a submitted idea saved before the deadline": any(
            c.status == 200 and c.body["status"] == "submitted" for c in saves),
        "a submitted idea's save refused after the deadline": any(
            c.refused and c.sent >= deadline for c in saves),
        "a draft saved after the deadline": any(
            c.status == 200 and c.sent >= deadline for c in saves),
        "a save with an outdated version refused as stale": any(
            c.stale_on_purpose and c.stale for c in saves),
    }
    problems += [f"the rush lacked {what}" for what, seen in wanted.items() if not seen]
    return problems


CHECKS = {
    "answers": check_answers,
    "saves kept": check_saves_kept,
    "deadline": check_deadline,
    "rows whole": check_rows_whole,
    "coverage": check_coverage,
}


# --- figures (for the benchmark) ----------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def figures(rush: Rush) -> dict[str, Any]:
    """Throughput and latency of the rush itself (the warm-up left out), and its outcomes."""
    calls = [c for c in rush.calls if c.phase == "rush"]
    span = max(c.received for c in calls) - min(c.sent for c in calls)
    saves, submits, reads = (rush.of("save", "rush"), rush.of("submit", "rush"),
                             rush.of("read", "rush"))
    deadline = rush.deadline

    def ms(chosen, q):
        return percentile([c.latency * 1000 for c in chosen], q)

    accepted = [c for c in submits if c.status == 200]
    return {
        "requests": len(calls),
        "seconds": span,
        "requests_per_s": len(calls) / span if span else float("nan"),
        "saves": len(saves),
        "saves_ok": sum(c.status == 200 for c in saves),
        "saves_ok_after_deadline": sum(c.status == 200 and c.sent >= deadline for c in saves),
        "save_p50_ms": ms(saves, 50),
        "save_p95_ms": ms(saves, 95),
        "save_max_ms": ms(saves, 100),
        "conflicts": sum(c.stale for c in calls),
        "conflicts_on_purpose": sum(c.stale_on_purpose and c.stale for c in saves),
        "locked_saves": sum(c.refused for c in saves),
        "submits": len(submits),
        "submits_ok": len(accepted),
        "submits_ok_warm_up": sum(c.status == 200 for c in rush.of("submit", "warm-up")),
        "submit_p50_ms": ms(submits, 50),
        "submit_p95_ms": ms(submits, 95),
        "late_refusals": sum(c.refused and rush.state.ideas[c.idea].status == "draft"
                             for c in submits),
        "refused_already_submitted": sum(c.refused and rush.state.ideas[c.idea].status
                                         == "submitted" for c in submits),
        "reads": len(reads),
        "read_p50_ms": ms(reads, 50),
        "server_errors": sum(c.status >= 500 or c.status == 0 for c in rush.calls),
        "submitted_ideas": sum(i.status == "submitted" for i in rush.state.ideas.values()),
        "draft_ideas": sum(i.status == "draft" for i in rush.state.ideas.values()),
        "closest_accepted_before_deadline_ms": min(
            ((deadline - epoch(c.body["submitted_at"])) * 1000 for c in accepted),
            default=float("nan")),
        "closest_refused_after_deadline_ms": min(
            ((c.received - deadline) * 1000 for c in submits
             if c.refused and rush.state.ideas[c.idea].status == "draft"),
            default=float("nan")),
    }


# --- the setup, run in its own process: `python -m tests.stress.rush setup CLIENTS SHARED` ---

def _setup(clients: int, shared: int) -> dict:
    from datetime import timedelta

    from flask.cli import cli
    from sqlalchemy import inspect, select

    from app.accounts.operations import create_api_token, create_user
    from app.core.clock import now_utc
    from app.extensions import db
    from app.hackathons.models import Hackathon, Phase
    from app.ideas import operations as idea_ops
    from app.places.models import Municipality
    from app.teams.models import TeamMember
    from app.teams.operations import create_team
    from tests.factories_ideas import complete_fields

    # `flask --app wsgi init-db`, through Flask's own command line but in this process
    # (one start of the app instead of two).
    began = time.monotonic()
    cli.main(args=["--app", "wsgi", "init-db"], prog_name="flask", standalone_mode=False)
    timings = {"init-db": time.monotonic() - began}
    began = time.monotonic()
    app = sys.modules["wsgi"].app
    # Nobody signs in with these passwords; a cheap hash keeps the setup quick.
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    password = "a long and quiet evening"
    with app.app_context():
        have = set(inspect(db.engine).get_table_names())
        missing = sorted(set(db.metadata.tables) - have)
        if missing:  # the migrations lag behind the models: create what they lack
            db.create_all()
        now = now_utc()
        coordinator = create_user("rush-koordinators@example.lv", "Rush Koordinators",
                                  password, role="coordinator", region_code="zemgale")
        hackathon = Hackathon(
            slug=f"rush-{uuid.uuid4().hex[:8]}", title="Termiņa hakatons",
            description="Pēdējās sekundes pirms termiņa.", region_code="zemgale",
            theme="Komunālie pakalpojumi", phase=Phase.OPEN,
            submission_opens_at=now - timedelta(days=1),
            submission_closes_at=now + timedelta(hours=1),  # the rush moves it
            judging_closes_at=now + timedelta(days=14), created_by_id=coordinator.id)
        db.session.add(hackathon)
        db.session.flush()
        places = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
        ideas = []
        for k in range(clients - shared):
            writers = []
            for w in range(2 if k < shared else 1):
                user = create_user(f"rush{k}-{w}@example.lv", f"Rush Dalībnieks {k}-{w}",
                                   password, municipality_name=places[k % len(places)].name)
                writers.append(user)
            team = create_team({"name": f"Rush komanda {k}",
                                "municipality_id": places[k % len(places)].id},
                               actor=writers[0])
            for user in writers[1:]:
                team.members.append(TeamMember(user_id=user.id, user=user, is_lead=False,
                                               joined_at=now))
            db.session.flush()
            idea = idea_ops.create_idea(hackathon, team,
                                        complete_fields(title=f"Rush ideja {k}"),
                                        actor=writers[0], now=now)
            ideas.append({"id": idea.id, "team_id": team.id, "writers": [
                {"user_id": u.id, "token": create_api_token(u, "rush")[1]} for u in writers]})
        db.session.commit()
        timings["setup"] = time.monotonic() - began
        return {"hackathon_id": hackathon.id, "ideas": ideas, "created_tables": missing,
                "timings": timings}


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "setup":
        sys.exit("usage: python -m tests.stress.rush setup CLIENTS SHARED_IDEAS")
    print(json.dumps(_setup(int(sys.argv[2]), int(sys.argv[3]))))
