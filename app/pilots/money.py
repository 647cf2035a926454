"""Pilot money in exact euro decimals, never floats: parsing typed amounts, sums, what remains.

Amounts are `Decimal` values with two decimals (cents), from 0 up to
9 999 999 999.99 EUR — what a `Numeric(12, 2)` column holds. Sums are computed
under a decimal context that raises instead of rounding, so a total is the
exact sum of its parts, to the cent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, localcontext

from app.core.translation import lazy_gettext as _l

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
AMOUNT_DIGITS, AMOUNT_DECIMALS = 12, 2  # for the models: Numeric(12, 2)

# Thousands may be grouped with a space, a no-break space or a narrow no-break space
# (what Babel writes for Latvian); the decimal mark is a point or a comma.
_GROUP = "[ \u00a0\u202f]"
_AMOUNT = re.compile(
    rf"(?P<sign>[-\u2212+]?)\s*"
    rf"(?P<whole>[0-9]{{1,3}}(?:{_GROUP}[0-9]{{3}})+|[0-9]+)"
    rf"(?:[.,](?P<fraction>[0-9]+))?"
)
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])

AMOUNT_MESSAGES = {
    "required": _l("Enter an amount."),
    "not_a_number": _l("Enter an amount in euros, for example 1500 or 1 500,50."),
    "negative": _l("The amount cannot be negative."),
    "zero": _l("The amount must be more than zero."),
    "too_many_decimals": _l("Use at most two decimals (cents)."),
    "too_large": _l("The amount cannot exceed 9 999 999 999,99 EUR."),
}


class AmountError(ValueError):
    """A typed amount was refused; `code` is one of AMOUNT_MESSAGES' keys."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self):
        """The lazy, translatable message for a form field or a problem+json body."""
        return AMOUNT_MESSAGES[self.code]


def parse_amount(text: str | None, *, allow_zero: bool = True) -> Decimal:
    """An amount typed by a person ("1500", "1500.5", "1 500,50") as Decimal cents.

    A single point or comma is the decimal mark; spaces may group thousands in
    threes. A string holding both a point and a comma ("1,500.50") is refused
    rather than guessed, and so is "1,500": three decimals are not cents.
    """
    if text is None or not text.strip():
        raise AmountError("required")
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        raise AmountError("not_a_number")
    if match["sign"] in ("-", "\u2212"):
        raise AmountError("negative")
    fraction = match["fraction"] or ""
    if len(fraction) > AMOUNT_DECIMALS:
        raise AmountError("too_many_decimals")
    whole = re.sub(_GROUP, "", match["whole"]).lstrip("0") or "0"
    if len(whole) > AMOUNT_DIGITS - AMOUNT_DECIMALS:
        raise AmountError("too_large")
    return check_amount(Decimal(f"{whole}.{fraction or '0'}"), allow_zero=allow_zero)


def check_amount(value: Decimal | int, *, allow_zero: bool = True) -> Decimal:
    """An amount that is already a number (from JSON or the database), checked and in cents."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise AmountError("not_a_number")
    value = _as_decimal(value)
    if value < 0:
        raise AmountError("negative")
    if value == 0 and not allow_zero:
        raise AmountError("zero")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError("too_many_decimals")
    if value > MAX_AMOUNT:
        raise AmountError("too_large")
    return value.quantize(CENT)


def _as_decimal(amount: Decimal | int) -> Decimal:
    """Refuse floats (and bools) loudly: a float has already lost the cents."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amounts are Decimal or int, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError("an amount is not a finite number")
    return amount


def _exact_sum(amounts: Iterable[Decimal | int]) -> Decimal:
    total = Decimal(0)
    with localcontext(_EXACT):  # traps Inexact: a sum that would round raises instead
        for amount in amounts:
            total += _as_decimal(amount)
    return total


def spent_eur(expenses: Iterable[Decimal | int]) -> Decimal:
    """The exact sum of the expenses' amounts in EUR, to the cent (0.00 when there are none).

    Pass the amounts: `spent_eur(e.amount_eur for e in pilot.expenses)`.
    """
    return _to_cents(_exact_sum(expenses))


def from_cents(cents: int | None) -> Decimal:
    """An amount in EUR from a whole number of cents (a database's exact SUM of cents)."""
    if isinstance(cents, bool) or not isinstance(cents, int | type(None)):
        raise TypeError(f"cents are an int, not {type(cents).__name__}")
    return (Decimal(cents or 0) / 100).quantize(CENT)


def remaining_eur(approved: Decimal | int, spent: Decimal | int) -> Decimal:
    """What is left of the approved budget, to the cent; negative when overspent."""
    return _to_cents(_exact_sum([approved, -_as_decimal(spent)]))


def funding_total(lines: Iterable[Decimal | int]) -> Decimal:
    """The exact sum of a budget's funding lines (programme funds, co-financing, VAT...)."""
    return _to_cents(_exact_sum(lines))


def funding_gap(approved: Decimal | int, lines: Iterable[Decimal | int]) -> Decimal:
    """Approved budget minus its funding lines: positive when not yet covered, negative
    when the lines promise more than was approved, 0.00 when they match."""
    return remaining_eur(approved, funding_total(lines))


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the regional envelope -----------------------------------------------------------------
# The programme gives each planning region an amount for the pilots' costs excluding VAT,
# and a separate amount for the VAT on them. Municipal co-financing and other sources are
# not the programme's money, so they never count against either.

PROGRAMME = "programme"
LEGACY_VAT = "vat"  # a line recorded as VAT alone: its amount is programme VAT


@dataclass(frozen=True)
class EnvelopeUse:
    """Programme money (excl. VAT) and programme VAT of a region's pilots against its lines."""

    programme: Decimal
    vat: Decimal
    envelope: Decimal
    vat_envelope: Decimal

    @property
    def remaining(self) -> Decimal:
        return remaining_eur(self.envelope, self.programme)

    @property
    def vat_remaining(self) -> Decimal:
        return remaining_eur(self.vat_envelope, self.vat)

    @property
    def over(self) -> bool:
        return self.programme > self.envelope

    @property
    def vat_over(self) -> bool:
        return self.vat > self.vat_envelope


def envelope_use(lines: Iterable[tuple[str, Decimal | int, Decimal | int]], *,
                 envelope: Decimal | int, vat_envelope: Decimal | int) -> EnvelopeUse:
    """Sum the funding lines `(source, amount excl. VAT, VAT)` the way the programme counts
    them: programme amounts against `envelope`, programme VAT against `vat_envelope`."""
    programme: list[Decimal | int] = []
    vat: list[Decimal | int] = []
    for source, amount, line_vat in lines:
        if source == PROGRAMME:
            programme.append(amount)
            vat.append(line_vat)
        elif source == LEGACY_VAT:
            vat.append(amount)
    return EnvelopeUse(programme=funding_total(programme), vat=funding_total(vat),
                       envelope=_to_cents(_as_decimal(envelope)),
                       vat_envelope=_to_cents(_as_decimal(vat_envelope)))
