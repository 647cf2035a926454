"""A hackathon's timeline as its page shows it: which steps are done and which one is now.

Pure: the hackathon's dates and phase, the clock and the results' publication time go in,
plain steps come out. A step is done when its date has passed or the phase has moved past
it (a coordinator may close judging before its date), so a deadline already behind the
hackathon is never shown as the step to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core.translation import lazy_gettext as _l
from app.hackathons.phases import Phase

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    at: datetime | None
    state: str

    @property
    def is_current(self) -> bool:
        return self.state == CURRENT

    @property
    def is_done(self) -> bool:
        return self.state == DONE


def _passed(at: datetime | None, now: datetime) -> bool:
    return at is not None and at <= now


def timeline(hackathon, now: datetime, published_at: datetime | None = None) -> list[Step]:
    """The four steps (submissions open, the deadline, judging closes, the results), each
    done, current (the first one not done, once the hackathon is announced) or upcoming."""
    phase = hackathon.phase_at(now)
    judged = phase.rank >= Phase.RESULTS.rank
    done = {
        "opens": _passed(hackathon.submission_opens_at, now) or phase.rank >= Phase.JUDGING.rank,
        "closes": _passed(hackathon.submission_closes_at, now)
        or phase.rank >= Phase.JUDGING.rank,
        "judging": judged or (phase == Phase.JUDGING
                              and _passed(hackathon.judging_closes_at, now)),
        "results": published_at is not None,
    }
    labels = {
        "opens": _l("Submissions open"),
        "closes": _l("Submission deadline"),
        "judging": _l("Judging closes"),
        "results": _l("Results published") if published_at else _l("Results to be published"),
    }
    dates = {"opens": hackathon.submission_opens_at, "closes": hackathon.submission_closes_at,
             "judging": hackathon.judging_closes_at, "results": published_at}
    current = None
    if phase != Phase.DRAFT and not (phase == Phase.CLOSED and published_at is None):
        current = next((key for key in labels if not done[key]), None)
    return [Step(key, labels[key], dates[key],
                 DONE if done[key] else CURRENT if key == current else UPCOMING)
            for key in labels]
