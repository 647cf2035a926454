"""What a coordinator sends about an event and its attendees: one schema per shape, for the
pages and the API alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.core.clock import PLAUSIBLE_YEARS, today_riga
from app.core.translation import lazy_gettext as _l
from app.places.models import REGION_CODES
from app.programme.models import (
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    EventFormat,
    EventKind,
    RoundKind,
    RoundStatus,
)

CHOOSE_KIND = _l("Choose the kind of event from the list.")
CHOOSE_FORMAT = _l("Choose the format from the list.")
CHOOSE_REGION = _l("Choose a planning region, or none for a national event.")
ENTER_DATE = _l("Enter a date like 2025-03-14.")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class Day(fields.Date):
    """A date within the years the programme can have happened in."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, date):
            result = value
        else:
            result = super()._deserialize(value, attr, data, **kwargs)
        if not PLAUSIBLE_YEARS[0] <= result.year <= PLAUSIBLE_YEARS[1]:
            raise self.make_error("invalid")
        return result


class EventInput(Schema):
    title = fields.String(required=True, validate=validate.Length(
        min=1, max=TITLE_MAX, error=_l("Enter a title of at most %(n)d characters.", n=TITLE_MAX)),
        error_messages={"required": _l("Enter the event's title.")})
    kind = fields.String(required=True, validate=validate.OneOf(
        [k.value for k in EventKind], error=CHOOSE_KIND),
        error_messages={"required": CHOOSE_KIND, "null": CHOOSE_KIND})
    format = fields.String(required=True, validate=validate.OneOf(
        [f.value for f in EventFormat], error=CHOOSE_FORMAT),
        error_messages={"required": CHOOSE_FORMAT, "null": CHOOSE_FORMAT})
    region = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(REGION_CODES, error=CHOOSE_REGION),
                           metadata={"description": "Organising planning region; null = national"})
    theme = fields.String(load_default="", validate=validate.Length(max=TITLE_MAX))
    starts_on = Day(required=True, error_messages={"required": ENTER_DATE, "invalid": ENTER_DATE})
    ends_on = Day(allow_none=True, load_default=None, error_messages={"invalid": ENTER_DATE})
    place = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX),
                          metadata={"description": "A place, or the link of an online event"})
    organiser = fields.String(load_default="", validate=validate.Length(max=TITLE_MAX))

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("title", "theme", "place", "organiser"):
            if isinstance(data.get(key), str):
                data[key] = " ".join(data[key].split())
            elif key in data and data[key] is None:
                data[key] = ""
        for key in ("region", "ends_on"):
            if key in data:
                data[key] = _blank_is_none(data[key])
        return data

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            raise ValidationError({"ends_on": [_l("The event cannot end before it starts.")]})


class AttendeeInput(Schema):
    """One attendee as a coordinator types them or a sign-in sheet lists them."""

    name = fields.String(required=True, validate=validate.Length(
        min=1, max=NAME_MAX, error=_l("Enter the name (at most %(n)d characters).", n=NAME_MAX)),
        error_messages={"required": _l("Enter the name."), "null": _l("Enter the name.")})
    email = fields.String(load_default="", validate=validate.Length(max=254))
    municipality = fields.String(load_default="", validate=validate.Length(max=120),
                                 metadata={"description": "The municipality's official name"})
    region = fields.String(load_default="", validate=validate.Length(max=120), metadata={
        "description": "For planning-region staff: the region's code or name"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: (" ".join(v.split()) if isinstance(v, str) else ("" if v is None else v))
                for k, v in data.items()}


class MergeInput(Schema):
    keep_id = fields.Integer(required=True, strict=False)
    duplicate_id = fields.Integer(required=True, strict=False)


# --- assessment instruments ----------------------------------------------------------------------

QUESTION_MAX = 1000
LEVEL_MAX = 300
LEVELS_MIN, LEVELS_MAX = 2, 10
THEMES_MAX, QUESTIONS_MAX = 30, 50
DESCRIPTION_MAX = 2000


def _tidy_text(data: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for key in keys:
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    return data


class QuestionInput(Schema):
    """A question: its text, the scale's levels (lowest first, each described) and whether
    the respondent is asked for evidence. `id` names a stored question to keep; none, a
    new one."""

    id = fields.Integer(load_default=None, allow_none=True, strict=False, metadata={
        "description": "A stored question of this theme; leave out for a new one"})
    text = fields.String(required=True, validate=validate.Length(
        min=1, max=QUESTION_MAX, error=_l("Write the question (at most %(n)d characters).",
                                          n=QUESTION_MAX)),
        error_messages={"required": _l("Write the question.")})
    levels = fields.List(fields.String(validate=validate.Length(
        min=1, max=LEVEL_MAX, error=_l("Describe each level in at most %(n)d characters.",
                                       n=LEVEL_MAX))),
        required=True, validate=validate.Length(
            min=LEVELS_MIN, max=LEVELS_MAX,
            error=_l("Give from %(min)d to %(max)d levels, one per line.", min=LEVELS_MIN,
                     max=LEVELS_MAX)),
        error_messages={"required": _l("Describe the levels of the scale, one per line.")},
        metadata={"description": "What each level means, lowest first; the scale runs "
                                 "from 1 to the number of levels"})
    asks_evidence = fields.Boolean(load_default=False, metadata={
        "description": "The respondent may add evidence (a text) to the answer"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        data = _tidy_text(data, ("text",))
        if isinstance(data, dict) and isinstance(data.get("levels"), list):
            data["levels"] = [" ".join(v.split()) if isinstance(v, str) else v
                              for v in data["levels"]]
        return data


class ThemeInput(Schema):
    id = fields.Integer(load_default=None, allow_none=True, strict=False, metadata={
        "description": "A stored theme of this instrument; leave out for a new one"})
    name = fields.String(required=True, validate=validate.Length(
        min=1, max=TITLE_MAX, error=_l("Name the theme (at most %(n)d characters).",
                                       n=TITLE_MAX)),
        error_messages={"required": _l("Name the theme.")})
    questions = fields.List(fields.Nested(QuestionInput), required=True, validate=validate.Length(
        min=1, max=QUESTIONS_MAX, error=_l("A theme has from 1 to %(max)d questions.",
                                           max=QUESTIONS_MAX)),
        error_messages={"required": _l("A theme has from 1 to %(max)d questions.",
                                       max=QUESTIONS_MAX)},
        metadata={"description": "In the order they are asked"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        return _tidy_text(data, ("name",))


class InstrumentInput(Schema):
    """A whole instrument as it should be: themes and questions in their order. Stored ones
    named by `id` are kept and changed, new ones added, those left out removed."""

    name = fields.String(required=True, validate=validate.Length(
        min=1, max=TITLE_MAX, error=_l("Enter a name of at most %(n)d characters.",
                                       n=TITLE_MAX)),
        error_messages={"required": _l("Enter the instrument's name.")})
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX))
    themes = fields.List(fields.Nested(ThemeInput), required=True, validate=validate.Length(
        min=1, max=THEMES_MAX, error=_l("An instrument has from 1 to %(max)d themes.",
                                        max=THEMES_MAX)),
        error_messages={"required": _l("An instrument has from 1 to %(max)d themes.",
                                       max=THEMES_MAX)},
        metadata={"description": "In their order"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        data = _tidy_text(data, ("name", "description"))
        if isinstance(data, dict) and data.get("description") is None:
            data["description"] = ""
        return data


class QuestionOut(Schema):
    id = fields.Integer()
    text = fields.String()
    levels = fields.List(fields.String())
    asks_evidence = fields.Boolean()


class ThemeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.Integer()
    questions = fields.List(fields.Nested(QuestionOut))


CHOOSE_ROUND = _l("Choose the initial or the final assessment.")


class RoundInput(Schema):
    """An assessment round to open for every municipality: its kind and its days."""

    kind = fields.String(required=True, validate=validate.OneOf(
        [k.value for k in RoundKind], error=CHOOSE_ROUND),
        error_messages={"required": CHOOSE_ROUND, "null": CHOOSE_ROUND},
        metadata={"description": "`baseline` (the initial assessment) or `final` (compared "
                                 "with it); each once per instrument"})
    opens_on = Day(allow_none=True, load_default=None,
                   error_messages={"invalid": ENTER_DATE},
                   metadata={"description": "The first day answers are taken; today if left "
                                            "out"})
    closes_on = Day(required=True, error_messages={
        "required": _l("Enter the last day answers are taken."), "invalid": ENTER_DATE,
        "null": _l("Enter the last day answers are taken.")},
        metadata={"description": "The last day answers are taken"})

    @pre_load
    def _tidy(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("kind", "opens_on", "closes_on"):
            if key in data:
                data[key] = _blank_is_none(data[key])
        return data


class RoundOut(Schema):
    id = fields.Integer()
    instrument_id = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in RoundKind]})
    opens_on = fields.Date()
    closes_on = fields.Date(metadata={
        "description": "The last day answers are taken (the closing day if closed early)"})
    closed_at = fields.DateTime(allow_none=True, metadata={
        "description": "When an administrator closed the round early; null otherwise"})
    status = fields.Function(lambda round_: round_.status(today_riga()).value, metadata={
        "enum": [s.value for s in RoundStatus],
        "description": "Today: `scheduled` (opens later), `open` (answers are taken) or "
                       "`closed` (answers are frozen)"})


class InstrumentOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    themes = fields.List(fields.Nested(ThemeOut))
    rounds = fields.List(fields.Nested(RoundOut))
    structure_locked = fields.Boolean(metadata={
        "description": "True once any answer is stored: only wording may change then"})
