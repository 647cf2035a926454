"""Kept texts: nothing a team typed is lost.

An idea form that could not be saved (the session had ended, the form expired, the
deadline passed) keeps what was posted under a random key, for this browser only; after
sign-in it is offered back to its author, and only to a member of the idea's team.
Like the operations, these flush and never commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.core.clock import now_utc
from app.core.kept import browser_hash, keep
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import EDITABLE_FIELDS, INDICATORS_MAX, LONG_TEXT_MAX, Idea, KeptText

KEEP_DAYS = {"signed_out": 7, "expired_form": 7, "late": 60}
KEPT_FIELDS = (*EDITABLE_FIELDS, "team_id", "version", "action")


def keep_text(data: dict, *, reason: str, idea: Idea | None = None,
              hackathon: Hackathon | None = None, user=None,
              now: datetime | None = None) -> KeptText:
    """Keep the posted text of an idea form that could not be saved, under a random key."""
    now = now or now_utc()
    db.session.execute(delete(KeptText).where(KeptText.expires_at < now))
    kept: dict[str, Any] = {}
    for name in KEPT_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            kept[name] = value[: LONG_TEXT_MAX + 1000]
        elif isinstance(value, int | float) and not isinstance(value, bool):
            kept[name] = value
    rows = data.get("indicators") or []
    kept["indicators"] = [
        {k: str(row.get(k) or "")[:500] for k in ("name", "baseline", "target")}
        for row in rows[: INDICATORS_MAX + 5] if isinstance(row, dict)
    ]
    row = KeptText(key=secrets.token_urlsafe(32), reason=reason,
                   idea_id=idea.id if idea else None,
                   hackathon_id=(hackathon.id if hackathon else
                                 idea.hackathon_id if idea else None),
                   user_id=getattr(user, "id", None), data=kept)
    keep(row, days=KEEP_DAYS.get(reason, 7), now=now)
    return row


def find_kept_text(key: str | None, *, user, now: datetime | None = None) -> KeptText | None:
    """A live kept text for this user; the first signed-in opener of an anonymous one claims it."""
    if not key or len(key) > 64:
        return None
    row = db.session.scalar(select(KeptText).where(KeptText.key == key))
    if row is None or not row.is_live(now) or row.browser_hash != browser_hash():
        return None
    if row.idea is not None and not row.idea.is_team_member(user):
        return None
    if row.user_id is None:
        row.user_id = user.id
        db.session.flush()
    return row if row.user_id == user.id else None


def latest_kept_text(*, user, now: datetime | None = None) -> KeptText | None:
    """The newest live text this browser kept that `user` may take back."""
    mine = browser_hash()
    if mine is None:
        return None
    rows = db.session.scalars(
        select(KeptText).where(KeptText.browser_hash == mine, KeptText.used_at.is_(None),
                               KeptText.expires_at > (now or now_utc()))
        .order_by(KeptText.created_at.desc(), KeptText.id.desc()))
    return next((row for row in rows if find_kept_text(row.key, user=user, now=now)), None)


def kept_texts_for(idea: Idea, user, now: datetime | None = None) -> list[KeptText]:
    """Texts the user posted for this idea that were kept but not applied."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or now_utc()
    return list(db.session.scalars(
        select(KeptText).where(KeptText.idea_id == idea.id, KeptText.user_id == user.id,
                               KeptText.browser_hash == (browser_hash() or "-"),
                               KeptText.used_at.is_(None), KeptText.expires_at > now)
        .order_by(KeptText.created_at.desc())
    ))


def use_kept_text(row: KeptText | None, now: datetime | None = None) -> None:
    """The kept text has been saved (or dismissed): stop offering it."""
    if row is not None and row.used_at is None:
        row.used_at = now or now_utc()
        db.session.flush()
