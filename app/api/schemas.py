"""Shared API schemas: pagination arguments, list envelopes, problems, and request bodies
that the operations load themselves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request
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


def json_body(schema: Schema) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document `schema` as the operation's JSON body, and hand the view the body as sent.

    The operation loads it with that same schema once it has settled who may ask, as it
    loads a page's form: one set of field rules for both doors, each message beside its
    field. Only the body's shape is checked here: a JSON object of the schema's fields.
    A request that is not JSON is an empty body, as flask-smorest reads one.
    """
    names = frozenset(schema.fields)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def with_body(*args: Any, **kwargs: Any) -> Any:
            return view(_json_object(names), *args, **kwargs)

        return Blueprint.doc(requestBody={
            "required": True, "content": {"application/json": {"schema": schema}}})(with_body)

    return decorate


def _json_object(names: frozenset[str]) -> dict[str, Any]:
    body = request.get_json() if request.is_json else {}  # malformed JSON: 400
    if not isinstance(body, dict):
        raise Invalid(errors={"_schema": [_l("The value has the wrong form.")]})
    unknown = sorted(set(body) - names)
    if unknown:
        raise Invalid(errors={name: [_l("This field is not accepted here.")]
                              for name in unknown})
    return body
