"""Shared API schemas: pagination arguments, list envelopes, problems, and request bodies
that the operations load themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from app.core.errors import Invalid, MalformedBody
from app.core.schema import load as schema_load
from app.core.translation import lazy_gettext as _l


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ProblemSchema(Schema):
    """An error answer, application/problem+json (RFC 9457), as app.core.errors writes it."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "422: messages per field"})

    class Meta:
        # Extension members: a stale version's 409 carries the stored object as `current`.
        unknown = INCLUDE


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A `{items, page, per_page, total}` envelope around `item_schema`."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


def page_body(page) -> dict:
    return {"items": page.items, "page": page.page, "per_page": page.per_page,
            "total": page.total}


def dumped_page(page, dump: Callable[[Any], dict[str, Any]]) -> Response:
    """A page of `page_schema(item_schema)` whose items `dump` answers already dumped by
    item_schema: a list read by every reader alike keeps each item's dump until public data
    changes, rather than dumping it again on every read."""
    return jsonify(page_body(page) | {"items": [dump(item) for item in page.items]})


def answer(schema: Schema, obj: Any, status: int = 200) -> Response:
    """`obj` dumped by `schema`, for an operation whose answer depends on who asks (a part of
    its documented schema); every other operation's answer is dumped by its `@blp.response`."""
    response = jsonify(schema.dump(obj))
    response.status_code = status
    return response


def json_body(schema: Schema, *, load: bool = False
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document `schema` as the operation's JSON body, and hand the view the body.

    The body is read when the view first reads it, after it has settled who may ask: an
    outsider is refused for who they are (403 or 404), whatever they sent, on this door as
    on the pages. With `load`, the view gets what the body means by `schema` (422 with every
    field's message otherwise). Without it, the view gets the body as sent, a JSON object of
    the schema's fields, and its operation loads it with that same schema, as it loads a
    page's form: one set of field rules for both doors. A request that is not JSON is an
    empty body, as flask-smorest reads one.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def with_body(*args: Any, **kwargs: Any) -> Any:
            return view(SentBody(schema, load=load), *args, **kwargs)

        return Blueprint.doc(requestBody={
            "required": True, "content": {"application/json": {"schema": schema}}})(with_body)

    return decorate


class SentBody(MutableMapping[str, Any]):
    """A request's JSON body, opened on its first read. A body that is not a JSON object,
    or that names a field the schema does not take, is refused then (422, by field); a
    loaded body is refused for any field the schema cannot read."""

    def __init__(self, schema: Schema, *, load: bool) -> None:
        self._schema = schema
        self._load = load
        self._body: dict[str, Any] | None = None

    def _opened(self) -> dict[str, Any]:
        if self._body is None:
            self._body = self._read()
        return self._body

    def _read(self) -> dict[str, Any]:
        # No body, or one that is not JSON, is an empty one, as webargs read it.
        sent = request.get_json(silent=True) if request.is_json and request.get_data() else {}
        if sent is None and request.get_data().strip() != b"null":
            raise MalformedBody(_l("The request body is not valid JSON."))
        if not isinstance(sent, dict):
            # Keyed as marshmallow's own whole-body messages are (core.schema.flatten).
            raise Invalid(errors={"_": [_l("The value has the wrong form.")]})
        if self._load:
            return schema_load(self._schema, sent, partial=self._schema.partial or False,
                               unknown=self._schema.unknown)
        unknown = sorted(set(sent) - set(self._schema.fields))
        if unknown:
            raise Invalid(errors={name: [_l("This field is not accepted here.")]
                                  for name in unknown})
        return sent

    def __getitem__(self, name: str) -> Any:
        return self._opened()[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._opened()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._opened()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._opened())

    def __len__(self) -> int:
        return len(self._opened())
