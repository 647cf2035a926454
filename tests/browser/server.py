"""The application under test: the real app, served by gunicorn on 127.0.0.1.

Why gunicorn in a subprocess rather than werkzeug's make_server in a thread:
the app under test then runs exactly as in production (`gunicorn wsgi:app`,
settings from environment variables, its own process), and shares nothing
with the in-process test app of tests/conftest.py. The extensions in
app/extensions.py are module-level singletons (one Flask-Limiter with its
storage, one SQLAlchemy object); a second app bound to them in the same
process would share rate-limit counters with the unit tests and reset them
under each other. A subprocess also lets the journeys use the command-line
contract (`flask --app wsgi init-db`, `create-user`) on the same database.

One worker (so the in-memory rate limits are one counter, as a single-worker
deployment has them) with a few threads (the browser fetches the page, the
stylesheet and the icon at once). The listening socket is opened here on a
free port and handed to gunicorn (`fd://`), so no other process can take the
port between choosing and binding it.

The database is new for each test session: a temporary SQLite file, or, when the
suite runs on PostgreSQL (TEST_DATABASE_URL), a new database on that server, dropped
afterwards, so that the journeys also prove the app on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.browser.support import ROOT

# Variables of the developer's shell that must not leak into the server under test.
_SCRUB = ("DATABASE_URL", "TEST_DATABASE_URL", "MAIL_SERVER", "SITE_URL", "SECRET_KEY",
          "TALKA_ENV", "RATELIMIT_STORAGE_URI", "INSTANCE_PATH", "UPLOAD_DIR", "FLASK_APP")


@dataclass
class Mail:
    recipient: str
    subject: str
    body: str

    def link(self, path_prefix: str) -> str:
        """The path (and query) of the first link in the body that starts with path_prefix."""
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", self.body)
        assert match, f"no {path_prefix} link in the e-mail to {self.recipient}:\n{self.body}"
        return match.group(1)


class LiveServer:
    """A fresh database, migrated with init-db, served by gunicorn."""

    def __init__(self, workdir: Path, postgres_url: str | None = None):
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self._server_url = None
        if postgres_url:
            # A database of our own beside the suite's, never the suite's own.
            self._server_url = make_url(postgres_url)
            name = f"talka_browser_{uuid.uuid4().hex[:10]}"
            self.database_url = self._server_url.set(database=name).render_as_string(
                hide_password=False)
        else:
            self.database_url = f"sqlite:///{workdir / 'talka.sqlite'}"
        self.engine = None
        self.env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
        self.env.update({
            "FLASK_APP": "wsgi",
            "TALKA_ENV": "development",
            "INSTANCE_PATH": str(workdir / "instance"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "MAIL_SERVER": "",  # e-mail stays in the outbox, where the journeys read it
            "RATELIMIT_STORAGE_URI": "memory://",
            "PYTHONUNBUFFERED": "1",
        })
        self.process: subprocess.Popen | None = None
        self.url = ""

    # --- life cycle ------------------------------------------------------------
    def start(self, timeout: float = 60) -> LiveServer:
        try:
            return self._start(timeout)
        except BaseException:
            self.stop()  # ends gunicorn if it started; drops the PostgreSQL database
            raise

    def _start(self, timeout: float) -> LiveServer:
        if self._server_url is not None:
            self._postgres(f'CREATE DATABASE "{make_url(self.database_url).database}"')
        self.engine = create_engine(self.database_url, poolclass=NullPool)
        self.flask("init-db")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "wsgi:app",
                 "--bind", f"fd://{listener.fileno()}",
                 "--workers", "1", "--worker-class", "gthread", "--threads", "4",
                 "--timeout", "60", "--graceful-timeout", "5", "--no-control-socket",
                 "--access-logfile", "-", "--error-logfile", "-"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
            )
        listener.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz in time:\n"
                                   + self.log_tail())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.engine is not None:
            self.engine.dispose()
        if self._server_url is not None:
            name = make_url(self.database_url).database
            self._postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _postgres(self, statement: str) -> None:
        admin = create_engine(self._server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                return handle.read().decode(errors="replace")
        except OSError:
            return ""

    # --- the command-line contract on the same database ------------------------
    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run `flask --app wsgi ARGS` against the server's database; its output."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, input=stdin, capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result.stdout

    def create_user(self, email: str, name: str, password: str, *, role: str | None = None,
                    region: str | None = None, municipality: str | None = None) -> None:
        """A confirmed, active account, made as an operator makes one."""
        args = ["create-user", email, "--name", name, "--password-stdin"]
        if role:
            args += ["--role", role]
        if region:
            args += ["--region", region]
        if municipality:
            args += ["--municipality", municipality]
        self.flask(*args, stdin=password + "\n")

    # --- the database: the journeys read it (the outbox) and may set up a situation
    # with execute(); they never change what the app is being tested on behind its back.
    def query(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql), params).mappings())

    def execute(self, sql: str, **params) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(sql), params)

    def outbox(self, recipient: str | None = None) -> list[Mail]:
        """The e-mails Talka has queued, oldest first (optionally for one recipient)."""
        sql = "SELECT recipient, subject, body FROM outbox_message"
        if recipient:
            sql += " WHERE lower(recipient) = lower(:recipient)"
        rows = self.query(sql + " ORDER BY id", recipient=recipient)
        return [Mail(r["recipient"], r["subject"], r["body"]) for r in rows]

    def last_mail(self, recipient: str) -> Mail:
        messages = self.outbox(recipient)
        assert messages, f"no e-mail to {recipient} in the outbox"
        return messages[-1]

    # --- the API from outside, with a bearer token ---------------------------------
    def api_get(self, path: str, token: str | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def create_token(self, email: str, name: str = "journey") -> str:
        """An API token for the account, made as an operator makes one (`flask create-token`)."""
        return self.flask("create-token", email, "--name", name).strip().splitlines()[-1]

    def api_send(self, method: str, path: str, token: str,
                 body: dict | None = None) -> tuple[int, dict]:
        """POST/PUT/PATCH/DELETE `body` as JSON to the API with a bearer token."""
        request = urllib.request.Request(
            self.url + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def scenario(self, name: str, *args: str) -> dict:
        """Build a starting state in the server's database with tests/browser/scenarios.py
        (`python -m tests.browser.scenarios NAME ARGS`, the server's environment); what it
        made (ids, slugs, e-mail addresses, passwords), as the JSON it prints."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.browser.scenarios", name, *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"scenario {name} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    # Several commands of the command-line contract in one interpreter: each `flask` run
    # costs seconds of start-up, a journey that needs a cast of people pays it once.
    _CLI_BATCH = (
        "import json, sys\n"
        "from wsgi import app\n"
        "runner = app.test_cli_runner()\n"
        "done = []\n"
        "for args, stdin in json.load(sys.stdin):\n"
        "    result = runner.invoke(args=args, input=stdin)\n"
        "    done.append({'args': args, 'code': result.exit_code, 'output': result.output})\n"
        "    if result.exit_code:\n"
        "        break\n"
        "print(json.dumps(done))\n"
    )

    def flask_batch(self, commands: list[tuple[list[str], str | None]]) -> list[str]:
        """Run `flask ARGS` for each (args, stdin) in one process, in order; their outputs."""
        result = subprocess.run([sys.executable, "-c", self._CLI_BATCH], cwd=ROOT, env=self.env,
                                input=json.dumps(commands), capture_output=True, text=True,
                                timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"the batch of flask commands failed:\n{result.stderr}")
        done = json.loads(result.stdout.strip().splitlines()[-1])
        for item in done:
            if item["code"] != 0:
                raise RuntimeError(f"flask {' '.join(item['args'])} failed ({item['code']}):\n"
                                   f"{item['output']}")
        if len(done) != len(commands):
            raise RuntimeError(f"only {len(done)} of {len(commands)} flask commands ran")
        return [item["output"] for item in done]

    def create_users(self, people: list[dict], *, tokens_for: tuple[str, ...] = ()
                     ) -> dict[str, str]:
        """create_user() for each dict of its keyword arguments, then an API token for each
        e-mail address in `tokens_for` (`flask create-token`), in one process; the tokens."""
        commands = []
        for person in people:
            args = ["create-user", person["email"], "--name", person["name"], "--password-stdin"]
            for option in ("role", "region", "municipality"):
                if person.get(option):
                    args += [f"--{option}", person[option]]
            commands.append((args, person["password"] + "\n"))
        commands += [(["create-token", email, "--name", "journey"], None) for email in tokens_for]
        outputs = self.flask_batch(commands)[len(people):]
        return {email: output.strip().splitlines()[-1]
                for email, output in zip(tokens_for, outputs, strict=True)}
