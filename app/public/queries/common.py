"""What every public list agrees on: when a winner is public, which ideas competed, and
exact sums of money."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, and_, cast, func

from app.core.clock import RIGA
from app.core.models import UTCDateTime
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging.models_results import WinnerDecision

# A winner is public once its hackathon's results are out (Idea.is_public says the same).
RESULTS_PHASES = (Phase.RESULTS, Phase.CLOSED)


# Ideas that took part in a competition: everything once submitted, except those withdrawn.
COMPETING = (IdeaStatus.SUBMITTED, IdeaStatus.INELIGIBLE, IdeaStatus.WINNER,
             IdeaStatus.NOT_SELECTED)


HOME_LIMIT = 6


def public_winner_condition():
    """SQL: the idea is a winner and its hackathon (joined) has published its results."""
    return and_(Idea.status == IdeaStatus.WINNER, Hackathon.phase.in_(RESULTS_PHASES))


def decided_at():
    """When the winners were published: the decision's time, else the hackathon's last change
    (winners recorded without a decision row, e.g. imported ones)."""
    return func.coalesce(WinnerDecision.published_at, Hackathon.updated_at, type_=UTCDateTime())


def cents(column):
    """An exact sum of money on SQLite and PostgreSQL alike: whole cents as integers."""
    return func.coalesce(func.sum(cast(func.round(column * 100), BigInteger)), 0)


def euros(value: Any) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def riga_year_bounds(year: int) -> tuple[datetime, datetime]:
    """The UTC instants at which `year` starts and ends in Latvia."""
    start = datetime.combine(date(year, 1, 1), time(), RIGA)
    end = datetime.combine(date(year + 1, 1, 1), time(), RIGA)
    return start, end
