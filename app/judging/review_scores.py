"""A review's scores: the checks they must pass, the review score they make (section 1 of
the rules in scoring.py), and the per-criterion averages of an idea's reviews.

Pure: the caller loads the criteria and the scores; no session, no Flask.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from app.judging.hundredths import (
    as_points,
    divide_half_up,
    in_half_points,
    is_number,
    to_hundredths,
)

# Why a criterion's score was refused (codes, so the page can translate them).
MISSING = "missing"
UNKNOWN_CRITERION = "unknown_criterion"
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
ABOVE_MAXIMUM = "above_maximum"
NOT_HALF_POINT = "not_half_point"


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """A criterion as scoring needs it: weight (> 0) and maximum score (whole, ≥ 1)."""

    id: int
    weight: float | Decimal | int
    max_score: int


@dataclass(frozen=True, slots=True)
class ReviewScores:
    """One judge's per-criterion scores of one idea, for the per-criterion breakdown."""

    idea_id: int
    judge_id: int
    scores: Mapping[int, float | Decimal | int | None]
    submitted: bool = True
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class CriterionMean:
    """The average score an idea got on one criterion, in points and as a percentage."""

    criterion_id: int
    max_score: int
    mean: float | None  # points, 0 … max_score
    percent: float | None  # mean ÷ max_score × 100, from the unrounded mean


@dataclass(frozen=True, slots=True)
class IdeaBreakdown:
    """Per-criterion averages of one idea's submitted reviews, in the criteria's order."""

    idea_id: int
    reviews: int
    criteria: tuple[CriterionMean, ...]


class InvalidScores(ValueError):
    """A review's scores break the rules.

    `problems` maps each offending criterion id to one of the codes MISSING,
    UNKNOWN_CRITERION, NOT_A_NUMBER, NEGATIVE, ABOVE_MAXIMUM, NOT_HALF_POINT (in
    the criteria's order, unknown ids last); `missing` lists every criterion
    without a score.
    """

    def __init__(self, problems: Mapping[object, str]):
        self.problems: dict[object, str] = dict(problems)
        self.missing: list[object] = [c for c, code in self.problems.items() if code == MISSING]
        detail = "; ".join(f"criterion {c}: {code}" for c, code in self.problems.items())
        super().__init__(f"invalid scores: {detail}")


def check_scores(
    scores: Mapping[int, object],
    criteria: Sequence[CriterionSpec],
    *,
    require_all: bool = True,
) -> None:
    """Raise InvalidScores listing every problem; drafts pass `require_all=False`.

    A draft may leave criteria out (or give None); a submitted review may not.
    """
    _check_criteria(criteria)
    _half_points(scores, criteria, require_all=require_all)


def review_score(scores: Mapping[int, object], criteria: Sequence[CriterionSpec]) -> float:
    """100 × Σ(weight × score ÷ maximum) ÷ Σ weight, rounded half up to 2 decimals.

    Raises InvalidScores when a score is missing, unknown, negative, above the
    maximum or not a whole or half point; ValueError when the criteria are unusable.
    """
    _check_criteria_once(tuple(criteria))
    halves = _half_points(scores, criteria, require_all=True)
    return as_points(_review_hundredths(halves, criteria))


def round_score(value: float | Decimal | int) -> float:
    """A score rounded half up to 2 decimals, as every score is shown (71.665 → 71.67)."""
    return as_points(to_hundredths(value))


@lru_cache(maxsize=64)
def _check_criteria_once(criteria: tuple[CriterionSpec, ...]) -> None:
    _check_criteria(criteria)  # raising is not cached, so bad criteria always raise


def _check_criteria(criteria: Sequence[CriterionSpec]) -> None:
    if not criteria:
        raise ValueError("a review needs at least one criterion")
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise ValueError(f"criterion ids repeat: {ids}")
    for c in criteria:
        if not is_number(c.weight) or c.weight <= 0:
            raise ValueError(f"criterion {c.id}: weight must be a number above 0, not {c.weight!r}")
        if isinstance(c.max_score, bool) or not isinstance(c.max_score, int) or c.max_score < 1:
            raise ValueError(f"criterion {c.id}: maximum must be a whole number ≥ 1")


def _half_points(
    scores: Mapping[int, object], criteria: Sequence[CriterionSpec], *, require_all: bool
) -> dict[int, int]:
    """Each given score as a whole number of half points, or InvalidScores with every problem."""
    problems: dict[object, str] = {}
    halves: dict[int, int] = {}
    for c in criteria:
        value = scores.get(c.id)
        if value is None:
            if require_all:
                problems[c.id] = MISSING
            continue
        if not is_number(value):
            problems[c.id] = NOT_A_NUMBER
        elif value < 0:
            problems[c.id] = NEGATIVE
        elif value > c.max_score:
            problems[c.id] = ABOVE_MAXIMUM
        else:
            doubled = in_half_points(value)
            if doubled is None:
                problems[c.id] = NOT_HALF_POINT
            else:
                halves[c.id] = doubled
    known = {c.id for c in criteria}
    for criterion_id in scores:
        if criterion_id not in known:
            problems[criterion_id] = UNKNOWN_CRITERION
    if problems:
        raise InvalidScores(problems)
    return halves


def _review_hundredths(halves: Mapping[int, int], criteria: Sequence[CriterionSpec]) -> int:
    """The review score in whole hundredths, exactly, rounded half up."""
    multipliers, denominator = _weighing(tuple(criteria))
    a = sum(m * halves[c.id] for m, c in zip(multipliers, criteria, strict=True))
    return divide_half_up(100_00 * a, denominator)


@lru_cache(maxsize=64)
def _weighing(criteria: tuple[CriterionSpec, ...]) -> tuple[tuple[int, ...], int]:
    """Whole numbers m and b such that the review score is 100 × Σ(m × half points) ÷ b.

    Weights are brought to whole numbers over a common denominator, and each
    score ÷ maximum over the maxima's least common multiple, so no float is
    involved. Cached: a hackathon's criteria are the same for every review.
    """
    ratios = [_exact_ratio(c.weight) for c in criteria]
    weight_denominator = math.lcm(*(d for _, d in ratios))
    weights = [n * (weight_denominator // d) for n, d in ratios]
    common_max = math.lcm(*(c.max_score for c in criteria))
    multipliers = tuple(
        w * (common_max // c.max_score) for w, c in zip(weights, criteria, strict=True)
    )
    return multipliers, 2 * common_max * sum(weights)  # the 2 undoes the half points


def _exact_ratio(weight: float | Decimal | int) -> tuple[int, int]:
    # A float weight means the decimal it prints as (0.1 is one tenth, not
    # 0.1000000000000000055…), so go through its shortest repr.
    if isinstance(weight, float):
        weight = Decimal(repr(weight))
    return weight.as_integer_ratio()


def criterion_breakdown(
    reviews: Iterable[ReviewScores],
    criteria: Sequence[CriterionSpec],
    *,
    idea_ids: Iterable[int] = (),
) -> dict[int, IdeaBreakdown]:
    """Per idea (by id, ascending), the average score on each criterion of its submitted reviews.

    Follows the ranking's rules: drafts and declared conflicts do not count;
    a submitted review must have a valid score for every criterion
    (InvalidScores otherwise). Ideas without a submitted review have means None.
    """
    _check_criteria(criteria)
    totals: dict[int, list[int]] = {i: [0] * len(criteria) for i in idea_ids}
    counts: dict[int, int] = dict.fromkeys(totals, 0)
    for review in reviews:
        idea_totals = totals.setdefault(review.idea_id, [0] * len(criteria))
        counts.setdefault(review.idea_id, 0)
        if review.conflict or not review.submitted:
            continue
        halves = _half_points(review.scores, criteria, require_all=True)
        for position, c in enumerate(criteria):
            idea_totals[position] += halves[c.id]
        counts[review.idea_id] += 1

    breakdown: dict[int, IdeaBreakdown] = {}
    for idea_id in sorted(totals):
        n = counts[idea_id]
        means = []
        for total_halves, c in zip(totals[idea_id], criteria, strict=True):
            if n == 0:
                means.append(CriterionMean(c.id, c.max_score, None, None))
                continue
            mean = divide_half_up(100 * total_halves, 2 * n)  # hundredths of a point
            percent = divide_half_up(100_00 * total_halves, 2 * n * c.max_score)
            means.append(CriterionMean(c.id, c.max_score, as_points(mean), as_points(percent)))
        breakdown[idea_id] = IdeaBreakdown(idea_id, n, tuple(means))
    return breakdown
