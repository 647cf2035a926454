"""Outcome indicators: achievement toward the target, the latest measurement, date checks.

Achievement says how far a measured value has moved from the baseline toward
the target, in percent:

    achievement = (value − baseline) ÷ (target − baseline) × 100

rounded half up to one decimal. 0 % is the baseline, 100 % the target. It
works the same way for an indicator that should *increase* (target above the
baseline) and one that should *decrease* (target below it): moving toward the
target counts up in both. It may exceed 100 % (the target was beaten) or go
below 0 % (things moved the wrong way).

There is no achievement (None) when the target equals the baseline (nothing to
move toward), when the target lies on the wrong side of the baseline for the
indicator's direction (a contradiction in the indicator, refused when it is
saved), or when nothing has been measured yet. `achievement_problem` names the
indicator's problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Protocol, TypeVar

from app.core.translation import lazy_gettext as _l

INCREASE, DECREASE = "increase", "decrease"
DIRECTIONS = (INCREASE, DECREASE)
_TENTH = Decimal("0.1")
_WIDE = Context(prec=60)

PROBLEM_MESSAGES: Mapping[str, object] = {
    "target_equals_baseline": _l("The target must differ from the baseline."),
    "target_against_direction": _l(
        "For an indicator that should increase the target must be above the baseline, "
        "and for one that should decrease, below it."),
    "target_date_before_baseline": _l("The target date must be after the baseline date."),
    "before_baseline": _l("A measurement cannot be dated before the indicator's baseline date."),
    "in_future": _l("A measurement cannot be dated in the future."),
}


@dataclass(frozen=True)
class Measurement:
    """One measured value of an indicator (the model's rows work the same way)."""

    value: Decimal
    measured_on: date
    note: str = ""


class Dated(Protocol):
    measured_on: date


M = TypeVar("M", bound=Dated)


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")


def achievement_problem(baseline: Decimal, target: Decimal, direction: str) -> str | None:
    """Why the indicator can have no achievement, as a code of PROBLEM_MESSAGES, or None."""
    _check_direction(direction)
    if target == baseline:
        return "target_equals_baseline"
    if (direction == INCREASE) != (target > baseline):
        return "target_against_direction"
    return None


def achievement(baseline: Decimal, target: Decimal, value: Decimal | None,
                direction: str) -> Decimal | None:
    """Percent moved from baseline toward target (may be above 100 or below 0), or None
    when nothing is measured yet or the indicator has a problem (see achievement_problem)."""
    if achievement_problem(baseline, target, direction) is not None or value is None:
        return None
    with localcontext(_WIDE):
        share = (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))
        percent = (share * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return percent.copy_abs() if percent == 0 else percent  # never "-0.0"


def indicator_problems(baseline: Decimal, target: Decimal, direction: str,
                       baseline_on: date | None = None,
                       target_on: date | None = None) -> dict[str, str]:
    """What is wrong with an indicator as entered: {field: problem code}, empty when fine."""
    problems = {}
    problem = achievement_problem(baseline, target, direction)
    if problem is not None:
        problems["target"] = problem
    if baseline_on is not None and target_on is not None and target_on <= baseline_on:
        problems["target_on"] = "target_date_before_baseline"
    return problems


def measurement_date_problem(measured_on: date, baseline_on: date | None,
                             today: date | None = None) -> str | None:
    """"before_baseline" or "in_future" (when `today` is given) for a measurement's date."""
    if baseline_on is not None and measured_on < baseline_on:
        return "before_baseline"
    if today is not None and measured_on > today:
        return "in_future"
    return None


def latest_measurement(measurements: Iterable[M]) -> M | None:
    """The most recent measurement by date; of two on the same date, the one given later.

    Pass them in the order they were recorded (by id) for that tie-break to mean
    "the last one entered".
    """
    latest = None
    for measurement in measurements:
        if latest is None or measurement.measured_on >= latest.measured_on:
            latest = measurement
    return latest
