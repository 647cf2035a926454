"""The programme's final report, region by region: the pilots with the assessment themes
they address and how their indicators are doing, and the change in the assessment between
the initial and the final round, theme by theme.

Nothing is computed here that has a home elsewhere: pilot health and progress come from
`app.pilots.queries.summarize_all` (health.py), an indicator's achievement from
`Indicator.achievement`, theme scores and suppression from `benchmark`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.pilots import queries as pilot_queries
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator
from app.pilots.queries import PilotRow
from app.places.models import Municipality, Region, in_latvian_order
from app.programme import assessing
from app.programme.benchmark import ThemeChange, group_changes, theme_scores
from app.programme.models import Instrument, RoundKind


@dataclass
class PilotLine:
    """A pilot as the report shows it: its computed row and each indicator's achievement
    (percent from baseline toward target, None before a measurement)."""

    row: PilotRow
    indicators: list[tuple[Indicator, Decimal | None]]

    @property
    def pilot(self) -> Pilot:
        return self.row.pilot


@dataclass
class MunicipalityScores:
    """One municipality's theme scores at both rounds (the coordinator's version only)."""

    municipality: Municipality
    scores: dict[int, tuple[float | None, float | None]]


@dataclass
class RegionReport:
    region: Region
    pilots: list[PilotLine]
    themes: list[ThemeChange]
    municipalities: list[MunicipalityScores] = field(default_factory=list)

    def theme_change(self, theme_id: int | None) -> ThemeChange | None:
        return next((t for t in self.themes if t.theme_id == theme_id), None)


def _scores(instrument: Instrument, kind: RoundKind) -> dict[tuple[int, int], float]:
    round_ = next((r for r in instrument.rounds if r.kind == kind), None)
    return theme_scores(assessing.answered(round_.id)) if round_ is not None else {}


def _pilot_lines(today: date) -> dict[str, list[PilotLine]]:
    """Every pilot by the region it is charged to, in a fixed number of queries."""
    pilots = db.session.scalars(pilot_queries.public_list_query().options(
        selectinload(Pilot.indicators).selectinload(Indicator.measurements))).all()
    rows = pilot_queries.summarize_all(pilots, pilot_queries.load_figures(true()), today)
    lines: dict[str, list[PilotLine]] = {}
    for row in sorted(rows, key=lambda r: (r.pilot.title.casefold(), r.pilot.id)):
        lines.setdefault(row.pilot.region_code, []).append(
            PilotLine(row, [(i, i.achievement()) for i in row.pilot.indicators]))
    return lines


def final_report(instrument: Instrument, today: date, *,
                 detail: Callable[[str], bool] = lambda _code: False) -> list[RegionReport]:
    """Every planning region's part of the report. Regions for which `detail(code)` is true
    also list each municipality's own scores (for their coordinators, never the public)."""
    before = _scores(instrument, RoundKind.BASELINE)
    after = _scores(instrument, RoundKind.FINAL)
    theme_ids = [t.id for t in instrument.themes]
    places = db.session.scalars(select(Municipality).order_by(in_latvian_order())).all()
    lines = _pilot_lines(today)
    reports = []
    for region in db.session.scalars(select(Region).order_by(Region.code)):
        members = [m for m in places if m.region_code == region.code]
        report = RegionReport(region, lines.get(region.code, []),
                              group_changes([m.id for m in members], before, after, theme_ids))
        if detail(region.code):
            report.municipalities = [
                MunicipalityScores(m, {t: (before.get((m.id, t)), after.get((m.id, t)))
                                       for t in theme_ids})
                for m in members if any((m.id, t) in before or (m.id, t) in after
                                        for t in theme_ids)]
        reports.append(report)
    return reports


CSV_HEADER = ["region", "record", "pilot_id", "pilot", "status", "health", "theme_id", "theme",
              "indicator", "achievement_percent", "municipality", "baseline", "final", "change",
              "paired_municipalities"]


def csv_rows(instrument: Instrument, reports: list[RegionReport]) -> list[list[Any]]:
    """The report as one table, a row per pilot indicator (or per pilot without one), per
    region and theme, and in the coordinator's version per municipality and theme."""
    names = {t.id: t.name for t in instrument.themes}
    rows: list[list[Any]] = [CSV_HEADER]

    def blank(**values: Any) -> list[Any]:
        return [values.get(column, "") for column in CSV_HEADER]

    for report in reports:
        code = report.region.code
        for line in report.pilots:
            pilot = line.pilot
            theme = pilot.assessment_theme
            common = dict(region=code, record="pilot", pilot_id=pilot.id, pilot=pilot.title,
                          status=pilot.status.value, health=line.row.health.badge,
                          theme_id=theme.id if theme else "", theme=theme.name if theme else "")
            if not line.indicators:
                rows.append(blank(**common))
            for indicator, achieved in line.indicators:
                rows.append(blank(**common, indicator=indicator.name,
                                  achievement_percent="" if achieved is None else achieved))
        for change in report.themes:
            rows.append(blank(region=code, record="theme", theme_id=change.theme_id,
                              theme=names[change.theme_id], baseline=_cell(change.baseline),
                              final=_cell(change.final), change=_cell(change.change),
                              paired_municipalities=change.paired))
        for place in report.municipalities:
            for theme_id, (was, now) in place.scores.items():
                rows.append(blank(region=code, record="municipality", theme_id=theme_id,
                                  theme=names[theme_id], municipality=place.municipality.name,
                                  baseline=_cell(was), final=_cell(now),
                                  change=_cell(None if was is None or now is None
                                               else round(now - was, 1))))
    return rows


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class RegionThemeResult:
    """One row of the published assessment results."""

    instrument_id: int
    instrument: str
    theme_id: int
    theme: str
    region_code: str
    baseline_respondents: int
    final_respondents: int
    figures: ThemeChange


def published_results() -> list[RegionThemeResult]:
    """Every instrument's results by planning region and theme, as the final report
    publishes them (groups under three suppressed), in a fixed number of queries."""
    instruments = db.session.scalars(select(Instrument).order_by(Instrument.id).options(
        selectinload(Instrument.themes), selectinload(Instrument.rounds))).all()
    answers = assessing.answered_by_round()
    region_of = assessing.regions_of_municipalities()
    regions = sorted(set(region_of.values()))
    results = []
    for instrument in instruments:
        scores = []
        for kind in (RoundKind.BASELINE, RoundKind.FINAL):
            round_ = next((r for r in instrument.rounds if r.kind == kind), None)
            scores.append(theme_scores(answers.get(round_.id, [])) if round_ else {})
        before, after = scores
        theme_ids = [t.id for t in instrument.themes]
        for region in regions:
            members = [m for m, r in region_of.items() if r == region]
            figures = group_changes(members, before, after, theme_ids)
            for theme, figure in zip(instrument.themes, figures, strict=True):
                results.append(RegionThemeResult(
                    instrument.id, instrument.name, theme.id, theme.name, region,
                    sum(1 for (m, t) in before if t == theme.id and region_of.get(m) == region),
                    sum(1 for (m, t) in after if t == theme.id and region_of.get(m) == region),
                    figure))
    return results
