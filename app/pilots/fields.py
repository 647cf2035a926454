"""Reading a form's or an API body's fields one by one, every message collected before
one Invalid is raised: text, dates (ISO or Latvian), exact amounts, indicator numbers and
weights.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.clock import PLAUSIBLE_YEARS
from app.core.errors import Invalid
from app.pilots.models import TEXT_MAX, UNIT_MAX, URL_MAX
from app.pilots.money import AmountError, check_amount, parse_amount

WEIGHT_MAX = Decimal("9999.99")
VALUE_MAX = Decimal("999999999999.9999")
_DATE_LV = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_NUMBER = re.compile(r"[-\u2212+]?\d+(?:[.,]\d+)?")
_LEADING_NUMBER = re.compile(r"\s*([-\u2212+]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?)\s*(.*)")


class Fields:
    """Reads a dict of user input field by field, collecting every message before raising."""

    def __init__(self, data: dict):
        self.data = data or {}
        self.errors: dict[str, list] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def fail(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise Invalid(errors=self.errors)

    def text(self, name: str, *, required: bool = False, max_length: int = TEXT_MAX,
             default: str = "") -> str:
        value = self.data.get(name, default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _l("Enter text."))
            return default
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if required and not value:
            self.fail(name, _l("Fill in this field."))
        elif len(value) > max_length:
            self.fail(name, _l("Use at most %(max)d characters (now %(n)d).",
                               max=max_length, n=len(value)))
        return value

    def date(self, name: str, *, required: bool = True, default: date | None = None
             ) -> date | None:
        value = self.data.get(name)
        if value in (None, ""):
            value = default
        parsed = parse_date(value)
        if parsed is None:
            if value in (None, "") and not required:
                return None
            if value in (None, ""):
                self.fail(name, _l("Enter a date."))
            else:
                self.fail(name, _l("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))
        elif not PLAUSIBLE_YEARS[0] <= parsed.year <= PLAUSIBLE_YEARS[1]:
            self.fail(name, _l("Enter a date between the years %(first)d and %(last)d.",
                               first=PLAUSIBLE_YEARS[0], last=PLAUSIBLE_YEARS[1]))
            return None
        return parsed

    def amount(self, name: str, *, allow_zero: bool = True) -> Decimal | None:
        try:
            return read_amount(self.data.get(name), allow_zero=allow_zero)
        except AmountError as error:
            self.fail(name, error.message)
            return None

    def number(self, name: str) -> Decimal | None:
        value, problem = read_number(self.data.get(name))
        if problem:
            self.fail(name, problem)
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "y", "yes", "on"):
            return True
        if value in (None, "", 0) or (isinstance(value, str)
                                     and value.lower() in ("0", "false", "n", "no", "off")):
            return False
        self.fail(name, _l("Answer yes or no."))
        return default

    def choice(self, name: str, enum_type, *, required: bool = True, default=None):
        value = self.data.get(name, default)
        if value in (None, ""):
            if required:
                self.fail(name, _l("Choose one of the options."))
            return None
        try:
            return enum_type(value)
        except ValueError:
            self.fail(name, _l("Choose one of: %(options)s.",
                               options=", ".join(m.value for m in enum_type)))
            return None

    def url(self, name: str) -> str:
        value = self.text(name, max_length=URL_MAX)
        if value and not re.fullmatch(r"https?://[^\s<>\"]+", value):
            self.fail(name, _l("Enter a web address starting with https:// or http://."))
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, _l("Choose one of the options."))
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            self.fail(name, _l("Choose one of the options."))
            return None
        return value


def parse_date(value: Any) -> date | None:
    """A date from a form or JSON: a date, "2026-03-01" or the Latvian "1.03.2026."."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        match = _DATE_LV.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def read_amount(value: Any, *, allow_zero: bool = True) -> Decimal:
    """An amount in EUR from a form ("1 500,50") or JSON ("1500.50" or 1500.5), exact."""
    if isinstance(value, bool):
        raise AmountError("not_a_number")
    if isinstance(value, Decimal | int):
        return check_amount(value, allow_zero=allow_zero)
    if isinstance(value, float):
        # JSON numbers arrive as floats; their shortest text is what the client wrote.
        value = repr(value) if value == value and abs(value) != float("inf") else "x"
        if "e" in value.lower():
            raise AmountError("not_a_number")
    if value is not None and not isinstance(value, str):
        raise AmountError("not_a_number")
    if isinstance(value, str):
        value = value.strip().removesuffix("€").removesuffix("EUR").strip()
    return parse_amount(value, allow_zero=allow_zero)


def read_number(value: Any) -> tuple[Decimal | None, Any]:
    """An indicator's value: any sign, at most four decimals; never a float's noise."""
    message = _l("Enter a number, for example 42 or 3,5.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _l("Enter a number.")
    if isinstance(value, bool):
        return None, message
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            return None, message
        value = repr(value)
        if "e" in value.lower():
            return None, message
    if isinstance(value, int | Decimal):
        value = str(value)
    if not isinstance(value, str):
        return None, message
    text = re.sub(r"[ \u00a0\u202f]", "", value.strip()).replace("\u2212", "-")
    if not _NUMBER.fullmatch(text):
        return None, message
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, message
    if abs(number) > VALUE_MAX:
        return None, _l("The number is too large.")
    if number != number.quantize(Decimal("0.0001")):
        return None, _l("Use at most four decimals.")
    return number, None


def read_weight(value: Any) -> tuple[Decimal | None, Any]:
    """A milestone's weight: a number above zero, at most two decimals."""
    if value is None or value == "":
        return Decimal("1"), None
    number, problem = read_number(value)
    if problem or number is None:
        return None, _l("The weight is a number above zero, for example 1 or 2,5.")
    if number <= 0:
        return None, _l("The weight must be more than zero.")
    if number > WEIGHT_MAX or number != number.quantize(Decimal("0.01")):
        return None, _l("The weight is at most 9999,99, with at most two decimals.")
    return number, None


def split_proposed_value(text: str) -> tuple[Decimal | None, str]:
    """"62 %" → (62, "%"); "45" → (45, ""); "about forty" → (None, "")."""
    match = _LEADING_NUMBER.fullmatch(text or "")
    if not match:
        return None, ""
    number, _problem = read_number(match[1])
    return number, match[2].strip()[:UNIT_MAX]
