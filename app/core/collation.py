"""Latvian alphabetical order from ICU's CLDR collation: Ā with A, then Č after C, Ģ after G,
Ķ after K, Ļ after L, Ņ after N, Š after S, Ž after Z, whatever case.

Names of places, people and teams are Latvian, so lists are in Latvian order on English
pages too. Lists are sorted in Python after the fetch (`collated`); they are short (43
municipalities, a jury, a team list). Where the database orders (a relationship's order,
as the municipalities a team or a pilot works with), `latvian(column)` orders by the same
ICU collation: PostgreSQL's own ("lv-x-icu"), and on SQLite, which has none, the one
registered on each connection (`SQLITE_COLLATION`, compared by `compare`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import Any, TypeVar

import icu
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

T = TypeVar("T")


@cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("lv_LV"))


def sort_key(text: str | None) -> bytes:
    """A key that sorts strings in Latvian alphabetical order."""
    return _collator().getSortKey(text or "")


def collated(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """The items in Latvian alphabetical order of key(item) (stable for equal keys)."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def compare(a: str | None, b: str | None) -> int:
    """SQLite's collation function: below 0, 0 or above 0 as `a` sorts before, with or
    after `b` in Latvian alphabetical order."""
    key_a, key_b = _compared_key(a), _compared_key(b)
    return (key_a > key_b) - (key_a < key_b)


@lru_cache(maxsize=8192)
def _compared_key(text: str | None) -> bytes:
    # Sorting n rows compares each about log n times: its key is worked out once.
    return sort_key(text)


def forget_compared_keys(_error: BaseException | None = None) -> None:
    """Drop the names `compare` kept the keys of (at the end of each request and job)."""
    _compared_key.cache_clear()


SQLITE_COLLATION = "talka_lv"
POSTGRESQL_COLLATION = "lv-x-icu"  # ICU's Latvian, in PostgreSQL built with ICU (Debian's)


class latvian(FunctionElement):
    """`column` ordered in Latvian alphabetical order (ORDER BY latvian(Municipality.name))."""

    type = String()
    inherit_cache = True
    name = "latvian"


@compiles(latvian, "sqlite")
def _latvian_sqlite(element: latvian, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE {SQLITE_COLLATION}"


@compiles(latvian, "postgresql")
def _latvian_postgresql(element: latvian, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{POSTGRESQL_COLLATION}"'


@compiles(latvian)
def _latvian_other(element: latvian, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))
