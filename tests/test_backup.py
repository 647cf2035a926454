"""`flask --app wsgi backup PATH` copies a live SQLite database consistently while the app
writes; `restore PATH` brings it back, keeping the replaced database aside."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
sqlite_only = pytest.mark.skipif(
    ON_POSTGRES,
    reason="backup/restore copy an SQLite file with SQLite's online backup API; on "
           "PostgreSQL the commands only refuse and print pg_dump/pg_restore (tested here too)",
)


def _app(tmp_path: Path, url: str):
    return create_app({
        "TESTING": True, "SECRET_KEY": "backup-tests", "INSTANCE_PATH": str(tmp_path / "inst"),
        "SQLALCHEMY_DATABASE_URI": url, "MIGRATIONS_DIR": str(ROOT / "migrations"),
    })


@pytest.fixture
def live(tmp_path):
    """An app on its own SQLite file, made by the migrations (as init-db makes it)."""
    path = tmp_path / "live.sqlite"
    app = _app(tmp_path, f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        yield app, path
        db.session.remove()
        db.engine.dispose()


def _outbox():
    from app.mail.models import OutboxMessage

    return OutboxMessage.__table__


def _rows(path: Path, kind: str = "writer") -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute(
            "SELECT body FROM outbox_message WHERE kind = ? ORDER BY id", (kind,))]
    finally:
        connection.close()


def _dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


class Writer(threading.Thread):
    """Keeps committing one outbox row after another, as a busy app would."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.committed = 0
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    with db.engine.begin() as connection:
                        connection.execute(insert(_outbox()).values(
                            recipient="writer@example.lv", subject=f"row {self.committed}",
                            body=f"row {self.committed}", kind="writer", error=""))
                    with self.progress:
                        self.committed += 1
                        self.progress.notify_all()
        except BaseException as exc:
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            ok = self.progress.wait_for(lambda: self.committed >= count or self.error,
                                        timeout=60)
        assert ok and not self.error, self.error or f"the writer did not reach {count} rows"


@sqlite_only
def test_backup_while_the_app_writes_then_restore(live, tmp_path):
    app, path = live
    runner = app.test_cli_runner()
    with db.engine.begin() as connection:
        connection.execute(insert(_outbox()).values(
            recipient="anna@dobele.lv", subject="Svarīgi", body="saglabājams", kind="keep",
            error=""))

    writer = Writer(app)
    writer.start()
    try:
        writer.wait_for(30)
        before = writer.committed
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
        after = writer.committed
        writer.wait_for(after + 30)  # the app kept writing after the copy, too
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.error is None
    assert result.exit_code == 0, result.output
    assert "integrity check: ok" in result.output

    backup = tmp_path / "copy.sqlite"
    assert _integrity(backup) == "ok"
    copied = _rows(backup)
    # One moment of the database: every row committed before the copy began, none
    # half-written, and the rows are exactly the first n the writer committed.
    assert before <= len(copied) <= after
    assert copied == [f"row {i}" for i in range(len(copied))]
    assert _rows(backup, "keep") == ["saglabājams"]
    with open(backup, "rb") as handle:  # a single self-contained file, not in WAL mode
        assert handle.read(20)[18:20] == b"\x01\x01"

    # A disaster: the rows are deleted. Restore while the app is still open.
    with db.engine.begin() as connection:
        connection.execute(_outbox().delete())
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "before-restore" in result.output

    # The app's own connections see the restored data.
    db.session.remove()
    count = db.session.scalar(select(func.count()).select_from(_outbox())
                              .where(_outbox().c.kind == "writer"))
    assert count == len(copied)
    assert _rows(path, "keep") == ["saglabājams"]
    assert _integrity(path) == "ok"
    # The database as it was before the restore is kept aside.
    aside = path.with_name("live.sqlite.before-restore")
    assert _integrity(aside) == "ok"
    assert _rows(aside) == [] and _rows(aside, "keep") == []


@sqlite_only
def test_backup_does_not_overwrite_without_force(live, tmp_path):
    app, _path = live
    target = tmp_path / "exists.sqlite"
    target.write_bytes(b"precious")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert target.read_bytes() == b"precious"
    result = app.test_cli_runner().invoke(args=["backup", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert _integrity(target) == "ok"


@sqlite_only
def test_restore_refuses_what_is_not_a_sound_talka_database(live, tmp_path):
    app, path = live
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "good.sqlite")]).exit_code == 0
    original = _dump(path)

    stranger = tmp_path / "stranger.sqlite"
    connection = sqlite3.connect(stranger)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()

    newer = tmp_path / "newer.sqlite"
    shutil.copy(tmp_path / "good.sqlite", newer)
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    connection.commit()
    connection.close()

    damaged = tmp_path / "damaged.sqlite"
    data = bytearray((tmp_path / "good.sqlite").read_bytes())
    page = 4096
    for offset in range(page, len(data), page):  # every page after the first: garbage
        data[offset:offset + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))

    text = tmp_path / "notes.txt"
    text.write_text("not a database")

    cases = {
        stranger: "no alembic_version",
        newer: "newer Talka",
        damaged: "is damaged",
        text: "not an SQLite database",
        tmp_path / "missing.sqlite": "does not exist",
    }
    for candidate, reason in cases.items():
        result = runner.invoke(args=["restore", str(candidate), "--yes"])
        assert result.exit_code == 1, (candidate, result.output)
        assert reason in result.output, result.output
    assert not path.with_name("live.sqlite.before-restore").exists()
    assert _dump(path) == original


def test_postgresql_is_refused_with_the_pg_dump_command(tmp_path):
    app = _app(tmp_path, "postgresql+psycopg://talka:s3cret@db.example:5432/talka")
    runner = app.test_cli_runner()
    with app.app_context():  # nothing connects: the URL alone decides
        result = runner.invoke(args=["backup", str(tmp_path / "talka.dump")])
        assert result.exit_code == 1
        assert "pg_dump --format=custom" in result.output
        assert "postgresql://talka@db.example:5432/talka" in result.output
        assert "s3cret" not in result.output
        result = runner.invoke(args=["restore", str(tmp_path / "talka.dump"), "--yes"])
    assert result.exit_code == 1
    assert "pg_restore --clean --if-exists" in result.output
    assert not (tmp_path / "talka.dump").exists()
