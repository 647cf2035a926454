"""Ideas: list a hackathon's ideas, create, read, edit (version-checked), submit, withdraw,
rule out, revisions and attachments.

Thin adapters over app.ideas.operations, the same ones the pages call.
"""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import MAX_ID
from app.api.schemas import PageArgs, answer, json_body, page_body, page_schema
from app.core import access, web
from app.core.clock import now_utc
from app.core.pagination import paginate
from app.core.schema import dumps
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas import attachments as files
from app.ideas import loading, queries
from app.ideas import operations as ops
from app.ideas.models import Idea
from app.ideas.models_attachments import Attachment
from app.ideas.schemas import IdeaFields, IndicatorSchema, IneligibleInput
from app.ideas.status import IdeaStatus
from app.places.models import REGION_CODES
from app.public.cache import public_page

blp = Blueprint("api_ideas", __name__, description="Ideas of municipal teams")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


# --- schemas ---------------------------------------------------------------------------

class IdeaCreateSchema(IdeaFields):
    team_id = fields.Integer(required=True, strict=True,
                             metadata={"description": "One of the caller's teams"})


class IdeaUpdateSchema(IdeaFields):
    version = fields.Integer(strict=True, metadata={
        "description": "The version you edited; a stale one answers 409 with `current`"})


class IdeaListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in IdeaStatus]))
    region = fields.String(validate=validate.OneOf(REGION_CODES))
    municipality = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                  metadata={"description": "Lead or partner municipality id"})
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Search in the title and texts"})


class IdeaMunicipalitySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String(attribute="region_code")


class IdeaTeamSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    municipality = fields.Nested(IdeaMunicipalitySchema)
    partner_municipalities = fields.List(fields.Nested(IdeaMunicipalitySchema))


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
    url = fields.Function(lambda a: url_for("api_ideas.download_attachment",
                                            idea_id=a.idea_id, attachment_id=a.id,
                                            _external=True))


def _money(idea: Idea):
    return f"{idea.budget_eur:.2f}" if idea.budget_eur is not None else None


def _html(name: str) -> fields.Function:
    return fields.Function(lambda idea: getattr(idea, f"{name}_html"),
                           metadata={"description": f"`{name}` rendered and sanitised"})


class PublicIdeaSchema(Schema):
    """What anyone may read about a winning idea: no personal data."""

    id = fields.Integer()
    hackathon_id = fields.Integer()
    status = fields.Function(lambda i: i.status.value,
                             metadata={"enum": [s.value for s in IdeaStatus]})
    team: fields.Field  # redefined (Nested) in IdeaSchema
    team = fields.Function(lambda i: {"name": i.team.name,
                                      "municipality": IdeaMunicipalitySchema().dump(
                                          i.team.municipality),
                                      "partner_municipalities": IdeaMunicipalitySchema(
                                          many=True).dump(i.team.partner_municipalities)})
    title = fields.String()
    summary = fields.String()
    problem = fields.String()
    problem_html = _html("problem")
    solution = fields.String()
    solution_html = _html("solution")
    target_group = fields.String()
    target_group_html = _html("target_group")
    expected_impact = fields.String()
    expected_impact_html = _html("expected_impact")
    indicators = fields.List(fields.Nested(IndicatorSchema))
    budget_eur = fields.Function(_money, metadata={"type": "string", "example": "15000.00"})
    duration_months = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)


@dumps(Idea)  # a stale edit's 409 shows the stored idea in this shape
class IdeaSchema(PublicIdeaSchema):
    """Every field, for the team and those who may read submitted ideas."""

    team_id = fields.Integer()
    team = fields.Nested(IdeaTeamSchema)
    partners = fields.String()
    partners_html = _html("partners")
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)
    ineligible_reason = fields.String()
    attachments: fields.Field = fields.List(fields.Nested(AttachmentSchema))  # redefined below


def _judges(name: str) -> fields.Function:
    # Only those the team is hidden from get this schema, so `redaction or idea` is
    # Idea.text_for for them: the coordinator's redacted text once there is one.
    return fields.Function(lambda idea: getattr(idea.redaction or idea, name))


def _judges_indicators() -> fields.Function:
    # The indicators with the names the coordinator redacted, where she did.
    return fields.Function(
        lambda idea: IndicatorSchema(many=True).dump((idea.redaction or idea).indicators))


class BlindIdeaSchema(IdeaSchema):
    """Every field but those that name the team, for a judge of a blind review; the texts
    are the coordinator's redacted version when the idea has one."""

    attachments = fields.Function(lambda idea: [
        {**AttachmentSchema().dump(a), "filename": a.name_for(blind=True)}
        for a in (idea.redaction or idea).attachments])  # hidden files left out
    indicators = _judges_indicators()  # type: ignore[assignment]  # Idea.text_for
    title = _judges("title")  # type: ignore[assignment]  # Idea.text_for
    summary = _judges("summary")  # type: ignore[assignment]  # Idea.text_for
    problem = _judges("problem")  # type: ignore[assignment]  # Idea.text_for
    problem_html = _judges("problem_html")
    solution = _judges("solution")  # type: ignore[assignment]  # Idea.text_for
    solution_html = _judges("solution_html")
    target_group = _judges("target_group")  # type: ignore[assignment]  # Idea.text_for
    target_group_html = _judges("target_group_html")
    expected_impact = _judges("expected_impact")  # type: ignore[assignment]  # Idea.text_for
    expected_impact_html = _judges("expected_impact_html")
    redacted = fields.Function(lambda idea: idea.redaction is not None, metadata={
        "description": "True: the texts were redacted by a coordinator for the judges"})

    class Meta:
        exclude = ("team", "team_id", "partners", "partners_html")


class RedactionSchema(Schema):
    """The texts a blind review's judges read instead of the team's (coordinators only)."""

    title = fields.String(required=True, validate=validate.Length(max=1000))
    summary = fields.String(load_default="", validate=validate.Length(max=2000))
    problem = fields.String(load_default="", validate=validate.Length(max=25_000))
    solution = fields.String(load_default="", validate=validate.Length(max=25_000))
    target_group = fields.String(load_default="", validate=validate.Length(max=25_000))
    expected_impact = fields.String(load_default="", validate=validate.Length(max=25_000))
    indicators = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The judges' names of the proposed indicators, by indicator id "
                       "(absent: as before)"})
    attachments = fields.Dict(keys=fields.String(), values=fields.Nested(
        "JudgesAttachmentSchema"), metadata={
        "description": "Per attachment id: hidden from the judges, or the neutral file name "
                       "they get (empty: a numbered name); absent: as before"})


class JudgesAttachmentSchema(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=200))
    hidden = fields.Boolean(load_default=False)


class MentionSchema(Schema):
    field = fields.String(metadata={"enum": ["title", "summary", "problem", "solution",
                                             "target_group", "expected_impact",
                                             "indicators", "attachments"]})
    item = fields.Integer(allow_none=True, metadata={
        "description": "For indicators and attachments: the indicator's or attachment's id"})
    kind = fields.String(metadata={"enum": ["municipality", "team"]})
    name = fields.String(metadata={"description": "The team's or municipality's name"})
    found = fields.String(metadata={"description": "The words as written"})


class RedactionStateSchema(Schema):
    redacted = fields.Boolean(metadata={"description": "The judges read a redacted version"})
    redacted_at = fields.DateTime(allow_none=True)
    judges_read = fields.Nested(RedactionSchema, metadata={
        "description": "The texts the judges read now"})
    mentions = fields.List(fields.Nested(MentionSchema), metadata={
        "description": "Where the judges' texts still name the team or its municipalities"})


class RevisionSchema(Schema):
    number = fields.Integer()
    saved_at = fields.DateTime()
    saved_by = fields.Function(lambda r: r.saved_by.name if r.saved_by else None)
    status = fields.Function(lambda r: r.status.value)
    data = fields.Dict()


IdeaPageSchema = page_schema(IdeaSchema, "IdeaPage")
# Everyone but the hackathon's coordinators reads the public fields of the winners only.
_PUBLIC_PAGE = page_schema(PublicIdeaSchema, "PublicIdeaPage")()


# --- loading ---------------------------------------------------------------------------------

def _hackathon(hackathon_id: int) -> Hackathon:
    return web.load(Hackathon, hackathon_id, see=Hackathon.is_visible_to)


def _attachment(idea: Idea, attachment_id: int) -> Attachment:
    return web.check_found(queries.attachment_of(idea, attachment_id))


# --- endpoints ----------------------------------------------------------------------------------

@blp.route("/hackathons/<id:hackathon_id>/ideas", methods=["GET"])
@public_page
@blp.arguments(IdeaListArgs, location="query")
@blp.response(200, IdeaPageSchema)
@blp.doc(security=[{}, {"bearerAuth": []}])
@access.public
def list_ideas(args, hackathon_id: int):
    """A hackathon's ideas: all submitted ones for its coordinators; for everyone else
    only the winners, once results are published (public fields only)."""
    hackathon = _hackathon(hackathon_id)
    page, per_page = args["page"], args["per_page"]
    filters = {"status": args.get("status", ""), "region": args.get("region", ""),
               "municipality": args.get("municipality"), "q": args.get("q", "")}
    if hackathon.can_manage(current_user):
        query = queries.hackathon_ideas_query(hackathon, current_user, details=True, **filters)
        return page_body(paginate(query, page, per_page))
    if hackathon.phase_at(now_utc()) in (Phase.RESULTS, Phase.CLOSED):
        filters["status"] = IdeaStatus.WINNER.value
        query = queries.hackathon_ideas_query(hackathon, None, details=True, **filters)
    else:
        query = queries.hackathon_ideas_query(hackathon, None).where(db.false())
    return answer(_PUBLIC_PAGE, page_body(paginate(query, page, per_page)))


@blp.route("/hackathons/<id:hackathon_id>/ideas", methods=["POST"])
@json_body(IdeaCreateSchema(), load=True)
@blp.response(201, IdeaSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def create_idea(data, hackathon_id: int):
    """Start a draft for one of the caller's teams; it may be incomplete."""
    hackathon = _hackathon(hackathon_id)
    team = queries.team_by_id(data.pop("team_id"))
    return ops.create_idea(hackathon, team, data, actor=current_user)


@blp.route("/ideas/<id:idea_id>", methods=["GET"])
@public_page
@blp.response(200, IdeaSchema)
@blp.doc(security=[{}, {"bearerAuth": []}])
@access.public
def get_idea(idea_id: int):
    """An idea: every field for its readers; public fields of a published winner for anyone."""
    idea = loading.any_idea(idea_id)
    if idea.can_view_private(current_user):
        if idea.hides_team_from(current_user):
            return answer(BlindIdeaSchema(), idea)  # a judge of a blind review
        return idea
    access.require(idea.is_public(), hide=True)
    return answer(PublicIdeaSchema(), idea)


@blp.route("/ideas/<id:idea_id>", methods=["PATCH"])
@json_body(IdeaUpdateSchema(), load=True)
@blp.response(200, IdeaSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def update_idea(data, idea_id: int):
    """Change the fields sent; send `version` so that no one's save is overwritten."""
    idea = loading.team_idea(idea_id)
    ops.save_idea(idea, data, actor=current_user, expected_version=data.pop("version", None))
    return idea


@blp.route("/ideas/<id:idea_id>/submit", methods=["POST"])
@blp.response(200, IdeaSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def submit_idea(idea_id: int):
    """Submit a complete draft while the hackathon is open and before its deadline.

    A missing field answers 422 listing every missing one; a closed hackathon 409."""
    idea = loading.team_idea(idea_id)
    return ops.submit_idea(idea, actor=current_user)


@blp.route("/ideas/<id:idea_id>/withdraw", methods=["POST"])
@blp.response(200, IdeaSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def withdraw_idea(idea_id: int):
    """Withdraw a submitted idea before the deadline (final)."""
    idea = loading.team_idea(idea_id)
    return ops.withdraw_idea(idea, actor=current_user)


@blp.route("/ideas/<id:idea_id>/ineligible", methods=["POST"])
@json_body(IneligibleInput(), load=True)
@blp.response(200, IdeaSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def mark_ineligible(data, idea_id: int):
    """The hackathon's coordinators rule a submitted idea out; the team sees the reason."""
    idea = loading.readable(idea_id)
    access.require(idea.hackathon.can_manage(current_user))
    return ops.mark_ineligible(idea, data["reason"], actor=current_user)


def _redaction_state(idea: Idea) -> dict:
    from app.ideas import redaction as redacting

    redaction = idea.redaction
    judges_read: dict = dict(redacting.texts_read_by_judges(idea))
    judges_read["indicators"] = {str(i.id): i.name for i in (redaction or idea).indicators}
    judges_read["attachments"] = {
        str(a.id): {"name": a.judges_name or "",
                    "hidden": redaction is not None and redaction.hides(a)}
        for a in idea.attachments}
    return {"redacted": redaction is not None,
            "redacted_at": redaction.redacted_at if redaction else None,
            "judges_read": judges_read, "mentions": redacting.mentions_in(idea)}


def _managed_idea(idea_id: int) -> Idea:
    idea = loading.readable(idea_id)
    access.require(idea.hackathon.can_manage(current_user))
    return idea


@blp.route("/ideas/<id:idea_id>/redaction", methods=["GET"])
@blp.response(200, RedactionStateSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def get_redaction(idea_id: int):
    """Blind review: what the judges read, and where it still names the team or its
    municipalities (the hackathon's coordinators)."""
    return _redaction_state(_managed_idea(idea_id))


@blp.route("/ideas/<id:idea_id>/redaction", methods=["PUT"])
@json_body(RedactionSchema(), load=True)
@blp.response(200, RedactionStateSchema)
@blp.alt_response(403, description="Not a coordinator of the hackathon")
@blp.alt_response(409, description="Not a blind review, not submitted, or not between the "
                                   "deadline and the results")
@blp.doc(security=SECURITY)
@access.coordinator_only
def put_redaction(data, idea_id: int):
    """Blind review: set the redacted texts the judges read instead of the team's (which
    stay as written); on the audit trail."""
    from app.ideas import redaction as redacting

    idea = _managed_idea(idea_id)
    redacting.redact_idea(idea, data, actor=current_user)
    return _redaction_state(idea)


@blp.route("/ideas/<id:idea_id>/revisions", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RevisionSchema, "RevisionPage"))
@blp.doc(security=SECURITY)
@access.signed_in
def list_revisions(args, idea_id: int):
    """Every saved revision of the idea, newest first."""
    from app.ideas.models import IdeaRevision

    idea = loading.any_idea(idea_id)
    access.require(idea.can_see_history(current_user), hide=True)
    query = (select(IdeaRevision).where(IdeaRevision.idea_id == idea.id)
             .order_by(IdeaRevision.number.desc()))
    return page_body(paginate(query, args["page"], args["per_page"]))


@blp.route("/ideas/<id:idea_id>/attachments", methods=["POST"])
@blp.response(201, AttachmentSchema)
@blp.doc(security=SECURITY, requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
    description="PDF, DOCX, XLSX, ODT, PNG or JPEG (checked by content), at most 10 MB, "
                "at most 5 per idea; a request over the server's limit answers 413.")
@access.signed_in
def upload_attachment(idea_id: int):
    """Attach a file (multipart form field `file`)."""
    idea = loading.team_idea(idea_id)
    upload = request.files.get("file")
    data = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
    return ops.add_attachment(idea, getattr(upload, "filename", None), data,
                              actor=current_user)


@blp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>", methods=["GET"])
@blp.doc(security=SECURITY, responses={"200": {"description": "The file, as an attachment"}})
@access.signed_in
def download_attachment(idea_id: int, attachment_id: int):
    """Download an attachment (readers of the idea's every field only)."""
    idea = loading.readable(idea_id)
    attachment = _attachment(idea, attachment_id)
    # A file the coordinator hid from a blind review's judges: for them it does not exist.
    access.require(not attachment.hidden_from(current_user), hide=True)
    return files.send_attachment(
        attachment, download_name=attachment.name_for(idea.hides_team_from(current_user)))


@blp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.signed_in
def delete_attachment(idea_id: int, attachment_id: int):
    """Remove an attachment while the idea may still be changed."""
    idea = loading.team_idea(idea_id)
    files.delete_after_commit(
        ops.remove_attachment(_attachment(idea, attachment_id), actor=current_user))

