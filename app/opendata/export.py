"""Writing the public dataset: CSV and JSON per table, the whole as one SQLite file.

Every format is written from dataset.TABLES, column by column, through one value
conversion (`plain`): dates ISO 8601, times in UTC with their offset, money and other
decimals as exact strings with a fixed number of places.

When the files are built again
    Each is built once per *state of the public data* and kept under the instance folder.
    The state is app.public.cache.public_state(), read in one query: the public data
    version (raised in the same transaction by every commit that touches a table public
    pages show, ORM flushes and bulk statements alike), the time of that change, today's
    date in Riga, and the last submission opening or deadline already passed. The last two
    are there because part of the data is computed against the clock: a pilot's health
    and a hackathon's effective phase. A fingerprint of counts and MAX(updated_at) per
    table was the other candidate; it costs a query per table and misses an edit of a
    row that has no updated_at (a corrected measurement, a changed funding line), so
    the version wins. Every download carries an ETag made from the same state, so a
    repeat download is a 304, and a crowd of first downloads costs one build per file.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import current_app
from flask_babel import force_locale

from app.core.clock import as_utc, now_utc, today_riga
from app.core.spreadsheet import formula_safe
from app.core.translation import gettext as _
from app.opendata import dataset
from app.opendata import dictionary as d
from app.opendata.sources import SOURCES, Moment

# Raise when the shape of the files changes, so that clients' cached copies are refetched.
FORMAT_VERSION = "3"  # 2: criteria.round; 3: the programme's indicators, pilots' themes
SQLITE_NAME = "talka.sqlite"
KEEP_FOLDERS = 2  # the newest states' files are kept: a download of the previous may be running


# --- values -----------------------------------------------------------------------------------

def plain(column: d.Column, value: Any) -> Any:
    """A value as every format writes it: None, int, bool or str (never a float)."""
    if value is None:
        return None
    kind = column.type
    if kind == d.INTEGER:
        return int(value)
    if kind == d.BOOLEAN:
        return bool(value)
    if kind == d.DECIMAL:
        exponent = Decimal(1).scaleb(-column.places)
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return str(number.quantize(exponent, rounding=ROUND_HALF_UP))
    if kind == d.DATETIME:
        return as_utc(value).isoformat() if isinstance(value, datetime) else str(value)
    if kind == d.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(getattr(value, "value", value))  # text; codes may arrive as enum members


def csv_cell(column: d.Column, value: Any) -> str:
    """A CSV cell. Text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice); numbers, dates and codes are ours and stay as they are."""
    value = plain(column, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    return formula_safe(value) if column.type in d.TEXT_TYPES else value


def records(table: d.PublicTable, at: Moment) -> Iterator[dict[str, Any]]:
    """The table's rows as plain dicts holding exactly the described columns."""
    columns = table.columns
    for row in SOURCES[table.name](at):
        yield {c.name: plain(c, row[c.name]) for c in columns}


def moment(now: datetime | None = None) -> Moment:
    now = now or now_utc()
    return Moment(now=now, today=today_riga(now))


# --- the state the files depend on ------------------------------------------------------------

@dataclass(frozen=True)
class DataState:
    """What the public data are at: a digest for file names and ETags, and a time."""

    key: str
    last_modified: datetime

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{FORMAT_VERSION}|{self.key}".encode()).hexdigest()[:24]

    def etag(self, *parts: str) -> str:
        raw = "|".join((self.digest, *parts))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def data_state(now: datetime | None = None) -> DataState:
    """The state of the public data: one query (see the module's docstring)."""
    from app.public.cache import current_state, public_state

    state = public_state(now) if now is not None else current_state()
    return DataState(key=state.key, last_modified=state.last_modified)


# --- CSV and JSON, written in chunks -------------------------------------------------------

def csv_chunks(table: d.PublicTable, at: Moment, *, every: int = 500) -> Iterator[bytes]:
    """The table as CSV in UTF-8 without a byte-order mark (open data is read by programs,
    which take a mark for part of the first column's name; datapackage.json says utf-8),
    header first, in chunks of `every` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.column_names)
    columns = table.columns
    for n, row in enumerate(SOURCES[table.name](at), start=1):
        writer.writerow([csv_cell(c, row[c.name]) for c in columns])
        if n % every == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def licence_info(site: str) -> dict[str, str]:
    """The licence and the attribution asked of re-users (in the current language)."""
    return {"name": d.LICENCE_NAME, "title": d.LICENCE_TITLE, "url": d.LICENCE_URL,
            "attribution": attribution(site)}


def formula_guard() -> str:
    """What csv_cell does to text that a spreadsheet would run, said to the re-user."""
    return _("In the CSV files, text that starts with =, +, -, @, |, a tab or a line break "
             "begins with an added apostrophe (') so that spreadsheets do not run it as a "
             "formula; remove that first apostrophe to get the text as it was entered.")


def attribution(site: str) -> str:
    return _("Source: Talka, open data of the idea hackathons and pilot projects of Latvian "
             "municipalities, %(url)s (CC BY 4.0).", url=f"{site}/data")


def json_chunks(table: d.PublicTable, at: Moment, *, site: str, every: int = 500
                ) -> Iterator[bytes]:
    """The table as one JSON object: what it is, its licence, its columns and its rows."""
    head = {
        "table": table.name, "title": str(table.title), "description": str(table.description),
        "licence": licence_info(site), "dictionary": f"{site}/data/dictionary#{table.name}",
        "generated_at": at.now.isoformat(),
        "columns": [{"name": c.name, "type": c.type} for c in table.columns],
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    parts = [opening]
    for n, row in enumerate(records(table, at)):
        parts.append(("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False))
        if len(parts) >= every:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


# --- the data package descriptor and the dictionary as data -----------------------------------

FRICTIONLESS_TYPES = {d.INTEGER: "integer", d.TEXT: "string", d.MARKDOWN: "string",
                      d.CODE: "string", d.DATE: "date", d.DATETIME: "datetime",
                      d.DECIMAL: "number", d.BOOLEAN: "boolean"}


def datapackage(site: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor of the CSV files (datapackage.json)."""
    resources = []
    for table in dataset.TABLES:
        fields = []
        for c in table.columns:
            meaning = str(c.meaning)
            if c.type in d.TEXT_TYPES:
                meaning = f"{meaning} {formula_guard()}"
            spec: dict[str, Any] = {"name": c.name, "type": FRICTIONLESS_TYPES[c.type],
                                    "description": meaning}
            if c.type == d.BOOLEAN:
                spec["trueValues"], spec["falseValues"] = ["true"], ["false"]
            if c.values:
                spec["constraints"] = {"enum": list(c.values)}
            fields.append(spec)
        schema: dict[str, Any] = {"fields": fields, "primaryKey": list(table.primary_key)}
        keys = [{"fields": c.name, "reference": {"resource": c.references.split(".")[0],
                                                 "fields": c.references.split(".")[1]}}
                for c in table.columns if c.references]
        if keys:
            schema["foreignKeys"] = keys
        resources.append({"name": table.name, "title": str(table.title),
                          "description": str(table.description),
                          "path": f"{site}/data/{table.name}.csv", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": schema})
    return {"name": "talka", "title": _("Talka open data"),
            "homepage": f"{site}/data",
            "licenses": [{"name": d.LICENCE_ID, "title": d.LICENCE_TITLE,
                          "path": d.LICENCE_URL}],
            "sources": [{"title": "Talka", "path": site}],
            "description": f"{attribution(site)} {formula_guard()}", "resources": resources}


def dictionary_rows() -> tuple[list[dict], list[dict]]:
    """The dictionary as two tables (tables, columns) in both languages."""
    texts: dict[str, dict[str, Any]] = {}
    for lang in ("lv", "en"):
        with force_locale(lang):
            texts[lang] = {
                "tables": {t.name: (str(t.title), str(t.description)) for t in dataset.TABLES},
                "columns": {(t.name, c.name): (str(c.meaning), str(d.TYPE_LABELS[c.type]))
                            for t in dataset.TABLES for c in t.columns},
            }
    tables = [{"name": t.name, "position": n,
               "title_lv": texts["lv"]["tables"][t.name][0],
               "title_en": texts["en"]["tables"][t.name][0],
               "description_lv": texts["lv"]["tables"][t.name][1],
               "description_en": texts["en"]["tables"][t.name][1]}
              for n, t in enumerate(dataset.TABLES, start=1)]
    columns = [{"table_name": t.name, "position": n, "column_name": c.name, "type": c.type,
                "type_lv": texts["lv"]["columns"][(t.name, c.name)][1],
                "type_en": texts["en"]["columns"][(t.name, c.name)][1],
                "meaning_lv": texts["lv"]["columns"][(t.name, c.name)][0],
                "meaning_en": texts["en"]["columns"][(t.name, c.name)][0],
                "refers_to": c.references or "", "codes": " ".join(c.values)}
               for t in dataset.TABLES for n, c in enumerate(t.columns, start=1)]
    return tables, columns


# --- SQLite -----------------------------------------------------------------------------------

SQLITE_TYPES = {d.INTEGER: int, d.BOOLEAN: int}
FTS_TOKENIZER = "unicode61 remove_diacritics 2"  # "udens" finds "ūdens"


def build_sqlite(path: Path, at: Moment, *, site: str, state_key: str = "") -> dict[str, int]:
    """Write the whole public dataset to a new SQLite file at `path`; answer row counts.

    Tables and columns follow the dictionary (which is included, as `data_tables` and
    `data_columns`, with the licence in `about`); titles and summaries get full-text
    search (FTS5).
    """
    target = sqlite_utils.Database(str(path), recreate=True)
    target.execute("PRAGMA journal_mode=OFF")  # a new private file: nothing to recover
    target.execute("PRAGMA synchronous=OFF")
    counts: dict[str, int] = {}
    with force_locale("en"):
        licence = licence_info(site)
    about = {"title": "Talka open data", "source": f"{site}/data",
             "licence": licence["title"], "licence_id": d.LICENCE_ID,
             "licence_url": d.LICENCE_URL, "attribution": licence["attribution"],
             "generated_at": at.now.isoformat(), "data_date": at.today.isoformat(),
             "format_version": FORMAT_VERSION, "data_state": state_key}
    with force_locale("lv"):
        about["attribution_lv"] = attribution(site)
    target.table("about").insert_all(({"key": k, "value": v} for k, v in about.items()), pk="key")
    for table in dataset.TABLES:
        columns = {c.name: SQLITE_TYPES.get(c.type, str) for c in table.columns}
        foreign = [(c.name, c.references.partition(".")[0], c.references.partition(".")[2])
                   for c in table.columns if c.references]
        pk = table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key
        created = target.table(table.name).create(columns, pk=pk, foreign_keys=foreign,
                                                  not_null=table.primary_key)
        counted = _Counter(records(table, at))
        created.insert_all(counted, batch_size=1000)
        counts[table.name] = counted.n
        if table.search_columns:
            created.enable_fts(table.search_columns, tokenize=FTS_TOKENIZER)
    data_tables, data_columns = dictionary_rows()
    target.table("data_tables").insert_all(data_tables, pk="name")
    target.table("data_columns").insert_all(data_columns, pk=("table_name", "column_name"))
    target.execute("PRAGMA journal_mode=DELETE")
    target.conn.commit()
    target.close()
    return counts


class _Counter:
    """Counts the rows an iterator gives while sqlite-utils consumes it."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]):
        self.rows, self.n = iter(rows), 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self.rows)
        self.n += 1
        return row


def export_dir() -> Path:
    path = Path(current_app.config.get("OPENDATA_DIR")
                or Path(current_app.instance_path) / "opendata")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _exclusive(directory: Path):
    """One builder at a time across processes (gunicorn workers): the others wait, then
    find the file made."""
    with open(directory / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def kept_file(state: DataState, filename: str, write: Callable[[Path], object]) -> Path:
    """The file `filename` for this state of the data, written by `write(path)` the first
    time it is asked for and kept until the data change.

    Files live in a folder per state (export_dir()/<digest>/). They are written to a
    temporary name and renamed, so a reader never sees half a file; one process writes at
    a time (the others wait, then find it). When a new state's folder is made, all but the
    two newest folders are removed: a download from the previous one may still be running.
    """
    base = export_dir()
    folder = base / state.digest
    path = folder / filename
    if path.exists():
        return path
    with _exclusive(base):
        if path.exists():  # another worker wrote it while we waited
            return path
        folder.mkdir(exist_ok=True)
        building = folder / f".building-{uuid.uuid4().hex}-{filename}"
        try:
            write(building)
            os.replace(building, path)
        finally:
            building.unlink(missing_ok=True)
        _forget_old(base, keep=folder)
    return path


def fresh_file(filename: str, write: Callable[[Path], object]) -> bytes:
    """The file `filename` built now and kept nowhere (PUBLIC_CACHE=0)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        write(path)
        return path.read_bytes()


def write_chunks(chunks: Iterable[bytes]) -> Callable[[Path], None]:
    """A writer for kept_file() from chunks of bytes."""

    def write(path: Path) -> None:
        with open(path, "wb") as out:
            for chunk in chunks:
                out.write(chunk)

    return write


def _forget_old(base: Path, *, keep: Path) -> None:
    folders = sorted((p for p in base.iterdir() if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [f for f in folders if f != keep][KEEP_FOLDERS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
