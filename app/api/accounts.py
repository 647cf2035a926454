"""The caller's own account."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.core import access

blp = Blueprint("api_accounts", __name__, description="The signed-in caller")


class RoleSchema(Schema):
    role = fields.Function(lambda r: r.role.value)
    region = fields.String(attribute="region_code", allow_none=True)


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    municipality_id = fields.Integer(allow_none=True)
    locale = fields.String()
    roles = fields.List(fields.Nested(RoleSchema))


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.doc(security=[{"bearerAuth": []}])
@access.signed_in
def me():
    """Who the token belongs to, with their roles."""
    return current_user
