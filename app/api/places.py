"""Reference data: planning regions and municipalities."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.core import access
from app.core.collation import collated
from app.extensions import db
from app.places.models import REGION_CODES, Municipality, Region
from app.public.cache import public_page

blp = Blueprint("api_places", __name__, description="Planning regions and municipalities")


class RegionSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True, attribute="name_lv",
                         metadata={"description": "Latvian name"})
    name_en = fields.String()


class MunicipalitySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.Function(lambda m: m.kind.value, required=True,
                           metadata={"enum": ["state_city", "county"]})
    region = fields.String(attribute="region_code", required=True)


class MunicipalityArgs(Schema):
    region = fields.String(validate=validate.OneOf(REGION_CODES))


@blp.route("/regions")
@public_page
@blp.response(200, RegionSchema(many=True))
@access.public
def list_regions():
    """The five planning regions."""
    return db.session.scalars(select(Region).order_by(Region.code)).all()


@blp.route("/municipalities")
@public_page
@blp.arguments(MunicipalityArgs, location="query")
@blp.response(200, MunicipalitySchema(many=True))
@access.public
def list_municipalities(args):
    """The 43 municipalities, optionally of one planning region."""
    query = select(Municipality)
    if args.get("region"):
        query = query.where(Municipality.region_code == args["region"])
    return collated(db.session.scalars(query), key=lambda m: m.name)
