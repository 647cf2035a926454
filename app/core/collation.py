"""Latvian alphabetical order from ICU's CLDR collation: Ā with A, then Č after C, Ģ after G,
Ķ after K, Ļ after L, Ņ after N, Š after S, Ž after Z, whatever case.

Names of places, people and teams are Latvian, so lists are in Latvian order on English
pages too. Databases do not agree on collations (SQLite has none for Latvian), so lists are
sorted in Python after the fetch; they are short (43 municipalities, a jury, a team list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

import icu

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
