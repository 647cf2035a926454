"""Shared API schemas: pagination arguments, list envelopes, problems."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


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
