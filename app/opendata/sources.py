"""Where each public table's rows come from: one function per table of dataset.TABLES.

Each function answers an iterable of mappings (column name → value) in a fixed number
of queries, whatever the number of rows: plain column selects, no ORM objects, so tens
of thousands of rows stay cheap. A source may select more than the table describes;
only the described columns are ever written (app.opendata.export).

The conditions here are those of the public pages: hackathons that are not drafts,
ideas that won once the results are out (Idea.is_public), every pilot, approved public
progress reports only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, or_, select, true

from app.extensions import db

Rows = Iterable[Mapping[str, Any]]
BATCH = 1000


@dataclass(frozen=True)
class Moment:
    """The instant an export describes: the effective phase and pilot health depend on it."""

    now: datetime
    today: date


def _stream(statement) -> Rows:
    """The statement's rows as mappings, fetched in batches (a server-side cursor on
    PostgreSQL), so a large table is never held in memory at once."""
    result = db.session.execute(statement, execution_options={"yield_per": BATCH})
    # Keyed by column name here; RowMapping's key type also admits Column objects.
    yield from cast(Rows, result.mappings())


# --- places -----------------------------------------------------------------------------------

def regions(at: Moment) -> Rows:
    from app.places.models import Region

    return _stream(select(Region.code, Region.name_lv, Region.name_en,
                          Region.service_direction_lv, Region.service_direction_en,
                          Region.envelope_eur, Region.vat_envelope_eur).order_by(Region.code))


def municipalities(at: Moment) -> Rows:
    from app.places.models import Municipality

    return _stream(select(Municipality.id, Municipality.slug, Municipality.name,
                          Municipality.kind, Municipality.region_code)
                   .order_by(Municipality.id))


# --- hackathons and results -------------------------------------------------------------------

def _announced():
    from app.hackathons.models import Hackathon, Phase

    return Hackathon.phase != Phase.DRAFT


def hackathons(at: Moment) -> Rows:
    from app.hackathons.models import Hackathon
    from app.hackathons.phases import effective_phase

    statement = (select(Hackathon.id, Hackathon.slug, Hackathon.title, Hackathon.description,
                        Hackathon.region_code, Hackathon.theme, Hackathon.phase,
                        Hackathon.submission_opens_at, Hackathon.submission_closes_at,
                        Hackathon.judging_closes_at, Hackathon.reviews_per_idea,
                        Hackathon.blind_review, Hackathon.public_voting, Hackathon.prize_text,
                        Hackathon.ranking_order, Hackathon.created_at, Hackathon.updated_at)
                 .where(_announced()).order_by(Hackathon.id))
    for row in _stream(statement):
        yield {**row, "phase": effective_phase(row["phase"], row["submission_closes_at"],
                                               at.now)}


def hackathon_regions(at: Moment) -> Rows:
    from app.hackathons.models import Hackathon
    from app.hackathons.models import hackathon_eligible_region as eligible

    return _stream(select(eligible.c.hackathon_id, eligible.c.region_code)
                   .join(Hackathon, Hackathon.id == eligible.c.hackathon_id)
                   .where(_announced())
                   .order_by(eligible.c.hackathon_id, eligible.c.region_code))


def criteria(at: Moment) -> Rows:
    from app.hackathons.models import FIRST_ROUND, Criterion, Hackathon
    from app.judging.models_results import FinalRound

    # A final round's own criteria become public when its scoring opens (until then the
    # coordinators are still drafting them).
    opened = (select(FinalRound.id)
              .where(FinalRound.hackathon_id == Criterion.hackathon_id,
                     FinalRound.scoring_opened_at.is_not(None)).exists())
    return _stream(select(Criterion.id, Criterion.hackathon_id, Criterion.round,
                          Criterion.position, Criterion.name, Criterion.description,
                          Criterion.weight, Criterion.max_score, Criterion.low_description,
                          Criterion.mid_description, Criterion.high_description)
                   .join(Hackathon, Hackathon.id == Criterion.hackathon_id)
                   .where(_announced(), or_(Criterion.round == FIRST_ROUND, opened))
                   .order_by(Criterion.hackathon_id, Criterion.round, Criterion.position,
                             Criterion.id))


def _published_decisions():
    from app.judging.models_results import WinnerDecision

    return (select(WinnerDecision.hackathon_id, WinnerDecision.published_at,
                   WinnerDecision.ranking_order, WinnerDecision.idea_ids,
                   WinnerDecision.departs_from_ranking, WinnerDecision.justification,
                   WinnerDecision.ranking)
            .where(WinnerDecision.published_at.is_not(None))
            .order_by(WinnerDecision.hackathon_id))


def results(at: Moment) -> Rows:
    from app.judging.models_results import ResultsCorrection

    corrected = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(ResultsCorrection.hackathon_id, func.count(ResultsCorrection.id),
               func.max(ResultsCorrection.corrected_at))
        .group_by(ResultsCorrection.hackathon_id))}
    for row in db.session.execute(_published_decisions()).mappings():
        count, last = corrected.get(row["hackathon_id"], (0, None))
        yield {**row, "winners": len(row["idea_ids"] or ()),
               "ranked_ideas": len(row["ranking"] or ()), "corrections": count,
               "corrected_at": last}


def result_corrections(at: Moment) -> Rows:
    """Each published correction of results, in order (who made it is not published)."""
    from app.judging.models_results import ResultsCorrection, WinnerDecision

    rows = db.session.execute(
        select(ResultsCorrection.hackathon_id, ResultsCorrection.number,
               ResultsCorrection.corrected_at, ResultsCorrection.reason,
               ResultsCorrection.changes, ResultsCorrection.before,
               WinnerDecision.idea_ids)
        .join(WinnerDecision, WinnerDecision.id == ResultsCorrection.decision_id)
        .order_by(ResultsCorrection.hackathon_id, ResultsCorrection.number)).all()
    befores: dict[int, list] = {}
    for row in rows:
        befores.setdefault(row.hackathon_id, []).append(row.before.get("idea_ids") or [])
    for row in rows:
        # The winners after correction n are those before correction n + 1 (or now).
        later = befores[row.hackathon_id]
        after = later[row.number] if row.number < len(later) else row.idea_ids
        yield {"hackathon_id": row.hackathon_id, "number": row.number,
               "corrected_at": row.corrected_at, "reason": row.reason,
               "excluded_reviews": len((row.changes or {}).get("excluded_reviews") or ()),
               "winners_before": " ".join(str(i) for i in row.before.get("idea_ids") or ()),
               "winners_after": " ".join(str(i) for i in after or ())}


def ranking(at: Moment) -> Rows:
    """The rankings as frozen on the published decisions (no judge appears in them)."""
    from app.places.models import Municipality

    place_ids = dict(db.session.execute(select(Municipality.name, Municipality.id)).tuples().all())
    for decision in db.session.execute(_published_decisions()).mappings():
        winners = set(decision["idea_ids"] or ())
        for entry in decision["ranking"] or ():
            yield {
                "hackathon_id": decision["hackathon_id"], "rank": entry.get("rank"),
                "idea_id": entry.get("idea_id"), "title": entry.get("title") or "",
                "municipality_id": place_ids.get(entry.get("municipality")),
                "winner": entry.get("idea_id") in winners, "score": entry.get("score"),
                "normalized_score": entry.get("normalized_score"),
                "reviews": entry.get("reviews"), "median": entry.get("median"),
                "stdev": entry.get("stdev"), "flags": " ".join(entry.get("flags") or ()),
                "round": entry.get("round") or 1,
            }


# --- winning ideas ----------------------------------------------------------------------------

def _public_ideas():
    """The rule of Idea.is_public in SQL: a winner once its hackathon is in results or
    closed (those stored phases never move on by the clock)."""
    from app.hackathons.models import Hackathon, Phase
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus

    return Idea.status == IdeaStatus.WINNER, Idea.hackathon_id.in_(
        select(Hackathon.id).where(Hackathon.phase.in_([Phase.RESULTS, Phase.CLOSED])))


def ideas(at: Moment) -> Rows:
    from app.ideas.models import Idea
    from app.teams.models import Team

    return _stream(select(Idea.id, Idea.hackathon_id, Idea.title, Idea.summary, Idea.problem,
                          Idea.solution, Idea.target_group, Idea.expected_impact,
                          Idea.budget_eur, Idea.duration_months,
                          Team.name.label("team_name"), Team.municipality_id,
                          Idea.submitted_at)
                   .join(Team, Team.id == Idea.team_id)
                   .where(*_public_ideas()).order_by(Idea.id))


def idea_partners(at: Moment) -> Rows:
    from app.ideas.models import Idea
    from app.teams.models import team_partner

    return _stream(select(Idea.id.label("idea_id"), team_partner.c.municipality_id)
                   .join(team_partner, team_partner.c.team_id == Idea.team_id)
                   .where(*_public_ideas())
                   .order_by(Idea.id, team_partner.c.municipality_id))


def idea_indicators(at: Moment) -> Rows:
    from app.ideas.models import Idea, ProposedIndicator

    return _stream(select(ProposedIndicator.id, ProposedIndicator.idea_id,
                          ProposedIndicator.position, ProposedIndicator.name,
                          ProposedIndicator.baseline, ProposedIndicator.target)
                   .join(Idea, Idea.id == ProposedIndicator.idea_id)
                   .where(*_public_ideas())
                   .order_by(ProposedIndicator.idea_id, ProposedIndicator.position,
                             ProposedIndicator.id))


# --- pilots -----------------------------------------------------------------------------------

def pilots(at: Moment) -> Rows:
    """Every pilot with its health and progress, computed by the pilot rules from its
    milestones, money and reports: four queries for all pilots."""
    from app.hackathons.models import Hackathon
    from app.pilots import health as rules
    from app.pilots import money
    from app.pilots.models import Pilot
    from app.pilots.models_plan import Milestone
    from app.pilots.queries import Figures, load_figures
    from app.teams.models import Team

    milestones: dict[int, list[rules.MilestoneFacts]] = defaultdict(list)
    for m in db.session.execute(select(Milestone.pilot_id, Milestone.weight, Milestone.status,
                                       Milestone.due_date, Milestone.completed_on,
                                       Milestone.title)
                                .order_by(Milestone.pilot_id, Milestone.due_date,
                                          Milestone.id)).mappings():
        milestones[m["pilot_id"]].append(rules.MilestoneFacts(
            weight=m["weight"], status=str(m["status"]), due_date=m["due_date"],
            completed_on=m["completed_on"], title=m["title"]))
    figures = load_figures(true())
    split = _funding_split()
    zero = Decimal("0.00")
    rows = db.session.execute(
        select(Pilot.id, Pilot.idea_id, Pilot.hackathon_id, Pilot.title, Pilot.summary,
               Team.name.label("team_name"), Pilot.lead_municipality_id, Pilot.region_code,
               Pilot.start_date, Pilot.end_date, Pilot.status, Pilot.approved_budget_eur,
               Pilot.created_at, Pilot.updated_at, Pilot.assessment_theme_id,
               Hackathon.region_code.is_(None).label("charged_to_lead_region"))
        .join(Team, Team.id == Pilot.team_id)
        .join(Hackathon, Hackathon.id == Pilot.hackathon_id).order_by(Pilot.id)).mappings()
    for row in rows:
        mine = milestones.get(row["id"], [])
        figure = figures.get(row["id"], Figures())
        facts = rules.PilotFacts(
            status=str(row["status"]), start_date=row["start_date"], end_date=row["end_date"],
            approved_budget=row["approved_budget_eur"], spent=figure.spent, milestones=mine,
            last_report_on=figure.last_report_on)
        health = rules.health(facts, at.today)
        yield {**row, "health": health.level,
               "health_reasons": " ".join(r.code for r in health.reasons),
               "progress": rules.progress(mine), "spent_eur": figure.spent,
               "remaining_eur": money.remaining_eur(row["approved_budget_eur"], figure.spent),
               **{name: split.get(row["id"], {}).get(name, zero) for name in SPLIT_COLUMNS}}


def pilot_partners(at: Moment) -> Rows:
    from app.pilots.models import pilot_partner

    return _stream(select(pilot_partner.c.pilot_id, pilot_partner.c.municipality_id)
                   .order_by(pilot_partner.c.pilot_id, pilot_partner.c.municipality_id))


def milestones(at: Moment) -> Rows:
    from app.pilots.models_plan import Milestone

    return _stream(select(Milestone.id, Milestone.pilot_id, Milestone.title,
                          Milestone.description, Milestone.due_date, Milestone.weight,
                          Milestone.status, Milestone.completed_on)
                   .order_by(Milestone.pilot_id, Milestone.due_date, Milestone.id))


def indicators(at: Moment) -> Rows:
    from app.pilots.models_plan import Indicator

    return _stream(select(Indicator.id, Indicator.pilot_id, Indicator.position,
                          Indicator.name, Indicator.unit, Indicator.direction,
                          Indicator.baseline_value, Indicator.baseline_on,
                          Indicator.target_value, Indicator.target_on)
                   .order_by(Indicator.pilot_id, Indicator.position, Indicator.id))


def measurements(at: Moment) -> Rows:
    from app.pilots.models_plan import Indicator, Measurement

    return _stream(select(Measurement.id, Measurement.indicator_id, Indicator.pilot_id,
                          Measurement.measured_on, Measurement.value,
                          Measurement.note.label("source"))
                   .join(Indicator, Indicator.id == Measurement.indicator_id)
                   .order_by(Measurement.indicator_id, Measurement.measured_on,
                             Measurement.id))


def funding_lines(at: Moment) -> Rows:
    from app.pilots.models_money import FundingLine

    return _stream(select(FundingLine.id, FundingLine.pilot_id, FundingLine.kind,
                          FundingLine.label, FundingLine.amount_eur, FundingLine.vat_eur)
                   .order_by(FundingLine.pilot_id, FundingLine.id))


def expenses(at: Moment) -> Rows:
    from app.pilots.models_money import Expense

    return _stream(select(Expense.id, Expense.pilot_id, Expense.spent_on, Expense.amount_eur,
                          Expense.description, Expense.category)
                   .order_by(Expense.pilot_id, Expense.spent_on, Expense.id))


def _funding_split() -> dict[int, dict[str, Any]]:
    """Each pilot's funding by source, excl. VAT and VAT, summed exactly (one query)."""
    from app.pilots import money
    from app.pilots.models_money import FundingLine

    parts: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for pilot_id, kind, amount, vat in db.session.execute(
            select(FundingLine.pilot_id, FundingLine.kind, FundingLine.amount_eur,
                   FundingLine.vat_eur)):
        kind = str(kind.value if hasattr(kind, "value") else kind)
        if kind == "vat":  # recorded before VAT had its own amount: the programme's VAT
            parts[pilot_id]["programme_vat_eur"].append(amount)
            continue
        parts[pilot_id][f"{kind}_eur"].append(amount)
        parts[pilot_id][f"{kind}_vat_eur"].append(vat)
    return {pilot_id: {name: money.funding_total(values) for name, values in split.items()}
            for pilot_id, split in parts.items()}


SPLIT_COLUMNS = ("programme_eur", "programme_vat_eur", "municipal_eur", "municipal_vat_eur",
                 "other_eur", "other_vat_eur")


def expenses_by_month(at: Moment) -> Rows:
    """Exact monthly sums (money.spent_eur), summed here rather than in SQL so that
    SQLite and PostgreSQL give the same decimals and the same months."""
    from app.pilots import money
    from app.pilots.models_money import Expense

    amounts: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for pilot_id, spent_on, amount in db.session.execute(
            select(Expense.pilot_id, Expense.spent_on, Expense.amount_eur)):
        amounts[(pilot_id, f"{spent_on:%Y-%m}")].append(amount)
    for (pilot_id, month), values in sorted(amounts.items()):
        yield {"pilot_id": pilot_id, "month": month, "amount_eur": money.spent_eur(values),
               "expenses": len(values)}


def pilot_updates(at: Moment) -> Rows:
    from app.pilots.models_reports import PilotUpdate
    from app.pilots.states import UpdateStatus

    return _stream(select(PilotUpdate.id, PilotUpdate.pilot_id, PilotUpdate.reported_on,
                          PilotUpdate.body, PilotUpdate.reviewed_at.label("published_at"))
                   .where(PilotUpdate.public.is_(True),
                          PilotUpdate.status == UpdateStatus.APPROVED)
                   .order_by(PilotUpdate.pilot_id, PilotUpdate.reported_on, PilotUpdate.id))


def evaluations(at: Moment) -> Rows:
    from app.pilots.models_reports import PilotEvaluation

    return _stream(select(PilotEvaluation.pilot_id, PilotEvaluation.recommendation,
                          PilotEvaluation.results, PilotEvaluation.lessons,
                          PilotEvaluation.evaluated_at).order_by(PilotEvaluation.pilot_id))


def replications(at: Moment) -> Rows:
    from app.pilots.models import Replication

    return _stream(select(Replication.id, Replication.pilot_id, Replication.municipality_id,
                          Replication.status, Replication.started_on, Replication.note)
                   .order_by(Replication.pilot_id, Replication.id))


# --- the programme's result indicators -----------------------------------------------------------

def training_indicator(at: Moment) -> Rows:
    """People trained, each once, in the group of their first event (app.programme.indicator):
    counts only, never a person."""
    from app.programme.indicator import trained_by_group
    from app.programme.queries import attendance_rows

    groups = trained_by_group(attendance_rows(), at.today)
    for (region, year, fmt, kind), people in sorted(groups.items()):
        yield {"region_code": region, "year": year, "format": fmt, "kind": kind,
               "people_trained": people}


def assessment_results(at: Moment) -> Rows:
    """Regional medians of the assessments, as the final report publishes them: a figure of
    fewer than three municipalities is empty (app.programme.benchmark.MIN_GROUP)."""
    from app.programme.report import published_results

    for row in published_results():
        figures = row.figures
        yield {"instrument_id": row.instrument_id, "instrument": row.instrument,
               "theme_id": row.theme_id, "theme": row.theme, "region_code": row.region_code,
               "baseline_respondents": row.baseline_respondents,
               "baseline_median": figures.baseline,
               "final_respondents": row.final_respondents, "final_median": figures.final,
               "paired_municipalities": figures.paired, "median_change": figures.change}


SOURCES: dict[str, Callable[[Moment], Rows]] = {
    fn.__name__: fn for fn in (
        regions, municipalities, hackathons, hackathon_regions, criteria, results,
        result_corrections, ranking,
        ideas, idea_partners, idea_indicators, pilots, pilot_partners, milestones, indicators,
        measurements, funding_lines, expenses, expenses_by_month, pilot_updates, evaluations,
        replications, training_indicator, assessment_results)
}
