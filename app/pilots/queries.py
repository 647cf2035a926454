"""Loading pilots for pages, the API, the portfolio, CSV and e-mails in a fixed number of queries.

Lists load the pilots with their milestones in one go, then the money and the date of
the last report for all of them in one query each (`load_figures`), and hand the plain
numbers to the pure rules (health.py, money.py). The number of queries does not grow
with the number of pilots.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    bindparam,
    cast,
    false,
    func,
    inspect,
    or_,
    select,
    true,
)
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.core.spreadsheet import formula_safe
from app.extensions import db
from app.hackathons.models import Hackathon
from app.pilots import health as rules
from app.pilots import money
from app.pilots.models import Pilot, Replication, pilot_partner
from app.pilots.models_money import Expense
from app.pilots.models_plan import Indicator, Measurement, Milestone
from app.pilots.models_reports import PilotDocument, PilotEvaluation, PilotUpdate
from app.pilots.states import (
    PilotStatus,
)

COMING_DAYS = 30  # the portfolio lists milestones falling due in the next 30 days
_SEVERITY = {rules.RED: 0, rules.AMBER: 1, rules.GREEN: 2}


# --- one pilot ---------------------------------------------------------------------------------

def pilot_by_id(pilot_id: int, *, public: bool = False) -> Pilot | None:
    """A pilot with what its page shows, loaded up front: its single relations joined, each
    collection with a query of its own (`_internal_statements`).

    With `public`, only what anyone may see (`_public_page`): the page of a reader who is
    not signed in, who never sees an internal part."""
    if public:
        return _public_page(pilot_id)
    pilot_statement, collections, members = _internal_statements()
    params = {"pilot_id": pilot_id}
    pilot = db.session.scalars(pilot_statement, params).unique().one_or_none()
    if pilot is None:
        return None
    for name, statement in collections.items():
        set_committed_value(pilot, name, list(db.session.scalars(statement, params).unique()))
    if pilot.team is not None:
        set_committed_value(pilot.team, "members", list(db.session.scalars(
            members, {"team_id": pilot.team.id}).unique()))
    return pilot


@cache
def _internal_statements() -> tuple[Select, dict[str, Select], Select]:
    """The statements of a pilot's whole page (`pilot_by_id`), built once per process as
    `_public_statements` are: the pilot with its single relations and partners, each
    collection, and the team's members with their accounts."""
    from app.teams.models import Team, TeamMember

    pilot = select(Pilot).where(Pilot.id == _PILOT_ID).options(
        joinedload(Pilot.hackathon), joinedload(Pilot.lead_municipality),
        joinedload(Pilot.coordinator), joinedload(Pilot.idea),
        joinedload(Pilot.assessment_theme), joinedload(Pilot.team),
        joinedload(Pilot.evaluation), joinedload(Pilot.partner_municipalities))
    collections = {name: _children(name) for name in (
        "funding_lines", "expenses", "status_changes", "replications", "documents")}
    collections |= {
        "milestones": _children("milestones", joinedload(Milestone.evidence_document)),
        "indicators": _children("indicators", joinedload(Indicator.measurements)),
        "updates": _children("updates", joinedload(PilotUpdate.created_by)),
    }
    prop = inspect(Team).relationships["members"]
    members = (select(TeamMember)
               .where(TeamMember.team_id == bindparam("team_id", type_=Integer))
               .order_by(*(prop.order_by or ())).options(joinedload(TeamMember.user)))
    return pilot, collections, members


_PILOT_ID = bindparam("pilot_id", type_=Integer)


def _children(name: str, *options) -> Select:
    """A pilot's collection `name`, in the relationship's order, for the bound pilot_id."""
    prop = inspect(Pilot).relationships[name]
    (foreign_key,) = prop.remote_side
    return (select(prop.mapper.class_).where(foreign_key == _PILOT_ID)
            .order_by(*(prop.order_by or ())).options(*options))


def _public_page(pilot_id: int) -> Pilot | None:
    """The pilot's public parts, each in one query whose statement is built once
    (`_public_statements`): the statements are the same for every pilot, only the bound id
    differs, so SQLAlchemy computes their cache keys once per process instead of on every
    request, where that took longer than running them.

    Left out, as nobody may see them on this page: the status history, the documents (but
    a public invoice's file name), the coordinator, the team's members, who wrote a report,
    a milestone's evidence. Every report is loaded, internal ones too: health counts the
    latest of any kind. A relation left out still loads on first use, as usual."""
    pilot_statement, collections = _public_statements()
    params = {"pilot_id": pilot_id}
    pilot = db.session.scalars(pilot_statement, params).unique().one_or_none()
    if pilot is None:
        return None
    for name, statement in collections.items():
        set_committed_value(pilot, name, list(db.session.scalars(statement, params).unique()))
    return pilot


@cache
def _public_statements() -> tuple[Select, dict[str, Select]]:
    """The statements of `_public_page`: the pilot with its single relations and its few
    partner municipalities, and each other shown collection in the relationship's order
    (the indicators with their measurements)."""
    from app.ideas.models import Idea
    from app.teams.models import Team

    pilot_id = _PILOT_ID
    # Only the columns the page shows or its rules read: the Markdown sources of the HTML
    # kept beside them, the authors and the timestamps are long texts and dates that would
    # be converted row by row and never shown. A column left out still loads on first use.
    pilot = select(Pilot).where(Pilot.id == pilot_id).options(
        load_only(Pilot.id, Pilot.idea_id, Pilot.team_id, Pilot.hackathon_id,
                  Pilot.lead_municipality_id, Pilot.region_code, Pilot.assessment_theme_id,
                  Pilot.title, Pilot.summary_html, Pilot.status, Pilot.start_date,
                  Pilot.end_date, Pilot.approved_budget_eur, Pilot.evidence_required,
                  Pilot.version),
        joinedload(Pilot.hackathon).load_only(Hackathon.id, Hackathon.title,
                                              Hackathon.region_code),
        joinedload(Pilot.lead_municipality), joinedload(Pilot.assessment_theme),
        joinedload(Pilot.evaluation).load_only(
            PilotEvaluation.id, PilotEvaluation.pilot_id, PilotEvaluation.results_html,
            PilotEvaluation.lessons_html, PilotEvaluation.recommendation),
        joinedload(Pilot.region), joinedload(Pilot.partner_municipalities),
        # Only the idea's title and the team's name are shown: their own eager relations
        # (the idea's team, the team's municipalities) would cost a join and a query more.
        joinedload(Pilot.idea).load_only(Idea.id, Idea.title).lazyload("*"),
        joinedload(Pilot.team).load_only(Team.id, Team.name).lazyload("*"))

    collections = {
        "funding_lines": _children("funding_lines"),
        # An invoice marked public links its file: its id and name come with the expense.
        "expenses": _children("expenses", load_only(
            Expense.id, Expense.pilot_id, Expense.spent_on, Expense.amount_eur,
            Expense.description, Expense.category, Expense.document_id,
            Expense.document_public), joinedload(Expense.document).load_only(
            PilotDocument.id, PilotDocument.filename)),
        "replications": _children("replications", load_only(
            Replication.id, Replication.pilot_id, Replication.municipality_id,
            Replication.status, Replication.started_on, Replication.note)),
        "milestones": _children("milestones", load_only(
            Milestone.id, Milestone.pilot_id, Milestone.title, Milestone.description,
            Milestone.due_date, Milestone.weight, Milestone.status, Milestone.completed_on)),
        "indicators": _children("indicators", load_only(
            Indicator.id, Indicator.pilot_id, Indicator.position, Indicator.name,
            Indicator.unit, Indicator.direction, Indicator.baseline_value,
            Indicator.baseline_on, Indicator.target_value, Indicator.target_on),
            joinedload(Indicator.measurements).load_only(
                Measurement.id, Measurement.indicator_id, Measurement.value,
                Measurement.measured_on, Measurement.note)),
        # Every report's date (health), the text only of those shown; the Markdown source,
        # the review note and the authors are internal.
        "updates": _children("updates", load_only(
            PilotUpdate.id, PilotUpdate.pilot_id, PilotUpdate.reported_on,
            PilotUpdate.body_html, PilotUpdate.public, PilotUpdate.status)),
    }
    return pilot, collections


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


def table_options() -> tuple:
    """What a table of pilots shows (the portfolio's, the public lists') and their health is
    computed from, and nothing else: a whole pilot with its coordinator, hackathon and
    milestones carries a thousand timestamps and long texts per page that a table never
    shows. Any other column raises instead of being loaded row by row."""
    return (load_only(Pilot.id, Pilot.title, Pilot.status, Pilot.start_date, Pilot.end_date,
                      Pilot.approved_budget_eur, Pilot.lead_municipality_id,
                      Pilot.hackathon_id, raiseload=True),
            joinedload(Pilot.lead_municipality), selectinload(Pilot.partner_municipalities),
            joinedload(Pilot.hackathon).load_only(Hackathon.id, Hackathon.title,
                                                  raiseload=True),
            selectinload(Pilot.milestones).load_only(
                Milestone.id, Milestone.pilot_id, Milestone.title, Milestone.due_date,
                Milestone.weight, Milestone.status, Milestone.completed_on, raiseload=True))


def _list_options():
    return (joinedload(Pilot.lead_municipality), joinedload(Pilot.hackathon),
            joinedload(Pilot.region), joinedload(Pilot.coordinator),
            selectinload(Pilot.partner_municipalities), selectinload(Pilot.milestones),
            selectinload(Pilot.funding_lines), joinedload(Pilot.assessment_theme))


ScopeKey = tuple[str, ...]
ALL_REGIONS: ScopeKey = ("*",)


def scope_key(user) -> ScopeKey:
    """Whose pilots a user follows, as plain values: every pilot (`ALL_REGIONS`) for admins
    and national coordinators, a regional coordinator's region codes, or none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    if user.is_admin or user.is_national_coordinator:
        return ALL_REGIONS
    return tuple(sorted(user.coordinated_region_codes()))


def scope_condition(user):
    """The pilots a user follows in the portfolio: admins and national coordinators all;
    a regional coordinator those of their regions and of their regions' hackathons."""
    return scope_condition_of(scope_key(user))


def scope_condition_of(scope: ScopeKey):
    """`scope_condition` for a `scope_key`."""
    if scope == ALL_REGIONS:
        return true()
    if not scope:
        return false()
    return or_(Pilot.region_code.in_(scope),
               Pilot.hackathon_id.in_(select(Hackathon.id)
                                      .where(Hackathon.region_code.in_(scope))))


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

