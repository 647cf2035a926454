"""What every pilot operation shares: who may act, the audit entry, marking the pilot
changed, and a flush that turns a lost race into a stale edit.

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit
from app.core.errors import NotAllowed, StaleVersion
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.pilots.models import Pilot


class StalePilot(StaleVersion):
    """An edit that lost the race with another saved meanwhile; `current` (and `pilot`) is
    the stored pilot, read again once the failed write is undone."""

    def __init__(self, pilot: Pilot):
        super().__init__(_l("Someone saved this pilot after you opened it. Compare your "
                            "values with the saved ones and save again."), current=pilot)
        self.pilot = pilot


def require_allowed(allowed: bool, message=None) -> None:
    """NotAllowed (403) unless `allowed`: the operation's own check of who may act."""
    if not allowed:
        raise NotAllowed(message or _l("You may not change this pilot."))


def audit(action: str, obj, *, actor, now, before=None, after=None, object_type=None):
    """One entry in the audit trail about `obj`."""
    record_audit(action, actor=actor, object_type=object_type or type(obj).__name__.lower(),
                 object_id=obj.id, before=before, after=after, now=now)


def touch(pilot: Pilot, actor, now: datetime) -> None:
    """Mark the pilot as changed (bumps its version: an open edit form becomes stale)."""
    pilot.updated_at = now
    pilot.updated_by_id = getattr(actor, "id", None)


def flush_pilot(pilot: Pilot) -> None:
    """Flush; a concurrent edit that won the race makes this one stale, never lost silently."""
    try:
        db.session.flush()
    except StaleDataError:
        # The caller's savepoint (web.attempt) or the request's rollback undoes the rest;
        # the pilot, expired then, reads the stored version.
        raise StalePilot(pilot) from None
