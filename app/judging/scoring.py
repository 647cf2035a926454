"""How we rank: review scores, idea scores, the normalised score, ties and flags.

This text is written for coordinators, teams and anyone else who wants to check
a ranking by hand; the "how we rank" page quotes it.

1. A review's score
   Each judge gives every criterion a score from 0 up to the criterion's
   maximum, in whole or half points (3 and 3.5 are fine, 3.25 is not). The
   review's score is the weighted share of the points available, on a scale
   of 0 to 100:

       review score = 100 × Σ (weight × score ÷ maximum) ÷ Σ weight

   Example: "Impact" has weight 2 and maximum 10, "Feasibility" weight 1 and
   maximum 5. A judge gives 7 and 4:
   100 × (2 × 7/10 + 1 × 4/5) ÷ (2 + 1) = 100 × 2.2 ÷ 3 = 73.33.
   A review can only be submitted with a score for every criterion.

2. An idea's score
   The plain average of the scores of the idea's submitted reviews. Reviews
   that are not submitted yet do not count, and neither does the review of a
   judge who declared a conflict of interest on the idea.

3. The normalised score
   Some judges are harsh and some are lenient; some use the whole scale and
   some stay close to the middle. The normalised score evens this out:
   - for each judge, we take all the reviews the judge submitted in the
     hackathon and find their average and their spread (standard deviation);
   - each of the judge's reviews becomes a z-score: how many spreads it lies
     above (+) or below (−) that judge's own average. A judge's best idea
     gets a positive z-score whether the judge gave it 95 or 65;
   - the z-scores of an idea's reviews are averaged, and turned back into
     points with the average and spread of all reviews in the hackathon:

         normalised score = hackathon average + average z-score × hackathon spread

   - the result is kept between 0 and 100: below 0 counts as 0, above 100
     as 100. (This can happen when a judge's best idea stands far above
     everything else that judge reviewed.)
   A judge with fewer than 3 submitted reviews, or who gave every review the
   same score, has no meaningful spread. Their reviews are not evened out:
   such a review counts with its own score, in place of the converted
   z-score, and the idea is flagged "judge not normalised". (Converting each
   z-score to points first and then averaging gives exactly the same result
   as averaging first, which is why the two can be mixed.)

4. The order
   The hackathon chooses whether the score or the normalised score orders
   the ranking; both are always shown. Higher comes first. When two ideas
   have the same number, the one with more submitted reviews comes first;
   if that is equal too, the one with the higher median review score (the
   middle one, or the average of the two middle ones). If everything is
   equal, the ideas share a rank and the next rank is skipped: 1, 2, 2, 4.
   The median is always that of the review scores, whichever number orders
   the ranking. Ideas without any submitted review come last, without a rank.

5. Flags
   - incomplete reviews: fewer submitted reviews than the hackathon asks for;
   - high disagreement: the standard deviation of the idea's review scores
     is above 20 points (with two reviews: they are more than 40 apart);
   - conflict declared: a judge declared a conflict of interest on the idea;
   - judge not normalised: see 3.

6. Rounding
   Every score is shown with 2 decimals, rounded half up (71.665 becomes
   71.67). Review scores are rounded first and everything else is computed
   from the rounded review scores, so anyone can redo the sums from the
   numbers on the page. Ties and flags are decided on the shown numbers:
   two ideas shown with the same score are never separated by a difference
   nobody can see. "Standard deviation" is the population one (divide by the
   number of reviews, not by one less): we describe the reviews that exist,
   not a sample of imagined ones. The same formula is used everywhere.

A final round, where a hackathon has one, is ranked by the same rules from its
own reviews alone; its review scores use the final round's criteria (the
first round's again, or criteria of its own).
"""

# How the code keeps that promise (for maintainers): review scores, averages,
# medians and standard deviations are computed exactly, in whole hundredths of
# a point (Python integers, math.isqrt for the square root), so rounding
# "half up" really means half up and the order of the input never matters.
# Only the normalised score needs real square roots and divisions; it is
# computed in double precision (math.fsum, so again order-independent) and
# rounded to hundredths at the very end. Values handed out are floats with
# at most 2 decimals. The arithmetic is in hundredths.py; section 1 (a review's
# score, and the per-criterion averages) in review_scores.py; the rest here.

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final, Literal, TypeGuard

from app.judging.hundredths import (
    as_points,
    divide_half_up,
    is_number,
    round_half_up,
    to_hundredths,
)

# --- Rules in numbers --------------------------------------------------------

MIN_REVIEWS_TO_NORMALISE = 3
DISAGREEMENT_THRESHOLD = 20  # points of standard deviation; above it the idea is flagged

ORDER_BY_SCORE: Final = "score"
ORDER_BY_NORMALIZED_SCORE: Final = "normalized_score"
ORDERS = (ORDER_BY_SCORE, ORDER_BY_NORMALIZED_SCORE)
OrderBy = Literal["score", "normalized_score"]


def is_order(value: str) -> TypeGuard[OrderBy]:
    """True for one of the ORDERS (a hackathon's stored ranking_order is a plain string)."""
    return value in ORDERS


# Flags, in the order they are listed on a ranked idea.
FLAG_INCOMPLETE_REVIEWS = "incomplete_reviews"
FLAG_HIGH_DISAGREEMENT = "high_disagreement"
FLAG_CONFLICT_DECLARED = "conflict_declared"
FLAG_JUDGE_NOT_NORMALISED = "judge_not_normalised"

_HUNDRED_PERCENT = 100_00  # 100 points, in hundredths


# --- Data in and out ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """One judge's review of one idea: its review score (0–100) once submitted."""

    idea_id: int
    judge_id: int
    score: float | Decimal | None
    submitted: bool = True
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class RankedIdea:
    """An idea's place in the ranking, both scores, and what the coordinator should know."""

    idea_id: int
    rank: int | None  # None: no submitted review, not ranked
    score: float | None
    normalized_score: float | None
    reviews: int  # submitted reviews that count
    median: float | None
    stdev: float | None
    flags: tuple[str, ...]


# --- Ranking -----------------------------------------------------------------


def rank_ideas(
    reviews: Iterable[ReviewInput],
    *,
    expected_reviews: int,
    order_by: OrderBy,
    idea_ids: Iterable[int] = (),
) -> list[RankedIdea]:
    """Rank the ideas of one hackathon (or one round) from their reviews, best first.

    `reviews` holds every review of the round: submitted, pending, or with a
    declared conflict (which never counts, even if marked submitted). Ideas
    listed in `idea_ids` but without any review are included too, unranked.
    Submitted scores are taken to 2 decimals, half up, before anything else.
    """
    if order_by not in ORDERS:
        raise ValueError(f"order_by must be one of {ORDERS}, not {order_by!r}")
    if (
        isinstance(expected_reviews, bool)
        or not isinstance(expected_reviews, int)
        or expected_reviews < 0
    ):
        raise ValueError("expected_reviews must be a whole number ≥ 0")

    marks: dict[int, list[tuple[int, int]]] = {i: [] for i in idea_ids}  # idea → (judge, score)
    by_judge: dict[int, list[int]] = defaultdict(list)
    conflicted: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for review in reviews:
        pair = (review.idea_id, review.judge_id)
        if pair in seen:
            raise ValueError(f"judge {review.judge_id} has two reviews of idea {review.idea_id}")
        seen.add(pair)
        idea_marks = marks.setdefault(review.idea_id, [])
        if review.conflict:
            conflicted.add(review.idea_id)
        elif review.submitted:
            score = _submitted_hundredths(review)
            idea_marks.append((review.judge_id, score))
            by_judge[review.judge_id].append(score)

    scales = {judge: _judge_scale(scores) for judge, scores in by_judge.items()}
    all_scores = [s for scores in by_judge.values() for s in scores]
    hackathon_mean, hackathon_spread = _mean_and_spread(all_scores) if all_scores else (0.0, 0.0)

    scored: list[tuple[tuple[int, int, int], int, RankedIdea]] = []
    unscored: list[RankedIdea] = []
    for idea_id, idea_marks in marks.items():
        flags = []
        if len(idea_marks) < expected_reviews:
            flags.append(FLAG_INCOMPLETE_REVIEWS)
        if not idea_marks:
            if idea_id in conflicted:
                flags.append(FLAG_CONFLICT_DECLARED)
            unscored.append(RankedIdea(idea_id, None, None, None, 0, None, None, tuple(flags)))
            continue
        scores = [s for _, s in idea_marks]
        score = divide_half_up(sum(scores), len(scores))
        median = _median_hundredths(scores)
        stdev = _stdev_hundredths(scores)
        normalised, all_normalised = _normalised_hundredths(
            idea_marks, scales, hackathon_mean, hackathon_spread
        )
        if stdev > DISAGREEMENT_THRESHOLD * 100:
            flags.append(FLAG_HIGH_DISAGREEMENT)
        if idea_id in conflicted:
            flags.append(FLAG_CONFLICT_DECLARED)
        if not all_normalised:
            flags.append(FLAG_JUDGE_NOT_NORMALISED)
        key = (score if order_by == ORDER_BY_SCORE else normalised, len(scores), median)
        idea = RankedIdea(
            idea_id=idea_id,
            rank=None,
            score=as_points(score),
            normalized_score=as_points(normalised),
            reviews=len(scores),
            median=as_points(median),
            stdev=as_points(stdev),
            flags=tuple(flags),
        )
        scored.append((key, idea_id, idea))

    scored.sort(key=lambda row: (tuple(-k for k in row[0]), row[1]))
    ranked: list[RankedIdea] = []
    previous_key, rank = None, 0
    for position, (key, _, idea) in enumerate(scored, start=1):
        if key != previous_key:  # standard competition ranking: 1, 2, 2, 4
            rank, previous_key = position, key
        ranked.append(replace(idea, rank=rank))
    ranked.extend(sorted(unscored, key=lambda idea: idea.idea_id))
    return ranked


def _submitted_hundredths(review: ReviewInput) -> int:
    value = review.score
    if not is_number(value):
        raise ValueError(
            f"review of idea {review.idea_id} by judge {review.judge_id} is submitted "
            f"without a score ({value!r})"
        )
    hundredths = to_hundredths(value)
    if not 0 <= hundredths <= _HUNDRED_PERCENT:
        raise ValueError(f"review score {value!r} is outside 0–100")
    return hundredths


def _judge_scale(scores: list[int]) -> tuple[float, float] | None:
    """A judge's average and spread, or None when the judge cannot be normalised."""
    if len(scores) < MIN_REVIEWS_TO_NORMALISE or _n2_variance(scores) == 0:
        return None  # zero spread is decided exactly, so equal scores never look "spread"
    return _mean_and_spread(scores)


def _normalised_hundredths(
    idea_marks: list[tuple[int, int]],
    scales: Mapping[int, tuple[float, float] | None],
    hackathon_mean: float,
    hackathon_spread: float,
) -> tuple[int, bool]:
    """The idea's normalised score in hundredths, and whether every judge was normalised."""
    values: list[float] = []
    all_normalised = True
    for judge, score in idea_marks:
        scale = scales[judge]
        if scale is None:
            values.append(float(score))
            all_normalised = False
        else:
            judge_mean, judge_spread = scale
            z = (score - judge_mean) / judge_spread
            values.append(hackathon_mean + z * hackathon_spread)
    value = math.fsum(values) / len(values)
    value = min(max(value, 0.0), float(_HUNDRED_PERCENT))
    return round_half_up(value), all_normalised


def _mean_and_spread(scores: list[int]) -> tuple[float, float]:
    n = len(scores)
    return sum(scores) / n, math.sqrt(_n2_variance(scores)) / n


def _n2_variance(scores: list[int]) -> int:
    """n² × the population variance, exactly (scores in hundredths)."""
    return len(scores) * sum(s * s for s in scores) - sum(scores) ** 2


def _stdev_hundredths(scores: list[int]) -> int:
    """The population standard deviation, exactly rounded half up to hundredths."""
    # sd = √a ÷ n with a = n² × variance. Rounded half up it is ⌊sd + ½⌋,
    # which for whole a and n equals (⌊√(4a)⌋ // n + 1) // 2.
    return (math.isqrt(4 * _n2_variance(scores)) // len(scores) + 1) // 2


def _median_hundredths(scores: list[int]) -> int:
    ordered = sorted(scores)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return divide_half_up(ordered[middle - 1] + ordered[middle], 2)
