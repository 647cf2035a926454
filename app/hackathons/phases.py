"""The phase state machine of a hackathon: pure rules, with the clock passed in.

A hackathon moves forward only: draft → open → judging → results → closed.
A coordinator moves it by hand; the one automatic step is the deadline: a
stored ``open`` is effectively ``judging`` from ``submission_closes_at`` on,
whether or not anybody pressed a button.
"""

from __future__ import annotations

import enum
from datetime import datetime

from app.core.translation import lazy_gettext as _l


class Phase(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    JUDGING = "judging"
    RESULTS = "results"
    CLOSED = "closed"

    @property
    def label(self):
        return PHASE_LABELS[self]

    @property
    def rank(self) -> int:
        return ORDER.index(self)


ORDER = (Phase.DRAFT, Phase.OPEN, Phase.JUDGING, Phase.RESULTS, Phase.CLOSED)

# The allowed moves, forward only and one step at a time.
TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.DRAFT: frozenset({Phase.OPEN}),
    Phase.OPEN: frozenset({Phase.JUDGING}),
    Phase.JUDGING: frozenset({Phase.RESULTS}),
    Phase.RESULTS: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
}

PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.OPEN: _l("Open for ideas"),
    Phase.JUDGING: _l("Judging"),
    Phase.RESULTS: _l("Results"),
    Phase.CLOSED: _l("Closed"),
}

# Criteria may change only before judging starts.
CRITERIA_EDITABLE = frozenset({Phase.DRAFT, Phase.OPEN})


def effective_phase(stored: Phase, closes_at: datetime | None, now: datetime) -> Phase:
    """The phase that every rule uses: the stored one, moved on by the deadline."""
    stored = Phase(stored)
    if stored == Phase.OPEN and closes_at is not None and now >= closes_at:
        return Phase.JUDGING
    return stored


def can_move(current: Phase, to: Phase) -> bool:
    """True when `to` is the next phase after `current` in the table."""
    return Phase(to) in TRANSITIONS[Phase(current)]


def next_phase(current: Phase) -> Phase | None:
    """The one phase a coordinator may move to next, or None at the end."""
    following = TRANSITIONS[Phase(current)]
    return next(iter(following)) if following else None
