"""Kept drafts: what a person typed that could not be saved when they posted it (their
session had ended, the form had expired, the deadline had passed), offered back to them.

Whose is a kept draft? It is owned twice over:
- by the browser that posted it: a random key in a cookie of its own, never in a link, so
  that nobody can plant text for someone else by sending them a URL;
- by its subject's rule, asked each time it is offered: the review's own judge, a member of
  the idea's team (`offered(..., allowed=...)`).

It is offered until it is saved, then deleted (`discard`); it expires; and one browser may
keep only a few at once, so that nobody can fill the table. The subject's feature owns the
table (it holds the foreign keys), with `KeptDraftMixin`'s columns.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from flask import after_this_request, current_app, g, request
from sqlalchemy import Select, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from app.core.clock import now_utc
from app.core.errors import DomainError
from app.core.translation import lazy_gettext as _l
from app.extensions import db

COOKIE = "talka_keeper"
COOKIE_DAYS = 30
LIVE_PER_BROWSER = 20

K = TypeVar("K", bound="KeptDraftMixin")


class TooManyKept(DomainError):
    """This browser keeps as many drafts as it may (429)."""

    status = 429


class KeptDraftMixin:
    """The columns every kept draft has: whose browser, and until when."""

    browser_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def browser_hash(*, create: bool = False) -> str | None:
    """This browser's keeper key, hashed as it is stored; with `create`, one is made and
    sent with this request's answer if the browser has none yet."""
    key = g.get("keeper_key") or request.cookies.get(COOKIE)
    if key and (len(key) > 100 or not key.isascii()):
        key = None
    if key is None and create:
        key = secrets.token_urlsafe(32)

        @after_this_request
        def _set(response: Response) -> Response:
            response.set_cookie(COOKIE, key, max_age=COOKIE_DAYS * 86400, httponly=True,
                                samesite="Lax",
                                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response

    if key is not None:
        g.keeper_key = key
    return _digest(key) if key else None


def keep(row: K, *, days: int, now: datetime | None = None) -> K:
    """Add `row` (its subject and text filled in) as a draft of this browser, for `days`."""
    now = now or now_utc()
    model = type(row)
    mine = browser_hash(create=True)
    db.session.execute(delete(model).where(model.expires_at < now))
    live = db.session.scalar(select(func.count()).select_from(model)
                             .where(model.browser_hash == mine)) or 0
    if live >= LIVE_PER_BROWSER:
        raise TooManyKept(_l("This browser already keeps many unsaved texts. Sign in and "
                             "save or discard them first."))
    row.browser_hash = cast(str, mine)  # made above (create=True)
    row.created_at = now
    row.expires_at = now + timedelta(days=days)
    db.session.add(row)
    db.session.flush()
    return row


def offered(query: Select, *, allowed: Callable[[Any], bool],
            now: datetime | None = None) -> Sequence[Any]:
    """The live drafts of `query` (a select of one kept-draft model, narrowed to a subject)
    that this browser kept and that `allowed(row)` lets the signed-in user see, newest first."""
    mine = browser_hash()
    if mine is None:
        return []
    model = query.column_descriptions[0]["entity"]
    rows = db.session.scalars(
        query.where(model.browser_hash == mine, model.expires_at > (now or now_utc()))
        .order_by(model.created_at.desc(), model.id.desc()))
    return [row for row in rows if allowed(row)]


def discard(row: Any) -> None:
    """The draft has been saved (or dismissed): it is never offered again."""
    if row is not None:
        db.session.delete(row)
        db.session.flush()
