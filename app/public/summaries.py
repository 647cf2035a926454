"""Figures that count whole tables, computed once per change of public data.

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
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, overload

from app.public.cache import current_state

F = TypeVar("F", bound=Callable[..., Any])

# {(function, arguments): value}, all computed under the state `_kept_under`.
_kept: dict[tuple, Any] = {}
_kept_under: list[str | None] = [None]
# For a function kept with `most`: its keys in the order they were kept (a dict as an
# ordered set).
_kept_order: dict[str, dict[tuple, None]] = {}
_lock = threading.Lock()


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
        name = fn.__qualname__

        @wraps(fn)
        def wrapper(*args: Any) -> Any:
            state = current_state().key
            if state != _kept_under[0]:
                _forget(state)
            key = (name, args)
            try:
                return _kept[key]
            except KeyError:
                value = fn(*args)
                _keep(key, value, state, name, most)
                return value

        return wrapper  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


def _keep(key: tuple, value: Any, state: str, name: str, most: int | None) -> None:
    """Keep `value` only if the state is still the one it was worked out under: a change
    seen meanwhile (by a kept function it called, say) may have made it out of date."""
    with _lock:
        if _kept_under[0] != state:
            return
        _kept[key] = value
        if most is not None:
            order = _kept_order.setdefault(name, {})
            order[key] = None
            while len(order) > most:
                first = next(iter(order))
                del order[first]
                _kept.pop(first, None)


def _forget(state: str | None) -> None:
    with _lock:
        _kept.clear()
        _kept_order.clear()
        _kept_under[0] = state


def forget_summaries() -> None:
    """Drop every kept figure (a database replaced under a running process: restore, tests)."""
    _forget(None)
