"""The health rules of health.py written as SQL, so that the portfolio counts, filters and
orders pilots by health without loading them. tests/pilots/test_portfolio_aggregates.py
holds this and health.py to the same answers at every rule's edge."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.pilots import health as rules
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Milestone
from app.pilots.models_reports import PilotUpdate
from app.pilots.queries import (
    _SEVERITY,
)
from app.pilots.states import (
    MILESTONE_OPEN,
    MilestoneStatus,
    PilotStatus,
)


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


def cents(column):
    return cast(func.round(column * 100), BigInteger)


def health_columns(today: date):
    """The portfolio's facts of every pilot as one SELECT (a subquery, one row per pilot), with
    its health level and the due date of its next open milestone: the rules of health.py
    written as SQL over the pilot's columns and three grouped subqueries, so that counting,
    filtering and ordering by health loads no pilot. Thresholds are dates computed here, so
    the SQL compares dates; only the spending rule needs a difference of two columns."""
    spent = (select(Expense.pilot_id.label("pilot_id"),
                    func.sum(cents(Expense.amount_eur)).label("cents"))
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
    a = cents(Pilot.approved_budget_eur)  # approved, in cents
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
