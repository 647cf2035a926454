"""Hackathons, their phases and judging criteria.

Thin adapters over app.hackathons.operations, the same ones the pages call.
The schemas only read JSON types; every rule and message is the operation's,
so a request with several problems hears about all of them at once.
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.schemas import PageArgs, json_body, page_body, page_schema
from app.core import access, web
from app.core.clock import RIGA
from app.core.pagination import paginate
from app.core.schema import dumps
from app.extensions import db
from app.hackathons import operations as ops
from app.hackathons.models import FIRST_ROUND, Criterion, Hackathon, PhaseChange
from app.hackathons.phases import Phase
from app.hackathons.queries import hackathon_list_query, load_hackathon
from app.hackathons.schemas import (
    CriterionCreate,
    CriterionInput,
    HackathonCreate,
    HackathonEdit,
    TransitionInput,
)
from app.places.models import REGION_CODES
from app.public.cache import public_page

blp = Blueprint("api_hackathons", __name__,
                description="Hackathons, their phases and judging criteria")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
PHASES = [p.value for p in Phase]


class RigaDateTime(fields.DateTime):
    """An aware datetime, written in ISO 8601 with the Europe/Riga offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(RIGA).isoformat()


# --- schemas --------------------------------------------------------------------------

@dumps(Hackathon)
class HackathonSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    url = fields.Function(lambda h: url_for("hackathons.detail", slug=h.slug, _external=True))
    title = fields.String()
    description = fields.String()
    description_html = fields.String()
    region = fields.String(attribute="region_code", allow_none=True)
    theme = fields.String()
    eligible_regions = fields.Function(lambda h: h.eligible_region_codes,
                                       metadata={"type": "array", "items": {"type": "string"}})
    submission_opens_at = RigaDateTime(allow_none=True)
    submission_closes_at = RigaDateTime(allow_none=True)
    judging_closes_at = RigaDateTime(allow_none=True)
    reviews_per_idea = fields.Integer()
    blind_review = fields.Boolean()
    public_voting = fields.Boolean()
    prize_text = fields.String()
    ranking_order = fields.String()
    phase = fields.Function(lambda h: h.phase_at().value, metadata={
        "enum": PHASES, "description": "The effective phase (the deadline counts at its instant)"})
    accepts_submissions = fields.Function(lambda h: h.accepts_submissions(),
                                          metadata={"type": "boolean"})
    version = fields.Integer()
    created_at = RigaDateTime()


HackathonPage = page_schema(HackathonSchema, "HackathonPage")


class HackathonListArgs(PageArgs):
    region = fields.String(validate=validate.OneOf([*REGION_CODES, "national"]))
    phase = fields.String(validate=validate.OneOf(PHASES))


class PhaseChangeSchema(Schema):
    from_phase = fields.Function(lambda c: c.from_phase.value, metadata={"enum": PHASES})
    to_phase = fields.Function(lambda c: c.to_phase.value, metadata={"enum": PHASES})
    at = RigaDateTime()
    actor_id = fields.Integer(allow_none=True,
                              metadata={"description": "null: the clock, at the deadline"})
    reason = fields.String()


class CriterionSchema(Schema):
    id = fields.Integer()
    hackathon_id = fields.Integer()
    name = fields.String()
    description = fields.String()
    weight = fields.Float()
    max_score = fields.Integer()
    low_description = fields.String()
    mid_description = fields.String()
    high_description = fields.String()
    position = fields.Integer()
    round = fields.Integer(metadata={
        "enum": [1, 2], "description": "1: the jury round; 2: a final round's own criteria"})


class CriteriaArgs(Schema):
    round = fields.Integer(validate=validate.OneOf([1, 2]),
                           metadata={"description": "Only the criteria of this round"})


# --- helpers ------------------------------------------------------------------------------

def _criterion_manageable(criterion_id: int) -> Criterion:
    return web.load(Criterion, criterion_id,
                    see=lambda c, user: c.hackathon.is_visible_to(user),
                    may=lambda c, user: c.hackathon.can_manage(user))


# --- hackathons --------------------------------------------------------------------------

@blp.route("/hackathons", methods=["GET"])
@public_page
@blp.arguments(HackathonListArgs, location="query")
@blp.response(200, HackathonPage)
@access.public
def list_hackathons(args):
    """Hackathons, newest first; drafts only for those who may manage them."""
    query = hackathon_list_query(current_user, region=args.get("region"),
                                 phase=args.get("phase"))
    return page_body(paginate(query, args["page"], args["per_page"]))


@blp.route("/hackathons", methods=["POST"])
@json_body(HackathonCreate(), load=True)
@blp.response(201, HackathonSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def create_hackathon(data):
    """Create a hackathon (a draft). Regional coordinators: only in their region."""
    hackathon = ops.create_hackathon(data, actor=current_user)
    return hackathon


@blp.route("/hackathons/<id:hackathon_id>", methods=["GET"])
@public_page
@blp.response(200, HackathonSchema)
@access.public
def get_hackathon(hackathon_id: int):
    """One hackathon."""
    return load_hackathon(hackathon_id)


@blp.route("/hackathons/<id:hackathon_id>", methods=["PATCH"])
@json_body(HackathonEdit(partial=True), load=True)
@blp.response(200, HackathonSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def patch_hackathon(data, hackathon_id: int):
    """Change some fields. Send `version` to be sure not to overwrite someone's change."""
    hackathon = load_hackathon(hackathon_id, manage=True)
    ops.update_hackathon(hackathon, data, actor=current_user)
    return hackathon


@blp.route("/hackathons/<id:hackathon_id>/transition", methods=["POST"])
@json_body(TransitionInput(), load=True)
@blp.response(200, HackathonSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def transition(data, hackathon_id: int):
    """Move the hackathon one phase forward (never back); 409 when the rules do not allow it."""
    hackathon = load_hackathon(hackathon_id, manage=True)
    ops.transition_hackathon(hackathon, data["to"], actor=current_user,
                             reason=data.get("reason"))
    return hackathon


@blp.route("/hackathons/<id:hackathon_id>/phase-changes", methods=["GET"])
@blp.response(200, PhaseChangeSchema(many=True))
@blp.doc(security=SECURITY)
@access.coordinator_only
def phase_changes(hackathon_id: int):
    """The phase history, oldest first (actor_id null: the deadline's automatic step)."""
    hackathon = load_hackathon(hackathon_id, manage=True)
    return db.session.scalars(
        select(PhaseChange).where(PhaseChange.hackathon_id == hackathon.id)
        .order_by(PhaseChange.at, PhaseChange.id)
    ).all()


# --- criteria ------------------------------------------------------------------------------

@blp.route("/hackathons/<id:hackathon_id>/criteria", methods=["GET"])
@public_page
@blp.arguments(CriteriaArgs, location="query")
@blp.response(200, CriterionSchema(many=True))
@access.public
def list_criteria(args, hackathon_id: int):
    """The judging criteria in order, the jury round's (round 1) first (anyone once the
    hackathon is open). A final round's own criteria (round 2) follow: for its coordinators
    while they are set, for anyone once the final round's scoring has opened."""
    from app.judging.models_results import final_round_of

    hackathon = load_hackathon(hackathon_id)
    query = select(Criterion).where(Criterion.hackathon_id == hackathon.id)
    if args.get("round"):
        query = query.where(Criterion.round == args["round"])
    if not hackathon.can_manage(current_user):
        final = final_round_of(hackathon.id)
        if final is None or not final.scoring_open:
            query = query.where(Criterion.round == FIRST_ROUND)
    return db.session.scalars(
        query.order_by(Criterion.round, Criterion.position, Criterion.id)).all()


@blp.route("/hackathons/<id:hackathon_id>/criteria", methods=["POST"])
@json_body(CriterionCreate(), load=True)
@blp.response(201, CriterionSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def add_criterion(data, hackathon_id: int):
    """Add a criterion; 409 once judging has started (the criteria are frozen). With `round`
    2, a criterion of a final round that has its own criteria; 409 once its scoring opens."""
    return ops.add_criterion(load_hackathon(hackathon_id, manage=True), data, actor=current_user)


@blp.route("/criteria/<id:criterion_id>", methods=["PATCH"])
@json_body(CriterionInput(partial=True), load=True)
@blp.response(200, CriterionSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def patch_criterion(data, criterion_id: int):
    """Change a criterion; 409 once its round's criteria are frozen (judging has started;
    for a final round's own criteria: its scoring has opened)."""
    criterion = _criterion_manageable(criterion_id)
    ops.update_criterion(criterion, data, actor=current_user)
    return criterion


@blp.route("/criteria/<id:criterion_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.coordinator_only
def delete_criterion(criterion_id: int):
    """Delete a criterion; 409 once its round's criteria are frozen."""
    criterion = _criterion_manageable(criterion_id)
    ops.delete_criterion(criterion, actor=current_user)
    return ""
