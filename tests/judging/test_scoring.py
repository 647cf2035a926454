"""Scoring and ranking: hand-computed tables and hypothesis properties."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.judging.review_scores import (
    ABOVE_MAXIMUM,
    MISSING,
    NEGATIVE,
    NOT_A_NUMBER,
    NOT_HALF_POINT,
    UNKNOWN_CRITERION,
    CriterionSpec,
    InvalidScores,
    ReviewScores,
    check_scores,
    criterion_breakdown,
    review_score,
    round_score,
)
from app.judging.scoring import FLAG_CONFLICT_DECLARED as CONFLICT
from app.judging.scoring import FLAG_HIGH_DISAGREEMENT as DISAGREEMENT
from app.judging.scoring import FLAG_INCOMPLETE_REVIEWS as INCOMPLETE
from app.judging.scoring import FLAG_JUDGE_NOT_NORMALISED as NOT_NORMALISED
from app.judging.scoring import RankedIdea, ReviewInput, rank_ideas

# --- A review's score ---------------------------------------------------------

IMPACT_FEASIBILITY = [CriterionSpec(1, 2, 10), CriterionSpec(2, 1, 5)]
THIRDS = [CriterionSpec(1, 1, 3), CriterionSpec(2, 1, 3), CriterionSpec(3, 1, 3)]


@pytest.mark.parametrize(
    ("criteria", "scores", "expected"),
    [
        # 100 × 7/10
        ([CriterionSpec(1, 1, 10)], {1: 7}, 70.0),
        # 100 × (2×7/10 + 1×4/5) / 3 = 100 × 2.2 / 3 = 73.333…
        (IMPACT_FEASIBILITY, {1: 7, 2: 4}, 73.33),
        (IMPACT_FEASIBILITY, {1: 0, 2: 0}, 0.0),
        (IMPACT_FEASIBILITY, {1: 10, 2: 5}, 100.0),
        # half points: 100 × 2.5/5
        ([CriterionSpec(1, 1, 5)], {1: 2.5}, 50.0),
        ([CriterionSpec(1, 1, 5)], {1: Decimal("4.5")}, 90.0),
        # 100 × 2/3 = 66.666…
        ([CriterionSpec(1, 1, 3)], {1: 2}, 66.67),
        # 100 × (1/3) / 3 = 11.111…
        (THIRDS, {1: 1, 2: 0, 3: 0}, 11.11),
        # weights as stored (Numeric(6,2)) and as floats:
        # 100 × (1.5 × 6/10 + 0.5 × 3/4) / 2 = 100 × 1.275 / 2 = 63.75
        ([CriterionSpec(1, Decimal("1.50"), 10), CriterionSpec(2, 0.5, 4)], {1: 6, 2: 3}, 63.75),
        # an exact half at the third decimal rounds up:
        # 100 × (1 × 0.5/10 + 7 × 0/10) / 8 = 0.625 → 0.63
        ([CriterionSpec(1, 1, 10), CriterionSpec(2, 7, 10)], {1: 0.5, 2: 0}, 0.63),
        # 100 × (0.1 × 1/2 + 0.2 × 2/2) / 0.3 = 100 × 0.25 / 0.3 = 83.333…
        ([CriterionSpec(1, 0.1, 2), CriterionSpec(2, 0.2, 2)], {1: 1, 2: 2}, 83.33),
    ],
)
def test_review_score_is_the_weighted_share_of_points(criteria, scores, expected):
    assert review_score(scores, criteria) == expected


@pytest.mark.parametrize(
    ("scores", "problems"),
    [
        ({1: -1, 2: 4}, {1: NEGATIVE}),
        ({1: 10.5, 2: 4}, {1: ABOVE_MAXIMUM}),
        ({1: 7.25, 2: 4}, {1: NOT_HALF_POINT}),
        ({1: 7, 2: 0.1}, {2: NOT_HALF_POINT}),
        ({1: float("nan"), 2: 4}, {1: NOT_A_NUMBER}),
        ({1: "7", 2: 4}, {1: NOT_A_NUMBER}),
        ({1: True, 2: 4}, {1: NOT_A_NUMBER}),
        ({1: 7}, {2: MISSING}),
        ({1: 7, 2: None}, {2: MISSING}),
        ({}, {1: MISSING, 2: MISSING}),
        ({1: 7, 2: 4, 9: 3}, {9: UNKNOWN_CRITERION}),
        ({1: 11, 9: 1}, {1: ABOVE_MAXIMUM, 2: MISSING, 9: UNKNOWN_CRITERION}),
    ],
)
def test_review_score_refuses_bad_scores_and_names_every_problem(scores, problems):
    with pytest.raises(InvalidScores) as caught:
        review_score(scores, IMPACT_FEASIBILITY)
    assert caught.value.problems == problems
    assert caught.value.missing == [c for c, code in problems.items() if code == MISSING]
    assert isinstance(caught.value, ValueError)


def test_missing_criteria_are_all_listed_in_the_criteria_order():
    criteria = [CriterionSpec(c, 1, 5) for c in (7, 3, 5, 1)]
    with pytest.raises(InvalidScores) as caught:
        review_score({3: 2}, criteria)
    assert caught.value.missing == [7, 5, 1]
    assert "criterion 7: missing" in str(caught.value)


def test_a_draft_may_leave_criteria_out_but_not_break_the_range():
    check_scores({1: 7}, IMPACT_FEASIBILITY, require_all=False)
    check_scores({1: None, 2: 2.5}, IMPACT_FEASIBILITY, require_all=False)
    with pytest.raises(InvalidScores) as caught:
        check_scores({2: 6}, IMPACT_FEASIBILITY, require_all=False)
    assert caught.value.problems == {2: ABOVE_MAXIMUM}


@pytest.mark.parametrize(
    "criteria",
    [
        [],
        [CriterionSpec(1, 0, 10)],
        [CriterionSpec(1, -1, 10)],
        [CriterionSpec(1, float("inf"), 10)],
        [CriterionSpec(1, 1, 0)],
        [CriterionSpec(1, 1, 2.5)],
        [CriterionSpec(1, 1, 10), CriterionSpec(1, 1, 5)],
    ],
)
def test_unusable_criteria_are_refused(criteria):
    with pytest.raises(ValueError, match="criteri"):
        review_score({1: 1}, criteria)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(71.665, 71.67), (71.664999, 71.66), (Decimal("0.005"), 0.01), (2.675, 2.68), (100, 100.0)],
)
def test_scores_are_shown_rounded_half_up_to_two_decimals(value, shown):
    assert round_score(value) == shown


# --- An idea's score, median and spread ---------------------------------------


def reviews_of_one_idea(*scores, expected=0):
    reviews = [ReviewInput(1, judge, score) for judge, score in enumerate(scores, start=1)]
    [idea] = rank_ideas(reviews, expected_reviews=expected, order_by="score")
    return idea


@pytest.mark.parametrize(
    ("scores", "score", "median", "stdev"),
    [
        ([70], 70.0, 70.0, 0.0),
        ([60, 80], 70.0, 70.0, 10.0),
        ([0, 100], 50.0, 50.0, 50.0),
        ([50, 50, 100, 100], 75.0, 75.0, 25.0),
        # mean 220/3 = 73.333…; deviations 0, −6.66, +6.67 → sd √(888 445.1/3)/100 = 5.44
        ([73.33, 66.67, 80], 73.33, 73.33, 5.44),
        # mean 70.005 → 70.01 (half up); median (70.00 + 70.01)/2 → 70.01; sd 0.005 → 0.01
        ([70.0, 70.01], 70.01, 70.01, 0.01),
        # review scores are taken to 2 decimals first: 66.666 → 66.67
        ([66.666, 66.666, 66.666], 66.67, 66.67, 0.0),
    ],
)
def test_idea_score_is_the_mean_of_submitted_reviews(scores, score, median, stdev):
    idea = reviews_of_one_idea(*scores)
    assert (idea.score, idea.median, idea.stdev, idea.reviews) == (
        score,
        median,
        stdev,
        len(scores),
    )


def test_only_submitted_reviews_without_conflict_count():
    reviews = [
        ReviewInput(1, 1, 80),
        ReviewInput(1, 2, 40),
        ReviewInput(1, 3, None, submitted=False),  # still a draft
        ReviewInput(1, 4, 0, submitted=True, conflict=True),  # stepped aside: never counts
    ]
    [idea] = rank_ideas(reviews, expected_reviews=2, order_by="score")
    assert (idea.score, idea.reviews) == (60.0, 2)
    assert idea.flags == (CONFLICT, NOT_NORMALISED)  # one review each: too few to normalise


# --- The normalised score -------------------------------------------------------

# Three judges each review the same four ideas (numbers are review scores).
#
#              idea 1  idea 2  idea 3  idea 4   judge's mean  judge's sd
#   judge A      100      60     100      60         80           20   (lenient, wide)
#   judge B       40      60      40      60         50           10   (harsh)
#   judge C       40      60      60      40         50           10   (harsh)
#
# z-scores (score − judge's mean) / judge's sd:
#   judge A      +1      −1      +1      −1
#   judge B      −1      +1      −1      +1
#   judge C      −1      +1      +1      −1
#   average    −1/3    +1/3    +1/3    −1/3
#
# Hackathon: mean of the 12 scores = 720/12 = 60; squared deviations from 60:
#   A 1600+0+1600+0, B 400+0+400+0, C 400+0+0+400 = 4800 → variance 400 → spread 20.
# normalised = 60 + average z × 20 → ideas 2 and 3: 66.67, ideas 1 and 4: 53.33.
# Raw scores: 1: (100+40+40)/3 = 60, 2: 60, 3: (100+40+60)/3 = 66.67, 4: 53.33.
# Idea 1 looks as good as idea 2 only thanks to lenient A's wide scale; evened out,
# it falls to the bottom.
#
#          score  median  sd (population)                       normalised
#   idea 1 60.00  40      √((40² + 20² + 20²)/3) = √800 = 28.28    53.33
#   idea 2 60.00  60      0                                        66.67
#   idea 3 66.67  60      √((33.3² + 26.7² + 6.7²)/3) = 24.94      66.67
#   idea 4 53.33  60      √((6.7² + 6.7² + 13.3²)/3) = 9.43        53.33
HAND_EXAMPLE = {
    "A": {1: 100, 2: 60, 3: 100, 4: 60},
    "B": {1: 40, 2: 60, 3: 40, 4: 60},
    "C": {1: 40, 2: 60, 3: 60, 4: 40},
}
HAND_REVIEWS = [
    ReviewInput(idea, judge, score)
    for judge, scores in HAND_EXAMPLE.items()
    for idea, score in scores.items()
]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        # by score: idea 3 first; ideas 1 and 2 tie at 60 with 3 reviews each,
        # idea 2's median (60) beats idea 1's (40).
        ("score", [(3, 1), (2, 2), (1, 3), (4, 4)]),
        # by normalised score: ideas 2 and 3 tie at 66.67 with the same count and
        # median → they share rank 1 and rank 2 is skipped; idea 4 beats idea 1 on median.
        ("normalized_score", [(2, 1), (3, 1), (4, 3), (1, 4)]),
    ],
)
def test_three_judges_four_ideas_by_hand(order_by, expected):
    ranking = rank_ideas(HAND_REVIEWS, expected_reviews=3, order_by=order_by)
    assert [(idea.idea_id, idea.rank) for idea in ranking] == expected
    by_id = {idea.idea_id: idea for idea in ranking}
    assert {i: (r.score, r.normalized_score, r.median, r.stdev) for i, r in by_id.items()} == {
        1: (60.0, 53.33, 40.0, 28.28),
        2: (60.0, 66.67, 60.0, 0.0),
        3: (66.67, 66.67, 60.0, 24.94),
        4: (53.33, 53.33, 60.0, 9.43),
    }
    assert {i: r.flags for i, r in by_id.items()} == {
        1: (DISAGREEMENT,),
        2: (),
        3: (DISAGREEMENT,),
        4: (),
    }


@pytest.mark.parametrize(
    ("reviews", "expected"),
    [
        # Two judges with 2 reviews each: nobody can be normalised, the
        # normalised score is the raw score, and both ideas say so.
        (
            [("J1", 1, 80), ("J2", 1, 60), ("J1", 2, 40), ("J2", 2, 20)],
            {1: (70.0, 70.0), 2: (30.0, 30.0)},
        ),
        # J1 gave everything 50 (no spread) and stays raw; J2 (90, 60, 30: mean 60,
        # sd √600) is normalised. Hackathon: mean 330/6 = 55, variance 1950/6 = 325.
        # J2's z × hackathon spread = ±30/√600 × √325 = ±22.0794.
        # idea 1: (50 + 55 + 22.0794)/2 = 63.54; idea 2: (50 + 55)/2 = 52.50;
        # idea 3: (50 + 55 − 22.0794)/2 = 41.46.
        (
            [
                ("J1", 1, 50),
                ("J1", 2, 50),
                ("J1", 3, 50),
                ("J2", 1, 90),
                ("J2", 2, 60),
                ("J2", 3, 30),
            ],
            {1: (70.0, 63.54), 2: (55.0, 52.5), 3: (40.0, 41.46)},
        ),
    ],
)
def test_judges_who_cannot_be_normalised_count_raw_and_are_flagged(reviews, expected):
    ranking = rank_ideas(
        [ReviewInput(idea, judge, score) for judge, idea, score in reviews],
        expected_reviews=2,
        order_by="normalized_score",
    )
    assert {r.idea_id: (r.score, r.normalized_score) for r in ranking} == expected
    assert all(r.flags == (NOT_NORMALISED,) for r in ranking)


@pytest.mark.parametrize(
    ("outlier", "low_judge_scores", "normalised"),
    [(100, (100, 100, 70), 100.0), (0, (0, 0, 30), 0.0)],
)
def test_normalised_score_is_kept_between_0_and_100(outlier, low_judge_scores, normalised):
    # Judge A: nine ideas at 50 and one at 100 → mean 55, sd √((9×25 + 45²)/10) = 15,
    # so the outlier's z = +3. Judge B's three reviews (100, 100, 70) lift the hackathon:
    # mean 820/13 = 63.08, spread √(57 400/13 − 63.08²) = 20.90.
    # 63.08 + 3 × 20.90 = 125.77 → kept at 100. The mirror image goes below 0 → 0.
    reviews = [ReviewInput(i, "A", 50) for i in range(1, 10)]
    reviews.append(ReviewInput(10, "A", outlier))
    reviews += [ReviewInput(11 + k, "B", s) for k, s in enumerate(low_judge_scores)]
    by_id = {r.idea_id: r for r in rank_ideas(reviews, expected_reviews=1, order_by="score")}
    assert by_id[10].normalized_score == normalised
    assert by_id[10].score == outlier


# --- Ties and shared ranks --------------------------------------------------------


def test_ties_go_to_more_reviews_then_higher_median_then_share_a_rank():
    reviews = [
        *(ReviewInput(1, j, s) for j, s in [(1, 70), (2, 70), (3, 70)]),  # 70, 3 reviews, median 70
        *(ReviewInput(2, j, s) for j, s in [(1, 60), (2, 80)]),  # 70, only 2 reviews
        *(ReviewInput(3, j, s) for j, s in [(1, 50), (2, 70), (3, 90)]),  # 70, 3, median 70
        *(ReviewInput(4, j, s) for j, s in [(1, 80), (2, 80), (3, 50)]),  # 70, 3, median 80
        ReviewInput(5, 1, None, submitted=False),  # nothing submitted
    ]
    ranking = rank_ideas(reviews, expected_reviews=3, order_by="score")
    assert [(r.idea_id, r.rank) for r in ranking] == [(4, 1), (1, 2), (3, 2), (2, 4), (5, None)]
    assert {r.score for r in ranking[:4]} == {70.0}
    assert ranking[-1] == RankedIdea(5, None, None, None, 0, None, None, (INCOMPLETE,))


def test_ideas_shown_with_the_same_score_are_never_separated_by_a_hidden_difference():
    # (70.00 + 70.01)/2 = 70.005 is shown as 70.01, like (70.01 + 70.01)/2.
    reviews = [ReviewInput(1, 1, 70.0), ReviewInput(1, 2, 70.01)]
    reviews += [ReviewInput(2, 1, 70.01), ReviewInput(2, 2, 70.01)]
    ranking = rank_ideas(reviews, expected_reviews=2, order_by="score")
    assert [(r.idea_id, r.rank, r.score, r.median) for r in ranking] == [
        (1, 1, 70.01, 70.01),
        (2, 1, 70.01, 70.01),
    ]


def test_listed_ideas_without_reviews_come_last_unranked():
    ranking = rank_ideas(
        [ReviewInput(2, 1, 10)], expected_reviews=1, order_by="score", idea_ids=[9, 2, 4]
    )
    assert [(r.idea_id, r.rank, r.score) for r in ranking] == [
        (2, 1, 10.0),
        (4, None, None),
        (9, None, None),
    ]
    assert rank_ideas([], expected_reviews=3, order_by="score") == []


# --- Flags -----------------------------------------------------------------------


# Judges 1, 2 and 3 also review ideas 2, 3 and 4 (20, 50, 80), so they are normalised;
# judges 8 and 9 review only idea 1, so they are not.
BACKGROUND = [
    ReviewInput(idea, judge, s) for judge in (1, 2, 3) for idea, s in [(2, 20), (3, 50), (4, 80)]
]


@pytest.mark.parametrize(
    ("reviews", "expected_reviews", "flags"),
    [
        ([(1, 60, True, False), (2, 70, True, False), (3, 80, True, False)], 3, ()),
        # 2 of 3 submitted
        ([(1, 60, True, False), (2, 70, True, False), (3, None, False, False)], 3, (INCOMPLETE,)),
        # a conflict: the review does not count, the idea waits for another judge
        ([(1, 60, True, False), (2, 70, True, False), (3, None, False, True)], 2, (CONFLICT,)),
        # two reviews 40 apart: sd exactly 20.00 — not above 20
        ([(1, 40, True, False), (2, 80, True, False)], 2, ()),
        # 40.02 apart: sd 20.01 — above 20
        ([(1, 40, True, False), (2, 80.02, True, False)], 2, (DISAGREEMENT,)),
        # a judge with a single review
        ([(1, 40, True, False), (8, 50, True, False)], 2, (NOT_NORMALISED,)),
        # several at once, in their fixed order
        (
            [(8, 10, True, False), (9, 90, True, False), (3, None, False, True)],
            3,
            (INCOMPLETE, DISAGREEMENT, CONFLICT, NOT_NORMALISED),
        ),
        # nothing submitted yet
        ([(1, None, False, False)], 1, (INCOMPLETE,)),
    ],
)
def test_flags(reviews, expected_reviews, flags):
    inputs = [ReviewInput(1, j, s, submitted=sub, conflict=c) for j, s, sub, c in reviews]
    ranking = rank_ideas(inputs + BACKGROUND, expected_reviews=expected_reviews, order_by="score")
    [idea] = [r for r in ranking if r.idea_id == 1]
    assert idea.flags == flags


# --- Bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviews", "options", "message"),
    [
        ([], {"expected_reviews": 3, "order_by": "votes"}, "order_by"),
        ([], {"expected_reviews": -1, "order_by": "score"}, "expected_reviews"),
        ([ReviewInput(1, 1, 50), ReviewInput(1, 1, 60)], {}, "two reviews"),
        ([ReviewInput(1, 1, None)], {}, "without a score"),
        ([ReviewInput(1, 1, 100.01)], {}, "outside"),
        ([ReviewInput(1, 1, -1)], {}, "outside"),
    ],
)
def test_rank_ideas_refuses_impossible_input(reviews, options, message):
    options = {"expected_reviews": 1, "order_by": "score"} | options
    with pytest.raises(ValueError, match=message):
        rank_ideas(reviews, **options)


# --- Per-criterion breakdown --------------------------------------------------------


def test_criterion_breakdown_gives_each_criterions_mean_per_idea():
    criteria = [CriterionSpec(10, 2, 10), CriterionSpec(20, 1, 5)]
    reviews = [
        ReviewScores(1, 1, {10: 7, 20: 4}),
        ReviewScores(1, 2, {10: 8.5, 20: 2}),
        ReviewScores(1, 3, {10: 9, 20: 3}),
        ReviewScores(1, 4, {10: 0}, submitted=False),  # a draft: ignored, need not be complete
        ReviewScores(1, 5, {10: 10, 20: 5}, conflict=True),  # ignored
        ReviewScores(2, 1, {10: 3, 20: 0.5}),
        ReviewScores(3, 2, {}, submitted=False),
    ]
    breakdown = criterion_breakdown(reviews, criteria, idea_ids=[4])
    assert list(breakdown) == [1, 2, 3, 4]
    # idea 1: (7 + 8.5 + 9)/3 = 8.1666… → 8.17 of 10 (81.67 %); (4 + 2 + 3)/3 = 3 of 5 (60 %)
    assert breakdown[1].reviews == 3
    assert [(c.criterion_id, c.mean, c.percent) for c in breakdown[1].criteria] == [
        (10, 8.17, 81.67),
        (20, 3.0, 60.0),
    ]
    assert [(c.mean, c.percent) for c in breakdown[2].criteria] == [(3.0, 30.0), (0.5, 10.0)]
    for idea_id in (3, 4):
        assert breakdown[idea_id].reviews == 0
        assert [(c.mean, c.percent) for c in breakdown[idea_id].criteria] == [(None, None)] * 2


def test_criterion_breakdown_refuses_an_incomplete_submitted_review():
    with pytest.raises(InvalidScores) as caught:
        criterion_breakdown(
            [ReviewScores(1, 1, {10: 7})], [CriterionSpec(10, 1, 10), CriterionSpec(20, 1, 5)]
        )
    assert caught.value.missing == [20]


# --- Properties -------------------------------------------------------------------


@st.composite
def review_sets(draw):
    """Up to 8 ideas × 5 judges; scores in hundredths; some drafts and conflicts."""
    pairs = draw(
        st.lists(st.tuples(st.integers(1, 8), st.integers(1, 5)), unique=True, max_size=30)
    )
    reviews = []
    for idea, judge in pairs:
        kind = draw(st.sampled_from(["submitted"] * 8 + ["draft", "conflict"]))
        hundredths = draw(st.integers(0, 100_00) | st.sampled_from([0, 50_00, 100_00]))
        reviews.append(
            ReviewInput(
                idea,
                judge,
                hundredths / 100 if kind == "submitted" else None,
                submitted=kind == "submitted",
                conflict=kind == "conflict",
            )
        )
    return reviews


def sort_key(idea: RankedIdea, order_by: str):
    primary = idea.score if order_by == "score" else idea.normalized_score
    return (primary, idea.reviews, idea.median)


@settings(max_examples=200, deadline=None)
@given(review_sets(), st.sampled_from(["score", "normalized_score"]), st.integers(0, 4))
def test_ranks_follow_the_chosen_order_as_competition_ranks(reviews, order_by, expected):
    ranking = rank_ideas(reviews, expected_reviews=expected, order_by=order_by)
    assert sorted(r.idea_id for r in ranking) == sorted({r.idea_id for r in reviews})
    ranked = [r for r in ranking if r.rank is not None]
    unranked = ranking[len(ranked) :]
    assert all(r.rank is None and r.score is None and r.reviews == 0 for r in unranked)
    assert [r.idea_id for r in unranked] == sorted(r.idea_id for r in unranked)
    for position, idea in enumerate(ranked, start=1):
        if position == 1:
            assert idea.rank == 1
            continue
        before = ranked[position - 2]
        assert sort_key(before, order_by) >= sort_key(idea, order_by)
        if sort_key(before, order_by) == sort_key(idea, order_by):
            assert idea.rank == before.rank
            assert before.idea_id < idea.idea_id
        else:
            assert idea.rank == position


@settings(max_examples=200, deadline=None)
@given(
    review_sets(), st.sampled_from(["score", "normalized_score"]), st.randoms(use_true_random=False)
)
def test_the_order_of_the_input_changes_nothing(reviews, order_by, rnd):
    shuffled = list(reviews)
    rnd.shuffle(shuffled)
    assert rank_ideas(shuffled, expected_reviews=3, order_by=order_by) == rank_ideas(
        reviews, expected_reviews=3, order_by=order_by
    )


def half_up(value: Fraction) -> float:
    """Independent check: round half up to hundredths with exact fractions."""
    return math.floor(value * 100 + Fraction(1, 2)) / 100


@settings(max_examples=200, deadline=None)
@given(review_sets())
def test_scores_agree_with_exact_arithmetic(reviews):
    counted: dict[int, list[Fraction]] = {}
    for r in reviews:
        if r.submitted and not r.conflict:
            counted.setdefault(r.idea_id, []).append(Fraction(round(r.score * 100), 100))
    for idea in rank_ideas(reviews, expected_reviews=0, order_by="score"):
        scores = counted.get(idea.idea_id, [])
        if not scores:
            assert idea.score is idea.normalized_score is idea.median is idea.stdev is None
            continue
        assert idea.score == half_up(sum(scores) / len(scores))
        assert idea.median == half_up(statistics.median(scores))
        assert abs(idea.stdev - statistics.pstdev(scores)) <= 0.005 + 1e-9
        assert 0 <= idea.normalized_score <= 100
        assert (DISAGREEMENT in idea.flags) == (idea.stdev > 20)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 100_00), min_size=3, max_size=12).filter(lambda s: len(set(s)) > 1))
def test_with_a_single_judge_normalising_changes_nothing(hundredths):
    reviews = [ReviewInput(idea, "only", h / 100) for idea, h in enumerate(hundredths, start=1)]
    for idea in rank_ideas(reviews, expected_reviews=1, order_by="normalized_score"):
        assert idea.normalized_score == idea.score
        assert NOT_NORMALISED not in idea.flags


def test_a_harsh_judge_and_a_lenient_judge_with_the_same_taste_agree_once_normalised():
    # Judge H gives 20 + x, judge L gives 60 + 2x for the same five ideas:
    # same z-scores, so every idea's normalised score is the same function of x.
    xs = [0, 3, 7, 12, 19]
    reviews = [ReviewInput(i, "H", 20 + x) for i, x in enumerate(xs)]
    reviews += [ReviewInput(i + 100, "L", 60 + 2 * x) for i, x in enumerate(xs)]
    by_id = {r.idea_id: r for r in rank_ideas(reviews, expected_reviews=1, order_by="score")}
    for i in range(5):
        assert by_id[i].normalized_score == by_id[i + 100].normalized_score
        assert by_id[i].score != by_id[i + 100].score


@given(st.decimals(allow_nan=False, allow_infinity=False, places=30)
       | st.decimals(min_value=-100, max_value=100, places=1))
def test_a_decimal_score_is_in_half_points_exactly_as_its_fraction_is(value):
    from app.judging.hundredths import in_half_points, is_number

    doubled = Fraction(value) * 2
    assert is_number(value)
    assert in_half_points(value) == (doubled.numerator if doubled.denominator == 1 else None)
