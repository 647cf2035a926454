"""Following a pilot: signed-in users ask to be e-mailed when its news is published.

The pilots' operations call the two notify functions: `notify_update_published` when a
coordinator approves a public progress report, `notify_status_changed` when the pilot's
status changes. Each follower gets one e-mail in their own language; the person who made
the change is not told about it, and disabled accounts get nothing.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core.clock import now_utc
from app.core.errors import NotAllowed
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.operations import queue_mail
from app.public.models import PilotFollower


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_follow(pilot, user) -> bool:
    """Any signed-in user may follow any pilot: its public page is public."""
    return _signed_in(user) and pilot is not None


def is_following(pilot, user) -> bool:
    if not _signed_in(user):
        return False
    return db.session.scalar(select(PilotFollower.id).where(
        PilotFollower.pilot_id == pilot.id, PilotFollower.user_id == user.id)) is not None


def follow_pilot(pilot, *, actor, now: datetime | None = None) -> PilotFollower:
    """Start following (following twice is the same as once)."""
    if not may_follow(pilot, actor):
        raise NotAllowed(_l("Sign in to follow a pilot."))
    found = db.session.scalar(select(PilotFollower).where(
        PilotFollower.pilot_id == pilot.id, PilotFollower.user_id == actor.id))
    if found is not None:
        return found
    follower = PilotFollower(pilot_id=pilot.id, user_id=actor.id, created_at=now or now_utc())
    db.session.add(follower)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # followed in another tab a moment ago
        found = db.session.scalar(select(PilotFollower).where(
            PilotFollower.pilot_id == pilot.id, PilotFollower.user_id == actor.id))
        if found is None:
            raise
        return found
    return follower


def unfollow_pilot(pilot, *, actor) -> bool:
    """Stop following; True when the user was following."""
    if not _signed_in(actor):
        raise NotAllowed(_l("Sign in to stop following a pilot."))
    found = db.session.scalar(select(PilotFollower).where(
        PilotFollower.pilot_id == pilot.id, PilotFollower.user_id == actor.id))
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    return True


def _followers(pilot_id: int, actor=None) -> list:
    followers = db.session.scalars(
        select(PilotFollower).where(PilotFollower.pilot_id == pilot_id)
        .options(joinedload(PilotFollower.user)).order_by(PilotFollower.id)).all()
    actor_id = getattr(actor, "id", None)
    return [f.user for f in followers if f.user.is_active and f.user.id != actor_id]


def _pilot_url(pilot_id: int, anchor: str = "") -> str:
    return url_for("pilots.pilot", pilot_id=pilot_id, _external=True) + anchor


def notify_update_published(update, *, actor=None, now: datetime | None = None) -> int:
    """E-mail the pilot's followers that a public progress report was published."""
    if not (update.public and getattr(update.status, "value", update.status) == "approved"):
        return 0
    now = now or now_utc()
    pilot = update.pilot
    url = _pilot_url(pilot.id, f"#report-{update.id}-h")
    users = _followers(pilot.id, actor)
    for user in users:
        queue_mail(user.email, "pilot_followed_update", locale=user.locale,
                   kind=f"pilot-follow-update:{update.id}:{user.id}", user=user, pilot=pilot,
                   update=update, url=url, unfollow_url=_pilot_url(pilot.id, "#follow"))
    return len(users)


def notify_status_changed(pilot, before, after, *, actor=None,
                          now: datetime | None = None) -> int:
    """E-mail the pilot's followers that its status changed (no reason: it may be internal)."""
    if before == after:
        return 0
    now = now or now_utc()
    users = _followers(pilot.id, actor)
    for user in users:
        queue_mail(user.email, "pilot_followed_status", locale=user.locale,
                   kind=f"pilot-follow-status:{pilot.id}:{user.id}:{now.isoformat()}",
                   user=user, pilot=pilot, before=before, after=after,
                   url=_pilot_url(pilot.id), unfollow_url=_pilot_url(pilot.id, "#follow"))
    return len(users)
