"""The home page's headline figures and the hackathons open now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.hackathons.phases import Phase
from app.hackathons.queries import PlainHackathon, public_cards
from app.ideas.models import Idea
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Milestone
from app.pilots.states import MilestoneStatus, PilotStatus
from app.places.models import Municipality
from app.public.queries.common import COMPETING, HOME_LIMIT, cents, euros
from app.public.summaries import summary
from app.teams.models import Team, team_partner


@dataclass(frozen=True)
class Figures:
    ideas: int
    municipalities: int
    pilots: int
    pilots_active: int
    milestones_on_time: int
    milestones_due: int
    approved: Decimal
    spent: Decimal

    @property
    def on_time_percent(self) -> int | None:
        if not self.milestones_due:
            return None
        return self.milestones_on_time * 100 // self.milestones_due

    @property
    def spent_percent(self) -> int | None:
        if not self.approved:
            return None
        return int(self.spent * 100 // self.approved)


def headline_figures(today: date | None = None) -> Figures:
    """The home page's figures: two queries of aggregates, the ideas' and the pilots', each
    kept until a table it reads changes."""
    ideas, municipalities = _idea_figures()
    return Figures(ideas, municipalities, *_pilot_figures(today or today_riga()))


@summary
def _idea_figures() -> tuple[int, int]:
    """The competing ideas, and the municipalities taking part in one (leading or as a
    partner)."""
    # Counted from the municipalities' side (a few dozen rows, each asked two indexed
    # EXISTS that stop at the first competing idea). A UNION over the competing teams grows
    # with the ideas, and so does `team_id IN (competing teams)`, which SQLite rebuilds for
    # every municipality.
    competing = Idea.status.in_(COMPETING)
    taking_part = or_(
        select(Idea.id).join(Team, Team.id == Idea.team_id)
        .where(Team.municipality_id == Municipality.id, competing).exists(),
        select(Idea.id).join(team_partner, team_partner.c.team_id == Idea.team_id)
        .where(team_partner.c.municipality_id == Municipality.id, competing).exists(),
    )
    row = db.session.execute(select(
        select(func.count(Idea.id)).where(competing).scalar_subquery(),
        select(func.count(Municipality.id)).where(taking_part).scalar_subquery(),
    )).one()
    return row[0] or 0, row[1] or 0


@summary
def _pilot_figures(today: date) -> tuple[int, int, int, int, Decimal, Decimal]:
    """The pilots, those active, their milestones met on time and settled, the money
    approved and spent."""
    # A milestone counts once it is settled or due: done, missed, or its date has passed.
    settled = or_(Milestone.status.in_([MilestoneStatus.DONE, MilestoneStatus.MISSED]),
                  Milestone.due_date < today)
    on_time = and_(Milestone.status == MilestoneStatus.DONE, Milestone.completed_on.is_not(None),
                   Milestone.completed_on <= Milestone.due_date)
    row = db.session.execute(select(
        select(func.count(Pilot.id)).scalar_subquery(),
        select(func.count(Pilot.id)).where(Pilot.status == PilotStatus.ACTIVE).scalar_subquery(),
        select(func.count(Milestone.id)).where(on_time).scalar_subquery(),
        select(func.count(Milestone.id)).where(settled).scalar_subquery(),
        select(cents(Pilot.approved_budget_eur)).scalar_subquery(),
        select(cents(Expense.amount_eur)).scalar_subquery(),
    )).one()
    return (row[0] or 0, row[1] or 0, row[2] or 0, row[3] or 0, euros(row[4]),
            euros(row[5]))


@dataclass(frozen=True)
class HackathonsNow:
    open: tuple[PlainHackathon, ...]
    coming: tuple[PlainHackathon, ...]


def hackathons_now(now: datetime | None = None, *, limit: int = HOME_LIMIT) -> HackathonsNow:
    """Hackathons taking ideas now (the deadline nearest first) and those opening later (the
    soonest first), from every public hackathon's kept card (`hackathons.queries`): which of
    them are open is worked out at `now`.

    Without `now`, kept under the public state: which hackathons are open or coming changes
    only when an opening or a deadline passes, and each of those instants is one of the
    state's boundaries (datamap.CLOCK_COLUMNS), so the next reader after it works them out
    again."""
    if now is None:
        return _hackathons_now(limit)
    return _taking_ideas(now, limit)


@summary
def _hackathons_now(limit: int) -> HackathonsNow:
    return _taking_ideas(now_utc(), limit)


def _taking_ideas(now: datetime, limit: int) -> HackathonsNow:
    taking = [(card.submission_opens_at, card) for card in public_cards()
              if card.phase_at(now) == Phase.OPEN and card.submission_opens_at is not None]
    # Opening a hackathon needs its deadline; one without would come last.
    open_now = sorted((card for opens, card in taking if opens <= now),
                      key=lambda c: (c.submission_closes_at is None,
                                     c.submission_closes_at or now, c.id))
    coming = [card for _opens, card in sorted(
        ((opens, card) for opens, card in taking if opens > now),
        key=lambda pair: (pair[0], pair[1].id))]
    return HackathonsNow(open=tuple(open_now[:limit]), coming=tuple(coming[:limit]))
