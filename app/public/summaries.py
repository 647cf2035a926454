"""Figures that count whole tables, computed once per change of the data they read.

The home page's headline figures and a region's comparison of its municipalities count
every idea, pilot and milestone: their cost grows with the data, while what they answer
changes only when public data does. So each is kept under the public state
(`cache.current_state`: the version every commit to a public table raises, and the
clock's boundaries), like a summary table kept up to date on write, but computed by the
first reader after a change instead of by the writer. A change made by any process is
seen as soon as the state is read again (at most PUBLIC_STATE_TTL_SECONDS later, as for
the page cache).

Only plain values are kept (numbers, dates, frozen dataclasses), never ORM objects, which
belong to the session that loaded them.

A change of public data need not make every kept value stale: each raise of the public
version records the public tables it wrote (`cache.tables_written`), and a value that read
none of them is kept under the new state (`Store.move_on`). Where what was written cannot
be told (raw SQL, a new day, a deadline passed, changes no longer recorded), every value is
worked out again.

A store names the tables its state watches (`Store.watched`; the public tables for the
public state): every statement run while a value is worked out is read for the tables it
names, and a value that read any other table, or ran SQL whose tables cannot be told, is
answered but not kept. A table read by a kept figure but missing from the state's watch
list therefore makes that figure slower, never stale. Nor is a value kept that was worked
out in a transaction with changes not yet committed.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, overload

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause, TextClause

from app.public.cache import (
    PUBLIC_TABLES,
    UNKNOWN_TABLE,
    PublicState,
    current_state,
    tables_written,
    unsaved_change,
)

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

# The tables read by the values being worked out in this context, innermost last; "?" for
# a statement whose tables cannot be told (text SQL).
_reading: ContextVar[tuple[set[str], ...]] = ContextVar("talka_kept_reading", default=())
# The state of the store answering the value being worked out in this context.
_answering: ContextVar[Any] = ContextVar("talka_kept_answering", default=None)
STATE_TABLE = "public_data_version"
CHANGE_TABLE = "public_change"  # what each raise of it changed, read with it


class Store:
    """Values of kept functions, all worked out under one state (a hashable key).

    With `written` (what tables were written between two states, or None where that cannot
    be told), a change of state keeps the values that read none of them."""

    def __init__(self, watched: Iterable[str],
                 written: Callable[[Any, Any], frozenset[str] | None] | None = None) -> None:
        self.written = written
        # {(function, arguments): (state, value, tables read)}: each value with the state it
        # was worked out under, answered only to a reader of that state (a reader of an
        # older state may empty the store and keep its own values meanwhile), and with the
        # tables it read, told to an enclosing value that asks for it. One tuple, so that a
        # reader never sees a value without its tables.
        self.kept: dict[tuple, tuple[Any, Any, frozenset[str]]] = {}
        self.under: list[Any] = [None]
        # For a function kept with `most`: its keys in the order they were kept (a dict as
        # an ordered set).
        self.order: dict[str, dict[tuple, None]] = {}
        # The versions' own table is read whenever the state is read again (its time to
        # live ran out while a value was worked out): that is asking the state, not data,
        # and a value worked out across a change of it is refused by `_keep` anyway.
        self.watched = frozenset(watched) | {STATE_TABLE, CHANGE_TABLE}
        # Values a kept function carries over a change of state, to work out its next value
        # from its last one (every pilot's rows, app.pilots.plain): a change of state keeps
        # them; only a replaced database (`forget_summaries`) drops them.
        self.carried: dict[str, Any] = {}
        self.lock = threading.Lock()
        install()  # without it nothing read would be seen, and everything kept

    def answer(self, state: Any, name: str, args: tuple, compute: Callable[[], Any],
               most: int | None = None) -> Any:
        if state != self.under[0]:
            self.move_on(state)
        key = (name, args)
        kept = self.kept.get(key)
        if kept is not None and kept[0] == state:
            for outer in _reading.get():  # a value being worked out asks for a kept one
                outer.update(kept[2])
            return kept[1]
        answering = _answering.set(state)
        try:
            if unsaved_change():
                return compute()
            with tables_read() as read:
                value = compute()
        finally:
            _answering.reset(answering)
        unwatched = read - self.watched
        if unsaved_change():
            pass  # it wrote on the way: what it read may never be committed
        elif unwatched:
            log.warning("%s read %s, which its state does not watch: not kept",
                        name, ", ".join(sorted(unwatched)))
        else:
            self._keep(key, value, frozenset(read), state, name, most)
        return value

    def _keep(self, key: tuple, value: Any, read: frozenset[str], state: Any, name: str,
              most: int | None) -> None:
        """Keep `value` only if the state is still the one it was worked out under: a change
        seen meanwhile (by a kept function it called, say) may have made it out of date."""
        with self.lock:
            if self.under[0] != state:
                return
            self.kept[key] = (state, value, read)
            if most is not None:
                order = self.order.setdefault(name, {})
                order[key] = None
                while len(order) > most:
                    self._drop(next(iter(order)))

    def move_on(self, state: Any) -> None:
        """Keep under `state` the values that read no table written since the state they
        were worked out under; forget the others (all of them where what was written cannot
        be told)."""
        before = self.under[0]
        written = (self.written(before, state)
                   if self.written is not None and before is not None else None)
        with self.lock:
            if written is None or self.under[0] != before:  # or another thread moved on
                if self.under[0] != state:
                    self._forget(state)
                return
            for key, (_was, value, read) in list(self.kept.items()):
                if read & written:
                    self._drop(key)
                else:
                    self.kept[key] = (state, value, read)
            self.under[0] = state

    def _drop(self, key: tuple) -> None:
        self.kept.pop(key, None)
        order = self.order.get(key[0])
        if order is not None:
            order.pop(key, None)

    def forget(self, state: Any = None) -> None:
        with self.lock:
            self._forget(state)

    def _forget(self, state: Any) -> None:
        self.kept.clear()
        self.order.clear()
        self.under[0] = state
        if state is None:
            self.carried.clear()


def answering() -> Any:
    """The state the value being worked out will be kept under (None outside a kept
    function): what it reads must be at least as new."""
    return _answering.get()


def read_also(tables: Iterable[str]) -> None:
    """Count `tables` as read by the values being worked out: a value worked out from
    another one carried over a change of state (every pilot's rows) read what that one
    read."""
    for read in _reading.get():
        read.update(tables)


@contextmanager
def tables_read() -> Iterator[set[str]]:
    """The tables read by the statements run inside, and by the kept values answered inside
    (which read them when they were worked out)."""
    read: set[str] = set()
    token = _reading.set((*_reading.get(), read))
    try:
        yield read
    finally:
        _reading.reset(token)


def kept_under(store: Store, state: Callable[[], Any], fn: F, most: int | None) -> F:
    """`fn` answered from `store` while `state()` is unchanged (see `summary`)."""
    # With its module: two modules may each keep a function of the same name.
    name = f"{fn.__module__}.{fn.__qualname__}"

    @wraps(fn)
    def wrapper(*args: Any) -> Any:
        return store.answer(state(), name, args, lambda: fn(*args), most)

    return wrapper  # type: ignore[return-value]


def _tables_read(_connection, _cursor, _statement, _parameters, context, _many) -> None:
    reading = _reading.get()
    if not reading:
        return
    compiled = getattr(context, "compiled", None)
    names = _tables_by_compiled.get(compiled) if compiled is not None else None
    if names is None:
        names = frozenset(_tables_of(compiled))
        if compiled is not None:
            _tables_by_compiled[compiled] = names
    for read in reading:
        read.update(names)


# A compiled statement's tables, for as long as SQLAlchemy keeps it compiled (its statement
# cache answers the same one to every execution of a statement): walking it was a tenth of
# what the first reader after a change paid.
_tables_by_compiled: weakref.WeakKeyDictionary[Any, frozenset[str]] = \
    weakref.WeakKeyDictionary()


def _tables_of(compiled: Any) -> set[str]:
    """The tables a compiled statement reads, or {UNKNOWN_TABLE} where that cannot be told (text
    SQL anywhere in it, or no statement at all). The ORM's statement and the one it compiled
    are both walked: joins added by eager loading are only in the second."""
    statements = [getattr(compiled, "statement", None),
                  getattr(getattr(compiled, "compile_state", None), "statement", None)]
    names: set[str] = set()
    for statement in (s for s in statements if s is not None):
        for element in visitors.iterate(statement):
            if isinstance(element, TextClause):
                return {UNKNOWN_TABLE}
            if isinstance(element, TableClause):
                names.add(element.name)
    return names or {UNKNOWN_TABLE}


def install() -> None:
    """Watch what kept values read, on every engine (idempotent)."""
    if not event.contains(Engine, "before_cursor_execute", _tables_read):
        event.listen(Engine, "before_cursor_execute", _tables_read)


_public = Store(PUBLIC_TABLES, tables_written)
# The public store's values (with their states), by (function, arguments): tests look at
# what is kept.
_kept = _public.kept
_carried = _public.carried


def public_state() -> PublicState:
    """The state the public store's values are kept under."""
    return current_state()


def public_store() -> Store:
    """The store of values kept under the public state (`summary`, app/public/fragments.py)."""
    return _public


@overload
def summary(fn: F) -> F: ...
@overload
def summary(*, most: int) -> Callable[[F], F]: ...


def summary(fn: F | None = None, *, most: int | None = None) -> Any:
    """Keep `fn(*args)` (hashable arguments, plain answer) until the public state changes.

    With `most`, at most that many of `fn`'s answers are kept, the first kept going first:
    for a function keyed by something a reader can walk through (every pilot's page), so
    that memory stays bounded whatever is asked between two changes."""

    def decorate(fn: F) -> F:
        return kept_under(_public, public_state, fn, most)

    return decorate(fn) if fn is not None else decorate


_stores: list[Store] = [_public]


def store(watched: Iterable[str]) -> Store:
    """A store of its own, whose values are kept only if they read no table but `watched`."""
    made = Store(watched)
    _stores.append(made)
    return made


def forget_summaries() -> None:
    """Drop every kept value (a database replaced under a running process: restore, tests)."""
    for each in _stores:
        each.forget(None)
