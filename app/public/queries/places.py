"""A municipality's page: the municipality, and its region compared with the others.

The municipality, its region and its neighbours are read from plain values kept under the
public state (app.places.kept), like the region's counts: the page then
asks the database only for what is its own, its winners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from app.core.clock import today_riga
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.pilots.models import Pilot
from app.pilots.models_plan import Milestone
from app.pilots.states import MilestoneStatus
from app.places import kept as kept_places
from app.places.kept import PlainMunicipality, PlainRegion
from app.places.models import MunicipalityKind
from app.public.queries.common import COMPETING, RESULTS_PHASES
from app.public.summaries import summary
from app.teams.models import Team, team_partner


@dataclass
class Benchmark:
    """One municipality's figures beside the others of its planning region (counts, shares)."""

    municipality: PlainMunicipality
    ideas: int = 0
    ideas_as_partner: int = 0
    wins: int = 0
    pilots: int = 0
    pilots_as_partner: int = 0
    milestones_on_time: int = 0
    milestones_due: int = 0

    @property
    def win_rate(self) -> int | None:
        """Percent of its submitted ideas that won."""
        return self.wins * 100 // self.ideas if self.ideas else None

    @property
    def on_time_percent(self) -> int | None:
        return self.milestones_on_time * 100 // self.milestones_due if self.milestones_due \
            else None


@dataclass
class RegionComparison:
    region: PlainRegion
    rows: list[Benchmark] = field(default_factory=list)

    @property
    def total_ideas(self) -> int:
        return sum(r.ideas for r in self.rows)

    @property
    def total(self) -> Benchmark:
        total = Benchmark(municipality=None)  # type: ignore[arg-type]
        for r in self.rows:
            for name in ("ideas", "ideas_as_partner", "wins", "pilots", "pilots_as_partner",
                         "milestones_on_time", "milestones_due"):
                setattr(total, name, getattr(total, name) + getattr(r, name))
        return total

    def share_of_ideas(self, row: Benchmark) -> int | None:
        total = self.total_ideas
        return row.ideas * 100 // total if total else None


@dataclass(frozen=True)
class PlainPlace:
    """A municipality as its page names it: with its kind and its planning region."""

    id: int
    name: str
    kind: MunicipalityKind
    region: PlainRegion


def municipality_by_id(municipality_id: int) -> PlainPlace | None:
    """The municipality with its planning region, from the kept places."""
    found = kept_places.municipality_by_id().get(municipality_id)
    if found is None:
        return None
    return PlainPlace(found.id, found.name, found.kind,
                      kept_places.region_by_code()[found.region_code])


def region_comparison(region: PlainRegion, today: date | None = None) -> RegionComparison:
    """Every municipality of the region with its ideas, wins, pilots and milestones met on
    time, all kept until public data changes (`region_counts`, app.places.kept)."""
    today = today or today_riga()
    # The kept municipalities are in Latvian alphabetical order already, and so are those of
    # one region among them.
    places = [m for m in kept_places.municipalities() if m.region_code == region.code]
    counts = region_counts(region.code, today)
    return RegionComparison(region=region, rows=[
        Benchmark(m, *counts.get(m.id, (0,) * len(_COUNTS))) for m in places])


_COUNTS = ("ideas", "ideas_as_partner", "wins", "pilots", "pilots_as_partner",
           "milestones_on_time", "milestones_due")


def region_counts(region_code: str, today: date) -> dict[int, tuple[int, ...]]:
    """{municipality id: the Benchmark's counts, in the order of _COUNTS}, from five grouped
    queries over the region: the ideas' and the pilots' kept apart, so that a change of one
    leaves the other kept."""
    ids = _ids_of(region_code)
    ideas, pilots = _idea_counts(region_code), _pilot_counts(region_code, today)
    return {i: ideas.get(i, (0, 0, 0)) + pilots.get(i, (0, 0, 0, 0)) for i in ids}


def _ids_of(region_code: str) -> list[int]:
    return [m.id for m in kept_places.municipalities() if m.region_code == region_code]


@summary
def _idea_counts(region_code: str) -> dict[int, tuple[int, int, int]]:
    """{municipality id: (ideas, ideas as a partner, wins)} of the region's municipalities."""
    ids = _ids_of(region_code)
    rows = {i: [0, 0, 0] for i in ids}
    if not ids:
        return {}
    won = and_(Idea.status == IdeaStatus.WINNER, Hackathon.phase.in_(RESULTS_PHASES))
    for municipality_id, ideas, wins in db.session.execute(
            select(Team.municipality_id, func.count(Idea.id),
                   func.coalesce(func.sum(case((won, 1), else_=0)), 0))
            .join(Team, Team.id == Idea.team_id).join(Hackathon, Hackathon.id == Idea.hackathon_id)
            .where(Team.municipality_id.in_(ids), Idea.status.in_(COMPETING))
            .group_by(Team.municipality_id)):
        rows[municipality_id][0] = ideas
        rows[municipality_id][2] = int(wins)
    for municipality_id, ideas in db.session.execute(
            select(team_partner.c.municipality_id, func.count(Idea.id))
            .join(Idea, Idea.team_id == team_partner.c.team_id)
            .where(team_partner.c.municipality_id.in_(ids), Idea.status.in_(COMPETING))
            .group_by(team_partner.c.municipality_id)):
        rows[municipality_id][1] = ideas
    return {i: (row[0], row[1], row[2]) for i, row in rows.items()}


@summary
def _pilot_counts(region_code: str, today: date) -> dict[int, tuple[int, int, int, int]]:
    """{municipality id: (pilots led, pilots as a partner, milestones met on time, milestones
    due)} of the region's municipalities."""
    from app.pilots.models import pilot_partner

    ids = _ids_of(region_code)
    rows = {i: [0, 0, 0, 0] for i in ids}
    if not ids:
        return {}
    for municipality_id, pilots in db.session.execute(
            select(Pilot.lead_municipality_id, func.count(Pilot.id))
            .where(Pilot.lead_municipality_id.in_(ids)).group_by(Pilot.lead_municipality_id)):
        rows[municipality_id][0] = pilots
    for municipality_id, pilots in db.session.execute(
            select(pilot_partner.c.municipality_id, func.count(pilot_partner.c.pilot_id))
            .where(pilot_partner.c.municipality_id.in_(ids))
            .group_by(pilot_partner.c.municipality_id)):
        rows[municipality_id][1] = pilots
    settled = or_(Milestone.status.in_([MilestoneStatus.DONE, MilestoneStatus.MISSED]),
                  Milestone.due_date < today)
    on_time = and_(Milestone.status == MilestoneStatus.DONE,
                   Milestone.completed_on.is_not(None),
                   Milestone.completed_on <= Milestone.due_date)
    for municipality_id, met, due in db.session.execute(
            select(Pilot.lead_municipality_id,
                   func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
                   func.count(Milestone.id))
            .join(Pilot, Pilot.id == Milestone.pilot_id)
            .where(Pilot.lead_municipality_id.in_(ids), settled)
            .group_by(Pilot.lead_municipality_id)):
        rows[municipality_id][2] = int(met)
        rows[municipality_id][3] = due
    return {i: (row[0], row[1], row[2], row[3]) for i, row in rows.items()}
