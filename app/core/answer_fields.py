"""marshmallow fields for what the API answers: exact amounts and numbers as strings, a
state's value, and values worked out from the object rather than read off it.

An answer is the object dumped by its response schema, the same schema the OpenAPI document
is generated from, so what is documented is what is sent. Each field here keeps the JSON
type it is documented with: money and decimals are strings (never floats), a state is one
of its enum's values.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import Any

from marshmallow import Schema, fields
from marshmallow.utils import missing

from app.core.formatting import plain_number

MONEY_DOC = {"example": "1500.00", "description": "EUR, a decimal string with two decimals"}


_getter = cache(attrgetter)


class ObjectSchema(Schema):
    """A schema that dumps an object (a model, a row of computed values), never a mapping:
    each attribute, dotted or not, is read by one compiled getter, which keeps a page of
    answers cheap."""

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        try:
            return _getter(attr)(obj)
        except AttributeError:
            return default


class Money(fields.String):
    """EUR with two decimals: Decimal("1500") → "1500.00"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {**MONEY_DOC, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{value:.2f}"


class PlainNumber(fields.String):
    """A decimal without exponent or trailing zeros: 1E+2 → "100", 2.50 → "2.5"."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else plain_number(value)


class State(fields.String):
    """An enum member as its value, documented with every value it may take."""

    def __init__(self, enum: type[Enum], **kwargs: Any) -> None:
        kwargs["metadata"] = {"enum": [member.value for member in enum],
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.value


class _Worked:
    """A value worked out from the whole object by `getter`, where no attribute holds it
    (a count, a check, the reports the caller may read)."""

    def __init__(self, getter: Callable[[Any], Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.getter = getter

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return self.getter(obj)


class WorkedBoolean(_Worked, fields.Boolean):
    pass


class WorkedString(_Worked, fields.String):
    pass


class WorkedDict(_Worked, fields.Dict):
    pass


class WorkedNested(_Worked, fields.Nested):
    pass


class WorkedList(_Worked, fields.List):
    pass
