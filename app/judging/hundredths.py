"""Exact arithmetic for scores, in whole hundredths of a point.

Scores are added, averaged and rounded as Python integers of hundredths, so that rounding
"half up" really means half up and the order of the input never matters; only the
normalised score needs floats, and it is rounded here at the very end. Pure: no session,
no Flask.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Real
from typing import TypeGuard


def is_number(value: object) -> TypeGuard[float | Decimal | int]:
    """A finite int, float, Decimal or Fraction (True and False are not scores)."""
    if type(value) is int:  # the common cases first: the ABC check below is slow
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is Decimal:  # a score read from the database or a form
        return value.is_finite()
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def in_half_points(value: float | Decimal | int) -> int | None:
    """Twice a score, when that is a whole number (whole or half points); else None."""
    if type(value) is int:
        return 2 * value
    if type(value) is float:  # doubling a float is exact
        doubled = value * 2
        return int(doubled) if doubled.is_integer() else None
    if type(value) is Decimal and value.is_finite():  # exactly, whatever its digits
        numerator, denominator = value.as_integer_ratio()
        return 2 * numerator // denominator if 2 * numerator % denominator == 0 else None
    exact = Fraction(value) * 2
    return exact.numerator if exact.denominator == 1 else None


def to_hundredths(value: float | Decimal | int) -> int:
    """A score in whole hundredths, rounded half up (floats by their shortest decimal form)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return int((exact * 100).to_integral_value(rounding=ROUND_HALF_UP))


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half up, for numerator ≥ 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def round_half_up(value: float) -> int:
    """A float (hundredths already) rounded half up to a whole number, by its shortest decimal
    form."""
    return int(Decimal(repr(value)).to_integral_value(rounding=ROUND_HALF_UP))


def as_points(hundredths: int) -> float:
    """Hundredths as the points handed out: a float with at most 2 decimals."""
    return hundredths / 100
