"""The caller's own account."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.accounts import affiliation
from app.accounts.models import Affiliation
from app.api.schemas import PageArgs, json_body, page_body, page_schema
from app.core import access, web
from app.core.pagination import page_of

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


# --- verification of municipal affiliation ---------------------------------------------------

class AffiliationPersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()


class AffiliationMunicipalitySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String(attribute="region_code")


class AffiliationSchema(Schema):
    """A request to be verified as working for a municipality, and its decision."""

    id = fields.Integer()
    user = fields.Nested(AffiliationPersonSchema)
    municipality = fields.Nested(AffiliationMunicipalitySchema)
    status = fields.Function(lambda a: a.status.value,
                             metadata={"enum": ["pending", "approved", "declined"]})
    note = fields.String(metadata={"description": "The person's note to the coordinator"})
    reason = fields.String(metadata={"description": "Why it was declined (empty otherwise)"})
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


AffiliationPageSchema = page_schema(AffiliationSchema, "AffiliationPage")


def _request(affiliation_id: int) -> Affiliation:
    """The pages' own loading and rule: 404 unknown, 403 outside the caller's regions."""
    return web.load(Affiliation, affiliation_id, may=Affiliation.can_decide)


@blp.route("/verifications", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, AffiliationPageSchema)
@blp.doc(security=[{"bearerAuth": []}])
@access.coordinator_only
def list_verifications(args):
    """Pending verification requests in the caller's planning regions (all of them for
    national coordinators and admins), oldest first."""
    pending = affiliation.requests_to_decide(current_user)
    return page_body(page_of(pending, args["page"], args["per_page"]))


@blp.route("/verifications/<id:affiliation_id>/approve", methods=["POST"])
@blp.response(200, AffiliationSchema)
@blp.doc(security=[{"bearerAuth": []}])
@access.coordinator_only
def approve_verification(affiliation_id: int):
    """Confirm that the person works for the municipality (its region's coordinators); 409
    when already decided. The person is told by e-mail."""
    return affiliation.approve_verification(_request(affiliation_id), actor=current_user)


@blp.route("/verifications/<id:affiliation_id>/decline", methods=["POST"])
@json_body(affiliation.DeclineInput(), load=True)
@blp.response(200, AffiliationSchema)
@blp.doc(security=[{"bearerAuth": []}])
@access.coordinator_only
def decline_verification(data, affiliation_id: int):
    """Decline with a reason the person reads (422 without one); 409 when already decided.
    The person is told by e-mail."""
    return affiliation.decline_verification(_request(affiliation_id), data,
                                            actor=current_user)
