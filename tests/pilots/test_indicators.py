"""Outcome indicators: achievement toward the target, the latest measurement, dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.pilots.indicators import (
    PROBLEM_MESSAGES,
    Measurement,
    achievement,
    achievement_problem,
    indicator_problems,
    latest_measurement,
    measurement_date_problem,
)


@pytest.fixture(autouse=True)
def db():
    """Pure rules: these tests need no database (overrides the suite's autouse fixture)."""
    yield


D = Decimal


@pytest.mark.parametrize(("baseline", "target", "value", "direction", "expected"), [
    # should increase: 10 → 20
    ("10", "20", "10", "increase", "0.0"),
    ("10", "20", "15", "increase", "50.0"),
    ("10", "20", "20", "increase", "100.0"),
    ("10", "20", "25", "increase", "150.0"),     # the target beaten
    ("10", "20", "5", "increase", "-50.0"),      # moved the wrong way
    ("-10", "10", "0", "increase", "50.0"),      # negative baselines work too
    ("0", "3", "1", "increase", "33.3"),
    ("0", "3", "2", "increase", "66.7"),
    ("0", "2000", "1", "increase", "0.1"),       # 0.05 rounds half up
    ("0", "2000", "0.9", "increase", "0.0"),     # 0.045 rounds down
    ("0.5", "0.75", "0.7", "increase", "80.0"),
    # should decrease: 100 → 60 (e.g. days to a building permit)
    ("100", "60", "100", "decrease", "0.0"),
    ("100", "60", "80", "decrease", "50.0"),
    ("100", "60", "60", "decrease", "100.0"),
    ("100", "60", "50", "decrease", "125.0"),    # better than the target
    ("100", "60", "110", "decrease", "-25.0"),   # worse than the baseline
    ("5", "-5", "-10", "decrease", "150.0"),
])
def test_achievement_is_the_share_of_the_way_to_the_target(
        baseline, target, value, direction, expected):
    result = achievement(D(baseline), D(target), D(value), direction)
    assert result == D(expected)
    assert str(result) == expected


@pytest.mark.parametrize(("baseline", "target", "direction", "problem"), [
    ("10", "10", "increase", "target_equals_baseline"),
    ("10", "10", "decrease", "target_equals_baseline"),
    ("10", "5", "increase", "target_against_direction"),
    ("10", "15", "decrease", "target_against_direction"),
])
def test_no_achievement_when_the_indicator_cannot_have_one(baseline, target, direction, problem):
    assert achievement(D(baseline), D(target), D("12"), direction) is None
    assert achievement_problem(D(baseline), D(target), direction) == problem
    assert problem in PROBLEM_MESSAGES


def test_no_achievement_before_anything_is_measured():
    assert achievement(D(10), D(20), None, "increase") is None
    assert achievement_problem(D(10), D(20), "increase") is None


def test_an_unknown_direction_is_a_programming_error():
    with pytest.raises(ValueError):
        achievement(D(1), D(2), D(1), "sideways")


@given(st.decimals(-10**6, 10**6, places=2), st.decimals(-10**6, 10**6, places=2),
       st.decimals(-10**6, 10**6, places=2))
def test_reaching_the_target_is_always_100_and_the_baseline_0(baseline, target, value):
    if baseline == target:
        return
    direction = "increase" if target > baseline else "decrease"
    assert achievement(baseline, target, target, direction) == 100
    assert achievement(baseline, target, baseline, direction) == 0
    # a better value (a cent further in the indicator's direction) never scores lower
    better = value + D("0.01") if direction == "increase" else value - D("0.01")
    assert achievement(baseline, target, better, direction) >= \
        achievement(baseline, target, value, direction)


@pytest.mark.parametrize(("args", "problems"), [
    ((D(10), D(20), "increase", date(2025, 1, 1), date(2025, 12, 31)), {}),
    ((D(10), D(20), "increase"), {}),
    ((D(10), D(10), "increase"), {"target": "target_equals_baseline"}),
    ((D(10), D(20), "decrease", date(2025, 1, 1), date(2025, 1, 1)),
     {"target": "target_against_direction", "target_on": "target_date_before_baseline"}),
    ((D(10), D(20), "increase", date(2025, 2, 1), date(2025, 1, 1)),
     {"target_on": "target_date_before_baseline"}),
])
def test_indicator_problems_name_the_field(args, problems):
    assert indicator_problems(*args) == problems


@pytest.mark.parametrize(("measured_on", "baseline_on", "today", "problem"), [
    (date(2025, 1, 1), date(2025, 1, 1), None, None),          # on the baseline date: fine
    (date(2024, 12, 31), date(2025, 1, 1), None, "before_baseline"),
    (date(2025, 6, 1), None, None, None),
    (date(2025, 6, 1), date(2025, 1, 1), date(2025, 6, 1), None),
    (date(2025, 6, 2), date(2025, 1, 1), date(2025, 6, 1), "in_future"),
])
def test_a_measurement_is_not_dated_before_the_baseline(measured_on, baseline_on, today, problem):
    assert measurement_date_problem(measured_on, baseline_on, today) == problem


def test_latest_measurement_is_the_most_recent_by_date():
    march = Measurement(D(3), date(2025, 3, 1))
    january = Measurement(D(1), date(2025, 1, 1))
    february = Measurement(D(2), date(2025, 2, 1))
    assert latest_measurement([march, january, february]) is march
    assert latest_measurement([]) is None
    assert latest_measurement(iter([january])) is january


def test_of_two_measurements_on_one_day_the_later_entered_is_latest():
    first = Measurement(D(1), date(2025, 3, 1), note="first")
    second = Measurement(D(2), date(2025, 3, 1), note="correction")
    assert latest_measurement([first, second]) is second
