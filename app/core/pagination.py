"""Pagination for pages and the API: `{items, page, per_page, total}`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db

MAX_PER_PAGE = 100


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def clamp(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Read page numbers from untrusted input; out-of-range values are pulled back in."""
    try:
        page = max(1, min(int(page), 10**6))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    except (TypeError, ValueError):
        per_page = default_per_page
    return page, per_page


def page_of(items: Sequence[Any], page: int, per_page: int) -> Page:
    """One page of a list already in memory (kept rows, a kept order)."""
    start = (page - 1) * per_page
    return Page(items=list(items[start:start + per_page]), page=page, per_page=per_page,
                total=len(items))


def paginate(query: Select, page: int, per_page: int, *, scalars: bool = True) -> Page:
    """Run `query` for one page plus one COUNT: two queries whatever the size."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.scalars().unique()) if scalars else list(rows)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
