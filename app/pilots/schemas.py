"""The pilots' marshmallow schemas: what the API accepts (and documents) for a pilot, its
plan, money, reports, evaluation and replication, and the shapes of what it answers.

Money and numbers are accepted as decimal strings (a JSON number too) and read exactly by
the operations (app.pilots.input_fields); enums list the values of app.pilots.states.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.pilots.health import LEVELS, PILOT_NOT_RUNNING
from app.pilots.indicators import DIRECTIONS
from app.pilots.plan import INDICATORS_MAX
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
)

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
        max=INDICATORS_MAX), metadata={
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
