"""Which idea may become a pilot, and who may start it: the one rule (`may_create`) that
the operation, the pages, the API and the templates all ask."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString

from app.core.translation import lazy_gettext as _l
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_start(idea: Idea, user: Any) -> bool:
    """A coordinator who manages the idea's hackathon turns its winners into pilots."""
    return _signed_in(user) and idea.hackathon.can_manage(user)


def refusal(idea: Idea) -> LazyString | None:
    """Why this idea cannot become a pilot now, or None when it can: only a winning idea
    becomes a pilot, and only once."""
    if idea.pilot is not None:
        return _l("This idea already has a pilot.")
    if idea.status != IdeaStatus.WINNER:
        return _l("Only a winning idea can become a pilot; this idea is %(status)s.",
                  status=idea.status.label)
    return None


def may_create(idea: Idea, user: Any) -> bool:
    """May `user` turn `idea` into a pilot now: what the operation enforces, the pages ask
    and the "Start the pilot" button shows."""
    return refusal(idea) is None and may_start(idea, user)
