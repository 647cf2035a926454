"""The production topology on one machine, for tests: its own redis-server, a database of
its own on the local PostgreSQL, an SMTP sink counting deliveries (aiosmtpd), two gunicorn
instances, one job worker and nginx in front (deploy/nginx/talka.conf's caching and
forwarding, without TLS). It starts and stops only what it started.

It is the deadline rush's Server (tests/stress/rush.py) with the single gunicorn replaced
by this topology, so the rush's clients and checks run through nginx unchanged.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from tests.stress.rush import ROOT, TLS, Plan, Server, http_call, project_python

NGINX_MAIN = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include /etc/nginx/mime.types;
    include {dir}/talka.conf;
}}
"""
SITE_CONF = ROOT / "deploy" / "nginx" / "talka.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def site_conf(workdir: Path, instances: list[int], http_port: int, tls_port: int) -> str:
    """deploy/nginx/talka.conf as deployed, with only the machine's places changed: its
    ports, this folder for the cache and the certificate, this checkout for /srv/talka.
    Every change must find its text, so that the test never runs a config of its own."""
    text = SITE_CONF.read_text()
    changes = [
        (r"    server 127\.0\.0\.1:8000;[^\n]*\n    # server 127\.0\.0\.1:8001;\n",
         "".join(f"    server 127.0.0.1:{port};\n" for port in instances)),
        (r"/var/cache/nginx/talka", f"{workdir}/cache"),
        (r"    listen 80;\n    listen \[::\]:80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        (r"    listen 443 ssl http2;\n    listen \[::\]:443 ssl http2;\n",
         f"    listen 127.0.0.1:{tls_port} ssl http2;\n"),
        (r"/etc/letsencrypt/live/talka\.example\.lv/fullchain\.pem", f"{workdir}/cert.pem"),
        (r"/etc/letsencrypt/live/talka\.example\.lv/privkey\.pem", f"{workdir}/key.pem"),
        (r"/srv/talka/", f"{ROOT}/"),
    ]
    for pattern, replacement in changes:
        text, found = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        if not found:
            raise RuntimeError(f"deploy/nginx/talka.conf no longer has {pattern!r}")
    return text


def make_certificate(workdir: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts it."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(workdir / "key.pem"), "-out", str(workdir / "cert.pem"),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return ssl.create_default_context(cafile=str(workdir / "cert.pem"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """A local SMTP server that counts deliveries by Message-ID."""

    def __init__(self, delay: float = 0.0) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.delay = delay
        self.deliveries: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import asyncio
                from email import message_from_bytes

                if sink.delay:
                    await asyncio.sleep(sink.delay)
                message = message_from_bytes(envelope.content)
                with sink._lock:
                    sink.deliveries[str(message["Message-ID"])] += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def count(self, marker: str = "") -> tuple[int, int]:
        """(deliveries, distinct messages) whose Message-ID contains `marker`."""
        with self._lock:
            counts = [n for key, n in self.deliveries.items() if marker in key]
        return sum(counts), len(counts)


class Topology(Server):
    """nginx → two gunicorns → PostgreSQL, Redis for the queue and limits, one worker."""

    def __init__(self, workdir: Path, plan: Plan, postgres_url: str) -> None:
        super().__init__(workdir, plan, postgres_url)
        self.redis_port = free_port()
        self.instance_ports = [free_port(), free_port()]
        self.port = free_port()  # nginx over TLS: what the rush's clients use
        self.http_port = free_port()  # nginx's plain-HTTP server, which only redirects
        self.sink = Sink()
        self.redis: subprocess.Popen | None = None
        self.instances: list[subprocess.Popen] = []
        self.worker: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.env.update({
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.sink.port),
            "MAIL_USE_TLS": "0", "MAIL_CLAIM_SECONDS": "5",
            "TRUSTED_PROXIES": "1",
            "SITE_URL": f"https://127.0.0.1:{self.port}",
            "TALKA_ENV": "production",
        })

    # --- life cycle -------------------------------------------------------------------------
    def start(self, timeout: float = 120) -> Topology:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_redis()
        self.sink.start()
        super().start(timeout)
        return self

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.redis_port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(self.workdir / "redis.log", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115
        _wait_port(self.redis_port, 20)

    def stop_redis(self) -> None:
        _end(self.redis)
        self.redis = None

    def _boot(self) -> None:
        for port in self.instance_ports:
            self.instances.append(self._gunicorn(port))
        self.start_worker()
        TLS[self.port] = make_certificate(self.workdir)
        (self.workdir / "talka.conf").write_text(
            site_conf(self.workdir, self.instance_ports, self.http_port, self.port))
        conf = self.workdir / "nginx.conf"
        conf.write_text(NGINX_MAIN.format(dir=self.workdir))
        self.nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p",
             str(self.workdir), "-g", "daemon off; user root;"],
            stdout=open(self.workdir / "nginx.out", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115

    def _gunicorn(self, port: int) -> subprocess.Popen:
        # The deployed settings (keep-alive above all), with this machine's sizes.
        command = [project_python(), "-m", "gunicorn", "-c", str(GUNICORN_CONF), "wsgi:app",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(self.plan.workers),
                   "--worker-class", self.plan.worker_class, "--threads", str(self.plan.threads),
                   "--graceful-timeout", "10", "--log-level", "info", "--error-logfile", "-"]
        log = open(self.log_path, "ab")  # noqa: SIM115  # both instances share the log
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT)

    def start_worker(self) -> None:
        log = open(self.workdir / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [project_python(), "-m", "flask", "--app", "wsgi", "worker", "--threads", "2"],
            cwd=ROOT, env={**self.env, "PYTHONUNBUFFERED": "1"}, stdout=log,
            stderr=subprocess.STDOUT)

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)

    def _wait_ready(self, began: float, timeout: float) -> None:
        limit = time.monotonic() + timeout
        while True:
            for process in [*self.instances, self.nginx]:
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited:\n{self.log_tail()}")
            if all(self.healthy(p) for p in [*self.instance_ports, self.port]):
                self.timings["ready"] = time.monotonic() - began
                return
            if time.monotonic() > limit:
                raise RuntimeError("the topology did not become ready:\n" + self.log_tail())
            time.sleep(0.2)

    @staticmethod
    def healthy(port: int) -> bool:
        try:
            status, _body = http_call("GET", port, "/healthz", None, timeout=10)
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        """The rush stops its server when it ends; the topology stays up for the next
        proofs, and is ended by `shutdown`."""

    def shutdown(self) -> None:
        for process in [self.nginx, self.worker, *self.instances]:
            _end(process)
        self.stop_redis()
        self.sink.stop()
        if self.engine is not None:
            self.engine.dispose()

    # --- helpers for the proofs ----------------------------------------------------------------
    def flask(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([project_python(), "-m", "flask", "--app", "wsgi", *args],
                              cwd=ROOT, env=self.env, input=stdin, capture_output=True,
                              text=True, timeout=120, check=True)
        return done.stdout

    def queue_mail(self, count: int, marker: str) -> None:
        """Queue `count` e-mails the way a request does (outbox rows, then commit), in
        transactions of ten, from a process of its own."""
        script = (
            "from app import create_app\n"
            "from app.extensions import db\n"
            "from app.mail.operations import queue_mail\n"
            "app = create_app()\n"
            "with app.app_context(), app.test_request_context():\n"
            f"    for n in range({count}):\n"
            f"        queue_mail(f'person{{n}}@example.lv', 'password_reset', kind='{marker}',\n"
            "                   user={'name': 'Anna'}, url='http://x/password-reset/t')\n"
            "        if n % 10 == 9:\n"
            "            db.session.commit()\n"
            "    db.session.commit()\n")
        subprocess.run([project_python(), "-c", script], cwd=ROOT, env=self.env, check=True,
                       timeout=120, capture_output=True)

    def unsent(self, marker: str) -> int:
        from sqlalchemy import func, select

        from app.mail.models import OutboxMessage

        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(OutboxMessage.__table__)
                                     .where(OutboxMessage.kind == marker,
                                            OutboxMessage.sent_at.is_(None)))

    def slug(self, hackathon_id: int) -> str:
        from sqlalchemy import select

        from app.hackathons.models import Hackathon

        with self.engine.connect() as connection:
            return connection.scalar(select(Hackathon.slug).where(Hackathon.id == hackathon_id))

    def keys(self, marker: str) -> list[str]:
        from sqlalchemy import select

        from app.mail.models import OutboxMessage

        with self.engine.connect() as connection:
            return list(connection.scalars(select(OutboxMessage.key)
                                           .where(OutboxMessage.kind == marker)))


def _wait_port(port: int, timeout: float) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _end(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or \
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
