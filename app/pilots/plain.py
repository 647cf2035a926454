"""Pilots as plain values: what a table of pilots shows and what their health is worked out
from, read as columns, without one object per pilot or milestone.

The portfolio weighs every pilot a coordinator follows this way (`load_scope`). The tables of
pilots (the public list, a municipality's pilots, the pilots in progress on the home page and
the portfolio's page) read every pilot's row from `every_pilot`, which is kept under the
public state: each table it reads is public, so any change to one of them is seen on the
next read, and between changes a table costs no query at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import select, true

from app.extensions import db
from app.hackathons.models import Hackathon
from app.pilots import health as rules
from app.pilots.models import Pilot, pilot_partner
from app.pilots.models_plan import Milestone
from app.pilots.queries import PilotRow, load_figures, scope_condition, summarize_all
from app.pilots.states import MILESTONE_OPEN, MilestoneStatus, PilotStatus, milestone_overdue
from app.places import kept as kept_places
from app.places.kept import PlainMunicipality
from app.places.models import Municipality, in_latvian_order
from app.public.cache import (
    MOST_PILOTS,
    PublicState,
    current_state,
    pilots_changed,
    unsaved_change,
)
from app.public.summaries import answering, public_store, read_also, summary, tables_read


@dataclass(frozen=True)
class Named:
    """A hackathon as a table names it: its id and its title."""

    id: int
    title: str


@dataclass(frozen=True)
class ThemeName:
    """The assessment theme a pilot addresses, as the API's list names it."""

    id: int
    name: str
    instrument_id: int


@dataclass(frozen=True)
class ScopeMilestone:
    """A milestone as the portfolio ranks and lists it: its plain columns, no object."""

    id: int
    title: str
    due_date: date
    status: MilestoneStatus
    weight: Decimal
    completed_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status in MILESTONE_OPEN

    def is_overdue(self, today: date) -> bool:
        return milestone_overdue(self.status, self.due_date, today)

    def facts(self) -> rules.MilestoneFacts:
        return rules.MilestoneFacts(weight=self.weight, status=self.status.value,
                                    due_date=self.due_date, completed_on=self.completed_on,
                                    title=self.title)


@dataclass
class ScopePilot:
    """A pilot as a table and the API's list show it and as the portfolio ranks, filters,
    counts and sums it. It answers what `summarize`, the table templates and the list's
    schema (`PublicPilotSchema`) ask of a Pilot."""

    id: int
    idea_id: int
    title: str
    summary: str
    summary_html: str
    status: PilotStatus
    region_code: str
    hackathon_id: int
    lead_municipality_id: int
    approved_budget_eur: Decimal
    start_date: date
    end_date: date
    lead_municipality: PlainMunicipality
    hackathon: Named
    partner_municipalities: tuple[PlainMunicipality, ...]
    assessment_theme: ThemeName | None
    milestones: list[ScopeMilestone]

    @property
    def partner_ids(self) -> frozenset[int]:
        return frozenset(m.id for m in self.partner_municipalities)

    @property
    def has_ended(self) -> bool:
        return self.status.has_ended

    def municipality_ids(self) -> set[int]:
        return {self.lead_municipality_id, *self.partner_ids}

    def next_milestone(self) -> ScopeMilestone | None:
        return next((m for m in self.milestones if m.is_open), None)

    def facts(self, *, spent: Decimal | None, last_report_on: date | None,
              loaded: bool = False) -> rules.PilotFacts:
        return rules.PilotFacts(
            status=self.status.value, start_date=self.start_date, end_date=self.end_date,
            approved_budget=self.approved_budget_eur,
            spent=spent if spent is not None else Decimal("0.00"),
            milestones=[m.facts() for m in self.milestones], last_report_on=last_report_on)


def load_plain(condition, today: date) -> list[PilotRow]:
    """The pilots matching `condition` with their computed values, the most recently started
    first: five queries whatever their number."""
    from app.programme.models import Theme

    milestones: dict[int, list[ScopeMilestone]] = defaultdict(list)
    for pilot_id, *columns in db.session.execute(
            select(Milestone.pilot_id, Milestone.id, Milestone.title, Milestone.due_date,
                   Milestone.status, Milestone.weight, Milestone.completed_on)
            .join(Pilot, Pilot.id == Milestone.pilot_id).where(condition)
            .order_by(Milestone.pilot_id, Milestone.due_date, Milestone.id)):
        milestones[pilot_id].append(ScopeMilestone(*columns))
    places = kept_places.municipality_by_id()
    partners: dict[int, list[PlainMunicipality]] = defaultdict(list)
    for pilot_id, municipality_id in db.session.execute(
            select(pilot_partner.c.pilot_id, pilot_partner.c.municipality_id)
            .join(Pilot, Pilot.id == pilot_partner.c.pilot_id)
            # In the order a pilot's own page lists them (the relationship's).
            .join(Municipality, Municipality.id == pilot_partner.c.municipality_id)
            .where(condition).order_by(in_latvian_order())):
        partners[pilot_id].append(places[municipality_id])
    figures = load_figures(condition)
    pilots = [ScopePilot(id=row.id, idea_id=row.idea_id, title=row.title, summary=row.summary,
                         summary_html=row.summary_html, status=row.status,
                         region_code=row.region_code, hackathon_id=row.hackathon_id,
                         lead_municipality_id=row.lead_municipality_id,
                         approved_budget_eur=row.approved_budget_eur,
                         start_date=row.start_date, end_date=row.end_date,
                         lead_municipality=places[row.lead_municipality_id],
                         hackathon=Named(row.hackathon_id, row.hackathon_title),
                         partner_municipalities=tuple(partners.get(row.id, ())),
                         assessment_theme=None if row.theme_id is None else ThemeName(
                             row.theme_id, row.theme_name, row.theme_instrument_id),
                         milestones=milestones.get(row.id, []))
              for row in db.session.execute(
                  select(Pilot.id, Pilot.idea_id, Pilot.title, Pilot.summary,
                         Pilot.summary_html, Pilot.status, Pilot.region_code,
                         Pilot.hackathon_id, Pilot.lead_municipality_id,
                         Pilot.approved_budget_eur, Pilot.start_date, Pilot.end_date,
                         Hackathon.title.label("hackathon_title"),
                         Theme.id.label("theme_id"), Theme.name.label("theme_name"),
                         Theme.instrument_id.label("theme_instrument_id"))
                  .join(Hackathon, Hackathon.id == Pilot.hackathon_id)
                  .outerjoin(Theme, Theme.id == Pilot.assessment_theme_id)
                  .where(condition)
                  .order_by(Pilot.start_date.desc(), Pilot.id.desc()))]
    return summarize_all(pilots, figures, today)  # type: ignore[arg-type]  # a Pilot's stand-in


def load_scope(user, today: date) -> list[PilotRow]:
    """Every pilot the user follows (`scope_condition`) with its computed values."""
    return load_plain(scope_condition(user), today)


def admits(row: PilotRow, *, region: str = "", status: str = "",
           municipality: int | None = None, hackathon: int | None = None,
           health: str = "") -> bool:
    """Whether a pilot's row passes a list's filters (each one empty: any): its organising
    region, its status, a municipality that leads it or takes part, its hackathon, its
    health level."""
    pilot = row.pilot
    return ((not region or pilot.region_code == region)
            and (not status or pilot.status.value == status)
            and (not municipality or municipality in pilot.municipality_ids())
            and (not hackathon or pilot.hackathon_id == hackathon)
            and (not health or row.level == health))


def matching(today: date, **filters) -> list[PilotRow]:
    """Every pilot's kept row that passes the filters (`admits`), the most recently started
    first: the lists of pilots, on pages and in the API. A municipality or a status narrows
    the rows looked over first (a municipality's page and the home page ask on every read)."""
    every = every_pilot(today)
    status, municipality = filters.get("status"), filters.get("municipality")
    if municipality:
        rows = every.by_municipality.get(municipality, ())
        narrowed_by = "municipality"
    else:
        rows = every.by_status.get(status, ()) if status else every.newest_first
        narrowed_by = "status"
    if not any(value for name, value in filters.items() if name != narrowed_by):
        return list(rows)
    return [row for row in rows if admits(row, **filters)]


@dataclass(frozen=True)
class EveryPilot:
    """Every pilot's table row, the most recently started first; by id; by status and by
    municipality, in the same order; and each milestone with its pilot."""

    newest_first: tuple[PilotRow, ...]
    by_id: dict[int, PilotRow]
    by_status: dict[str, tuple[PilotRow, ...]]
    by_municipality: dict[int, tuple[PilotRow, ...]]  # leading or a partner, in the same order
    # Every milestone with its pilot, for the portfolio's lists of milestones due.
    by_milestone: dict[int, tuple[ScopeMilestone, ScopePilot]]


@dataclass(frozen=True)
class _Carried:
    """Every pilot's rows as last worked out in this process: the public state they were
    read under (or after), the day their health is of, and the tables they read."""

    state: PublicState
    today: date
    read: frozenset[str]
    rows: tuple[PilotRow, ...]


CARRIED = f"{__name__}.every_pilot"


@summary
def every_pilot(today: date) -> EveryPilot:
    """Every pilot's table row, kept under the public state (see the module's docstring).

    After a change, the first reader works out again only the rows of the pilots changed
    since the rows this process worked out last (`cache.pilots_changed`), unless a change
    wrote a table they read without naming its pilots (a hackathon's title, a
    municipality's name): then every row."""
    store = public_store()
    # The state the rows will be kept under, not the state read again: that may be an
    # older one, read by a slower request of this process, and miss a newer change.
    state = answering()
    if not isinstance(state, PublicState):
        state = current_state()
    carried = store.carried.get(CARRIED)
    rows: tuple[PilotRow, ...] | None = None
    unsaved = unsaved_change()  # rows of this transaction's own changes: read afresh
    if carried is not None and carried.today == today and not unsaved:
        changed = pilots_changed(carried.state, state.version, carried.read)
        if changed is not None and len(changed) <= MOST_PILOTS:
            rows, read = _with_changed(carried.rows, changed, today), carried.read
            read_also(read)
    if rows is None:
        with tables_read() as reading:
            rows = tuple(load_plain(true(), today))
        read = frozenset(reading)
    if not unsaved and read <= store.watched:
        store.carried[CARRIED] = _Carried(state, today, read, rows)
    return _indexed(rows)


def _with_changed(rows: tuple[PilotRow, ...], changed: frozenset[int], today: date
                  ) -> tuple[PilotRow, ...]:
    """`rows` with the rows of the `changed` pilots read again (a deleted one gone, a new
    one added), in the same order as `load_plain`'s."""
    if not changed:
        return rows
    fresh = load_plain(Pilot.id.in_(sorted(changed)), today)
    merged = [row for row in rows if row.pilot.id not in changed] + fresh
    merged.sort(key=lambda row: (row.pilot.start_date, row.pilot.id), reverse=True)
    return tuple(merged)


def _indexed(rows: tuple[PilotRow, ...]) -> EveryPilot:
    scope_pilots = [cast(ScopePilot, row.pilot) for row in rows]  # load_plain's stand-ins
    by_status: dict[str, list[PilotRow]] = {}
    by_municipality: dict[int, list[PilotRow]] = {}
    for row, pilot in zip(rows, scope_pilots, strict=True):
        by_status.setdefault(pilot.status.value, []).append(row)
        for municipality_id in dict.fromkeys((pilot.lead_municipality_id, *pilot.partner_ids)):
            by_municipality.setdefault(municipality_id, []).append(row)
    return EveryPilot(newest_first=rows, by_id={row.pilot.id: row for row in rows},
                      by_status={status: tuple(found) for status, found in by_status.items()},
                      by_municipality={m: tuple(found) for m, found in by_municipality.items()},
                      by_milestone={milestone.id: (milestone, pilot) for pilot in scope_pilots
                                    for milestone in pilot.milestones})
