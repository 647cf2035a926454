"""Pilots: start one from a winning idea, read and edit it, record milestones, indicators,
measurements, expenses and progress reports, approve reports, evaluate, replicate.

Thin adapters over the pilot operations (creation, lifecycle, plan, funding, reports,
evaluation), the same ones the pages call. Anyone reads a pilot's public fields; its team
and coordinators also read the internal ones (every report, expenses, evidence, documents). `progress`, `health` and `spent_eur` are
computed (app.pilots.health, app.pilots.money), never stored or accepted.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import MAX_ID
from app.api.schemas import PageArgs, page_schema
from app.core import access, web
from app.core.clock import today_riga
from app.core.errors import StaleVersion
from app.core.pagination import paginate
from app.extensions import db
from app.ideas.models import Idea
from app.pilots import creation as creation_ops
from app.pilots import evaluation as evaluation_ops
from app.pilots import funding as funding_ops
from app.pilots import lifecycle as lifecycle_ops
from app.pilots import plan as plan_ops
from app.pilots import queries
from app.pilots import reports as reports_ops
from app.pilots.charts import plain_number
from app.pilots.health import LEVELS, PILOT_NOT_RUNNING, badge_text, reason_text
from app.pilots.indicators import DIRECTIONS
from app.pilots.models import Indicator, Milestone, Pilot, PilotUpdate
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
)
from app.places.models import REGION_CODES
from app.public.cache import public_page

blp = Blueprint("api_pilots", __name__, description="Pilot projects of winning ideas")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
PUBLIC_OR_TOKEN: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]

MONEY_DOC = {"type": "string", "example": "1500.00",
             "description": "EUR, a decimal string with at most two decimals (a JSON "
                            "number is accepted)"}
DATE_DOC = {"type": "string", "format": "date", "example": "2026-03-01"}
NUMBER_DOC = {"type": "string", "example": "42.5",
              "description": "A decimal string (a JSON number is accepted), at most 4 "
                             "decimals"}


# --- request schemas --------------------------------------------------------------------------

class IndicatorInSchema(Schema):
    name = fields.String(required=True)
    unit = fields.String(load_default="")
    direction = fields.String(required=True, metadata={"enum": list(DIRECTIONS)})
    baseline = fields.Raw(required=True, allow_none=True, metadata=NUMBER_DOC)
    target = fields.Raw(required=True, allow_none=True, metadata=NUMBER_DOC)
    baseline_on = fields.Raw(allow_none=True, metadata={
        **DATE_DOC, "description": "Default: the pilot's start date"})
    target_on = fields.Raw(allow_none=True, metadata={
        **DATE_DOC, "description": "Default: the pilot's end date"})


class FundingInSchema(Schema):
    kind = fields.String(required=True, metadata={
        "enum": [k.value for k in FundingKind],
        "description": "The source: programme (RRF), municipal co-financing or other "
                       "(\"vat\" is kept for lines recorded before VAT had its own amount)"})
    label = fields.String(load_default="")
    amount_eur = fields.Raw(required=True, allow_none=True, metadata={
        **MONEY_DOC, "description": "Excluding VAT"})
    vat_eur = fields.Raw(allow_none=True, metadata={**MONEY_DOC, "description": "Default 0"})


class PilotFieldsSchema(Schema):
    title = fields.String(metadata={"description": "Default: the idea's title"})
    summary = fields.String(metadata={"description": "Markdown; default: the idea's summary"})
    start_date = fields.Raw(metadata=DATE_DOC)
    end_date = fields.Raw(metadata={**DATE_DOC, "description": "After start_date"})
    budget_eur = fields.Raw(metadata={**MONEY_DOC, "description": "The approved budget; "
                                      "default: the idea's budget"})
    coordinator_id = fields.Integer(allow_none=True, strict=True, metadata={
        "description": "A coordinator of the pilot's region or a national one"})
    lead_municipality_id = fields.Integer(strict=True)
    partner_municipality_ids = fields.List(fields.Integer(strict=True),
                                           validate=validate.Length(max=43))
    evidence_required = fields.Boolean(metadata={
        "description": "Completing a milestone then requires evidence"})


class PilotEditableSchema(PilotFieldsSchema):
    assessment_theme_id = fields.Integer(allow_none=True, strict=True, metadata={
        "description": "The assessment theme the pilot addresses (GET "
                       "/programme/instruments), or null; its team may set it"})


class PilotCreateSchema(PilotFieldsSchema):
    start_date = fields.Raw(required=True, allow_none=True, metadata=DATE_DOC)
    end_date = fields.Raw(required=True, allow_none=True,
                          metadata={**DATE_DOC, "description": "After start_date"})
    indicators = fields.List(fields.Nested(IndicatorInSchema), validate=validate.Length(
        max=plan_ops.INDICATORS_MAX), metadata={
        "description": "Default: the idea's proposed indicators whose numbers can be read"})
    funding = fields.List(fields.Nested(FundingInSchema), validate=validate.Length(max=20))


class PilotPatchSchema(PilotEditableSchema):
    version = fields.Integer(strict=True, metadata={
        "description": "The version you edited; a stale one answers 409 with `current`"})
    status = fields.String(metadata={"enum": [s.value for s in PilotStatus],
                                     "description": "A transition along the status table"})
    status_reason = fields.String(validate=validate.Length(max=1000))


class MilestoneInSchema(Schema):
    title = fields.String(required=True)
    description = fields.String(load_default="")
    due_date = fields.Raw(required=True, allow_none=True, metadata=DATE_DOC)
    weight = fields.Raw(load_default="1", metadata={**NUMBER_DOC, "description": "> 0"})


class MilestonePatchSchema(Schema):
    title = fields.String()
    description = fields.String()
    due_date = fields.Raw(metadata=DATE_DOC)
    weight = fields.Raw(metadata={**NUMBER_DOC, "description": "> 0"})
    status = fields.String(metadata={"enum": [s.value for s in MilestoneStatus]})
    completed_on = fields.Raw(allow_none=True, metadata={
        **DATE_DOC, "description": "For done; default today"})
    evidence = fields.String(metadata={"description": "What shows it was done (text)"})
    evidence_url = fields.String(metadata={"description": "A link to the evidence"})


class MeasurementInSchema(Schema):
    value = fields.Raw(required=True, allow_none=True, metadata=NUMBER_DOC)
    measured_on = fields.Raw(required=True, allow_none=True, metadata={
        **DATE_DOC, "description": "Not before the baseline date, not in the future"})
    note = fields.String(load_default="", metadata={"description": "The source"})


class ExpenseInSchema(Schema):
    amount_eur = fields.Raw(required=True, allow_none=True,
                            metadata={**MONEY_DOC, "description": "> 0"})
    spent_on = fields.Raw(required=True, allow_none=True, metadata={
        **DATE_DOC, "description": "Between the pilot's start and its end plus the grace days"})
    description = fields.String(required=True, metadata={
        "description": "Public: name no private person"})
    category = fields.String(metadata={"enum": [c.value for c in ExpenseCategory],
                                       "description": "Default: other"})


class UpdateInSchema(Schema):
    body = fields.String(required=True, metadata={"description": "Markdown"})
    public = fields.Boolean(load_default=False, metadata={
        "description": "A public report is published once a coordinator approves it"})
    reported_on = fields.Raw(metadata={**DATE_DOC, "description": "Default: today"})


class ReturnSchema(Schema):
    note = fields.String(required=True, metadata={"description": "What to change"})


class EvaluationInSchema(Schema):
    results = fields.String(required=True)
    lessons = fields.String(required=True)
    recommendation = fields.String(required=True,
                                   metadata={"enum": [r.value for r in Recommendation]})


class ReplicationInSchema(Schema):
    municipality_id = fields.Integer(required=True, strict=True)
    status = fields.String(load_default="considering",
                           metadata={"enum": [s.value for s in ReplicationStatus]})
    started_on = fields.Raw(metadata={**DATE_DOC, "description": "Default: today"})
    note = fields.String(load_default="")


class PilotListArgs(PageArgs):
    region = fields.String(validate=validate.OneOf(REGION_CODES))
    status = fields.String(validate=validate.OneOf([s.value for s in PilotStatus]))
    municipality = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                  metadata={"description": "Lead or partner municipality id"})
    hackathon = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


# --- response schemas (what the bodies below hold) ---------------------------------------------

class MunicipalityOut(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String()


class ReasonOut(Schema):
    code = fields.String()
    level = fields.String(metadata={"enum": list(LEVELS)})
    params = fields.Dict()
    text = fields.String()


class MilestoneOut(Schema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    title = fields.String()
    description = fields.String()
    due_date = fields.String(metadata=DATE_DOC)
    weight = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in MilestoneStatus]})
    completed_on = fields.String(allow_none=True)
    evidence = fields.String(metadata={"description": "Team and coordinators only"})
    evidence_url = fields.String(metadata={"description": "Team and coordinators only"})
    has_evidence_document = fields.Boolean()


class MeasurementOut(Schema):
    id = fields.Integer()
    indicator_id = fields.Integer()
    value = fields.String()
    measured_on = fields.String(metadata=DATE_DOC)
    note = fields.String()


class IndicatorOut(Schema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    direction = fields.String()
    baseline = fields.String()
    baseline_on = fields.String()
    target = fields.String()
    target_on = fields.String()
    achievement_percent = fields.String(allow_none=True)
    measurements = fields.List(fields.Nested(MeasurementOut))


class ExpenseOut(Schema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    amount_eur = fields.String()
    spent_on = fields.String()
    description = fields.String()
    category = fields.String(metadata={"enum": [c.value for c in ExpenseCategory]})
    has_document = fields.Boolean()
    document_public = fields.Boolean()
    has_public_document = fields.Boolean()


class UpdateOut(Schema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    reported_on = fields.String()
    body = fields.String()
    body_html = fields.String()
    public = fields.Boolean()
    status = fields.String(metadata={"enum": [s.value for s in UpdateStatus]})
    review_note = fields.String()
    submitted_at = fields.DateTime(allow_none=True)


class FundingOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in FundingKind]})
    label = fields.String()
    amount_eur = fields.String(metadata={**MONEY_DOC, "description": "Excluding VAT"})
    vat_eur = fields.String(metadata=MONEY_DOC)


class SourceSplitOut(Schema):
    amount_eur = fields.String(metadata={**MONEY_DOC, "description": "Excluding VAT"})
    vat_eur = fields.String(metadata=MONEY_DOC)


class FundingSplitOut(Schema):
    programme = fields.Nested(SourceSplitOut)
    municipal = fields.Nested(SourceSplitOut)
    other = fields.Nested(SourceSplitOut)


class PublicExpenseOut(Schema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    spent_on = fields.String(metadata=DATE_DOC)
    amount_eur = fields.String(metadata=MONEY_DOC)
    description = fields.String()
    category = fields.String(metadata={"enum": [c.value for c in ExpenseCategory]})
    has_public_document = fields.Boolean()


class AssessmentThemeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    instrument_id = fields.Integer()


class PublicPilotSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    hackathon_id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    summary_html = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in PilotStatus]})
    region = fields.String()
    lead_municipality = fields.Nested(MunicipalityOut)
    partner_municipalities = fields.List(fields.Nested(MunicipalityOut))
    team = fields.Dict(metadata={"description": "{id, name}"})
    start_date = fields.String(metadata=DATE_DOC)
    end_date = fields.String(metadata=DATE_DOC)
    budget_eur = fields.String(metadata=MONEY_DOC)
    spent_eur = fields.String(metadata=MONEY_DOC)
    remaining_eur = fields.String(metadata=MONEY_DOC)
    progress = fields.Integer(metadata={"minimum": 0, "maximum": 100})
    health = fields.String(metadata={"enum": list(LEVELS)})
    health_badge = fields.String(metadata={
        "enum": [*LEVELS, *PILOT_NOT_RUNNING],
        "description": "What a badge shows: the level, or the status of a pilot that is not "
                       "running when no rule is broken (never green: on track)"})
    health_text = fields.String(metadata={"description": "The badge in words"})
    health_reasons = fields.List(fields.Nested(ReasonOut))
    next_milestone = fields.Dict(allow_none=True)
    last_report_on = fields.String(allow_none=True)
    assessment_theme = fields.Nested(AssessmentThemeOut, allow_none=True, metadata={
        "description": "The assessment theme the pilot addresses, or null"})


class PilotDetailPublicSchema(PublicPilotSchema):
    milestones = fields.List(fields.Nested(MilestoneOut))
    indicators = fields.List(fields.Nested(IndicatorOut))
    funding = fields.List(fields.Nested(FundingOut))
    funding_split = fields.Nested(FundingSplitOut, metadata={
        "description": "Each source's amount excl. VAT and its VAT"})
    charged_region = fields.String(metadata={
        "description": "The region whose programme envelope pays: the organising region"})
    charged_to_lead_region = fields.Boolean(metadata={
        "description": "True for a national hackathon: charged to the lead's region"})
    public_expenses = fields.List(fields.Nested(PublicExpenseOut), metadata={
        "description": "Every expense: date, amount, description, category"})
    updates = fields.List(fields.Nested(UpdateOut), metadata={
        "description": "Published reports only, unless you are the team or a coordinator"})
    replications = fields.List(fields.Dict())
    evaluation = fields.Dict(allow_none=True)


class PilotSchema(PilotDetailPublicSchema):
    """Everything, for the team and the pilot's coordinators."""

    version = fields.Integer()
    coordinator = fields.Dict(allow_none=True)
    evidence_required = fields.Boolean()
    expenses = fields.List(fields.Nested(ExpenseOut))
    status_changes = fields.List(fields.Dict())
    can_edit = fields.Boolean()
    can_manage = fields.Boolean()


PilotPageSchema = page_schema(PublicPilotSchema, "PilotPage")


# --- bodies ------------------------------------------------------------------------------------

def _money(value) -> str:
    return f"{value:.2f}"


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _municipality(m) -> dict:
    return {"id": m.id, "name": m.name, "region": m.region_code}


def _theme(theme) -> dict | None:
    return {"id": theme.id, "name": theme.name, "instrument_id": theme.instrument_id} \
        if theme is not None else None


def _reason(reason) -> dict:
    return {**reason.as_dict(), "text": reason_text(reason)}


def milestone_body(m: Milestone, *, internal: bool) -> dict:
    body = {"id": m.id, "pilot_id": m.pilot_id, "title": m.title, "description": m.description,
            "due_date": _day(m.due_date), "weight": plain_number(m.weight),
            "status": m.status.value, "completed_on": _day(m.completed_on)}
    if internal:
        body.update(evidence=m.evidence_text, evidence_url=m.evidence_url,
                    has_evidence_document=m.evidence_document_id is not None)
    return body


def measurement_body(m) -> dict:
    return {"id": m.id, "indicator_id": m.indicator_id, "value": plain_number(m.value),
            "measured_on": _day(m.measured_on), "note": m.note}


def indicator_body(i: Indicator) -> dict:
    reached = i.achievement()
    return {"id": i.id, "pilot_id": i.pilot_id, "name": i.name, "unit": i.unit,
            "direction": i.direction, "baseline": plain_number(i.baseline_value),
            "baseline_on": _day(i.baseline_on), "target": plain_number(i.target_value),
            "target_on": _day(i.target_on),
            "achievement_percent": str(reached) if reached is not None else None,
            "measurements": [measurement_body(m) for m in i.measurements]}


def expense_body(e) -> dict:
    return {**public_expense_body(e), "has_document": e.document_id is not None,
            "document_public": e.document_public}


def public_expense_body(e) -> dict:
    return {"id": e.id, "pilot_id": e.pilot_id, "amount_eur": _money(e.amount_eur),
            "spent_on": _day(e.spent_on), "description": e.description,
            "category": e.category.value,
            "has_public_document": e.document_id is not None and e.document_public}


def funding_body(f) -> dict:
    return {"id": f.id, "kind": f.kind.value, "label": f.label,
            "amount_eur": _money(f.amount_eur), "vat_eur": _money(f.vat_eur)}


def update_body(u: PilotUpdate, *, internal: bool) -> dict:
    body = {"id": u.id, "pilot_id": u.pilot_id, "reported_on": _day(u.reported_on),
            "body": u.body, "body_html": u.body_html}
    if internal:
        body.update(public=u.public, status=u.status.value, review_note=u.review_note,
                    submitted_at=u.submitted_at.isoformat() if u.submitted_at else None)
    return body


def list_body(row: queries.PilotRow) -> dict:
    """The public fields and computed values of a pilot, as the list shows them."""
    p = row.pilot
    nxt = row.next_milestone
    return {
        "id": p.id, "idea_id": p.idea_id, "hackathon_id": p.hackathon_id, "title": p.title,
        "summary": p.summary, "summary_html": p.summary_html,
        "status": p.status.value, "region": p.region_code,
        "lead_municipality": _municipality(p.lead_municipality),
        "partner_municipalities": [_municipality(m) for m in p.partner_municipalities],
        "start_date": _day(p.start_date), "end_date": _day(p.end_date),
        "budget_eur": _money(p.approved_budget_eur), "spent_eur": _money(row.spent),
        "remaining_eur": _money(row.remaining), "progress": row.progress,
        "health": row.level, "health_badge": row.health.badge,
        "health_text": badge_text(row.health),
        "health_reasons": [_reason(r) for r in row.health.reasons],
        "next_milestone": {"id": nxt.id, "title": nxt.title, "due_date": _day(nxt.due_date)}
        if nxt else None,
        "last_report_on": _day(row.last_report_on),
        "assessment_theme": _theme(p.assessment_theme),
    }


def pilot_body(pilot: Pilot, *, internal: bool) -> dict:
    """A pilot with its computed values; internal fields only when `internal`."""
    row = queries.summarize(pilot, None, today_riga())
    body = list_body(row)
    body["team"] = {"id": pilot.team_id, "name": pilot.team.name}
    body["milestones"] = [milestone_body(m, internal=internal) for m in pilot.milestones]
    body["indicators"] = [indicator_body(i) for i in pilot.indicators]
    body["funding"] = [funding_body(f) for f in pilot.funding_lines]
    body["funding_split"] = {source: {name: _money(value) for name, value in amounts.items()}
                             for source, amounts in pilot.funding_by_source().items()}
    body["charged_region"] = pilot.region_code
    body["charged_to_lead_region"] = pilot.charged_to_lead_region
    body["public_expenses"] = [public_expense_body(e) for e in pilot.expenses]
    updates = pilot.updates if internal else pilot.public_updates()
    body["updates"] = [update_body(u, internal=internal) for u in updates]
    body["replications"] = [{"id": r.id, "municipality": _municipality(r.municipality),
                             "status": r.status.value, "started_on": _day(r.started_on),
                             "note": r.note} for r in pilot.replications]
    evaluation = pilot.evaluation
    body["evaluation"] = {"results": evaluation.results, "lessons": evaluation.lessons,
                          "recommendation": evaluation.recommendation.value,
                          "evaluated_at": evaluation.evaluated_at.isoformat()} \
        if evaluation else None
    if internal:
        body.update(
            version=pilot.version, evidence_required=pilot.evidence_required,
            coordinator={"id": pilot.coordinator.id, "name": pilot.coordinator.name}
            if pilot.coordinator else None,
            expenses=[expense_body(e) for e in pilot.expenses],
            status_changes=[{"from": c.from_status.value if c.from_status else None,
                             "to": c.to_status.value, "at": c.at.isoformat(),
                             "by": c.actor.name if c.actor else None, "reason": c.reason}
                            for c in pilot.status_changes],
            can_edit=pilot.can_edit(current_user), can_manage=pilot.can_manage(current_user))
    return body


# --- loading ------------------------------------------------------------------------------------

def _pilot(pilot_id: int) -> Pilot:
    return web.check_found(queries.pilot_by_id(pilot_id))


def _editable(pilot_id: int) -> Pilot:
    """A pilot's public fields are public, so an outsider learns nothing new: 403."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_edit(current_user))
    return pilot


def _may_edit_pilot(obj: Milestone | Indicator, user: Any) -> bool:
    return obj.pilot.can_edit(user)


def _fresh(pilot_id: int) -> dict:
    db.session.expire_all()
    return pilot_body(_pilot(pilot_id), internal=True)


def _json(body: dict, status: int = 200):
    """The body as it is (the schemas above document it; the bodies carry a few more)."""
    response = jsonify(body)
    response.status_code = status
    return response


# --- endpoints ----------------------------------------------------------------------------------

@blp.route("/ideas/<id:idea_id>/pilot", methods=["POST"])
@blp.arguments(PilotCreateSchema)
@blp.response(201, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def create_pilot(data, idea_id: int):
    """Turn a winning idea into a pilot (its hackathon's coordinators; winners only, one
    pilot per idea: 409 otherwise). Title, summary, municipalities, budget and proposed
    indicators are carried over unless sent."""
    idea = web.load(Idea, idea_id, see=lambda idea, user: idea.can_view_private(user)
                    or idea.is_public())
    pilot = creation_ops.create_pilot(idea, data, actor=current_user)
    return _json(_fresh(pilot.id), 201)


@blp.route("/pilots", methods=["GET"])
@public_page
@blp.arguments(PilotListArgs, location="query")
@blp.response(200, PilotPageSchema)
@blp.doc(security=PUBLIC_OR_TOKEN)
@access.public
def list_pilots(args):
    """Every pilot's public fields with progress, health and money, newest first."""
    query = queries.public_list_query(region=args.get("region", ""),
                                      status=args.get("status", ""),
                                      municipality=args.get("municipality"),
                                      hackathon=args.get("hackathon"))
    page = paginate(query, args["page"], args["per_page"])
    ids = [p.id for p in page.items]
    figures = queries.load_figures(Pilot.id.in_(ids)) if ids else {}
    rows = queries.summarize_all(page.items, figures, today_riga())
    return jsonify({"items": [list_body(r) for r in rows], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


@blp.route("/pilots/<id:pilot_id>", methods=["GET"])
@public_page
@blp.response(200, PilotSchema)
@blp.doc(security=PUBLIC_OR_TOKEN)
@access.public
def get_pilot(pilot_id: int):
    """A pilot: public fields for anyone; internal ones for its team and coordinators."""
    pilot = _pilot(pilot_id)
    internal = pilot.can_view_internal(current_user)
    return jsonify(pilot_body(pilot, internal=internal))


@blp.route("/pilots/<id:pilot_id>", methods=["PATCH"])
@blp.arguments(PilotPatchSchema)
@blp.response(200, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def update_pilot(data, pilot_id: int):
    """Change the fields sent. Send `version`: a stale one answers 409 with `current`.
    Dates, budget, coordinator, municipalities and the evidence rule are the coordinators'."""
    pilot = _editable(pilot_id)
    version = data.pop("version", None)

    def save() -> Pilot:
        web.expect_version(pilot, version)
        return lifecycle_ops.update_pilot(pilot, data, actor=current_user)

    try:
        web.attempt(save)
    except StaleVersion as error:
        # The client sees the stored pilot as GET shows it, to merge its change into.
        raise StaleVersion(error.detail, current=_fresh(pilot_id)) from None
    return _json(_fresh(pilot.id))


@blp.route("/pilots/<id:pilot_id>/milestones", methods=["POST"])
@blp.arguments(MilestoneInSchema)
@blp.response(201, MilestoneOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_milestone(data, pilot_id: int):
    """Plan a milestone: `{title, due_date, weight (> 0), description}`."""
    pilot = _editable(pilot_id)
    milestone = plan_ops.add_milestone(pilot, data, actor=current_user)
    return _json(milestone_body(milestone, internal=True), 201)


@blp.route("/milestones/<id:milestone_id>", methods=["PATCH"])
@blp.arguments(MilestonePatchSchema)
@blp.response(200, MilestoneOut)
@blp.doc(security=SECURITY)
@access.signed_in
def update_milestone(data, milestone_id: int):
    """Change a milestone; `status` moves along its table (409 otherwise). Done needs
    evidence where the pilot requires it (422)."""
    milestone = web.load(Milestone, milestone_id, may=_may_edit_pilot)
    plan_ops.update_milestone(milestone, data, actor=current_user)
    return jsonify(milestone_body(milestone, internal=True))


@blp.route("/pilots/<id:pilot_id>/indicators", methods=["POST"])
@blp.arguments(IndicatorInSchema)
@blp.response(201, IndicatorOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_indicator(data, pilot_id: int):
    """Add an outcome indicator; the target must lie in its direction from the baseline."""
    pilot = _editable(pilot_id)
    indicator = plan_ops.add_indicator(pilot, data, actor=current_user)
    return _json(indicator_body(indicator), 201)


@blp.route("/indicators/<id:indicator_id>/measurements", methods=["POST"])
@blp.arguments(MeasurementInSchema)
@blp.response(201, MeasurementOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_measurement(data, indicator_id: int):
    """Record a measured value; not dated before the baseline, nor in the future (422)."""
    indicator = web.load(Indicator, indicator_id, may=_may_edit_pilot)
    measurement = plan_ops.record_measurement(indicator, data, actor=current_user)
    return _json(measurement_body(measurement), 201)


@blp.route("/pilots/<id:pilot_id>/expenses", methods=["POST"])
@blp.arguments(ExpenseInSchema)
@blp.response(201, ExpenseOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_expense(data, pilot_id: int):
    """Record an expense: `{amount_eur ("1500.00", > 0), spent_on, description}`."""
    pilot = _editable(pilot_id)
    expense = funding_ops.record_expense(pilot, data, actor=current_user)
    return _json(expense_body(expense), 201)


@blp.route("/pilots/<id:pilot_id>/funding", methods=["POST"])
@blp.arguments(FundingInSchema)
@blp.response(201, FundingOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_funding(data, pilot_id: int):
    """Add a funding line of the approved budget (the pilot's coordinators)."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_manage(current_user))
    line = funding_ops.add_funding_line(pilot, data, actor=current_user)
    return _json(funding_body(line), 201)


@blp.route("/pilots/<id:pilot_id>/updates", methods=["POST"])
@blp.arguments(UpdateInSchema)
@blp.response(201, UpdateOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_update(data, pilot_id: int):
    """Write a progress report. `public: true` submits it; it is published once a
    coordinator approves it (`status` "submitted", then "approved")."""
    pilot = _editable(pilot_id)
    update = reports_ops.post_update(pilot, data, actor=current_user)
    return _json(update_body(update, internal=True), 201)


def _update(update_id: int) -> PilotUpdate:
    return web.load(PilotUpdate, update_id,
                    see=lambda update, user: update.pilot.can_view_internal(user),
                    may=lambda update, user: update.pilot.can_approve_updates(user))


@blp.route("/updates/<id:update_id>/approve", methods=["POST"])
@blp.response(200, UpdateOut)
@blp.doc(security=SECURITY)
@access.signed_in
def approve_update(update_id: int):
    """Approve a submitted public report: it is published (the pilot's coordinators)."""
    update = _update(update_id)
    reports_ops.approve_update(update, actor=current_user)
    return jsonify(update_body(update, internal=True))


@blp.route("/updates/<id:update_id>/return", methods=["POST"])
@blp.arguments(ReturnSchema)
@blp.response(200, UpdateOut)
@blp.doc(security=SECURITY)
@access.signed_in
def return_update(data, update_id: int):
    """Return a submitted report to the team with what to change; the team is e-mailed."""
    update = _update(update_id)
    reports_ops.return_update(update, data["note"], actor=current_user)
    return jsonify(update_body(update, internal=True))


@blp.route("/pilots/<id:pilot_id>/evaluation", methods=["PUT"])
@blp.arguments(EvaluationInSchema)
@blp.response(200, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def put_evaluation(data, pilot_id: int):
    """Write the final evaluation of a completed or discontinued pilot (409 before)."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_view_internal(current_user))
    evaluation_ops.save_evaluation(pilot, data, actor=current_user)
    return _json(_fresh(pilot.id))


@blp.route("/pilots/<id:pilot_id>/replications", methods=["POST"])
@blp.arguments(ReplicationInSchema)
@blp.response(201, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def add_replication(data, pilot_id: int):
    """Record another municipality adopting the pilot."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_view_internal(current_user))
    evaluation_ops.add_replication(pilot, data, actor=current_user)
    return _json(_fresh(pilot.id), 201)
