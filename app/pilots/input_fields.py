"""The pilots' input fields for marshmallow: text, dates (ISO or Latvian), exact amounts,
indicator numbers, weights, web addresses, choices and yes/no, each with the message a
person reads beside the field; and the pure readers they are built on, which the
workbook import uses too.

Every field reads a missing key as its `absent` value (None unless given) and a blank one
by its own rule, as the pages' forms send them: a schema loads all of a request's fields
before one Invalid lists every message. An update loads with `partial=True`, so a field
that is not sent keeps the object's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow.utils import missing

from app.core.clock import PLAUSIBLE_YEARS
from app.core.errors import Invalid
from app.core.translation import lazy_gettext as _l
from app.pilots.models import TEXT_MAX, UNIT_MAX, URL_MAX
from app.pilots.money import AmountError, check_amount, parse_amount

WEIGHT_MAX = Decimal("9999.99")
VALUE_MAX = Decimal("999999999999.9999")
_DATE_LV = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_NUMBER = re.compile(r"[-\u2212+]?\d+(?:[.,]\d+)?")
_LEADING_NUMBER = re.compile(r"\s*([-\u2212+]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?)\s*(.*)")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+")

Errors = dict[str, list[Any]]


# --- loading a request ------------------------------------------------------------------------

def read(schema: Schema, data: Mapping[str, Any] | None, *,
         partial: bool | tuple[str, ...] = False) -> tuple[dict[str, Any], Errors]:
    """What `data` means by `schema` (the fields that could be read) and the messages of
    those that could not, keyed by field; the caller adds its cross-field checks to them
    and raises them all at once with `check`."""
    try:
        return dict(schema.load(data or {}, partial=partial, unknown=EXCLUDE)), {}
    except ValidationError as error:
        valid = error.valid_data if isinstance(error.valid_data, dict) else {}
        messages = error.messages if isinstance(error.messages, dict) else {}
        return dict(valid), {str(name): list(found) for name, found in messages.items()}


def fail(errors: Errors, name: str, message: Any) -> None:
    """Add a message to a field's."""
    errors.setdefault(name, []).append(message)


def check(errors: Errors, schema: Schema | None = None) -> None:
    """Raise one Invalid listing every message, in the order of the schema's fields (the
    order of the form) and then the others."""
    if not errors:
        return
    order = list(schema.fields) if schema is not None else []
    ordered = {name: errors[name] for name in order if name in errors}
    ordered.update({name: found for name, found in errors.items() if name not in ordered})
    raise Invalid(errors=ordered)


def filled(data: Mapping[str, Any] | None, **defaults: Any) -> dict[str, Any]:
    """`data` with each of `defaults` where its value is missing or blank."""
    result = dict(data or {})
    for name, default in defaults.items():
        if result.get(name) in (None, ""):
            result[name] = default
    return result


# --- fields -----------------------------------------------------------------------------------

def _refusal(message: Any) -> ValidationError:
    # A lazy message is not a str, and marshmallow would read it as a list of letters.
    return ValidationError([message])


class Input(fields.Field):
    """A field read as the pages' forms send it: a missing key is `absent` (None unless
    given), and None goes to the field's own rule for a blank, like "" does.

    The same fields describe an API body in the OpenAPI document (`openapi`). A field is
    listed as required there when a missing key is refused, and nullable when null is
    taken as a blank; loading asks neither of marshmallow's flags, since the field's own
    rule gives the message a person reads.
    """

    def __init__(self, *, absent: Any = None, must_fill: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(allow_none=not must_fill, **kwargs)
        self.absent = absent
        self.must_fill = must_fill
        self.required = must_fill and absent in (None, "")

    def openapi(self) -> dict[str, Any]:
        """The field's JSON schema keywords (apispec adds the description and nullable)."""
        return {"type": "string"}

    def deserialize(self, value: Any, attr: str | None = None,
                    data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        if value is missing:
            value = self.absent() if callable(self.absent) else self.absent
        output = self._deserialize(value, attr, data, **kwargs)
        self._validate(output)
        return output

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Text(Input):
    """Text with normalised line ends, trimmed; `required`: not blank."""

    def __init__(self, *, required: bool = False, max_length: int = TEXT_MAX,
                 **kwargs: Any) -> None:
        kwargs.setdefault("absent", "")
        super().__init__(must_fill=required, **kwargs)
        self.max_length = max_length

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise _refusal(_l("Enter text."))
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if self.must_fill and not value:
            raise _refusal(_l("Fill in this field."))
        if len(value) > self.max_length:
            raise _refusal(_l("Use at most %(max)d characters (now %(n)d).",
                                     max=self.max_length, n=len(value)))
        return value


class Direction(Text):
    """An indicator's direction: increase or decrease."""

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        super().__init__(required=True, max_length=10, **kwargs)
        self.choices = tuple(choices)

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        wrong = _l("Choose increase or decrease.")
        try:
            text = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            # Too long is also not one of the two: both are said, as the form always did.
            if isinstance(value, str) and value.strip() and value.strip() not in self.choices:
                raise ValidationError([*error.messages, wrong]) from None
            raise
        if text and text not in self.choices:
            raise _refusal(wrong)
        return text


class WebAddress(Text):
    """A link starting with https:// or http://, or blank."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=URL_MAX, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not _WEB_ADDRESS.fullmatch(text):
            raise _refusal(_l("Enter a web address starting with https:// or http://."))
        return text


class LvDate(Input):
    """A date as YYYY-MM-DD or the Latvian DD.MM.YYYY, within the plausible years;
    `required`: not blank."""

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        super().__init__(must_fill=required, **kwargs)

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "example": "2026-03-01"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> date | None:
        parsed = parse_date(value)
        if parsed is None:
            if value in (None, ""):
                if not self.must_fill:
                    return None
                raise _refusal(_l("Enter a date."))
            raise _refusal(_l("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))
        if not PLAUSIBLE_YEARS[0] <= parsed.year <= PLAUSIBLE_YEARS[1]:
            raise _refusal(_l("Enter a date between the years %(first)d and %(last)d.",
                                     first=PLAUSIBLE_YEARS[0], last=PLAUSIBLE_YEARS[1]))
        return parsed


class Amount(Input):
    """An exact amount in EUR ("1 500,50", "1500.50" or a JSON number); `blank`: the
    amount a blank means (otherwise a blank is refused)."""

    def __init__(self, *, allow_zero: bool = True, blank: Decimal | None = None,
                 **kwargs: Any) -> None:
        super().__init__(must_fill=blank is None, **kwargs)
        self.allow_zero = allow_zero
        self.blank = blank

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "example": "1500.00"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if self.blank is not None and value in (None, ""):
            return self.blank
        try:
            return read_amount(value, allow_zero=self.allow_zero)
        except AmountError as error:
            raise _refusal(error.message) from None


class IndicatorNumber(Input):
    """An indicator's value: any sign, at most four decimals."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(must_fill=True, **kwargs)

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "example": "42.5"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number, problem = read_number(value)
        if problem or number is None:
            raise _refusal(problem)
        return number


class Weight(Input):
    """A milestone's weight above zero, at most two decimals; `blank`: the weight a blank
    means (otherwise a blank is refused)."""

    def __init__(self, *, blank: Decimal | None = None, **kwargs: Any) -> None:
        super().__init__(must_fill=blank is None, **kwargs)
        self.blank = blank

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "example": "1"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if value in (None, "") and self.blank is None:
            raise _refusal(_l("The weight must be more than zero."))
        number, problem = read_weight(value)
        if problem or number is None:
            raise _refusal(problem)
        return number


class YesNo(Input):
    """Yes or no, as a checkbox ("on", "1", absent) or JSON (true/false) says it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("absent", False)
        super().__init__(**kwargs)

    def openapi(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "y", "yes", "on"):
            return True
        if value in (None, "", 0) or (isinstance(value, str)
                                     and value.lower() in ("0", "false", "n", "no", "off")):
            return False
        raise _refusal(_l("Answer yes or no."))


class Choice(Input):
    """One of an enum's values; `required`: not blank (a blank is None otherwise)."""

    def __init__(self, enum: type[Enum], *, required: bool = True, **kwargs: Any) -> None:
        super().__init__(must_fill=required, **kwargs)
        self.enum = enum

    def openapi(self) -> dict[str, Any]:
        return {"type": "string", "enum": [str(m.value) for m in self.enum]}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value in (None, ""):
            if self.must_fill:
                raise _refusal(_l("Choose one of the options."))
            return None
        try:
            return self.enum(value)
        except ValueError:
            raise _refusal(_l("Choose one of: %(options)s.", options=", ".join(
                str(m.value) for m in self.enum))) from None


class OptionId(Input):
    """The id of an option offered in a list (a municipality, a coordinator);
    `required`: not blank (a blank is None otherwise)."""

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(must_fill=required, **kwargs)

    def openapi(self) -> dict[str, Any]:
        return {"type": "integer", "format": "int32", "minimum": 1}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> int | None:
        if value in (None, ""):
            if self.must_fill:
                raise _refusal(_l("Choose one of the options."))
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            raise _refusal(_l("Choose one of the options."))
        return value


class OptionIds(Input):
    """Ids chosen from a list (partner municipalities), each once, in the order sent."""

    def openapi(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "integer", "format": "int32",
                                           "minimum": 1}}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> list[int]:
        message = _l("Choose municipalities from the list.")
        if value is None:
            return []
        if not isinstance(value, list | tuple) or any(
                isinstance(i, bool) or not isinstance(i, int | str) for i in value):
            raise _refusal(message)
        ids: list[int] = []
        for item in value:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 9:
                raise _refusal(message)
            if int(text) not in ids:
                ids.append(int(text))
        return ids


class Version(Input):
    """The version of an object that an edit started from: a whole number, or none sent."""

    def openapi(self) -> dict[str, Any]:
        return {"type": "integer", "format": "int32", "minimum": 0}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            raise _refusal(_l("Enter a whole number."))
        return value


# --- the pure readers -------------------------------------------------------------------------

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
