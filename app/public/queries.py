"""Reading what the public may see, in a fixed number of queries whatever the data size.

Public means: hackathons that are not drafts; winning ideas of hackathons whose results are
out (the same rule as `Idea.is_public`); every pilot's public fields; approved public pilot
updates. Rows are read as plain tuples with the names the pages show; no person's name or
e-mail address is ever selected here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import joinedload, selectinload

from app.core.clock import RIGA, now_utc, today_riga
from app.core.collation import collated
from app.core.models import UTCDateTime
from app.core.pagination import Page, paginate
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging.models import WinnerDecision
from app.pilots.models import Expense, Milestone, Pilot, PilotUpdate
from app.pilots.states import MilestoneStatus, PilotStatus, UpdateStatus
from app.places.models import REGION_CODES, Municipality, Region
from app.teams.models import Team, team_partner

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


# --- headline figures --------------------------------------------------------------------------

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


def _competing_team_ids():
    return select(Idea.team_id).where(Idea.status.in_(COMPETING))


def headline_figures(today: date | None = None) -> Figures:
    """The home page's figures: one query of aggregates, whatever the number of rows."""
    today = today or today_riga()
    teams = _competing_team_ids()
    places = union(
        select(Team.municipality_id.label("m")).where(Team.id.in_(teams)),
        select(team_partner.c.municipality_id.label("m")).where(team_partner.c.team_id.in_(teams)),
    ).subquery()
    # A milestone counts once it is settled or due: done, missed, or its date has passed.
    settled = or_(Milestone.status.in_([MilestoneStatus.DONE, MilestoneStatus.MISSED]),
                  Milestone.due_date < today)
    on_time = and_(Milestone.status == MilestoneStatus.DONE, Milestone.completed_on.is_not(None),
                   Milestone.completed_on <= Milestone.due_date)
    row = db.session.execute(select(
        select(func.count(Idea.id)).where(Idea.status.in_(COMPETING)).scalar_subquery(),
        select(func.count()).select_from(places).scalar_subquery(),
        select(func.count(Pilot.id)).scalar_subquery(),
        select(func.count(Pilot.id)).where(Pilot.status == PilotStatus.ACTIVE).scalar_subquery(),
        select(func.count(Milestone.id)).where(on_time).scalar_subquery(),
        select(func.count(Milestone.id)).where(settled).scalar_subquery(),
        select(cents(Pilot.approved_budget_eur)).scalar_subquery(),
        select(cents(Expense.amount_eur)).scalar_subquery(),
    )).one()
    return Figures(ideas=row[0] or 0, municipalities=row[1] or 0, pilots=row[2] or 0,
                   pilots_active=row[3] or 0, milestones_on_time=row[4] or 0,
                   milestones_due=row[5] or 0, approved=euros(row[6]), spent=euros(row[7]))


# --- hackathons --------------------------------------------------------------------------------

@dataclass
class HackathonsNow:
    open: list[Hackathon]
    coming: list[Hackathon]


def hackathons_now(now: datetime | None = None, *, limit: int = HOME_LIMIT) -> HackathonsNow:
    """Hackathons taking ideas now (the deadline nearest first) and those opening later (the
    soonest first): two queries."""
    now = now or now_utc()
    base = (select(Hackathon).options(joinedload(Hackathon.region))
            .where(Hackathon.effective_phase_is(Phase.OPEN, now),
                   Hackathon.submission_opens_at.is_not(None)))
    open_now = db.session.scalars(
        base.where(Hackathon.submission_opens_at <= now)
        .order_by(Hackathon.submission_closes_at, Hackathon.id).limit(limit)).all()
    coming = db.session.scalars(
        base.where(Hackathon.submission_opens_at > now)
        .order_by(Hackathon.submission_opens_at, Hackathon.id).limit(limit)).all()
    return HackathonsNow(open=list(open_now), coming=list(coming))


# --- winners -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WinnerRow:
    """A published winning idea as public pages show it (no person is named)."""

    idea_id: int
    title: str
    summary: str
    team: str
    municipality_id: int
    municipality: str
    region_code: str
    hackathon_id: int
    hackathon_slug: str
    hackathon_title: str
    theme: str
    decided_at: datetime | None
    pilot_id: int | None
    pilot_status: PilotStatus | None = None

    @property
    def year(self) -> int | None:
        return self.decided_at.astimezone(RIGA).year if self.decided_at else None


def _winner_columns():
    return (Idea.id, Idea.title, Idea.summary, Team.name, Municipality.id, Municipality.name,
            Municipality.region_code, Hackathon.id, Hackathon.slug, Hackathon.title,
            Hackathon.theme, decided_at().label("decided_at"), Pilot.id, Pilot.status)


def _from_winners(query: Select) -> Select:
    return (query.select_from(Idea).join(Hackathon, Hackathon.id == Idea.hackathon_id)
            .join(Team, Team.id == Idea.team_id)
            .join(Municipality, Municipality.id == Team.municipality_id)
            .outerjoin(WinnerDecision, and_(WinnerDecision.hackathon_id == Idea.hackathon_id,
                                            WinnerDecision.published_at.is_not(None)))
            .outerjoin(Pilot, Pilot.idea_id == Idea.id)
            .where(public_winner_condition()))


def involves_municipality(municipality_id: int):
    """SQL: the idea's team (joined) is led by the municipality or has it as a partner."""
    partners = select(team_partner.c.team_id).where(
        team_partner.c.municipality_id == municipality_id)
    return or_(Team.municipality_id == municipality_id, Team.id.in_(partners))


@dataclass
class WinnerFilters:
    year: int | None = None
    region: str = ""
    municipality: int | None = None
    theme: str = ""

    @classmethod
    def from_args(cls, args) -> WinnerFilters:
        """Filters from the query string; anything unknown or malformed is dropped."""
        def number(name, digits):
            value = (args.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) <= digits else None

        region = args.get("region") or ""
        year = number("year", 4)
        return cls(year=year if year and year >= 2000 else None,
                   region=region if region in REGION_CODES else "",
                   municipality=number("municipality", 9),
                   theme=" ".join((args.get("theme") or "").split())[:200])

    def as_args(self) -> dict[str, Any]:
        return {k: v for k, v in (("year", self.year), ("region", self.region),
                                  ("municipality", self.municipality), ("theme", self.theme))
                if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def winners_query(filters: WinnerFilters | None = None) -> Select:
    """Published winners, newest decision first, with their team, place, hackathon and pilot."""
    filters = filters or WinnerFilters()
    query = _from_winners(select(*_winner_columns()))
    if filters.year:
        start, end = riga_year_bounds(filters.year)
        query = query.where(decided_at() >= start, decided_at() < end)
    if filters.region:
        query = query.where(Municipality.region_code == filters.region)
    if filters.municipality:
        query = query.where(involves_municipality(filters.municipality))
    if filters.theme:
        query = query.where(Hackathon.theme == filters.theme)
    return query.order_by(decided_at().desc(), Hackathon.id.desc(), Idea.id)


def _winner_row(row) -> WinnerRow:
    return WinnerRow(*row)


def winners_page(filters: WinnerFilters, page: int, per_page: int) -> Page:
    """One page of winners: two queries (the rows and their count)."""
    result = paginate(winners_query(filters), page, per_page, scalars=False)
    result.items = [_winner_row(r) for r in result.items]
    return result


def latest_winners(limit: int = HOME_LIMIT, *, municipality: int | None = None
                   ) -> list[WinnerRow]:
    query = winners_query(WinnerFilters(municipality=municipality)).limit(limit)
    return [_winner_row(r) for r in db.session.execute(query)]


@dataclass
class WinnerOptions:
    years: list[int]
    themes: list[str]
    regions: list[Region]
    municipalities: list[Municipality]


def winner_options() -> WinnerOptions:
    """The choices of the winners' filters: three queries."""
    years: set[int] = set()
    themes: set[str] = set()
    for theme, when in db.session.execute(
            _from_winners(select(Hackathon.theme, decided_at())).distinct()):
        if theme:
            themes.add(theme)
        if when is not None:
            years.add(when.astimezone(RIGA).year)
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    municipalities = collated(db.session.scalars(select(Municipality)), key=lambda m: m.name)
    return WinnerOptions(years=sorted(years, reverse=True), themes=collated(themes),
                         regions=list(regions), municipalities=list(municipalities))


# --- a hackathon's published results ------------------------------------------------------------

def published_results(hackathon: Hackathon) -> WinnerDecision | None:
    """The hackathon's published decision (winners, justification, frozen ranking), or None
    before its results are out. The frozen ranking names ideas and municipalities only."""
    if hackathon.phase not in RESULTS_PHASES:
        return None
    return db.session.scalar(select(WinnerDecision).where(
        WinnerDecision.hackathon_id == hackathon.id, WinnerDecision.published_at.is_not(None)))


def hackathon_winners(hackathon: Hackathon) -> list[WinnerRow]:
    """The hackathon's public winners (for its page): one query."""
    if hackathon.phase not in RESULTS_PHASES:
        return []
    query = winners_query().where(Idea.hackathon_id == hackathon.id)
    return [_winner_row(r) for r in db.session.execute(query)]


# --- pilots ------------------------------------------------------------------------------------

def _pilot_list_options():
    return (joinedload(Pilot.lead_municipality), joinedload(Pilot.hackathon),
            selectinload(Pilot.partner_municipalities), selectinload(Pilot.milestones))


def pilot_rows(query: Select, today: date | None = None) -> list:
    """Pilots with progress, health and money computed: four queries whatever their number
    (the pilots, their partners and milestones, then spending and reports in bulk)."""
    from app.pilots import queries as pilot_queries

    today = today or today_riga()
    pilots = db.session.scalars(query.options(*_pilot_list_options())).unique().all()
    if not pilots:
        return []
    figures = pilot_queries.load_figures(Pilot.id.in_([p.id for p in pilots]))
    return pilot_queries.summarize_all(pilots, figures, today)


@dataclass
class PilotFilters:
    region: str = ""
    status: str = ""
    health: str = ""
    municipality: int | None = None

    @classmethod
    def from_args(cls, args) -> PilotFilters:
        """Filters from the query string; anything unknown or malformed is dropped."""
        from app.pilots.health import LEVELS

        value = (args.get("municipality") or "").strip()
        region, status, health = (args.get(n) or "" for n in ("region", "status", "health"))
        return cls(region=region if region in REGION_CODES else "",
                   status=status if status in {s.value for s in PilotStatus} else "",
                   health=health if health in LEVELS else "",
                   municipality=int(value) if value.isdigit() and len(value) <= 9 else None)

    def as_args(self) -> dict[str, Any]:
        return {k: v for k, v in (("region", self.region), ("status", self.status),
                                  ("health", self.health), ("municipality", self.municipality))
                if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def pilots_query(filters: PilotFilters) -> Select:
    """Every pilot (its public fields are public), the most recently started first."""
    from app.pilots.queries import municipality_condition

    query = select(Pilot).order_by(Pilot.start_date.desc(), Pilot.id.desc())
    if filters.region:
        query = query.where(Pilot.region_code == filters.region)
    if filters.status:
        query = query.where(Pilot.status == PilotStatus(filters.status))
    if filters.municipality:
        query = query.where(municipality_condition(filters.municipality))
    return query


def pilots_page(filters: PilotFilters, page: int, per_page: int,
                today: date | None = None) -> Page:
    """One page of pilots with health and progress. Health is computed, not stored, so a
    health filter computes it for every pilot that passes the other filters; either way the
    number of queries is fixed (six)."""
    from app.pilots import queries as pilot_queries

    today = today or today_riga()
    query = pilots_query(filters)
    if not filters.health:
        result = paginate(query.options(*_pilot_list_options()), page, per_page)
        figures = pilot_queries.load_figures(Pilot.id.in_([p.id for p in result.items])) \
            if result.items else {}
        result.items = pilot_queries.summarize_all(result.items, figures, today)
        return result
    rows = [r for r in pilot_rows(query, today) if r.level == filters.health]
    start = (page - 1) * per_page
    return Page(items=rows[start:start + per_page], page=page, per_page=per_page,
                total=len(rows))


def pilots_in_progress(limit: int = HOME_LIMIT, today: date | None = None) -> list:
    """Active pilots, the most recently started first."""
    query = (select(Pilot).where(Pilot.status == PilotStatus.ACTIVE)
             .order_by(Pilot.start_date.desc(), Pilot.id.desc()).limit(limit))
    return pilot_rows(query, today)


# --- a municipality and its region -------------------------------------------------------------

@dataclass
class Benchmark:
    """One municipality's figures beside the others of its planning region (counts, shares)."""

    municipality: Municipality
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
    region: Region
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


def municipality_by_id(municipality_id: int) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.id == municipality_id)
                             .options(joinedload(Municipality.region)))


def region_comparison(region: Region, today: date | None = None) -> RegionComparison:
    """Every municipality of the region with its ideas, wins, pilots and milestones met on
    time: five grouped queries, whatever the number of ideas and pilots."""
    today = today or today_riga()
    places = collated(db.session.scalars(select(Municipality).where(
        Municipality.region_code == region.code)), key=lambda m: m.name)
    ids = [m.id for m in places]
    rows = {m.id: Benchmark(municipality=m) for m in places}
    if not ids:
        return RegionComparison(region=region)
    won = and_(Idea.status == IdeaStatus.WINNER, Hackathon.phase.in_(RESULTS_PHASES))
    for municipality_id, ideas, wins in db.session.execute(
            select(Team.municipality_id, func.count(Idea.id),
                   func.coalesce(func.sum(case((won, 1), else_=0)), 0))
            .join(Team, Team.id == Idea.team_id).join(Hackathon, Hackathon.id == Idea.hackathon_id)
            .where(Team.municipality_id.in_(ids), Idea.status.in_(COMPETING))
            .group_by(Team.municipality_id)):
        rows[municipality_id].ideas = ideas
        rows[municipality_id].wins = int(wins)
    for municipality_id, ideas in db.session.execute(
            select(team_partner.c.municipality_id, func.count(Idea.id))
            .join(Idea, Idea.team_id == team_partner.c.team_id)
            .where(team_partner.c.municipality_id.in_(ids), Idea.status.in_(COMPETING))
            .group_by(team_partner.c.municipality_id)):
        rows[municipality_id].ideas_as_partner = ideas
    for municipality_id, pilots in db.session.execute(
            select(Pilot.lead_municipality_id, func.count(Pilot.id))
            .where(Pilot.lead_municipality_id.in_(ids)).group_by(Pilot.lead_municipality_id)):
        rows[municipality_id].pilots = pilots
    from app.pilots.models import pilot_partner

    for municipality_id, pilots in db.session.execute(
            select(pilot_partner.c.municipality_id, func.count(pilot_partner.c.pilot_id))
            .where(pilot_partner.c.municipality_id.in_(ids))
            .group_by(pilot_partner.c.municipality_id)):
        rows[municipality_id].pilots_as_partner = pilots
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
        rows[municipality_id].milestones_on_time = int(met)
        rows[municipality_id].milestones_due = due
    return RegionComparison(region=region, rows=[rows[i] for i in ids])


def municipality_pilots(municipality_id: int, today: date | None = None) -> list:
    """Pilots the municipality leads or is a partner of, newest first."""
    from app.pilots.queries import municipality_condition

    query = (select(Pilot).where(municipality_condition(municipality_id))
             .order_by(Pilot.start_date.desc(), Pilot.id.desc()))
    return pilot_rows(query, today)


# --- feeds and the sitemap ---------------------------------------------------------------------

@dataclass
class ResultsEntry:
    """A hackathon's published results, as a feed entry."""

    hackathon_id: int
    slug: str
    title: str
    published: datetime
    winners: list[WinnerRow] = field(default_factory=list)


def recent_results(limit: int = 30) -> list[ResultsEntry]:
    """The newest published results with their winners: two queries."""
    when = decided_at().label("when")
    latest = db.session.execute(
        select(Hackathon.id, Hackathon.slug, Hackathon.title, func.max(when))
        .select_from(Idea).join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .outerjoin(WinnerDecision, and_(WinnerDecision.hackathon_id == Idea.hackathon_id,
                                        WinnerDecision.published_at.is_not(None)))
        .where(public_winner_condition())
        .group_by(Hackathon.id, Hackathon.slug, Hackathon.title)
        .order_by(func.max(when).desc(), Hackathon.id.desc()).limit(limit)).all()
    entries = {row[0]: ResultsEntry(row[0], row[1], row[2], row[3]) for row in latest}
    if entries:
        for row in db.session.execute(
                winners_query().where(Idea.hackathon_id.in_(list(entries)))):
            winner = _winner_row(row)
            entries[winner.hackathon_id].winners.append(winner)
    return list(entries.values())


@dataclass(frozen=True)
class UpdateEntry:
    """An approved public progress report, as a feed entry (the pilot and its place only)."""

    id: int
    pilot_id: int
    pilot_title: str
    municipality: str
    reported_on: date
    published: datetime
    body_html: str  # sanitised when saved


def published_updates_condition():
    return and_(PilotUpdate.public.is_(True), PilotUpdate.status == UpdateStatus.APPROVED)


def recent_updates(limit: int = 30, *, pilot_id: int | None = None) -> list[UpdateEntry]:
    """The newest approved public progress reports: one query."""
    published = func.coalesce(PilotUpdate.reviewed_at, PilotUpdate.created_at,
                              type_=UTCDateTime())
    query = (select(PilotUpdate.id, Pilot.id, Pilot.title, Municipality.name,
                    PilotUpdate.reported_on, published, PilotUpdate.body_html)
             .join(Pilot, Pilot.id == PilotUpdate.pilot_id)
             .join(Municipality, Municipality.id == Pilot.lead_municipality_id)
             .where(published_updates_condition())
             .order_by(published.desc(), PilotUpdate.id.desc()).limit(limit))
    if pilot_id is not None:
        query = query.where(Pilot.id == pilot_id)
    return [UpdateEntry(*row) for row in db.session.execute(query)]


@dataclass
class SitemapData:
    hackathons: list[tuple[str, datetime | None]]
    winners: list[tuple[int, datetime | None]]
    pilots: list[tuple[int, datetime | None]]
    municipalities: list[int]


def sitemap_data() -> SitemapData:
    """Every public page's address and last change: four narrow queries."""
    hackathons = db.session.execute(
        select(Hackathon.slug, Hackathon.updated_at).where(Hackathon.phase != Phase.DRAFT)
        .order_by(Hackathon.id)).all()
    winners = db.session.execute(
        select(Idea.id, Idea.updated_at).join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .where(public_winner_condition()).order_by(Idea.id)).all()
    pilots = db.session.execute(select(Pilot.id, Pilot.updated_at).order_by(Pilot.id)).all()
    municipalities = db.session.scalars(select(Municipality.id).order_by(Municipality.id)).all()
    return SitemapData(hackathons=[tuple(r) for r in hackathons],
                       winners=[tuple(r) for r in winners], pilots=[tuple(r) for r in pilots],
                       municipalities=list(municipalities))


def pilot_last_update(pilot_id: int) -> datetime | None:
    return db.session.scalar(select(func.max(func.coalesce(
        PilotUpdate.reviewed_at, PilotUpdate.created_at, type_=UTCDateTime())))
        .where(PilotUpdate.pilot_id == pilot_id, published_updates_condition()))



# --- pilots by region and municipality ---------------------------------------------------------

@dataclass
class PlaceCount:
    municipality: Municipality
    led: int
    partner: int


@dataclass
class RegionOverview:
    region: Region
    pilots: int
    active: int
    places: list[PlaceCount]


def pilot_overview() -> list[RegionOverview]:
    """How many pilots each planning region has, and each municipality leads or joins as a
    partner: three aggregate queries, whatever the number of pilots."""
    from app.pilots.models import pilot_partner

    per_region = {code: (total, active) for code, total, active in db.session.execute(
        select(Pilot.region_code, func.count(Pilot.id),
               func.count(Pilot.id).filter(Pilot.status == PilotStatus.ACTIVE))
        .group_by(Pilot.region_code))}
    led = dict(db.session.execute(select(Pilot.lead_municipality_id, func.count(Pilot.id))
                                  .group_by(Pilot.lead_municipality_id)).tuples().all())
    partner = dict(db.session.execute(
        select(pilot_partner.c.municipality_id, func.count(pilot_partner.c.pilot_id))
        .group_by(pilot_partner.c.municipality_id)).tuples().all())
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    places = collated(db.session.scalars(select(Municipality)), key=lambda m: m.name)
    return [RegionOverview(
        region=region, pilots=per_region.get(region.code, (0, 0))[0],
        active=per_region.get(region.code, (0, 0))[1],
        places=[PlaceCount(m, led.get(m.id, 0), partner.get(m.id, 0)) for m in places
                if m.region_code == region.code and (led.get(m.id) or partner.get(m.id))])
        for region in regions]
