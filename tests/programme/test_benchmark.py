"""Assessment arithmetic with hand-computed cases: scores, medians, quartiles, suppression."""

from __future__ import annotations

from app.programme.benchmark import (
    Answered,
    best_quartile,
    change,
    compare,
    group_median,
    region_medians,
    theme_scores,
)


def test_a_theme_score_is_the_mean_answer_as_a_share_of_the_scale():
    answers = [Answered(1, "zemgale", 10, 5, 5), Answered(1, "zemgale", 10, 3, 5),
               Answered(1, "zemgale", 11, 1, 4)]
    assert theme_scores(answers) == {(1, 10): 75.0, (1, 11): 0.0}


def test_groups_under_three_are_suppressed():
    assert group_median([50.0, 70.0]) is None
    assert group_median([50.0, 70.0, 10.0]) == 50.0
    assert best_quartile([10.0, 20.0, 30.0]) is None
    assert best_quartile([10.0, 20.0, 30.0, 40.0, 50.0]) == 40.0


def test_a_municipality_beside_its_region_and_the_country():
    region_of = {1: "zemgale", 2: "zemgale", 3: "zemgale", 4: "kurzeme", 5: "kurzeme"}
    scores = {(1, 7): 80.0, (2, 7): 40.0, (3, 7): 60.0, (4, 7): 20.0, (5, 7): 100.0}
    (row,) = compare(1, region_of, scores, [7])
    assert (row.own, row.region_median, row.national_median) == (80.0, 60.0, 60.0)
    assert row.best_quartile == 80.0
    medians = region_medians(region_of, scores, [7])
    assert medians[("zemgale", 7)] == 60.0 and medians[("kurzeme", 7)] is None  # two only


def test_change_counts_only_municipalities_in_both_rounds():
    assert change({(1, 7): 40.0, (2, 7): 50.0}, {(1, 7): 65.5, (3, 7): 90.0}) == {(1, 7): 25.5}


def test_group_changes_pair_the_rounds_and_suppress_small_groups():
    from app.programme.benchmark import group_changes

    before = {(1, 7): 0.0, (2, 7): 50.0, (3, 7): 50.0, (4, 7): 100.0, (1, 8): 0.0}
    after = {(1, 7): 50.0, (2, 7): 50.0, (3, 7): 100.0, (5, 7): 0.0, (1, 8): 100.0}
    seven, eight = group_changes({1, 2, 3, 4, 5}, before, after, [7, 8])
    # Changes of those who answered both: +50, 0, +50 → median +50; 4 and 5 do not count.
    assert (seven.change, seven.paired) == (50.0, 3)
    assert seven.baseline == 50.0 and seven.final == 50.0
    # One municipality only: nothing is published, but it is counted.
    assert (eight.baseline, eight.final, eight.change, eight.paired) == (None, None, None, 1)
    only_two = group_changes({1, 2}, before, after, [7])[0]
    assert only_two.change is None and only_two.baseline is None
