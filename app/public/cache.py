"""Cheap repeat views of public pages: a public data version, conditional GET and a small
in-process cache of rendered pages.

Invalidation
    Every commit that inserts, changes or deletes a row of a table that app/core/datamap.py
    marks public (ideas: other than drafts) raises row 1 of `public_data_version` in the
    same transaction (and one that changes a private table datamap.JUDGING_INPUTS names,
    row 2: see `judging_state`). Nobody has to remember to do it: ORM flushes are watched
    (`after_flush`), and so are bulk statements run through the session (`do_orm_execute`);
    the raise happens once per transaction, just before it commits (`before_commit`). Code
    that writes with raw SQL behind the session's back calls `bump_public_version()` itself.

    What a page shows also depends on the clock: health and overdue milestones on the date
    in Riga, and whether a hackathon or its vote is open on its opening and closing instants
    (datamap.CLOCK_COLUMNS). So the cache key is (version, time of the last change, today in
    Riga, the last of those instants already passed), read in ONE query per request. The key
    changes when any of these does; cached pages of an older key are never served again and
    fall out of the small LRU.

Only anonymous GET requests without pending flash messages use the cache: a signed-in
user's pages are personal (Cache-Control: no-store). Anonymous pages carry no CSRF token
(the language switcher is a link), and a response that sets a cookie is never stored, so
nothing personal is shared. The language is in the path (/en/… is English), which every
key and ETag includes, together with the host and the locale.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time as monotonic_clock
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from functools import wraps
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from flask import Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import CursorResult, Table, bindparam, event, func, inspect, select, update
from sqlalchemy.orm import Session, scoped_session
from werkzeug.http import is_resource_modified

from app.core import datamap
from app.core.clock import RIGA, as_utc, now_utc, today_riga
from app.extensions import db

if TYPE_CHECKING:
    from app.public.front import FrontEntry

DIRTY = "talka_public_dirty"
WRITTEN = "talka_public_written"
# A table that cannot be told: text SQL read, or a write whose tables were not recorded.
UNKNOWN_TABLE = "?"
# Changes kept in public_change: a process whose pilots' rows are older than that reads
# them all again.
KEPT_CHANGES = 1000
# Changes naming more pilots than this read every pilot's row again: reading them all is
# cheaper (a change naming more is recorded as naming none).
MOST_PILOTS = 400
DATABASE_CHANGES = ("CASCADE", "SET NULL", "SET DEFAULT")
BUMPED = "talka_public_bumped"
JUDGING_DIRTY = "talka_judging_dirty"
# The rows of `public_data_version`: the public data's, and the judging inputs' (the
# private tables a coordinator's kept judging figures read, datamap.JUDGING_INPUTS).
PUBLIC_ROW = 1
JUDGING_ROW = 2
MAX_ENTRIES = 512
STATE_TTL_SECONDS = 1.0
MAX_BODY_BYTES = 2 * 1024 * 1024  # a larger page is served, not kept
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # per process, whatever query strings visitors send

# Tables whose rows public pages show (app/core/datamap.py marks every table). Changes to
# any other table (users, sessions, the outbox, drafts...) leave the public cache alone.
PUBLIC_TABLES = datamap.public_tables()
JUDGING_TABLES = datamap.JUDGING_INPUTS


# --- noticing changes ----------------------------------------------------------------------------

def _table_of(obj) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


def _touches_public(obj) -> bool:
    name = _table_of(obj)
    if name not in PUBLIC_TABLES:
        return False
    if name == "idea":
        # A team saving its draft changes nothing public; a status change or a change to a
        # submitted idea may (the figures count them; winners are shown).
        state = inspect(obj)
        status = getattr(obj, "status", None)
        if status is not None and getattr(status, "value", status) != "draft":
            return True
        return state.attrs.status.history.has_changes() or state.deleted or state.was_deleted
    return True


# A user's row is written at every sign-in; the judging figures read only these columns
# of it (a judge's name, and who she is for the conflict rule).
JUDGING_USER_COLUMNS = ("name", "email", "municipality_id")


def _touches_judging(obj, session: Session | scoped_session[Any]) -> bool:
    name = _table_of(obj)
    if name not in JUDGING_TABLES:
        return False
    if name == "user" and obj not in session.new and obj not in session.deleted:
        attrs = inspect(obj).attrs
        return any(attrs[column].history.has_changes() for column in JUDGING_USER_COLUMNS)
    return True


@dataclass
class Written:
    """What a transaction wrote to public tables: every table, those of rows no pilot keys
    (`unnamed`), and the pilots whose own rows changed (UNKNOWN_TABLE in both sets where
    what was written cannot be told)."""

    tables: set[str] = field(default_factory=set)
    unnamed: set[str] = field(default_factory=set)
    pilots: set[int] = field(default_factory=set)

    def note(self, obj, tables: set[str]) -> None:
        """`obj` written, and with it the public `tables` (its own, if public; the links
        and the rows the database changes with it): named by its pilots where it has them,
        as a pilot's links and dependent rows are that pilot's."""
        self.tables |= tables
        if tables <= self.unnamed:
            return
        pilots = _pilots_of(obj)
        if pilots is None:
            self.unnamed |= tables
        else:
            self.pilots |= pilots

    def statement(self, name: str) -> None:
        """Rows written by one statement: which pilots is not told."""
        self.tables.add(name)
        self.unnamed.add(name)


def _pilots_of(obj) -> set[int] | None:
    """The pilots a written row belongs to (a pilot; a row with a pilot_id, before and after
    the change), or None for a row no pilot keys or whose pilot is not loaded (read from
    the row's loaded values only: a deleted row cannot be loaded again)."""
    state = inspect(obj)
    if _table_of(obj) == "pilot":
        found = {state.dict.get("id")}
    elif "pilot_id" in type(obj).__table__.c:
        history = state.attrs.pilot_id.history
        if history.added and not history.deleted and obj not in state.session.new:
            return None  # moved from a pilot whose id was not loaded: which one is not told
        found = {state.dict.get("pilot_id"), *chain(*history)}
    else:
        return None
    found.discard(None)
    return cast(set[int], found) or None


def _written(session: Session | scoped_session[Any]) -> Written:
    return session.info.setdefault(WRITTEN, Written())


def _after_flush(session: Session, _context) -> None:
    deleted = session.deleted
    for obj in chain(session.new, session.dirty, deleted):
        name = _table_of(obj)
        was_deleted = obj in deleted
        tables = _links_written(obj, was_deleted)
        if was_deleted and name is not None:
            tables |= _cascaded(name)
        if _touches_public(obj):
            tables.add(cast(str, name))
        if tables:
            session.info[DIRTY] = True
            _written(session).note(obj, tables)
        if not session.info.get(JUDGING_DIRTY) and _touches_judging(obj, session):
            session.info[JUDGING_DIRTY] = True


@functools.cache
def _links_of(cls: Any) -> tuple[tuple[str, str], ...]:
    """(attribute, table) of each relationship of `cls` kept in a public link table, which
    the flush writes for the object without an object of its own."""
    links = []
    for relationship in inspect(cls).relationships:
        secondary = relationship.secondary
        if isinstance(secondary, Table) and secondary.name in PUBLIC_TABLES:
            links.append((relationship.key, secondary.name))
    return tuple(links)


def _links_written(obj, deleted: bool) -> set[str]:
    links = _links_of(cast(Any, type(obj)))  # mypy: a class is Hashable
    if not links:
        return set()
    if deleted:
        return {table for _key, table in links}
    attrs = inspect(obj).attrs
    return {table for key, table in links if attrs[key].history.has_changes()}


@functools.cache
def _cascaded(name: str) -> frozenset[str]:
    """The public tables whose rows the database deletes or changes when a row of `name` is
    deleted (ON DELETE CASCADE, and so on down; SET NULL), without the session seeing it."""
    found: set[str] = set()
    parents, seen = [name], {name}
    while parents:
        parent = parents.pop()
        for table in db.metadata.tables.values():
            for key in table.foreign_keys:
                rule = (key.ondelete or "").upper()
                if key.column.table.name != parent or rule not in DATABASE_CHANGES:
                    continue
                found.add(table.name)
                if rule == "CASCADE" and table.name not in seen:
                    seen.add(table.name)
                    parents.append(table.name)
    return frozenset(found & PUBLIC_TABLES)


def _on_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name: str | None = getattr(getattr(state.statement, "table", None), "name", None)
    tables: set[str] = set()
    if name is not None:
        tables = {name} & PUBLIC_TABLES
        if state.is_delete:
            tables |= _cascaded(name)
    for table in tables:
        state.session.info[DIRTY] = True
        _written(state.session).statement(table)
    if name in JUDGING_TABLES:
        state.session.info[JUDGING_DIRTY] = True


def unsaved_change(session: Session | scoped_session[Any] | None = None) -> bool:
    """Whether this transaction has changed public data or a judging input that is not
    committed yet: what it reads then may never be committed, so it must not be kept."""
    session = session or db.session
    if session.info.get(DIRTY) or session.info.get(JUDGING_DIRTY):
        return True
    return any(_touches_public(obj) or _touches_judging(obj, session)
               for obj in chain(session.new, session.dirty, session.deleted))


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # the outer transaction raises the version once, when it commits
    if session.new or session.dirty or session.deleted:
        session.flush()
    written = session.info.pop(WRITTEN, None) or Written({UNKNOWN_TABLE}, {UNKNOWN_TABLE})
    if session.info.pop(DIRTY, False):
        bump_public_version(session, tables=written.tables, unnamed=written.unnamed,
                            pilots=written.pilots)
        session.info[BUMPED] = True
    if session.info.pop(JUDGING_DIRTY, False):
        bump_public_version(session, row=JUDGING_ROW)


def _after_commit(session: Session) -> None:
    if session.info.pop(BUMPED, False):
        forget_recent_state()  # this process sees its own change at once


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction is gone, not a savepoint
        session.info.pop(DIRTY, None)
        session.info.pop(WRITTEN, None)
        session.info.pop(BUMPED, None)
        session.info.pop(JUDGING_DIRTY, None)


def install() -> None:
    """Watch every session for changes to public data (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                     ("before_commit", _before_commit), ("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def bump_public_version(session: Session | scoped_session[Any] | None = None, *,
                        now: datetime | None = None, row: int = PUBLIC_ROW,
                        tables: Iterable[str] = (UNKNOWN_TABLE,),
                        unnamed: Iterable[str] = (UNKNOWN_TABLE,),
                        pilots: Iterable[int] = (), record: bool = True) -> None:
    """Raise the public data version, or with `row` another of the table's versions (an
    upsert: the row is made if it is missing). A raise of the public version records what
    it changed (`PublicChange`, see `Written`); a caller that cannot tell (raw SQL) leaves
    it unknown. Without `record` (a schema older than the records' table), nothing is
    recorded: a reader then finds a gap, which counts as unknown too."""
    from app.public.models import PublicDataVersion

    session = session or db.session
    now = now or now_utc()
    table = cast(Table, PublicDataVersion.__table__)  # typed as any FromClause; a Table here
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            # The same on_conflict_do_update in both dialects; mypy sees two unrelated functions.
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        statement = insert(table).values(id=row, version=1, changed_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={"version": table.c.version + 1, "changed_at": now})
        version = session.execute(statement.returning(table.c.version)).scalar_one()
    else:
        # An UPDATE answers a CursorResult (with rowcount); execute() is typed for any
        # statement.
        done = cast(CursorResult[Any], session.execute(
            update(table).where(table.c.id == row)
            .values(version=table.c.version + 1, changed_at=now)))
        if not done.rowcount:
            session.execute(table.insert().values(id=row, version=1, changed_at=now))
        version = session.execute(select(table.c.version).where(table.c.id == row)).scalar_one()
    if row == PUBLIC_ROW and record:
        _record_change(session, version, now, Written(set(tables), set(unnamed), set(pilots)))


def raise_after_migrations(connection: Any) -> None:
    """After migrations ran on `connection` (in a transaction of its own), up or down: what
    they changed in the data, with raw SQL as migrations write, cannot be told, so every
    kept value, page and open-data file and every ETag given out is made anew, by every
    instance. Recorded where the schema has the changes' table (from lead_0008 on)."""
    tables = set(inspect(connection).get_table_names())
    if "public_data_version" not in tables:
        return  # an empty database: nothing was ever given out
    with Session(bind=connection) as session:
        bump_public_version(session, record="public_change" in tables)
        session.flush()


def _record_change(session: Session | scoped_session[Any], version: int, now: datetime,
                   written: Written) -> None:
    from app.public.models import PublicChange

    if len(written.pilots) > MOST_PILOTS:
        written = Written(written.tables, written.unnamed | written.tables)
    change = cast(Table, PublicChange.__table__)
    # A version counted again from the start (its table emptied, the changes' kept) would
    # meet its own old records: they are of another history.
    session.execute(change.delete().where(change.c.version >= version))
    session.execute(change.insert().values(
        version=version, changed_at=now, tables=",".join(sorted(written.tables)),
        unnamed=",".join(sorted(written.unnamed)),
        pilots=",".join(map(str, sorted(written.pilots)))))
    if version % 100 == 0:
        session.execute(change.delete().where(change.c.version <= version - KEPT_CHANGES))


def _changes_since(since: PublicState, until: int) -> list[Written] | None:
    """What each change after the state `since`, up to version `until`, wrote; None if that
    cannot be told (no longer kept, or `since` is of another database)."""
    from app.public.models import PublicChange

    if since.version <= 0 or until < since.version:
        return None
    rows = db.session.execute(
        select(PublicChange.version, PublicChange.changed_at, PublicChange.tables,
               PublicChange.unnamed, PublicChange.pilots)
        .where(PublicChange.version.between(since.version, until))
        .order_by(PublicChange.version)).all()
    # Every change since, each once, starting with the one `since` was read after.
    if ([r.version for r in rows] != list(range(since.version, until + 1))
            or as_utc(rows[0].changed_at) != since.changed_at):
        return None

    def names(text: str) -> set[str]:
        return set(filter(None, text.split(",")))

    return [Written(names(r.tables), names(r.unnamed), {int(i) for i in names(r.pilots)})
            for r in rows[1:]]


def pilots_changed(since: PublicState, until: int, read: Iterable[str]) -> frozenset[int] | None:
    """The pilots whose rows the changes after the state `since`, up to version `until`,
    wrote; None if one of them wrote a table in `read` without naming its pilots, or if the
    changes since cannot be told."""
    changes = _changes_since(since, until)
    if changes is None:
        return None
    read = set(read)
    pilots: set[int] = set()
    for change in changes:
        if UNKNOWN_TABLE in change.unnamed or change.unnamed & read:
            return None
        pilots |= change.pilots
    return frozenset(pilots)


def tables_written(since: PublicState, until: PublicState) -> frozenset[str] | None:
    """The public tables written between two states of the same day and deadlines passed;
    None if the clock moved on between them or what was written cannot be told."""
    if (since.today, since.last_boundary) != (until.today, until.last_boundary):
        return None
    changes = _changes_since(since, until.version)
    if changes is None:
        return None
    tables = set().union(*(change.tables for change in changes))
    return None if UNKNOWN_TABLE in tables else frozenset(tables)


# --- the state a page depends on -----------------------------------------------------------------

@dataclass(frozen=True)
class PublicState:
    version: int
    changed_at: datetime | None
    today: str
    last_boundary: datetime | None

    @functools.cached_property
    def key(self) -> str:
        # Worked out once per state: a kept page is answered after comparing it.
        return "|".join((str(self.version), self.changed_at.isoformat() if self.changed_at
                         else "-", self.today, self.last_boundary.isoformat()
                         if self.last_boundary else "-"))

    @property
    def last_modified(self) -> datetime:
        """The newest of: the last change, midnight in Riga today, the last deadline."""
        midnight = datetime.combine(datetime.fromisoformat(self.today).date(), time(),
                                    RIGA).astimezone(UTC)
        times = [t for t in (self.changed_at, self.last_boundary) if t is not None]
        return max([midnight, *times]).replace(microsecond=0)


@functools.cache
def _state_statement():
    """The state query, built once per process (building it was half of a cached hit);
    `now` is a bound parameter that takes the datetime columns' type. Besides the version,
    it reads the last instant of each of datamap.CLOCK_COLUMNS already passed."""
    from app.public.models import PublicDataVersion

    now = bindparam("now")
    boundaries = []
    for table_name, column_name in datamap.CLOCK_COLUMNS:
        column = db.metadata.tables[table_name].c[column_name]
        boundaries.append(select(func.max(column)).where(column <= now).scalar_subquery())
    return select(
        select(PublicDataVersion.version).where(PublicDataVersion.id == 1).scalar_subquery(),
        select(PublicDataVersion.changed_at).where(PublicDataVersion.id == 1)
        .scalar_subquery(),
        *boundaries,
    )


# The state read last in this process, and until when (time.monotonic) it is used without
# asking the database again. Changes made in this process forget it at once (after_commit);
# another worker's change is seen within STATE_TTL_SECONDS. Under a rush of readers this
# turns one query per request into one per second per process.
_recent: tuple[float, PublicState] | None = None


def forget_recent_state() -> None:
    global _recent, _this_minute
    _recent = _this_minute = None


def current_state(*, per_minute: bool = False, ttl: float | None = None,
                  read: Callable[[], PublicState] | None = None) -> PublicState:
    """The public state now (read with `read`, by default public_state() in the session, at
    most once per `ttl` seconds per process, see `_recent`); with `per_minute`, it also
    changes every minute."""
    global _recent, _this_minute
    if ttl is None:
        ttl = current_app.config.get("PUBLIC_STATE_TTL_SECONDS", STATE_TTL_SECONDS)
    moment = monotonic_clock.monotonic()
    recent = _recent
    if recent is not None and moment < recent[0]:
        state = recent[1]
    else:
        state = (read or public_state)()
        if ttl > 0:
            _recent = (moment + ttl, state)
    if per_minute:
        minute = now_utc().replace(second=0, microsecond=0)
        kept = _this_minute
        if kept is not None and kept[0] is state and kept[1] == minute:
            return kept[2]
        by_minute = replace(state, last_boundary=max(filter(None, (state.last_boundary,
                                                                    minute))))
        _this_minute = (state, minute, by_minute)
        return by_minute
    return state


# The state as of this minute, for the state read last: one per minute, not one per page.
_this_minute: tuple[PublicState, datetime, PublicState] | None = None


def public_state(now: datetime | None = None, *, connection=None) -> PublicState:
    """The version and the clock's boundaries: one query (on `connection` when given, else
    in the session)."""
    now = now or now_utc()
    row = (connection or db.session).execute(_state_statement(), {"now": now}).one()

    def aware(value):
        return as_utc(value) if isinstance(value, datetime) else None

    boundaries = [t for t in map(aware, row[2:]) if t is not None]
    return PublicState(version=row[0] or 0, changed_at=aware(row[1]),
                       today=today_riga(now).isoformat(),
                       last_boundary=max(boundaries) if boundaries else None)


@functools.cache
def _versions_statement():
    """`judging_state`'s query, built once per process."""
    from app.public.models import PublicDataVersion

    return (select(PublicDataVersion.id, PublicDataVersion.version,
                   PublicDataVersion.changed_at)
            .where(PublicDataVersion.id.in_((PUBLIC_ROW, JUDGING_ROW))))


def judging_state() -> tuple:
    """What a coordinator's kept judging figures depend on: the versions of the public data
    and of the judging inputs, read now (no time to live: a coordinator who excluded a
    review on one instance sees the next page from another one without it). Read it before
    loading what is worked out under it, so that what is read is never older than it."""
    rows = db.session.execute(_versions_statement()).all()
    return tuple(sorted((row.id, row.version, row.changed_at) for row in rows))


# --- the page cache ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CachedPage:
    body: bytes
    status: int
    mimetype: str
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """A small, thread-safe LRU of rendered pages, per process."""

    def __init__(self, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, CachedPage | FrontEntry] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> CachedPage | FrontEntry | None:
        with self._lock:
            page = self._items.get(key)
            if page is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple, page: CachedPage | FrontEntry) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._items[key] = page
            self.size += len(page.body)
            while self._items and (len(self._items) > self.max_entries
                                   or self.size > self.max_bytes):
                _key, dropped = self._items.popitem(last=False)
                self.size -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


page_cache = PageCache()
KEPT_HEADERS = ("Content-Language",)

# Browsers ask again each time (and get a 304 while nothing changed); a shared reverse proxy
# may answer a public page for a few seconds without asking, which carries a rush of readers.
# Signed-in pages are never public: they carry "no-store" (app/core/security.py).
PROXY_SECONDS = 5
PUBLIC_CACHE_CONTROL = f"public, max-age=0, s-maxage={PROXY_SECONDS}"


def enabled() -> bool:
    """False when PUBLIC_CACHE=0: every page is rendered and every file built afresh."""
    return bool(current_app.config.get("PUBLIC_CACHE", True))


def anonymous_read() -> bool:
    """A request whose answer is the same for every anonymous visitor in that language."""
    return (request.method in ("GET", "HEAD") and not current_user.is_authenticated
            and "_flashes" not in session and "Authorization" not in request.headers)


def not_modified(etag: str, last_modified: datetime | None) -> bool:
    """Does the reader hold this answer already? Flask-Compress sends a compressed answer's
    ETag as "<etag>:<encoding>", so those forms match too (checked before any rendering)."""
    match = request.if_none_match
    if match:
        algorithms = current_app.config.get("COMPRESS_ALGORITHM", ())
        return any(match.contains_weak(tag)
                   for tag in (etag, *(f"{etag}:{a}" for a in algorithms)))
    return not is_resource_modified(request.environ, last_modified=last_modified)


def _etag(state: PublicState, locale: str) -> str:
    # The scheme, host and root too: without SITE_URL, pages carry the ones they were asked
    # for.
    raw = "\n".join((state.key, locale, request.scheme, request.host, request.script_root,
                     request.path, request.query_string.decode("latin-1")))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _finish(response: Response, etag: str, state: PublicState) -> Response:
    response.set_etag(etag)
    response.last_modified = state.last_modified
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def _for_front(response: Response, state: PublicState, per_minute: bool) -> Response:
    """Let the front cache (app/public/front.py) keep this answer for visitors who send no
    cookie: the answer to them is the same for everyone."""
    from app.public import front

    if front.shareable():
        response.headers[front.MARKER] = front.marker(
            front.MINUTE if per_minute else front.STATE, state.key)
    return response


def public_page(view: Callable | None = None, *, per_minute: bool = False):
    """Serve the view with ETag/Last-Modified and from the page cache to anonymous visitors.

    Put it above the access decorator: `@public_page` then `@access.public` then `def`.
    `per_minute=True` is for pages that count down to a deadline in minutes: their key also
    changes every minute.
    """
    if view is None:
        return lambda v: public_page(v, per_minute=per_minute)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not anonymous_read() or not enabled():
            return view(*args, **kwargs)
        state = current_state(per_minute=per_minute)
        locale = str(get_locale() or "lv")
        etag = _etag(state, locale)
        if not_modified(etag, state.last_modified):
            return _finish(Response(status=304), etag, state)
        # The scheme, host and root are part of the key: a page rendered for one scheme and
        # host (its links built from them when SITE_URL is unset), or under one root (its
        # links start with it), is never served to a reader who asked another.
        key = (request.scheme, request.host, request.script_root, request.endpoint,
               request.path, request.query_string, locale, state.key)
        page = page_cache.get(key)
        if isinstance(page, CachedPage):  # the front cache's entries have keys of their own
            response = Response(page.body, status=page.status, mimetype=page.mimetype)
            for name, value in page.headers:
                response.headers[name] = value
            return _for_front(_finish(response, etag, state), state, per_minute)
        response = make_response(view(*args, **kwargs))
        if (response.status_code == 200 and not response.direct_passthrough
                and not response.headers.getlist("Set-Cookie")):
            body = response.get_data()
            if len(body) > MAX_BODY_BYTES:
                return _finish(response, etag, state)
            page_cache.put(key, CachedPage(
                body=body, status=response.status_code, mimetype=response.mimetype,
                headers=tuple((n, response.headers[n]) for n in KEPT_HEADERS
                              if n in response.headers)))
            return _for_front(_finish(response, etag, state), state, per_minute)
        return response

    return wrapper
