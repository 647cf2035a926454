"""Assessment results compared: theme scores, change between rounds, and benchlearning
figures (medians and the best quartile). Pure: plain numbers in, figures out.

A theme score is the mean of a municipality's answers to the theme's questions, as a share
of the scale (0–100), so themes with different scales compare. Groups smaller than
`MIN_GROUP` respondents are suppressed (None): a published median of one or two
municipalities would show their own answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import median, quantiles

MIN_GROUP = 3


@dataclass(frozen=True)
class Answered:
    municipality_id: int
    region_code: str
    theme_id: int
    level: int
    scale_max: int


def theme_scores(answers: Iterable[Answered]) -> dict[tuple[int, int], float]:
    """{(municipality, theme): score 0–100}; levels run from 1 to the scale's maximum."""
    sums: dict[tuple[int, int], list[float]] = {}
    for a in answers:
        if a.scale_max <= 1:
            continue
        sums.setdefault((a.municipality_id, a.theme_id), []).append(
            (a.level - 1) / (a.scale_max - 1) * 100)
    return {key: round(sum(values) / len(values), 1) for key, values in sums.items()}


def group_median(values: list[float]) -> float | None:
    return round(median(values), 1) if len(values) >= MIN_GROUP else None


def best_quartile(values: list[float]) -> float | None:
    """The score at which the best quarter begins (the 75th percentile)."""
    if len(values) < max(MIN_GROUP, 4):
        return None
    return round(quantiles(values, n=4, method="inclusive")[2], 1)


@dataclass
class Comparison:
    """One municipality's theme score beside its region, the country and the best."""

    theme_id: int
    own: float | None
    region_median: float | None
    national_median: float | None
    best_quartile: float | None


def compare(municipality_id: int, region_of: Mapping[int, str],
            scores: Mapping[tuple[int, int], float], themes: Iterable[int]) -> list[Comparison]:
    region = region_of.get(municipality_id)
    result = []
    for theme in themes:
        everyone = [s for (m, t), s in scores.items() if t == theme]
        in_region = [s for (m, t), s in scores.items() if t == theme and region_of.get(m) == region]
        result.append(Comparison(theme, scores.get((municipality_id, theme)),
                                 group_median(in_region), group_median(everyone),
                                 best_quartile(everyone)))
    return result


def region_medians(region_of: Mapping[int, str], scores: Mapping[tuple[int, int], float],
                   themes: Iterable[int]) -> dict[tuple[str, int], float | None]:
    """{(region, theme): median or None when suppressed}."""
    regions = sorted(set(region_of.values()))
    return {(r, t): group_median([s for (m, th), s in scores.items()
                                  if th == t and region_of.get(m) == r])
            for r in regions for t in themes}


def change(before: Mapping[tuple[int, int], float], after: Mapping[tuple[int, int], float]
           ) -> dict[tuple[int, int], float]:
    """Points gained or lost per (municipality, theme) that answered both rounds."""
    return {key: round(after[key] - before[key], 1) for key in after if key in before}


@dataclass(frozen=True)
class ThemeChange:
    """A group's theme figures at both rounds and the change between them; None where the
    group is too small to publish."""

    theme_id: int
    baseline: float | None
    final: float | None
    change: float | None
    paired: int  # municipalities that answered both rounds


def group_changes(members: Iterable[int], before: Mapping[tuple[int, int], float],
                  after: Mapping[tuple[int, int], float], themes: Iterable[int]
                  ) -> list[ThemeChange]:
    """For the municipalities `members`: each theme's median at the baseline and at the
    final round, and the median change of those that answered both (so a municipality that
    answered only once cannot move the change), each suppressed under `MIN_GROUP`."""
    members = set(members)
    delta = change(before, after)
    result = []
    for theme in themes:
        moved = [d for (m, t), d in delta.items() if t == theme and m in members]
        result.append(ThemeChange(
            theme_id=theme,
            baseline=group_median([s for (m, t), s in before.items()
                                   if t == theme and m in members]),
            final=group_median([s for (m, t), s in after.items() if t == theme and m in members]),
            change=group_median(moved), paired=len(moved)))
    return result
