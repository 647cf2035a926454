"""An idea's fields as the page and the API send them: the one copy of each field rule.

`IdeaFields` reads what was sent (text, budget, duration, indicators) with the same
localised message beside each field on both doors: the operations load it for the page's
form, and the API names it in `json_body`, so OpenAPI documents these very rules.

A draft may be incomplete: a field that is not sent is left out, and a blank one is
empty. Format rules hold for drafts too (a 301-character summary is never stored);
completeness is the submission's check (`operations.missing_for_submit`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.core.translation import lazy_gettext as _l
from app.ideas.models import (
    BUDGET_MAX,
    DURATION_MAX,
    DURATION_MIN,
    INDICATOR_NAME_MAX,
    INDICATOR_VALUE_MAX,
    INDICATORS_MAX,
    LONG_TEXT_MAX,
    PARTNERS_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)

REASON_MAX = 2_000
_BUDGET = re.compile(r"\d+(?:[.,]\d+)?")


# --- reading one value ------------------------------------------------------------------------

def text_of(value: Any) -> str | None:
    """User text with normalised line ends; None when it is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n")


def parse_budget(value: Any) -> tuple[Decimal | None, Any]:
    """EUR amount from a form or JSON: "1500", "1 500,50", 1500.5. Exact, never rounded."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _l("Enter the budget as a number of euros, e.g. 15000 or 15000,50.")
    if isinstance(value, int | float | Decimal):
        value = str(value)
    if not isinstance(value, str):
        return None, _l("Enter the budget as a number of euros, e.g. 15000 or 15000,50.")
    text = re.sub(r"[\s\u00a0\u202f]", "", value).removesuffix("€").removeprefix("€")
    if text.startswith("-"):
        return None, _l("The budget cannot be negative.")
    if not _BUDGET.fullmatch(text):
        return None, _l("Enter the budget as a number of euros, e.g. 15000 or 15000,50.")
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, _l("Enter the budget as a number of euros, e.g. 15000 or 15000,50.")
    if amount > BUDGET_MAX:
        return None, _l("The budget is too large for one pilot.")
    if amount != amount.quantize(Decimal("0.01")):
        return None, _l("Use at most two decimal places (euro cents).")
    return amount.quantize(Decimal("0.01")), None


def parse_duration(value: Any) -> tuple[int | None, Any]:
    """Whole months, 1–120."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    message = _l("Enter the duration as whole months from %(min)d to %(max)d.",
                 min=DURATION_MIN, max=DURATION_MAX)
    if isinstance(value, bool):
        return None, message
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
        value = int(value)
    if not isinstance(value, int) or not DURATION_MIN <= value <= DURATION_MAX:
        return None, message
    return value, None


def parse_indicators(value: Any) -> tuple[list[dict] | None, list]:
    """[{name, baseline, target}, ...]; wholly empty rows are dropped."""
    if value is None:
        return [], []
    if not isinstance(value, list | tuple):
        return None, [_l("Send the indicators as a list of {name, baseline, target}.")]
    rows, errors = [], []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors.append(_l("Indicator %(n)d: send name, baseline and target.", n=number))
            continue
        name, baseline, target = (text_of(item.get(k)) for k in ("name", "baseline", "target"))
        if name is None or baseline is None or target is None:
            errors.append(_l("Indicator %(n)d: name, baseline and target must be text.",
                             n=number))
            continue
        name, baseline, target = " ".join(name.split()), baseline.strip(), target.strip()
        if not (name or baseline or target):
            continue
        if not name:
            errors.append(_l("Indicator %(n)d: give the indicator a name.", n=number))
        elif len(name) > INDICATOR_NAME_MAX:
            errors.append(_l("Indicator %(n)d: the name may have at most %(max)d characters.",
                             n=number, max=INDICATOR_NAME_MAX))
        if len(baseline) > INDICATOR_VALUE_MAX or len(target) > INDICATOR_VALUE_MAX:
            errors.append(_l("Indicator %(n)d: baseline and target may have at most %(max)d "
                             "characters each.", n=number, max=INDICATOR_VALUE_MAX))
        rows.append({"name": name, "baseline": baseline, "target": target})
    if len(rows) > INDICATORS_MAX:
        errors.append(_l("Propose at most %(max)d indicators.", max=INDICATORS_MAX))
    return rows, errors


# --- the fields -----------------------------------------------------------------------------

class Text(fields.String):
    """Text of at most `limit` characters, trimmed; `one_line` folds runs of blanks into one
    space (a title). Nothing sent (null) reads as empty, as a blank form field does."""

    def __init__(self, limit: int, *, one_line: bool = False, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)
        self.limit = limit
        self.one_line = one_line

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None,
                    **kwargs: Any) -> Any:
        return super().deserialize("" if value is None else value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = text_of(value)
        if text is None:
            raise ValidationError(_l("Enter text."))
        text = " ".join(text.split()) if self.one_line else text.strip()
        if len(text) > self.limit:
            raise ValidationError(_l("Use at most %(max)d characters (now %(n)d).",
                                     max=self.limit, n=len(text)))
        return text


class Budget(fields.Field):
    """EUR, at least 0, at most two decimals (`parse_budget`); blank is none."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        amount, error = parse_budget(value)
        if error:
            raise ValidationError(error)
        return amount


class Duration(fields.Field):
    """Whole months (`parse_duration`); blank is none."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        months, error = parse_duration(value)
        if error:
            raise ValidationError(error)
        return months


class IndicatorSchema(Schema):
    """One proposed indicator, as documented and as dumped (rows are read by `Indicators`)."""

    name = fields.String(required=True)
    baseline = fields.String(load_default="")
    target = fields.String(load_default="")


class Indicators(fields.List):
    """The proposed indicators (`parse_indicators`): a message for each bad row, numbered
    as the reader sees them; wholly empty rows are dropped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(IndicatorSchema), allow_none=True, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None,
                    **kwargs: Any) -> Any:
        return super().deserialize([] if value is None else value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        rows, errors = parse_indicators(value)
        if errors:
            raise ValidationError(errors)
        return rows


class IdeaFields(Schema):
    """The fields a team writes; each is optional (a draft saves incomplete)."""

    title = Text(TITLE_MAX, one_line=True,
                 metadata={"description": f"At most {TITLE_MAX} characters"})
    summary = Text(SUMMARY_MAX, metadata={"description": f"At most {SUMMARY_MAX} characters"})
    problem = Text(LONG_TEXT_MAX, metadata={"description": "Markdown"})
    solution = Text(LONG_TEXT_MAX, metadata={"description": "Markdown"})
    target_group = Text(LONG_TEXT_MAX, metadata={"description": "Markdown"})
    expected_impact = Text(LONG_TEXT_MAX, metadata={"description": "Markdown"})
    partners = Text(PARTNERS_MAX, metadata={"description": "Markdown"})
    budget_eur = Budget(allow_none=True, metadata={
        "type": "string", "example": "15000.00",
        "description": "EUR, ≥ 0, at most two decimals; a decimal string (a number is accepted)"})
    duration_months = Duration(allow_none=True, metadata={
        "type": "integer", "minimum": DURATION_MIN, "maximum": DURATION_MAX})
    indicators = Indicators(metadata={"description": "Proposed indicators; replaces the list"})


class IneligibleInput(Schema):
    """Why a coordinator rules an idea out: the team reads it on the idea's page."""

    reason = Text(REASON_MAX, required=True,
                  validate=validate.Length(min=1, error=_l("Explain to the team why the idea "
                                                           "is ineligible.")),
                  error_messages={"required": _l("Explain to the team why the idea is "
                                                 "ineligible.")})
