"""The shapes of what the API answers for a pilot, its plan, money, reports, evaluation and
replication. What it accepts is app.pilots.input_schemas, the schemas the operations load
with (for pages and API alike); enums list the values of app.pilots.states.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from app.pilots.health import LEVELS, PILOT_NOT_RUNNING
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    UpdateStatus,
)

MONEY_DOC = {"type": "string", "example": "1500.00",
             "description": "EUR, a decimal string with two decimals"}
DATE_DOC = {"type": "string", "format": "date", "example": "2026-03-01"}


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
