"""Back up and restore the database.

SQLite: `flask --app wsgi backup PATH` copies the live database with SQLite's online
backup API, in one step, inside one read transaction: the copy is the database as it
was at one moment, while the app goes on reading and writing (WAL lets writers carry on
during the copy). `restore PATH` checks that PATH is a sound Talka database, puts a copy
of the current database aside as <database>.before-restore, and copies PATH in through
the same API, so that even a running app sees either the old or the restored database,
never a mixture.

PostgreSQL is refused with the pg_dump / pg_restore commands to use instead: they are
the right tools there, and they run where the database's credentials are.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from app.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class Copied:
    path: Path
    size: int
    revision: str | None


# --- which database ------------------------------------------------------------------

def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite database URL; None for another kind of database."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory"):
        raise BackupError("The database is an in-memory SQLite database: there is no file to "
                          "back up or restore.")
    return Path(url.database)


def postgres_commands(url: URL, path: str) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for this database (without its password)."""
    # URL.set() keeps a value given as None, so the password is dropped with _replace.
    plain = url.set(drivername="postgresql")._replace(password=None).render_as_string(
        hide_password=False)
    dump = f"pg_dump --format=custom --no-owner --file={shlex.quote(path)} {shlex.quote(plain)}"
    restore = (f"pg_restore --clean --if-exists --no-owner --dbname={shlex.quote(plain)} "
               f"{shlex.quote(path)}")
    return dump, restore


def _not_sqlite(url: URL, path: str, verb: str) -> BackupError:
    if url.get_backend_name() == "postgresql":
        dump, restore = postgres_commands(url, path)
        return BackupError(
            f"The database is PostgreSQL; `{verb}` works on SQLite only (its online backup "
            "API). Use PostgreSQL's own tools, with the password in PGPASSWORD or ~/.pgpass:\n"
            f"  back up:  {dump}\n"
            f"  restore:  {restore}\n"
            "then run `flask --app wsgi init-db` to bring a restored database to the newest "
            "schema.")
    return BackupError(f"The database is {url.get_backend_name()}; `{verb}` works on SQLite "
                       "only. Use that database's own backup tools.")


# --- checks --------------------------------------------------------------------------

def _integrity_problems(connection: sqlite3.Connection) -> list[str]:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def check_talka_file(path: Path) -> str:
    """The schema revision of a sound Talka database file; BackupError if it is not one."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an SQLite database.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from exc
    try:
        problems = _integrity_problems(connection)
        if problems:
            raise BackupError(f"{path} is damaged; SQLite's integrity check says: "
                              + "; ".join(problems[:5]))
        revision = _revision(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged: SQLite cannot read it ({exc}).") from exc
    finally:
        connection.close()
    if revision is None:
        raise BackupError(f"{path} is not a Talka database: it has no alembic_version row "
                          "(the schema revision every Talka database carries).")
    return revision


def _known_revision(revision: str) -> tuple[bool, str | None]:
    """Whether this code's migrations know `revision`, and their newest revision."""
    from alembic.script import ScriptDirectory

    migrate = current_app.extensions.get("migrate")
    directory = Path(getattr(migrate, "directory", "") or "migrations")
    if not (directory / "versions").is_dir():
        return True, None  # no migrations beside this code: nothing to compare with
    script = ScriptDirectory(str(directory))
    try:
        known = script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        known = False
    return known, script.get_current_head()


# --- copying -------------------------------------------------------------------------

def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_sqlite(source: Path, target: Path) -> Copied:
    """A consistent copy of the live database `source` at `target` (replaced atomically)."""
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    if target.resolve() == source.resolve():
        raise BackupError("The backup cannot be the database file itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    live = sqlite3.connect(source, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: every page in one step, within one read transaction, so the copy
            # is one moment of the database; in WAL mode writers go on meanwhile.
            live.backup(copy, pages=-1)
            # The copy stands alone: a single file without -wal/-shm companions.
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = _integrity_problems(copy)
            revision = _revision(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed: {exc}") from exc
    finally:
        live.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError("The copy failed SQLite's integrity check: " + "; ".join(problems[:5]))
    _fsync(partial)
    os.replace(partial, target)
    return Copied(target, target.stat().st_size, revision)


def restore_sqlite(backup: Path, live: Path) -> Path | None:
    """Copy `backup` into the live database; returns where the previous one was put aside."""
    check_talka_file(backup)
    aside: Path | None = None
    if live.exists():
        aside = live.with_name(live.name + ".before-restore")
        if aside.exists():
            raise BackupError(f"{aside} is there from an earlier restore. Move it somewhere "
                              "safe (or delete it), then run the restore again.")
        backup_sqlite(live, aside)
    else:
        live.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(live, timeout=30)
        try:
            # Through SQLite's locks: connections of a running app see the old database or
            # the restored one, never half of each. A WAL database stays in WAL mode.
            source.backup(target, pages=-1)
            problems = _integrity_problems(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The restore failed: {exc}" + (
            f"; the previous database is at {aside}" if aside else "")) from exc
    finally:
        source.close()
    if problems:
        raise BackupError("The restored database fails SQLite's integrity check: "
                          + "; ".join(problems[:5]) + (f"; the previous one is at {aside}"
                                                       if aside else ""))
    return aside


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


# --- commands ----------------------------------------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the live SQLite database to PATH, consistently, while the app runs.

    For PostgreSQL it prints the pg_dump command to use instead.
    """
    try:
        url = db.engine.url
        live = sqlite_file(url)
        if live is None:
            raise _not_sqlite(url, str(path), "backup")
        if path.exists() and not force:
            raise BackupError(f"{path} exists already: choose another name, or add --force "
                              "to replace it.")
        copied = backup_sqlite(live, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {live} to {copied.path} ({_size(copied.size)}, schema revision "
               f"{copied.revision or 'none'}); integrity check: ok.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH (the current one is kept aside).

    PATH must be a sound Talka database (SQLite's integrity check, a schema revision
    this code knows). For PostgreSQL it prints the pg_restore command to use instead.
    """
    try:
        url = db.engine.url
        live = sqlite_file(url)
        if live is None:
            raise _not_sqlite(url, str(path), "restore")
        revision = check_talka_file(path)
        known, head = _known_revision(revision)
        if not known:
            raise BackupError(f"{path} has schema revision {revision}, which this version of "
                              "Talka does not know: it was made by a newer Talka. Restore it "
                              "with that version.")
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(f"Replace the database {live} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # this process holds no connection to the file while it is replaced
    try:
        aside = restore_sqlite(path, live)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path} into {live} (schema revision {revision}); integrity "
               "check: ok.")
    if aside:
        click.echo(f"The previous database is kept at {aside}.")
    if head and revision != head:
        click.echo("The backup has an older schema: run `flask --app wsgi init-db` to "
                   "migrate it to the newest one.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
