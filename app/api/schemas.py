"""Shared API schemas: pagination arguments, list envelopes, problems, and request bodies
that the operations load themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from app.core.errors import Invalid
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


def answer(schema: Schema, obj: Any, status: int = 200) -> Response:
    """`obj` dumped by `schema`, for an operation whose answer depends on who asks (a part of
    its documented schema); every other operation's answer is dumped by its `@blp.response`."""
    response = jsonify(schema.dump(obj))
    response.status_code = status
    return response


def json_body(schema: Schema) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document `schema` as the operation's JSON body, and hand the view the body as sent.

    The operation loads it with that same schema once it has settled who may ask, as it
    loads a page's form: one set of field rules for both doors, each message beside its
    field. The body's shape (a JSON object of the schema's fields) is checked when it is
    first read, so that an outsider is refused for who they are (403 or 404), whatever they
    sent. A request that is not JSON is an empty body, as flask-smorest reads one.
    """
    names = frozenset(schema.fields)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def with_body(*args: Any, **kwargs: Any) -> Any:
            return view(SentBody(names), *args, **kwargs)

        return Blueprint.doc(requestBody={
            "required": True, "content": {"application/json": {"schema": schema}}})(with_body)

    return decorate


class SentBody(Mapping[str, Any]):
    """A request's JSON body, opened on its first read: a body that is not an object, or that
    names a field the operation does not take, is refused then (422, by field)."""

    def __init__(self, names: frozenset[str]) -> None:
        self._names = names
        self._body: dict[str, Any] | None = None

    def _opened(self) -> dict[str, Any]:
        if self._body is None:
            sent = request.get_json() if request.is_json else {}  # malformed JSON: 400
            if not isinstance(sent, dict):
                raise Invalid(errors={"_schema": [_l("The value has the wrong form.")]})
            unknown = sorted(set(sent) - self._names)
            if unknown:
                raise Invalid(errors={name: [_l("This field is not accepted here.")]
                                      for name in unknown})
            self._body = sent
        return self._body

    def __getitem__(self, name: str) -> Any:
        return self._opened()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._opened())

    def __len__(self) -> int:
        return len(self._opened())
