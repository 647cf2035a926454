"""Winning ideas: the winners list with its filters, the newest ones, and a hackathon's
published results."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select

from app.core.clock import RIGA
from app.core.collation import collated
from app.core.formatting import fmt_points
from app.core.pagination import Page, page_of, paginate
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging.models_results import ResultsCorrection, WinnerDecision
from app.pilots.models import Pilot
from app.pilots.states import PilotStatus
from app.places import kept as kept_places
from app.places.kept import PlainRegion
from app.places.models import REGION_CODES, Municipality
from app.public.queries.common import (
    HOME_LIMIT,
    RESULTS_PHASES,
    decided_at,
    public_winner_condition,
    riga_year_bounds,
)
from app.public.summaries import summary
from app.teams.models import Team, team_partner


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
    """A winner's row's columns but its pilot's (`WinnerRow`'s last two fields)."""
    return (Idea.id, Idea.title, Idea.summary, Team.name, Municipality.id, Municipality.name,
            Municipality.region_code, Hackathon.id, Hackathon.slug, Hackathon.title,
            Hackathon.theme, decided_at().label("decided_at"))


def _from_winners(query: Select) -> Select:
    """Public winners with their hackathon, team and place. Not their pilot: what reads no
    pilot is kept over an edit of one (app/public/summaries.py)."""
    return (query.select_from(Idea).join(Hackathon, Hackathon.id == Idea.hackathon_id)
            .join(Team, Team.id == Idea.team_id)
            .join(Municipality, Municipality.id == Team.municipality_id)
            .outerjoin(WinnerDecision, and_(WinnerDecision.hackathon_id == Idea.hackathon_id,
                                            WinnerDecision.published_at.is_not(None)))
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
    return _filtered(_from_winners(select(*_winner_columns(), Pilot.id, Pilot.status))
                     .outerjoin(Pilot, Pilot.idea_id == Idea.id), filters)


def _filtered(query: Select, filters: WinnerFilters | None) -> Select:
    """`query` of winners (`_from_winners`) narrowed by `filters`, newest decision first."""
    filters = filters or WinnerFilters()
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


def winner_row(row) -> WinnerRow:
    return WinnerRow(*row)


def winners_page(filters: WinnerFilters, page: int, per_page: int) -> Page:
    """One page of winners. Unfiltered, from every winner's row kept until public data
    changes (`_every_winner`); filtered, two queries (the rows and their count)."""
    if not filters.active:
        return page_of(_every_winner().in_order, page, per_page)
    result = paginate(winners_query(filters), page, per_page, scalars=False)
    result.items = [winner_row(r) for r in result.items]
    return result


def latest_winners(limit: int = HOME_LIMIT) -> list[WinnerRow]:
    return list(_every_winner().in_order[:limit])


def municipality_winners(municipality_id: int, limit: int) -> Page:
    """The first `limit` winners in which a municipality takes part (lead or partner), and
    how many there are: for the municipality's page, so only for a municipality that
    exists, which bounds what is kept to one order per municipality."""
    result = page_of(_winner_order_of(municipality_id), 1, limit)
    by_id = _every_winner().by_id
    result.items = [by_id[i] for i in result.items if i in by_id]
    return result


@summary
def _winner_order_of(municipality_id: int) -> tuple[int, ...]:
    return tuple(db.session.scalars(_filtered(_from_winners(select(Idea.id)),
                                              WinnerFilters(municipality=municipality_id))))


@dataclass(frozen=True)
class EveryWinner:
    """Every public winner's row in the winners list's order, and by idea."""

    in_order: tuple[WinnerRow, ...]
    by_id: dict[int, WinnerRow]


@summary
def _every_winner() -> EveryWinner:
    """Every public winner's row, kept until public data changes: the list's pages, the home
    page's latest and a municipality's winners read them from memory. Sorting and joining
    every winner is what grows with the data; the filters' combinations are many and each
    is rarely asked for, so only this unfiltered list is kept.

    Its two halves are kept apart: a pilot's edit (its team saves it often) puts the
    winners' pilots together again with their other columns, kept, rather than joining
    every winner again."""
    pilots = _pilot_of_idea()
    rows = tuple(WinnerRow(*columns, *pilots.get(columns[0], (None, None)))
                 for columns in _every_winners_columns())
    return EveryWinner(in_order=rows, by_id={row.idea_id: row for row in rows})


@summary
def _every_winners_columns() -> tuple[tuple[Any, ...], ...]:
    """Every public winner's columns but its pilot's, in the winners list's order."""
    return tuple(tuple(row) for row in db.session.execute(
        _filtered(_from_winners(select(*_winner_columns())), None)))


@summary
def _pilot_of_idea() -> dict[int, tuple[int, PilotStatus]]:
    """{idea id: (its pilot's id, the pilot's status)} for every pilot."""
    return {idea_id: (pilot_id, status) for idea_id, pilot_id, status in db.session.execute(
        select(Pilot.idea_id, Pilot.id, Pilot.status))}


@dataclass
class WinnerOptions:
    years: list[int]
    themes: list[str]
    regions: list[PlainRegion]


def winner_options() -> WinnerOptions:
    """The choices of the winners' filters (the municipalities' are kept rendered:
    app/places/options.py): the years and themes of every winner kept until public data
    changes, and the regions."""
    years, themes = _winner_years_and_themes()
    return WinnerOptions(years=list(years), themes=list(themes),
                         regions=list(kept_places.regions()))


@summary
def _winner_years_and_themes() -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The years winners were chosen in (newest first) and their hackathons' themes."""
    years: set[int] = set()
    themes: set[str] = set()
    for theme, when in db.session.execute(
            _from_winners(select(Hackathon.theme, decided_at())).distinct()):
        if theme:
            themes.add(theme)
        if when is not None:
            years.add(when.astimezone(RIGA).year)
    return tuple(sorted(years, reverse=True)), tuple(collated(themes))


@dataclass(frozen=True)
class PublishedPlace:
    """A row of a published ranking as the hackathon's page shows it: the frozen row's
    values, its numbers already written out (`fmt_points`, the same in every language)."""

    idea_id: int | None
    rank: Any  # the place, or "—"
    title: str | None
    municipality: Any
    score: str
    normalized_score: str
    reviews: Any
    flags: tuple[str, ...]
    won: bool


@dataclass(frozen=True)
class PublishedCorrection:
    """When and why published results were last corrected, as the page says it."""

    corrected_at: datetime
    reason: str


@dataclass(frozen=True)
class PublishedResults:
    """A hackathon's published decision as its page shows it (justification, frozen ranking
    with its winners marked, the latest correction). The ranking names ideas and
    municipalities only: judges are never named."""

    published_at: datetime
    justification: str
    departs_from_ranking: bool
    ranking_order: str
    ranking: tuple[PublishedPlace, ...]
    latest_correction: PublishedCorrection | None


def published_results(hackathon: Hackathon) -> PublishedResults | None:
    """The hackathon's published decision, or None before its results are out. Kept until
    public data changes (`_published_results`): the frozen ranking is decoded and written
    out once, not on every view of the page."""
    if hackathon.phase not in RESULTS_PHASES:
        return None
    return _published_results(hackathon.id)


@summary
def _published_results(hackathon_id: int) -> PublishedResults | None:
    decision_statement, correction_statement = _published_results_statements()
    decision = db.session.execute(decision_statement, {"hackathon_id": hackathon_id}).first()
    if decision is None:
        return None
    published_at, idea_ids, justification, departs, ranking, ranking_order, decision_id = decision
    latest = db.session.execute(correction_statement, {"decision_id": decision_id}).first()
    winners = set(idea_ids or ())
    places = tuple(
        PublishedPlace(idea_id=row.get("idea_id"), rank=row.get("rank") or "—",
                       title=row.get("title"), municipality=row.get("municipality", ""),
                       score=fmt_points(row.get("score")),
                       normalized_score=fmt_points(row.get("normalized_score")),
                       reviews=row.get("reviews", ""), flags=tuple(row.get("flags") or ()),
                       won=row.get("idea_id") in winners)
        for row in ranking or () if isinstance(row, dict))
    return PublishedResults(
        published_at=published_at, justification=justification, departs_from_ranking=departs,
        ranking_order=ranking_order, ranking=places,
        latest_correction=PublishedCorrection(*latest) if latest else None)


@functools.cache
def _published_results_statements() -> tuple[Select, Select]:
    """`_published_results`' two queries, built once per process: the shown columns of a
    hackathon's published decision, and when and why it was last corrected (the page shows
    the latest correction only)."""
    decision = select(WinnerDecision.published_at, WinnerDecision.idea_ids,
                      WinnerDecision.justification, WinnerDecision.departs_from_ranking,
                      WinnerDecision.ranking, WinnerDecision.ranking_order, WinnerDecision.id
                      ).where(WinnerDecision.hackathon_id == bindparam("hackathon_id"),
                              WinnerDecision.published_at.is_not(None))
    correction = (select(ResultsCorrection.corrected_at, ResultsCorrection.reason)
                  .where(ResultsCorrection.decision_id == bindparam("decision_id"))
                  .order_by(ResultsCorrection.number.desc()).limit(1))
    return decision, correction


def hackathon_winners(hackathon: Hackathon) -> list[WinnerRow]:
    """The hackathon's public winners (for its page), from every winner's kept row."""
    if hackathon.phase not in RESULTS_PHASES:
        return []
    return [row for row in _every_winner().in_order if row.hackathon_id == hackathon.id]


def _published_winners(query: Select) -> Select:
    return (query.select_from(Idea)
            .join(WinnerDecision, WinnerDecision.hackathon_id == Idea.hackathon_id)
            .where(Idea.status == IdeaStatus.WINNER, WinnerDecision.published_at.is_not(None)))


@summary
def _published_winner_order() -> tuple[int, ...]:
    """The API's winners' idea ids in its order, kept until public data changes."""
    return tuple(db.session.scalars(_published_winners(select(Idea.id)).order_by(
        WinnerDecision.published_at.desc(), Idea.id)))


@dataclass(frozen=True)
class PublishedWinner:
    """A winner as the API lists it: plain values, kept across readers."""

    idea_id: int
    title: str
    summary: str
    municipality: str
    hackathon_id: int
    hackathon_slug: str
    hackathon_title: str
    rank: Any
    score: Any
    normalized_score: Any
    published_at: datetime


def published_winners_page(page: int, per_page: int) -> Page:
    """The API's winners: ideas of published decisions, newest decision first, each with
    its place and score in the ranking published with it.

    The order of every winner is kept (`_published_winner_order`), and so are the rows of
    each page asked for (`_published_winner_rows`): a list read by every reader alike
    until public data changes is worked out once per change, not once per request."""
    order = _published_winner_order()
    start = (page - 1) * per_page
    return Page(list(_published_winner_rows(order[start:start + per_page])), page, per_page,
                len(order))


@summary(most=256)
def _published_winner_rows(shown: tuple[int, ...]) -> tuple[PublishedWinner, ...]:
    """The winners `shown` (idea ids, in order), with only the shown columns; each
    decision's frozen ranking is kept as each idea's place (`_published_places`)."""
    if not shown:
        return ()
    found = {row[0]: row for row in db.session.execute(_published_winners(
        select(Idea.id, Idea.title, Idea.summary, Municipality.name, Idea.hackathon_id,
               Hackathon.slug, Hackathon.title, WinnerDecision.id, WinnerDecision.published_at))
        .join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .join(Team, Team.id == Idea.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .where(Idea.id.in_(shown)))}
    items = []
    for idea_id in shown:
        if idea_id not in found:
            continue
        (_id, title, idea_summary, municipality, hackathon_id, slug, hackathon_title,
         decision_id, published_at) = found[idea_id]
        rank, score, normalized = _published_places(decision_id).get(idea_id, (None,) * 3)
        items.append(PublishedWinner(idea_id, title, idea_summary, municipality, hackathon_id,
                                     slug, hackathon_title, rank, score, normalized,
                                     published_at))
    return tuple(items)


@summary
def _published_places(decision_id: int) -> dict[int, tuple[Any, Any, Any]]:
    """{idea id: (rank, score, normalised score)} in a decision's frozen ranking (a row per
    idea of the hackathon), read and decoded once per change of public data rather than
    on every page."""
    ranking = db.session.scalar(select(WinnerDecision.ranking).where(
        WinnerDecision.id == decision_id))
    return {row["idea_id"]: (row.get("rank"), row.get("score"), row.get("normalized_score"))
            for row in ranking or () if isinstance(row, dict) and "idea_id" in row}
