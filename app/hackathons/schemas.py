"""What a coordinator sends about a hackathon and its criteria: one schema per shape, loaded
by the operations for the pages and the API alike, and named by the API so that OpenAPI
documents what is really checked.

Loading is idempotent (what a schema returns loads again to the same values), because the
API loads a body with `json_body(..., load=True)` and the operation then loads it once
more, as it does for a page's form or a demo script's dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.core.clock import PLAUSIBLE_YEARS, RIGA, as_utc
from app.core.translation import lazy_gettext as _l
from app.hackathons.models import RANKING_ORDERS, ROUNDS
from app.hackathons.phases import Phase
from app.places.models import REGION_CODES

TITLE_MAX = 200
THEME_MAX = 200
DESCRIPTION_MAX = 20_000
PRIZE_MAX = 500
REASON_MAX = 1000
REVIEWS_MIN, REVIEWS_MAX = 1, 10
CRITERION_NAME_MAX = 200
CRITERION_TEXT_MAX = 2000
WEIGHT_MAX = Decimal("9999.99")
MAX_SCORE_MAX = 1000
POSITION_MAX = 1000


# --- values as people and clients write them -------------------------------------------------

def parse_moment(value: Any) -> datetime | None:
    """A datetime from a form or JSON; a time without an offset is Latvian time.

    Raises ValueError for text that is not a date and time, and for one outside the years
    a hackathon can take place in (year 1 or 9999 would overflow on conversion to UTC, and a
    date before 1926 has Riga's local mean time, an offset with seconds, in its ISO form).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=RIGA)
    if not PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]:
        raise ValueError(value)
    return as_utc(moment)


def parse_whole(value: Any) -> int:
    """A whole number from an int or its text; ValueError otherwise (also for 1.5 and True)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = "" if value is None else str(value).strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        raise ValueError(value)
    return int(text)


def parse_decimal(value: Any) -> Decimal:
    """A number from JSON or a form; a Latvian decimal comma and spaces are accepted."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value
    text = ("" if value is None else str(value)).strip()
    text = text.replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"[+-]?(\d{1,12}(\.\d*)?|\.\d+)", text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise ValueError(value) from exc


class _Parsed(fields.Field):
    """A field whose text is read by `parse`; any failure is the field's `invalid` message."""

    parse = staticmethod(lambda value: value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return self.parse(value)
        except (TypeError, ValueError):
            raise self.make_error("invalid") from None


class Moment(_Parsed):
    """A date and time; without an offset it is Latvian time. Stored in UTC."""

    parse = staticmethod(parse_moment)


class Whole(_Parsed):
    parse = staticmethod(parse_whole)


class Amount(_Parsed):
    """A decimal number kept to cents (a weight)."""

    parse = staticmethod(lambda value: parse_decimal(value).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP))


class Flag(fields.Field):
    """A yes/no as a checkbox or a client sends it: on, yes, true, 1 or a JSON boolean."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "y", "yes", "true", "on")
        return bool(value)


def at_most(limit: int) -> Callable[[str], None]:
    """A length rule that says how long the text is now, so the writer knows how much to cut."""

    def check(value: str) -> None:
        if len(value) > limit:
            # In a list: marshmallow takes a lone lazy string for a list of letters.
            raise ValidationError([_l("Use at most %(n)d characters (now %(m)d).",
                                      n=limit, m=len(value))])

    return check


def _fold(value: Any) -> Any:
    """One line: runs of blanks become one space."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _text(value: Any) -> Any:
    """A multi-line text: trimmed, with the browser's line endings made one."""
    return value.strip().replace("\r\n", "\n") if isinstance(value, str) else value


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _moment(what: Any) -> Moment:
    return Moment(allow_none=True, load_default=None, error_messages={
        "invalid": _l("Enter %(what)s as a date and time, like 2026-03-01 10:00.", what=what)},
        metadata={"type": "string", "format": "date-time",
                  "description": "ISO 8601; without an offset it is Latvian time."})


# --- a hackathon --------------------------------------------------------------------------------

ENTER_TITLE = _l("Enter a title.")
CHOOSE_REGION = _l("Choose a planning region from the list, or none for a national hackathon.")
CHOOSE_REVIEWS = _l("Enter a whole number of reviews per idea from %(low)d to %(high)d.",
                    low=REVIEWS_MIN, high=REVIEWS_MAX)
CHOOSE_ORDER = _l("Choose how ideas are ranked: by score or by normalised score.")


class HackathonInput(Schema):
    """A hackathon's fields. Unsent fields take these defaults on creation; a partial load
    (an edit) checks only what was sent. Whether a region exists and whether the dates follow
    one another is the operation's check, against what is stored."""

    title = fields.String(validate=[validate.Length(min=1, error=ENTER_TITLE), at_most(TITLE_MAX)],
                          error_messages={"null": ENTER_TITLE},
                          metadata={"description": f"At most {TITLE_MAX} characters"})
    description = fields.String(load_default="", validate=at_most(DESCRIPTION_MAX),
                                metadata={"description": "Markdown"})
    region = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(REGION_CODES, error=CHOOSE_REGION),
                           error_messages={"invalid": CHOOSE_REGION}, metadata={
                               "enum": list(REGION_CODES),
                               "description": "Organising planning region; null = national"})
    theme = fields.String(load_default="", validate=at_most(THEME_MAX), metadata={
        "description": f"Public-service theme, at most {THEME_MAX} characters"})
    eligible_regions = fields.List(
        fields.String(validate=validate.Length(max=40)), load_default=list,
        validate=lambda codes: _known_regions(codes),
        metadata={"description": "Planning regions whose municipalities may take part; [] = all"})
    submission_opens_at = _moment(_l("the opening of submissions"))
    submission_closes_at = _moment(_l("the submission deadline"))
    judging_closes_at = _moment(_l("the end of judging"))
    reviews_per_idea = Whole(
        load_default=3, validate=validate.Range(REVIEWS_MIN, REVIEWS_MAX, error=CHOOSE_REVIEWS),
        error_messages={"invalid": CHOOSE_REVIEWS, "null": CHOOSE_REVIEWS},
        metadata={"type": "integer", "minimum": REVIEWS_MIN, "maximum": REVIEWS_MAX,
                  "default": 3})
    blind_review = Flag(load_default=False, metadata={"type": "boolean"})
    public_voting = Flag(load_default=False, metadata={"type": "boolean"})
    prize_text = fields.String(
        load_default="", validate=at_most(PRIZE_MAX),
        metadata={"description": f"Optional, at most {PRIZE_MAX} characters"})
    ranking_order = fields.String(
        load_default="score", validate=validate.OneOf(RANKING_ORDERS, error=CHOOSE_ORDER),
        error_messages={"invalid": CHOOSE_ORDER},
        metadata={"enum": list(RANKING_ORDERS), "default": "score"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("title", "theme", "prize_text"):
            if key in data:
                data[key] = "" if data[key] is None else _fold(data[key])
        if "description" in data:
            data["description"] = _text(data["description"]) or ""
        for key in ("region", "submission_opens_at", "submission_closes_at",
                    "judging_closes_at"):
            if key in data:
                data[key] = _blank_is_none(data[key])
        if "reviews_per_idea" in data and _blank_is_none(data["reviews_per_idea"]) is None:
            if self.partial:
                data["reviews_per_idea"] = None  # an edit cannot blank it
            else:
                del data["reviews_per_idea"]
        if "ranking_order" in data and _blank_is_none(data["ranking_order"]) is None:
            data["ranking_order"] = "score"
        regions = data.get("eligible_regions", [])
        if regions is None or isinstance(regions, str):
            regions = [regions] if regions else []
        if isinstance(regions, list | tuple) and all(isinstance(r, str) for r in regions):
            regions = sorted({r.strip() for r in regions if r.strip()})
        if "eligible_regions" in data:
            data["eligible_regions"] = regions
        return data


    @validates_schema(skip_on_field_errors=False)
    def _dates_in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """The dates sent must follow one another (the operation compares an edit's dates
        with the stored ones too)."""
        problems = date_order_problems(data.get("submission_opens_at"),
                                       data.get("submission_closes_at"),
                                       data.get("judging_closes_at"))
        if problems:
            raise ValidationError(problems)


def _known_regions(codes: list[str]) -> None:
    unknown = [c for c in codes if c not in REGION_CODES]
    if unknown:
        raise ValidationError([_l("Unknown planning region: %(codes)s.",
                                  codes=", ".join(unknown))])


def date_order_problems(opens: datetime | None, closes: datetime | None,
                        judging: datetime | None) -> dict[str, list]:
    """Submissions open, then close, then judging closes: what is out of order."""
    problems: dict[str, list] = {}
    if opens and closes and closes <= opens:
        problems["submission_closes_at"] = [
            _l("The submission deadline must be after submissions open.")]
    if closes and judging and judging <= closes:
        problems["judging_closes_at"] = [_l("Judging must close after the submission deadline.")]
    return problems


class HackathonCreate(HackathonInput):
    title = fields.String(required=True,
                          validate=[validate.Length(min=1, error=ENTER_TITLE), at_most(TITLE_MAX)],
                          error_messages={"required": ENTER_TITLE, "null": ENTER_TITLE},
                          metadata={"description": f"At most {TITLE_MAX} characters"})


class HackathonEdit(HackathonInput):
    version = Whole(allow_none=True, error_messages={
        "invalid": _l("The version must be a whole number.")}, metadata={
        "type": "integer",
        "description": "The version you edited; a stale one answers 409 with the current object"})


class TransitionInput(Schema):
    to = fields.String(required=True, validate=validate.OneOf(
        [p.value for p in Phase],
        error=_l("Choose one of the phases: draft, open, judging, results, closed.")),
        error_messages={"required": _l("Choose one of the phases: draft, open, judging, "
                                       "results, closed.")},
        metadata={"description": "The next phase; only forward, one step"})
    reason = fields.String(allow_none=True, load_default="", validate=at_most(REASON_MAX),
                           metadata={"description": "Recorded in the history"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("to"), str):
                data["to"] = data["to"].strip()
            data["reason"] = _text(data.get("reason")) or ""
        return data


# --- a judging criterion ------------------------------------------------------------------------

ENTER_NAME = _l("Enter the criterion's name.")
WEIGHT_RULE = _l("Enter a weight greater than 0 (at most %(max)s), like 1 or 1.5.",
                 max=WEIGHT_MAX)
MAX_SCORE_RULE = _l("Enter the maximum score as a whole number from 1 to %(max)d.",
                    max=MAX_SCORE_MAX)
POSITION_RULE = _l("Enter the order as a whole number from 0 to 1000.")
ROUND_RULE = _l("Choose the round: 1 for the jury round or 2 for the final round.")


def _positive_weight(value: Decimal) -> None:
    if not Decimal("0") < value <= WEIGHT_MAX:
        raise ValidationError([WEIGHT_RULE])


class CriterionInput(Schema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, error=ENTER_NAME), at_most(CRITERION_NAME_MAX)],
        error_messages={"required": ENTER_NAME, "null": ENTER_NAME},
        metadata={"description": f"At most {CRITERION_NAME_MAX} characters"})
    description = fields.String(load_default="", validate=at_most(CRITERION_TEXT_MAX))
    weight = Amount(required=True, validate=_positive_weight,
                    error_messages={"invalid": WEIGHT_RULE, "required": WEIGHT_RULE,
                                    "null": WEIGHT_RULE},
                    # OpenAPI 3.0: exclusiveMinimum is a flag on minimum.
                    metadata={"type": "number", "minimum": 0, "exclusiveMinimum": True})
    max_score = Whole(required=True, validate=validate.Range(1, MAX_SCORE_MAX,
                                                             error=MAX_SCORE_RULE),
                      error_messages={"invalid": MAX_SCORE_RULE, "required": MAX_SCORE_RULE,
                                      "null": MAX_SCORE_RULE},
                      metadata={"type": "integer", "minimum": 1, "maximum": MAX_SCORE_MAX})
    low_description = fields.String(load_default="", validate=at_most(CRITERION_TEXT_MAX))
    mid_description = fields.String(load_default="", validate=at_most(CRITERION_TEXT_MAX))
    high_description = fields.String(load_default="", validate=at_most(CRITERION_TEXT_MAX))
    position = Whole(allow_none=True, validate=validate.Range(0, POSITION_MAX,
                                                               error=POSITION_RULE),
                     error_messages={"invalid": POSITION_RULE},
                     metadata={"type": "integer", "minimum": 0, "maximum": POSITION_MAX,
                               "description": "The order; by default after the last one"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "name" in data:
            data["name"] = "" if data["name"] is None else _fold(data["name"])
        for key in ("description", "low_description", "mid_description", "high_description"):
            if key in data:
                data[key] = _text(data[key]) or ""
        if "position" in data and _blank_is_none(data["position"]) is None:
            del data["position"]
        return data


class CriterionCreate(CriterionInput):
    round = Whole(load_default=1, validate=validate.OneOf(ROUNDS, error=ROUND_RULE),
                  error_messages={"invalid": ROUND_RULE, "null": ROUND_RULE}, metadata={
                      "type": "integer", "enum": list(ROUNDS), "default": 1,
                      "description": "1: the jury round; 2: a final round with its own "
                                     "criteria (after starting it with criteria \"own\", "
                                     "until its scoring opens)"})

    @pre_load
    def _blank_round(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and "round" in data and _blank_is_none(data["round"]) is None:
            data = {k: v for k, v in data.items() if k != "round"}
        return data
