"""The coordinator's portfolio: every pilot in the user's scope, summarised by aggregate
queries (counts by health, each region's money, milestones falling due), with only the
shown page's pilots loaded as objects. Its cost does not grow with the number of pilots.

The health rules of health.py are written here once more as SQL (`health_columns`), and
tests/pilots/test_portfolio_aggregates.py holds the two to the same answers.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    func,
    select,
    true,
)

from app.accounts.models import User
from app.core.collation import latvian
from app.extensions import db
from app.hackathons.models import Hackathon
from app.pilots import health as rules
from app.pilots import money
from app.pilots.health_sql import cents, health_columns
from app.pilots.models import Pilot
from app.pilots.models_money import Expense, FundingLine
from app.pilots.models_plan import Milestone
from app.pilots.models_reports import PilotUpdate
from app.pilots.plain import ScopeMilestone, ScopePilot, every_pilot
from app.pilots.queries import (
    _SEVERITY,
    ALL_REGIONS,
    COMING_DAYS,
    Figures,
    PilotRow,
    ScopeKey,
    _list_options,
    load_figures,
    municipality_condition,
    scope_condition_of,
    scope_key,
    summarize,
)
from app.pilots.states import (
    MILESTONE_OPEN,
    FundingKind,
    PilotStatus,
    UpdateStatus,
)
from app.places import kept as kept_places
from app.places.kept import PlainRegion
from app.places.models import REGION_CODES
from app.public.summaries import summary

# --- the portfolio -----------------------------------------------------------------------------

@dataclass
class RegionMoney:
    """A planning region's pilots' money against its programme envelope: programme money
    excluding VAT against the envelope, programme VAT against the VAT line (money.envelope_use).
    A pilot is charged to the region of the hackathon that chose it (national hackathons: the
    lead municipality's region)."""

    region: PlainRegion
    pilots: int
    approved: Decimal
    spent: Decimal
    use: money.EnvelopeUse

    @property
    def unallocated(self) -> Decimal:
        """What the envelope (excl. VAT) still holds after the programme's funding lines."""
        return self.use.remaining

    @property
    def over_envelope(self) -> bool:
        return self.use.over


@dataclass
class DueMilestone:
    milestone: Milestone | ScopeMilestone
    pilot: Pilot | ScopePilot
    days: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days < 0


@dataclass
class Portfolio:
    """The portfolio's figures, all from aggregate queries; only `page` loads pilots."""

    total: int  # in scope, before the filters
    matching: int  # after the filters
    counts: dict[str, int]
    overdue: list[DueMilestone]
    coming: list[DueMilestone]
    waiting: list[WaitingReport]
    money: list[RegionMoney]
    filters: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    overdue_total: int = 0
    coming_total: int = 0
    waiting_total: int = 0
    order: Sequence[int] = ()  # the matching pilots' ids, health first

    shown: tuple[tuple[int, int | None], list[PilotRow]] | None = None

    def page(self, start: int = 0, stop: int | None = None) -> list[PilotRow]:
        """The rows from `start` to `stop` (all with no `stop`), red first, with their pilots
        loaded as objects in a fixed number of queries."""
        if self.shown is not None and self.shown[0] == (start, stop):
            return self.shown[1]
        return self.rows_of(list(self.order[start:stop]))

    def rows_of(self, ids: list[int], *, table: bool = False) -> list[PilotRow]:
        """The pilots `ids`, in that order, with their computed values; with `table`, only
        what the page's table shows, from the kept rows (`plain.every_pilot`)."""
        if not ids:
            return []
        if table:
            kept = every_pilot(self.today).by_id
            return [kept[i] for i in ids]
        condition = Pilot.id.in_(ids)
        pilots = {p.id: p for p in db.session.scalars(
            select(Pilot).where(condition).options(*_list_options())).unique()}
        figures = load_figures(condition)
        return [summarize(pilots[i], figures.get(i, Figures()), self.today) for i in ids]


def clean_filters(args) -> dict[str, Any]:
    """Portfolio filters from the query string; anything unknown is dropped."""
    def number(name):
        value = (args.get(name) or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    region = args.get("region") or ""
    status = args.get("status") or ""
    level = args.get("health") or ""
    return {
        "region": region if region in REGION_CODES else "",
        "status": status if status in {s.value for s in PilotStatus} else "",
        "health": level if level in rules.LEVELS else "",
        "municipality": number("municipality"),
        "hackathon": number("hackathon"),
    }


def sort_key(row: PilotRow):
    """Red first, then amber, then green; within each, the next milestone due first."""
    due = row.next_milestone.due_date if row.next_milestone else date.max
    return (_SEVERITY[row.level], due, row.pilot.title.lower(), row.pilot.id)


def _filter_condition(filters: dict[str, Any]):
    conditions = []
    if filters.get("region"):
        conditions.append(Pilot.region_code == filters["region"])
    if filters.get("status"):
        conditions.append(Pilot.status == PilotStatus(filters["status"]))
    if filters.get("municipality"):
        conditions.append(municipality_condition(filters["municipality"]))
    if filters.get("hackathon"):
        conditions.append(Pilot.hackathon_id == filters["hackathon"])
    return and_(true(), *conditions)


_LEVEL_OF = {severity: level for level, severity in _SEVERITY.items()}
DUE_SHOWN = 20  # the portfolio lists at most this many overdue and coming milestones each
WAITING_SHOWN = 20  # and at most this many reports waiting for approval


def portfolio(user, filters: dict[str, Any], today: date, *, start: int = 0,
              stop: int | None = None, table: bool = False) -> Portfolio:
    """The coordinators' portfolio: the pilots in the user's scope, filtered, with the
    milestones overdue and coming, the reports waiting for approval and each region's money
    against its envelope. Counts and sums come from aggregate queries, so the number of
    queries and the objects loaded do not grow with the pilots. The order by health and its
    counts are kept (`_health_order`); the page from `start` to `stop` is loaded with them,
    which `page` then answers without asking again (with `table`, holding only what the
    page's table shows)."""
    key = scope_key(user)
    scope = scope_condition_of(key)
    level = filters.get("health")
    others = tuple(sorted((name, value) for name, value in filters.items()
                          if name != "health" and value))
    kept_order, kept_counts = _ordered(key, others, level or "", today)
    order, counts = list(kept_order), dict(kept_counts)
    matching = len(order)
    total = matching if not any(filters.values()) else db.session.scalar(
        select(func.count()).select_from(Pilot).where(scope)) or 0
    overdue_ids, coming_ids, overdue_total, coming_total = _due(key, others, level or "", today)
    overdue, coming = _due_milestones(overdue_ids, today), _due_milestones(coming_ids, today)
    waiting, waiting_total = waiting_updates(user)
    result = Portfolio(total=total, matching=matching, counts=counts,
                       overdue=overdue, coming=coming, overdue_total=overdue_total,
                       coming_total=coming_total, waiting=waiting, waiting_total=waiting_total,
                       money=region_money(user), filters=filters, today=today,
                       order=order)
    result.shown = ((start, stop), result.rows_of(order[start:stop], table=table))
    return result


# The scopes and filters kept at once: a filter's values come from the query string.
KEPT_ORDERS = 256


@summary(most=KEPT_ORDERS)
def _ordered(scope: ScopeKey, filters: tuple[tuple[str, Any], ...], level: str, today: date
             ) -> tuple[tuple[int, ...], tuple[tuple[str, int], ...]]:
    """The ids of the pilots in `scope` that match `filters` and `level` in the portfolio's
    order, and how many there are of each health level: read off `_health_order`, and kept
    with it, so that a page of the portfolio does not go over every pilot again."""
    wanted = _SEVERITY[level] if level else None
    order: list[int] = []
    counts = dict.fromkeys(rules.LEVELS, 0)
    for pilot_id, severity in _health_order(scope, filters, today):
        if wanted in (None, severity):
            order.append(pilot_id)
            counts[_LEVEL_OF[severity]] += 1
    return tuple(order), tuple(counts.items())


@summary(most=KEPT_ORDERS)
def _health_order(scope: ScopeKey, filters: tuple[tuple[str, Any], ...], today: date
                  ) -> tuple[tuple[int, int], ...]:
    """(id, severity) of every pilot in `scope` that matches `filters` (but health), red
    first, then by the next due date and the title: the portfolio's order and its health
    counts. Worked out over every pilot's expenses, reports and milestones, so it is kept
    under the public state (every table it reads is public) and computed once per change
    rather than on every page."""
    facts = health_columns(today).where(
        and_(scope_condition_of(scope), _filter_condition(dict(filters)))).subquery()
    return tuple(db.session.execute(
        select(facts.c.id, facts.c.severity)
        .order_by(facts.c.severity, facts.c.next_due.is_(None), facts.c.next_due,
                  func.lower(facts.c.title), facts.c.id)).tuples())


@summary
def _due(scope: ScopeKey, filters: tuple[tuple[str, Any], ...], level: str, today: date,
         days: int = COMING_DAYS, shown: int = DUE_SHOWN
         ) -> tuple[tuple[int, ...], tuple[int, ...], int, int]:
    """The open milestones of the running pilots in `scope` that match `filters` and
    `level`, overdue or falling due within `days`: the ids of the first `shown` of each (the
    longest overdue and the soonest first), and how many there are. Kept under the public
    state, as the order by health is."""
    if level:
        matching: Any = list(_ordered(scope, filters, level, today)[0])
    else:
        matching = select(Pilot.id).where(
            and_(scope_condition_of(scope), _filter_condition(dict(filters))))
    horizon = today + timedelta(days=days)
    due = and_(Milestone.status.in_(sorted(MILESTONE_OPEN)), Milestone.due_date <= horizon,
               Pilot.status.not_in([PilotStatus(v) for v in sorted(rules.PILOT_ENDED)]),
               Milestone.pilot_id.in_(matching))
    late = Milestone.due_date < today
    overdue_total, coming_total = db.session.execute(
        select(func.coalesce(func.sum(case((late, 1), else_=0)), 0),
               func.coalesce(func.sum(case((late, 0), else_=1)), 0))
        .join(Pilot, Pilot.id == Milestone.pilot_id).where(due)).one()

    def first(condition) -> tuple[int, ...]:
        return tuple(db.session.scalars(
            select(Milestone.id).join(Pilot, Pilot.id == Milestone.pilot_id)
            .where(due, condition)
            .order_by(Milestone.due_date, Pilot.id, Milestone.id).limit(shown)))

    return first(late), first(~late), int(overdue_total), int(coming_total)


def _due_milestones(ids: Sequence[int], today: date) -> list[DueMilestone]:
    """The milestones `ids`, in that order, with their pilots, from every pilot's kept row
    (kept under the same public state as the ids)."""
    kept = every_pilot(today).by_milestone
    return [DueMilestone(milestone, pilot, (milestone.due_date - today).days)
            for milestone, pilot in (kept[i] for i in ids if i in kept)]


def due_milestones(rows: Iterable[PilotRow], today: date, *, days: int = COMING_DAYS
                   ) -> tuple[list[DueMilestone], list[DueMilestone]]:
    """Open milestones already overdue, and those falling due within `days`."""
    overdue: list[DueMilestone] = []
    coming: list[DueMilestone] = []
    horizon = today + timedelta(days=days)
    for row in rows:
        if row.pilot.has_ended:
            continue
        for milestone in row.pilot.milestones:
            if not milestone.is_open or milestone.due_date > horizon:
                continue
            item = DueMilestone(milestone, row.pilot, (milestone.due_date - today).days)
            (overdue if item.overdue else coming).append(item)
    overdue.sort(key=lambda d: (d.days, d.pilot.id))
    coming.sort(key=lambda d: (d.days, d.pilot.id))
    return overdue, coming


@dataclass(frozen=True)
class WaitingReport:
    """A public report waiting for a coordinator's approval, as the portfolio lists it."""

    id: int
    pilot_id: int
    pilot_title: str
    reported_on: date
    submitted_at: datetime | None
    author_name: str | None
    body: str


def waiting_updates(user, shown: int = WAITING_SHOWN) -> tuple[list[WaitingReport], int]:
    """The first `shown` public reports waiting for a coordinator's approval in the user's
    scope, oldest first, and how many wait in all: a backlog must not make the page grow,
    and approving the oldest brings the next ones in. Only the columns the list shows are
    read (a pilot's row is long)."""
    count, first = _waiting_statements(scope_key(user))
    total = db.session.scalar(count)
    return ([WaitingReport(*row) for row in db.session.execute(first, {"shown": shown})],
            int(total or 0))


@functools.lru_cache(maxsize=64)
def _waiting_statements(scope: ScopeKey) -> tuple[Any, Any]:
    """`waiting_updates`' two queries for one scope (every region, or a set of the five),
    built once per process: the portfolio asks them on every read."""
    waiting = and_(PilotUpdate.status == UpdateStatus.SUBMITTED, scope_condition_of(scope))
    count = (select(func.count(PilotUpdate.id))
             .join(Pilot, Pilot.id == PilotUpdate.pilot_id).where(waiting))
    first = (select(PilotUpdate.id, Pilot.id, Pilot.title, PilotUpdate.reported_on,
                    PilotUpdate.submitted_at, User.name, PilotUpdate.body)
             .select_from(PilotUpdate).join(Pilot, Pilot.id == PilotUpdate.pilot_id)
             .outerjoin(User, User.id == PilotUpdate.created_by_id).where(waiting)
             .order_by(PilotUpdate.submitted_at, PilotUpdate.id)
             .limit(bindparam("shown", type_=Integer)))
    return count, first


def region_money(user) -> list[RegionMoney]:
    """Each region the user coordinates (all five for national ones): approved and spent of
    the pilots in the user's scope, and the programme's funding lines of every pilot charged
    to it against its envelope. The sums are kept (`_money_sums`)."""
    key = scope_key(user)
    regions = [r for r in kept_places.regions()
               if key == ALL_REGIONS or r.code in key]
    approved, spent, lines = _money_sums(key)
    zero = Decimal("0.00")
    return [RegionMoney(region=r, pilots=approved.get(r.code, (0, zero))[0],
                        approved=approved.get(r.code, (0, zero))[1],
                        spent=spent.get(r.code, zero),
                        use=money.envelope_use(list(lines.get(r.code, ())),
                                               envelope=r.envelope_eur or 0,
                                               vat_envelope=r.vat_envelope_eur or 0))
            for r in regions]


@summary
def _money_sums(scope: ScopeKey) -> tuple[dict[str, tuple[int, Decimal]], dict[str, Decimal],
                                          dict[str, tuple[tuple[str, Decimal, Decimal], ...]]]:
    """By region: the pilots in `scope` and their approved budget, what they spent, and the
    programme's funding lines of every pilot charged to the region; three grouped queries
    over every pilot, kept under the public state."""
    condition = scope_condition_of(scope)
    approved = {code: (pilots, money.from_cents(int(cents or 0)))
                for code, pilots, cents in db.session.execute(
                    select(Pilot.region_code, func.count(),
                           func.sum(cents(Pilot.approved_budget_eur)))
                    .where(condition).group_by(Pilot.region_code))}
    spent = {code: money.from_cents(int(cents or 0)) for code, cents in db.session.execute(
        select(Pilot.region_code, func.sum(cents(Expense.amount_eur)))
        .join(Pilot, Pilot.id == Expense.pilot_id).where(condition)
        .group_by(Pilot.region_code))}
    lines: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for code, kind, amount, vat in db.session.execute(
            select(Pilot.region_code, FundingLine.kind,
                   func.sum(cents(FundingLine.amount_eur)),
                   func.sum(cents(FundingLine.vat_eur)))
            .join(Pilot, Pilot.id == FundingLine.pilot_id)
            .group_by(Pilot.region_code, FundingLine.kind)):
        lines[code].append((FundingKind(kind).value, money.from_cents(int(amount or 0)),
                            money.from_cents(int(vat or 0))))
    return approved, spent, {code: tuple(found) for code, found in lines.items()}


@summary
def pilot_hackathons() -> tuple[tuple[int, str], ...]:
    """The hackathons that have pilots, by title, as (id, title): the choices of the
    portfolio's filter, only what an option shows (a hackathon object carries its long
    texts)."""
    return tuple((row.id, row.title) for row in db.session.execute(
        select(Hackathon.id, Hackathon.title)
        .where(Hackathon.id.in_(select(Pilot.hackathon_id)))
        .order_by(latvian(Hackathon.title))))
