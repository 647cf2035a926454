"""Loading pilots for pages, the API, the portfolio, CSV and e-mails in a fixed number of queries.

Lists load the pilots with their milestones in one go, then the money and the date of
the last report for all of them in one query each (`load_figures`), and hand the plain
numbers to the pure rules (health.py, money.py). The number of queries does not grow
with the number of pilots.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from app.core.collation import collated
from app.core.spreadsheet import formula_safe
from app.extensions import db
from app.hackathons.models import Hackathon
from app.pilots import health as rules
from app.pilots import money
from app.pilots.models import (
    Expense,
    FundingLine,
    Indicator,
    Milestone,
    Pilot,
    PilotUpdate,
    pilot_partner,
)
from app.pilots.states import (
    MILESTONE_OPEN,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    UpdateStatus,
)
from app.places.models import REGION_CODES, Region

COMING_DAYS = 30  # the portfolio lists milestones falling due in the next 30 days
_SEVERITY = {rules.RED: 0, rules.AMBER: 1, rules.GREEN: 2}


# --- one pilot ---------------------------------------------------------------------------------

def pilot_by_id(pilot_id: int) -> Pilot | None:
    """A pilot with what its page shows, loaded up front."""
    from app.teams.models import Team, TeamMember

    return db.session.scalar(
        select(Pilot).where(Pilot.id == pilot_id).options(
            joinedload(Pilot.hackathon), joinedload(Pilot.lead_municipality),
            joinedload(Pilot.coordinator), joinedload(Pilot.idea),
            joinedload(Pilot.assessment_theme),
            joinedload(Pilot.team).selectinload(Team.members).joinedload(TeamMember.user),
            selectinload(Pilot.partner_municipalities),
            selectinload(Pilot.milestones).joinedload(Milestone.evidence_document),
            selectinload(Pilot.indicators).selectinload(Indicator.measurements),
            selectinload(Pilot.funding_lines), selectinload(Pilot.expenses),
            selectinload(Pilot.updates).joinedload(PilotUpdate.created_by),
            selectinload(Pilot.status_changes), selectinload(Pilot.replications),
            selectinload(Pilot.evaluation), selectinload(Pilot.documents),
        )
    )


# --- lists -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """What a list needs besides the pilot's own columns and milestones."""

    spent: Decimal = Decimal("0.00")
    last_report_on: date | None = None


@dataclass
class PilotRow:
    """A pilot with its computed values, as lists, the API and e-mails show it."""

    pilot: Pilot
    progress: int
    health: rules.Health
    spent: Decimal
    remaining: Decimal
    next_milestone: Milestone | None
    last_report_on: date | None

    @property
    def level(self) -> str:
        return self.health.level


def summarize(pilot: Pilot, figures: Figures | None, today: date) -> PilotRow:
    """The computed values of one pilot. Without `figures`, from the pilot's own rows."""
    if figures is None:
        figures = Figures(spent=pilot.spent_eur, last_report_on=pilot.last_report_on)
    facts = pilot.facts(spent=figures.spent, last_report_on=figures.last_report_on,
                        loaded=False)
    return PilotRow(
        pilot=pilot, progress=rules.progress(facts.milestones),
        health=rules.health(facts, today), spent=figures.spent,
        remaining=money.remaining_eur(pilot.approved_budget_eur, figures.spent),
        next_milestone=pilot.next_milestone(), last_report_on=figures.last_report_on)


def load_figures(condition) -> dict[int, Figures]:
    """Spent (exact, in whole cents) and last report date of the pilots matching
    `condition` (a where-clause on Pilot): two queries, whatever their number."""
    # Summed as whole cents, which every database adds exactly (amounts have two decimals),
    # instead of fetching every expense to add in Python.
    cents = cast(func.sum(cast(func.round(Expense.amount_eur * 100), BigInteger)), BigInteger)
    spent = {pilot_id: money.from_cents(total) for pilot_id, total in db.session.execute(
        select(Expense.pilot_id, cents).join(Pilot, Pilot.id == Expense.pilot_id)
        .where(condition).group_by(Expense.pilot_id))}
    reports = {pilot_id: last for pilot_id, last in db.session.execute(
        select(PilotUpdate.pilot_id, func.max(PilotUpdate.reported_on))
        .join(Pilot, Pilot.id == PilotUpdate.pilot_id).where(condition)
        .group_by(PilotUpdate.pilot_id))}
    return {i: Figures(spent=spent.get(i, Decimal("0.00")), last_report_on=reports.get(i))
            for i in set(spent) | set(reports)}


def summarize_all(pilots: Iterable[Pilot], figures: dict[int, Figures], today: date
                  ) -> list[PilotRow]:
    return [summarize(p, figures.get(p.id, Figures()), today) for p in pilots]


def _list_options():
    return (joinedload(Pilot.lead_municipality), joinedload(Pilot.hackathon),
            joinedload(Pilot.region), joinedload(Pilot.coordinator),
            selectinload(Pilot.partner_municipalities), selectinload(Pilot.milestones),
            selectinload(Pilot.funding_lines), joinedload(Pilot.assessment_theme))


def scope_condition(user):
    """The pilots a user follows in the portfolio: admins and national coordinators all;
    a regional coordinator those of their regions and of their regions' hackathons."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if user.is_admin or user.is_national_coordinator:
        return true()
    codes = sorted(user.coordinated_region_codes())
    if not codes:
        return false()
    return or_(Pilot.region_code.in_(codes),
               Pilot.hackathon_id.in_(select(Hackathon.id)
                                      .where(Hackathon.region_code.in_(codes))))


def municipality_condition(municipality_id: int):
    """Pilots led by the municipality or with it as a partner."""
    return or_(Pilot.lead_municipality_id == municipality_id,
               Pilot.id.in_(select(pilot_partner.c.pilot_id)
                            .where(pilot_partner.c.municipality_id == municipality_id)))


def public_list_query(*, region: str = "", status: str = "", municipality: int | None = None,
                      hackathon: int | None = None):
    """Every pilot (their public fields are public), newest start first, filtered."""
    query = select(Pilot).options(*_list_options()).order_by(Pilot.start_date.desc(),
                                                               Pilot.id.desc())
    if region:
        query = query.where(Pilot.region_code == region)
    if status:
        query = query.where(Pilot.status == PilotStatus(status))
    if municipality:
        query = query.where(municipality_condition(municipality))
    if hackathon:
        query = query.where(Pilot.hackathon_id == hackathon)
    return query


def my_pilots(user) -> list[Pilot]:
    """The pilots of the user's teams."""
    from app.teams.models import TeamMember

    return list(db.session.scalars(
        select(Pilot).join(TeamMember, TeamMember.team_id == Pilot.team_id)
        .where(TeamMember.user_id == user.id).options(*_list_options())
        .order_by(Pilot.start_date.desc(), Pilot.id.desc())).unique())


# --- the portfolio -----------------------------------------------------------------------------

@dataclass
class RegionMoney:
    """A planning region's pilots' money against its programme envelope: programme money
    excluding VAT against the envelope, programme VAT against the VAT line (money.envelope_use).
    A pilot is charged to the region of the hackathon that chose it (national hackathons: the
    lead municipality's region)."""

    region: Region
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
    milestone: Milestone
    pilot: Pilot
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
    waiting: list[PilotUpdate]
    money: list[RegionMoney]
    filters: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    overdue_total: int = 0
    coming_total: int = 0
    order: Any = None  # the health-first SELECT of the matching pilots' ids

    shown: tuple[tuple[int, int | None], list[PilotRow]] | None = None

    def page(self, start: int = 0, stop: int | None = None) -> list[PilotRow]:
        """The rows from `start` to `stop` (all with no `stop`), red first, with their pilots
        loaded as objects in a fixed number of queries."""
        if self.shown is not None and self.shown[0] == (start, stop):
            return self.shown[1]
        if self.order is None:
            return []
        return self.rows_of(list(db.session.scalars(_bounded(self.order, start, stop))))

    def rows_of(self, ids: list[int]) -> list[PilotRow]:
        """The pilots `ids`, in that order, with their computed values."""
        if not ids:
            return []
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

    def facts(self) -> rules.MilestoneFacts:
        return rules.MilestoneFacts(weight=self.weight, status=self.status.value,
                                    due_date=self.due_date, completed_on=self.completed_on,
                                    title=self.title)


@dataclass
class ScopePilot:
    """A pilot as the portfolio ranks, filters, counts and sums it: plain columns, so that
    every pilot a coordinator follows is weighed without loading one as an object. It answers
    what `summarize` asks of a Pilot; only the page shown loads real pilots (`Portfolio.page`)."""

    id: int
    title: str
    status: PilotStatus
    region_code: str
    hackathon_id: int
    lead_municipality_id: int
    approved_budget_eur: Decimal
    start_date: date
    end_date: date
    partner_ids: frozenset[int]
    milestones: list[ScopeMilestone]

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


def load_scope(user, today: date) -> list[PilotRow]:
    """Every pilot the user follows with its computed values, from plain columns (ScopePilot):
    five queries, and no object per pilot or milestone."""
    condition = scope_condition(user)
    milestones: dict[int, list[ScopeMilestone]] = defaultdict(list)
    for pilot_id, *columns in db.session.execute(
            select(Milestone.pilot_id, Milestone.id, Milestone.title, Milestone.due_date,
                   Milestone.status, Milestone.weight, Milestone.completed_on)
            .join(Pilot, Pilot.id == Milestone.pilot_id).where(condition)
            .order_by(Milestone.pilot_id, Milestone.due_date, Milestone.id)):
        milestones[pilot_id].append(ScopeMilestone(*columns))
    partners: dict[int, set[int]] = defaultdict(set)
    for pilot_id, municipality_id in db.session.execute(
            select(pilot_partner.c.pilot_id, pilot_partner.c.municipality_id)
            .join(Pilot, Pilot.id == pilot_partner.c.pilot_id).where(condition)):
        partners[pilot_id].add(municipality_id)
    figures = load_figures(condition)
    pilots = [ScopePilot(id=row.id, title=row.title, status=row.status,
                         region_code=row.region_code, hackathon_id=row.hackathon_id,
                         lead_municipality_id=row.lead_municipality_id,
                         approved_budget_eur=row.approved_budget_eur,
                         start_date=row.start_date, end_date=row.end_date,
                         partner_ids=frozenset(partners.get(row.id, ())),
                         milestones=milestones.get(row.id, []))
              for row in db.session.execute(
                  select(Pilot.id, Pilot.title, Pilot.status, Pilot.region_code,
                         Pilot.hackathon_id, Pilot.lead_municipality_id,
                         Pilot.approved_budget_eur, Pilot.start_date, Pilot.end_date)
                  .where(condition))]
    return summarize_all(pilots, figures, today)  # type: ignore[arg-type]  # a Pilot's stand-in


class days_between(FunctionElement):
    """Whole days from the second date to the first (`end - start`), on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"  # PostgreSQL: date - date is an integer of days


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _cents(column):
    return cast(func.round(column * 100), BigInteger)


def health_columns(today: date):
    """The portfolio's facts of every pilot as one SELECT (a subquery, one row per pilot), with
    its health level and the due date of its next open milestone: the rules of health.py
    written as SQL over the pilot's columns and three grouped subqueries, so that counting,
    filtering and ordering by health loads no pilot. Thresholds are dates computed here, so
    the SQL compares dates; only the spending rule needs a difference of two columns."""
    spent = (select(Expense.pilot_id.label("pilot_id"),
                    func.sum(_cents(Expense.amount_eur)).label("cents"))
             .group_by(Expense.pilot_id).subquery())
    reports = (select(PilotUpdate.pilot_id.label("pilot_id"),
                      func.max(PilotUpdate.reported_on).label("last"))
               .group_by(PilotUpdate.pilot_id).subquery())
    is_open = Milestone.status.in_(sorted(MILESTONE_OPEN))
    soon = and_(Milestone.status == MilestoneStatus.PLANNED, Milestone.due_date >= today,
                Milestone.due_date <= today + timedelta(days=rules.DUE_SOON_DAYS))
    marks = (select(Milestone.pilot_id.label("pilot_id"),
                    func.min(case((is_open, Milestone.due_date))).label("next_due"),
                    func.max(case((soon, 1), else_=0)).label("soon"))
             .group_by(Milestone.pilot_id).subquery())

    s = func.coalesce(spent.c.cents, 0)  # spent, in cents
    a = _cents(Pilot.approved_budget_eur)  # approved, in cents
    days = days_between(Pilot.end_date, Pilot.start_date)
    passed = days_between(literal(today, Date), Pilot.start_date)
    # spent % - elapsed % > 20 points, in whole numbers (health.elapsed_share's three cases)
    ahead = case(
        (or_(and_(days <= 0, Pilot.start_date > today), and_(days > 0, passed <= 0)),
         s * 5 > a),
        (or_(days <= 0, passed >= days), s * 5 > a * 6),
        else_=s * 5 * days > a * (passed * 5 + days))
    ended = Pilot.status.in_([PilotStatus(v) for v in sorted(rules.PILOT_ENDED)])
    running = ~ended
    reporting = Pilot.status.in_([PilotStatus(v) for v in sorted(rules.PILOT_REPORTING)])

    def silent_since(limit: date):
        return and_(reporting, Pilot.start_date <= limit,
                    or_(reports.c.last.is_(None), reports.c.last <= limit))

    red = or_(and_(running, marks.c.next_due
                   < today - timedelta(days=rules.OVERDUE_RED_AFTER_DAYS)),
              s > a, silent_since(today - timedelta(days=rules.NO_REPORT_RED_DAYS)))
    amber = or_(and_(running, or_(marks.c.next_due < today, marks.c.soon == 1)),
                and_(running, a > 0, ahead),
                silent_since(today - timedelta(days=rules.NO_REPORT_AMBER_DAYS)))
    severity = case((red, _SEVERITY[rules.RED]), (amber, _SEVERITY[rules.AMBER]),
                    else_=_SEVERITY[rules.GREEN])
    return (select(Pilot.id.label("id"), Pilot.title.label("title"),
                   severity.label("severity"), marks.c.next_due.label("next_due"))
            .outerjoin(spent, spent.c.pilot_id == Pilot.id)
            .outerjoin(reports, reports.c.pilot_id == Pilot.id)
            .outerjoin(marks, marks.c.pilot_id == Pilot.id))


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


def portfolio(user, filters: dict[str, Any], today: date, *, start: int = 0,
              stop: int | None = None) -> Portfolio:
    """The coordinators' portfolio: the pilots in the user's scope, filtered, with the
    milestones overdue and coming, the reports waiting for approval and each region's money
    against its envelope. Counts and sums come from aggregate queries, so the number of
    queries and the objects loaded do not grow with the pilots. The health counts ride on
    the query of the page from `start` to `stop` (window functions), which `page` then
    answers without asking again."""
    scope = scope_condition(user)
    filtered = and_(scope, _filter_condition(filters))
    facts = health_columns(today).where(filtered).subquery()
    level = filters.get("health")
    chosen = facts.c.severity == _SEVERITY[level] if level else true()
    order = (select(facts.c.id).where(chosen)
             .order_by(facts.c.severity, facts.c.next_due.is_(None), facts.c.next_due,
                       func.lower(facts.c.title), facts.c.id))
    counts = {name: 0 for name in rules.LEVELS}
    ids: list[int] = []
    for pilot_id, *per_level in db.session.execute(
            _bounded(order.add_columns(*(
                func.sum(case((facts.c.severity == _SEVERITY[name], 1), else_=0)).over()
                for name in rules.LEVELS)), start, stop)):
        ids.append(pilot_id)
        counts = dict(zip(rules.LEVELS, map(int, per_level), strict=True))
    if not ids and start:  # past the last page: count without a page
        for severity, number in db.session.execute(
                select(facts.c.severity, func.count()).where(chosen)
                .group_by(facts.c.severity)):
            counts[_LEVEL_OF[severity]] = number
    matching = sum(counts.values())
    total = matching if not any(filters.values()) else db.session.scalar(
        select(func.count()).select_from(Pilot).where(scope)) or 0
    overdue, coming, overdue_total, coming_total = due_in(
        select(facts.c.id).where(chosen) if level else select(Pilot.id).where(filtered),
        today)
    result = Portfolio(total=total, matching=matching, counts=counts,
                       overdue=overdue, coming=coming, overdue_total=overdue_total,
                       coming_total=coming_total, waiting=waiting_updates(user),
                       money=region_money(user, scope), filters=filters, today=today,
                       order=order)
    result.shown = ((start, stop), result.rows_of(ids))
    return result


def _bounded(query, start: int, stop: int | None):
    query = query.offset(start) if start else query
    return query.limit(max(stop - start, 0)) if stop is not None else query


def due_in(matching, today: date, *, days: int = COMING_DAYS, shown: int = DUE_SHOWN
           ) -> tuple[list[DueMilestone], list[DueMilestone], int, int]:
    """The open milestones of the running pilots in `matching` (a SELECT of ids) that are
    overdue or fall due within `days`: the first `shown` of each, and how many there are."""
    horizon = today + timedelta(days=days)
    due = and_(Milestone.status.in_(sorted(MILESTONE_OPEN)), Milestone.due_date <= horizon,
               Pilot.status.not_in([PilotStatus(v) for v in sorted(rules.PILOT_ENDED)]),
               Milestone.pilot_id.in_(matching))
    late = Milestone.due_date < today
    overdue_total, coming_total = db.session.execute(
        select(func.coalesce(func.sum(case((late, 1), else_=0)), 0),
               func.coalesce(func.sum(case((late, 0), else_=1)), 0))
        .join(Pilot, Pilot.id == Milestone.pilot_id).where(due)).one()

    def first(condition) -> list[DueMilestone]:
        return [DueMilestone(m, m.pilot, (m.due_date - today).days) for m in db.session.scalars(
            select(Milestone).join(Pilot, Pilot.id == Milestone.pilot_id)
            .where(due, condition).options(contains_eager(Milestone.pilot))
            .order_by(Milestone.due_date, Pilot.id, Milestone.id).limit(shown))]

    return (first(late), first(~late), int(overdue_total), int(coming_total))


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


def waiting_updates(user) -> list[PilotUpdate]:
    """Public reports submitted and waiting for a coordinator's approval, oldest first."""
    return list(db.session.scalars(
        select(PilotUpdate).join(Pilot, Pilot.id == PilotUpdate.pilot_id)
        .where(PilotUpdate.status == UpdateStatus.SUBMITTED, scope_condition(user))
        .options(joinedload(PilotUpdate.pilot), joinedload(PilotUpdate.created_by))
        .order_by(PilotUpdate.submitted_at, PilotUpdate.id)))


def region_money(user, scope) -> list[RegionMoney]:
    """Each region the user coordinates (all five for national ones): approved and spent of
    the pilots in `scope` (a condition on Pilot), and the programme's funding lines of every
    pilot charged to it against its envelope; four grouped queries."""
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    if not (user.is_admin or user.is_national_coordinator):
        codes = user.coordinated_region_codes()
        regions = [r for r in regions if r.code in codes]
    approved = {code: (pilots, money.from_cents(int(cents or 0)))
                for code, pilots, cents in db.session.execute(
                    select(Pilot.region_code, func.count(),
                           func.sum(_cents(Pilot.approved_budget_eur)))
                    .where(scope).group_by(Pilot.region_code))}
    spent = {code: money.from_cents(int(cents or 0)) for code, cents in db.session.execute(
        select(Pilot.region_code, func.sum(_cents(Expense.amount_eur)))
        .join(Pilot, Pilot.id == Expense.pilot_id).where(scope).group_by(Pilot.region_code))}
    lines: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for code, kind, amount, vat in db.session.execute(
            select(Pilot.region_code, FundingLine.kind,
                   func.sum(_cents(FundingLine.amount_eur)),
                   func.sum(_cents(FundingLine.vat_eur)))
            .join(Pilot, Pilot.id == FundingLine.pilot_id)
            .group_by(Pilot.region_code, FundingLine.kind)):
        lines[code].append((FundingKind(kind).value, money.from_cents(int(amount or 0)),
                            money.from_cents(int(vat or 0))))
    zero = Decimal("0.00")
    return [RegionMoney(region=r, pilots=approved.get(r.code, (0, zero))[0],
                        approved=approved.get(r.code, (0, zero))[1],
                        spent=spent.get(r.code, zero),
                        use=money.envelope_use(lines[r.code], envelope=r.envelope_eur or 0,
                                               vat_envelope=r.vat_envelope_eur or 0))
            for r in regions]


def filter_options() -> dict[str, Sequence[Any]]:
    """The choices of the portfolio's filters (two queries)."""
    from app.places.models import Municipality

    return {
        "municipalities": collated(db.session.scalars(select(Municipality)),
                                   key=lambda m: m.name),
        # Only what an option shows: a hackathon object carries its long texts.
        "hackathons": db.session.execute(
            select(Hackathon.id, Hackathon.title)
            .where(Hackathon.id.in_(select(Pilot.hackathon_id)))
            .order_by(Hackathon.title)).all(),
    }


# --- CSV ---------------------------------------------------------------------------------------

CSV_COLUMNS = ["id", "title", "status", "health", "health_reasons", "progress_percent",
               "region", "lead_municipality", "partner_municipalities", "hackathon",
               "start_date", "end_date", "approved_budget_eur", "spent_eur", "remaining_eur",
               "next_milestone", "next_milestone_due", "last_report_on", "url",
               "charged_region", "programme_eur", "programme_vat_eur", "municipal_eur",
               "municipal_vat_eur", "other_eur", "other_vat_eur"]
csv_cell = formula_safe  # the one rule, in app/core/spreadsheet.py


def _split_cells(pilot: Pilot) -> list[str]:
    split = pilot.funding_by_source()
    return [f"{split[source][name]:.2f}" for source in ("programme", "municipal", "other")
            for name in ("amount_eur", "vat_eur")]


def portfolio_csv(rows: list[PilotRow], *, url: Callable[[Pilot], str],
                  reason_text: Callable[[rules.Reason], str], delimiter: str = ",") -> str:
    """UTF-8 with a byte-order mark, so that Excel reads the Latvian letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        pilot, nxt = row.pilot, row.next_milestone
        writer.writerow([
            pilot.id, csv_cell(pilot.title), pilot.status.value, row.level,
            csv_cell(" | ".join(reason_text(r) for r in row.health.reasons)),
            row.progress, pilot.region_code, csv_cell(pilot.lead_municipality.name),
            csv_cell("; ".join(m.name for m in pilot.partner_municipalities)),
            csv_cell(pilot.hackathon.title), pilot.start_date.isoformat(),
            pilot.end_date.isoformat(), f"{pilot.approved_budget_eur:.2f}",
            f"{row.spent:.2f}", f"{row.remaining:.2f}",
            csv_cell(nxt.title) if nxt else "", nxt.due_date.isoformat() if nxt else "",
            row.last_report_on.isoformat() if row.last_report_on else "", url(pilot),
            pilot.region_code, *_split_cells(pilot),
        ])
    return "\ufeff" + buffer.getvalue()

