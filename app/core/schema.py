"""The one validation layer: marshmallow schemas load what comes in and dump what goes out,
for the pages and the API alike.

A feature keeps its schemas in its own `schemas.py`. The API names them in
`json_body` / `@blp.response` (so the OpenAPI document describes what is really
sent); a page runs the same schema over its form's data through `web.submit(schema=...)`.
Field errors then read the same on both doors, in the reader's language: marshmallow's
own messages are English, so `localise` puts each into our catalog at answer time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError

from app.core.translation import gettext as _

# marshmallow's default messages, and ours for them. Matched at answer time, so the
# reader's language applies whichever schema or validator produced the message.
_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Missing data for required field\."), lambda m: _("Fill in this field.")),
    (re.compile(r"Field may not be null\."), lambda m: _("Fill in this field.")),
    (re.compile(r"Unknown field\."), lambda m: _("This field is not accepted here.")),
    (re.compile(r"Not a valid (integer|number)\."), lambda m: _("Enter a whole number.")
     if m.group(1) == "integer" else _("Enter a number.")),
    (re.compile(r"Number too large\."), lambda m: _("The number is too large.")),
    (re.compile(r"Special numeric values .*"), lambda m: _("Enter a number.")),
    (re.compile(r"Not a valid string\.|Not a valid utf-8 string\."),
     lambda m: _("Enter text.")),
    (re.compile(r"Not a valid boolean\."), lambda m: _("Choose yes or no.")),
    (re.compile(r"Not a valid date\."), lambda m: _("Enter a date as YYYY-MM-DD.")),
    (re.compile(r"Not a valid (naive |aware )?datetime\."),
     lambda m: _("Enter a date and time as YYYY-MM-DDTHH:MM with a time zone.")),
    (re.compile(r"Not a valid email address\."),
     lambda m: _("Enter an e-mail address like name@example.lv.")),
    (re.compile(r"Not a valid (list|mapping type|tuple)\.|Invalid (input )?type\."),
     lambda m: _("The value has the wrong form.")),
    (re.compile(r"Longer than maximum length (\d+)\."),
     lambda m: _("Use at most %(max)d characters.", max=int(m.group(1)))),
    (re.compile(r"Shorter than minimum length (\d+)\."),
     lambda m: _("Use at least %(min)d characters.", min=int(m.group(1)))),
    (re.compile(r"Length must be between (\d+) and (\d+)\."),
     lambda m: _("Use %(min)d to %(max)d characters.", min=int(m.group(1)),
                 max=int(m.group(2)))),
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
     lambda m: _("Enter a value from %(min)s to %(max)s.", min=m.group(1), max=m.group(2))),
    (re.compile(r"Must be greater than or equal to (\S+)\."),
     lambda m: _("Enter at least %(min)s.", min=m.group(1))),
    (re.compile(r"Must be greater than (\S+)\."),
     lambda m: _("Enter more than %(min)s.", min=m.group(1))),
    (re.compile(r"Must be less than or equal to (\S+)\."),
     lambda m: _("Enter at most %(max)s.", max=m.group(1))),
    (re.compile(r"Must be less than (\S+)\."),
     lambda m: _("Enter less than %(max)s.", max=m.group(1))),
    (re.compile(r"Must be one of: .*|Invalid input\.|One or more of the choices .*"),
     lambda m: _("Choose one of the values offered.")),
    (re.compile(r"Invalid value\.|String does not match expected pattern\."),
     lambda m: _("This value is not valid.")),
]


def localise(message: Any) -> str:
    """One of marshmallow's English messages in the reader's language (ours pass through)."""
    text = str(message)
    for pattern, translate in _MESSAGES:
        match = pattern.fullmatch(text.rstrip("\n"))
        if match:
            return translate(match)
    return text


def flatten(messages: Any) -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"field": ["message", ...]}`, keyed by the fields
    the client sent (the contract's shape). A message about a part of a field (a row of a
    list) names that part: `{"indicators": ["0.name: Fill in this field."]}`; one about an
    item of a list of plain values belongs to the field itself."""
    flat: dict[str, list[str]] = {}
    for field, path, message in _walk(messages, ()):
        plain_item = all(isinstance(step, int) for step in path)
        inner = "" if plain_item else ".".join(str(step) for step in path)
        text = localise(message)
        text = f"{inner}: {text}" if inner else text
        known = flat.setdefault(field, [])
        if text not in known:
            known.append(text)
    return flat


def _walk(messages: Any, path: tuple) -> list[tuple[str, tuple, Any]]:
    """(top-level field, path inside it, message) for every message in the tree."""
    found: list[tuple[str, tuple, Any]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            step = () if key == "_schema" else (key,)
            found.extend(_walk(value, path + step))
    elif isinstance(messages, list | tuple):
        for item in messages:
            found.extend(_walk(item, path))
    else:
        field = str(path[0]) if path else "_"
        found.append((field, path[1:], messages))
    return found


def load(schema: Schema | type[Schema], data: Mapping[str, Any], *,
         partial: bool | Sequence[str] | AbstractSet[str] = False,
         unknown: Any = EXCLUDE) -> dict[str, Any]:
    """What `data` means by `schema`, or Invalid with every field's message.

    Pages pass their form's fields, which may carry more than the schema asks (the
    version, the button pressed): those are left out rather than refused.
    """
    from app.core.errors import Invalid

    instance = schema() if isinstance(schema, type) else schema
    try:
        return dict(instance.load(data, partial=partial, unknown=unknown))
    except ValidationError as error:
        raise Invalid(errors=flatten(error.messages)) from None


# --- what a stale edit's 409 carries --------------------------------------------------------

_DUMPERS: dict[type, Schema] = {}


def dumps(model: type) -> Callable[[type[Schema]], type[Schema]]:
    """Register the schema that shows `model` to an API client (used for a stale edit's
    `current`, so the client sees the stored object in the shape it already reads)."""

    def register(schema: type[Schema]) -> type[Schema]:
        _DUMPERS[model] = schema()
        return schema

    return register


def dump(obj: Any) -> Any:
    """`obj` as its registered schema shows it; plain data passes through."""
    for model, schema in _DUMPERS.items():
        if isinstance(obj, model):
            return schema.dump(obj)
    return obj
