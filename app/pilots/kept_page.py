"""A pilot's public page as plain values, kept under the public state.

A reader who is not signed in sees only a pilot's public parts, and the same ones as every
other such reader in that language on that day. Loading them as objects and drawing the
charts took more than half of that page's time, on every read. So what the page shows is
read once into plain values (`page`), kept until public data changes (every table it reads
is public: see app/core/datamap.py), and rendered from them.

What is kept is what an anonymous reader may see, decided here and nowhere else in this
module's callers: published reports only, an invoice's file only when a manager made it
public, no status history, no coordinator, no team members, no evidence. A signed-in reader
goes through the objects as before, since the team and its coordinators see internal parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort
from markupsafe import Markup

from app.core.formatting import fmt_date, fmt_number
from app.core.sanitize import stored_html
from app.pilots import queries
from app.pilots.charts import ChartRow, chart_table_rows, indicator_chart
from app.pilots.health import Health
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator
from app.pilots.plain import Named, ScopeMilestone, ThemeName, every_pilot
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
)
from app.places import kept as kept_places
from app.places.kept import PlainMunicipality, PlainRegion
from app.public.fragments import fragment
from app.public.summaries import summary


@dataclass(frozen=True)
class PageMilestone(ScopeMilestone):
    description: str = ""


@dataclass(frozen=True)
class PageFunding:
    id: int
    kind: FundingKind
    label: str
    amount_eur: Decimal
    vat_eur: Decimal


@dataclass(frozen=True)
class PageDocument:
    id: int
    filename: str


@dataclass(frozen=True)
class PageExpense:
    id: int
    spent_on: date
    description: str
    category: ExpenseCategory
    amount_eur: Decimal
    # Only an invoice a manager made public; anyone else's stays off the kept page.
    document: PageDocument | None
    document_public: bool


@dataclass(frozen=True)
class PageReport:
    id: int
    reported_on: date
    status: UpdateStatus
    body_html: str


@dataclass(frozen=True)
class PageReplication:
    id: int
    municipality: PlainMunicipality
    started_on: date | None
    status: ReplicationStatus
    note: str


@dataclass(frozen=True)
class PageEvaluation:
    recommendation: Recommendation
    results_html: str
    lessons_html: str


@dataclass(frozen=True)
class PageIdea:
    title: str
    display_title: str


@dataclass(frozen=True)
class PageTeam:
    name: str


@dataclass(frozen=True)
class PageIndicator:
    id: int
    name: str
    unit: str
    direction: str
    baseline_value: Decimal
    baseline_on: date
    target_value: Decimal
    target_on: date


@dataclass(frozen=True)
class PageChart:
    indicator: PageIndicator | Indicator
    svg: Markup
    rows: tuple[ChartRow, ...]
    achievement: Decimal | None


@dataclass(frozen=True)
class PagePilot:
    """The pilot as its public page asks of it: the same names as the model's."""

    id: int
    idea_id: int
    title: str
    status: PilotStatus
    start_date: date
    end_date: date
    region_code: str
    assessment_theme_id: int | None
    approved_budget_eur: Decimal
    evidence_required: bool
    has_ended: bool
    charged_to_lead_region: bool
    funding_total_eur: Decimal
    funding_gap_eur: Decimal
    funding_split: dict[str, dict[str, Decimal]]
    idea: PageIdea
    team: PageTeam
    hackathon: Named
    region: PlainRegion
    lead_municipality: PlainMunicipality
    partner_municipalities: tuple[PlainMunicipality, ...]
    assessment_theme: ThemeName | None
    evaluation: PageEvaluation | None
    milestones: tuple[PageMilestone, ...]
    funding_lines: tuple[PageFunding, ...]
    expenses: tuple[PageExpense, ...]
    replications: tuple[PageReplication, ...]
    published_reports: tuple[PageReport, ...]

    def funding_by_source(self) -> dict[str, dict[str, Decimal]]:
        return self.funding_split

    def public_updates(self) -> tuple[PageReport, ...]:
        return self.published_reports


@dataclass(frozen=True)
class PageFigures:
    """What the page shows of the pilot's computed values."""

    health: Health
    progress: int
    spent: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class PublicPilotPage:
    pilot: PagePilot
    row: PageFigures
    charts: tuple[PageChart, ...]
    summary_html: Markup


def page(pilot_id: int, today: date, locale: str) -> PublicPilotPage | None:
    """The public page's values of a pilot, or None when there is no such pilot. Only an
    existing pilot's page is kept, so a crawler asking for every number keeps nothing."""
    if pilot_id not in every_pilot(today).by_id:
        return None
    return _page(pilot_id, today, locale)


# A pilot's page with its charts is tens of kilobytes: a crawler reading every pilot in
# both languages between two changes would otherwise keep them all.
KEPT_PAGES = 200


@summary(most=KEPT_PAGES)
def _page(pilot_id: int, today: date, locale: str) -> PublicPilotPage | None:
    # `locale` is part of the key: the charts and an untitled idea's name are in words.
    pilot = queries.pilot_by_id(pilot_id, public=True)
    if pilot is None:
        return None
    row = queries.summarize(pilot, None, today)
    return PublicPilotPage(
        pilot=_plain(pilot), charts=tuple(_chart(i) for i in pilot.indicators),
        row=PageFigures(health=row.health, progress=row.progress, spent=row.spent,
                        remaining=row.remaining),
        summary_html=stored_html(pilot.summary_html))


# What a reader who is not signed in never sees, and no form: it would start a session, and
# the page is shared.
READ_ONLY = {"internal": False, "can_edit": False, "can_manage": False, "can_evaluate": False,
             "status_form": None}


def public_body(kept: PublicPilotPage, today: date, locale: str, login_next: str) -> Markup:
    """The page of the pilot `kept` (what `page` answered) for a reader who is not signed
    in, rendered once per pilot, day, language and link context from the kept values alone;
    `login_next` is the page's own path, where signing in to follow it comes back to."""
    return _public_body(kept.pilot.id, today, locale, login_next)


@fragment("pilots/_pilot_body.html", most=KEPT_PAGES)
def _public_body(pilot_id: int, today: date, locale: str, login_next: str) -> dict[str, Any]:
    kept = _page(pilot_id, today, locale)
    if kept is None:  # gone since the page asked `page`
        abort(404)
    return {"pilot": kept.pilot, "row": kept.row, "charts": kept.charts,
            "summary_html": kept.summary_html, "today": today, "stored_html": stored_html,
            "following": False, "follow_form": None, "current_locale": locale,
            "login_next": login_next, **READ_ONLY}


def _plain(pilot: Pilot) -> PagePilot:
    places = kept_places.municipality_by_id()
    theme = pilot.assessment_theme
    evaluation = pilot.evaluation
    return PagePilot(
        id=pilot.id, idea_id=pilot.idea_id, title=pilot.title, status=pilot.status,
        start_date=pilot.start_date, end_date=pilot.end_date, region_code=pilot.region_code,
        assessment_theme_id=pilot.assessment_theme_id,
        approved_budget_eur=pilot.approved_budget_eur,
        evidence_required=pilot.evidence_required, has_ended=pilot.has_ended,
        charged_to_lead_region=pilot.charged_to_lead_region,
        funding_total_eur=pilot.funding_total_eur, funding_gap_eur=pilot.funding_gap_eur,
        funding_split=pilot.funding_by_source(),
        idea=PageIdea(title=pilot.idea.title, display_title=pilot.idea.display_title),
        team=PageTeam(name=pilot.team.name),
        hackathon=Named(pilot.hackathon.id, pilot.hackathon.title),
        region=kept_places.region_by_code()[pilot.region_code],
        lead_municipality=places[pilot.lead_municipality_id],
        partner_municipalities=tuple(places[m.id] for m in pilot.partner_municipalities),
        assessment_theme=None if theme is None else ThemeName(
            theme.id, theme.name, theme.instrument_id),
        evaluation=None if evaluation is None else PageEvaluation(
            evaluation.recommendation, evaluation.results_html, evaluation.lessons_html),
        milestones=tuple(PageMilestone(
            id=m.id, title=m.title, due_date=m.due_date, status=m.status, weight=m.weight,
            completed_on=m.completed_on, description=m.description) for m in pilot.milestones),
        funding_lines=tuple(PageFunding(f.id, f.kind, f.label, f.amount_eur, f.vat_eur)
                            for f in pilot.funding_lines),
        expenses=tuple(PageExpense(
            id=e.id, spent_on=e.spent_on, description=e.description, category=e.category,
            amount_eur=e.amount_eur, document_public=e.document_public,
            document=PageDocument(e.document.id, e.document.filename)
            if e.document is not None and e.document_public else None)
            for e in pilot.expenses),
        replications=tuple(PageReplication(
            id=r.id, municipality=places[r.municipality_id], started_on=r.started_on,
            status=r.status, note=r.note) for r in pilot.replications),
        published_reports=tuple(PageReport(u.id, u.reported_on, u.status, u.body_html)
                                for u in pilot.public_updates()))


def chart(indicator: Indicator, shown: PageIndicator | None = None) -> PageChart:
    """An indicator's chart and its table of measurements; the chart names `shown` as its
    indicator (by default the indicator itself: the signed-in page also lists its
    measurements to remove)."""
    return PageChart(
        indicator=indicator if shown is None else shown,
        svg=indicator_chart(
            indicator.measurements, title=indicator.name, chart_id=f"indicator-{indicator.id}",
            unit=indicator.unit, baseline=indicator.baseline_value,
            target=indicator.target_value, baseline_on=indicator.baseline_on,
            target_on=indicator.target_on, format_value=fmt_number,
            format_date=lambda d: fmt_date(d, "short")),
        rows=tuple(chart_table_rows(indicator.measurements, baseline=indicator.baseline_value,
                                    target=indicator.target_value,
                                    direction=indicator.direction)),
        achievement=indicator.achievement())


def _chart(indicator: Indicator) -> PageChart:
    return chart(indicator, PageIndicator(
        id=indicator.id, name=indicator.name, unit=indicator.unit,
        direction=indicator.direction, baseline_value=indicator.baseline_value,
        baseline_on=indicator.baseline_on, target_value=indicator.target_value,
        target_on=indicator.target_on))
