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

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from app.public.cache import current_state

F = TypeVar("F", bound=Callable[..., Any])

# {(function, arguments): value}, all computed under the state `_kept_under`.
_kept: dict[tuple, Any] = {}
_kept_under: list[str | None] = [None]


def summary(fn: F) -> F:
    """Keep `fn(*args)` (hashable arguments, plain answer) until the public state changes."""

    @wraps(fn)
    def wrapper(*args: Any) -> Any:
        state = current_state().key
        if state != _kept_under[0]:
            _kept.clear()
            _kept_under[0] = state
        key = (fn.__qualname__, args)
        try:
            return _kept[key]
        except KeyError:
            value = _kept[key] = fn(*args)
            return value

    return wrapper  # type: ignore[return-value]


def forget_summaries() -> None:
    """Drop every kept figure (a database replaced under a running process: restore, tests)."""
    _kept.clear()
    _kept_under[0] = None
