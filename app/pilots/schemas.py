"""What the API answers for a pilot, its plan, money, reports, evaluation and replication:
each schema dumps the object itself (a `queries.PilotRow` for a pilot, the model for the
rest), and the OpenAPI document is generated from these same schemas, so the documented
answer is the answer. What the API accepts is app.pilots.input_schemas.

Public fields are for anyone; the `…Out` schemas without `Public` add the internal ones
(evidence, every report, documents, the status history) for the team and the pilot's
coordinators.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields

from app.core.answer_fields import (
    Money,
    ObjectSchema,
    PlainNumber,
    State,
    WorkedBoolean,
    WorkedDict,
    WorkedList,
    WorkedNested,
    WorkedString,
)
from app.pilots.health import LEVELS, PILOT_NOT_RUNNING, badge_text, reason_text
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
)

EXCL_VAT = {"description": "Excluding VAT"}


class MunicipalityOut(ObjectSchema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String(attribute="region_code")


class NamedOut(ObjectSchema):
    id = fields.Integer()
    name = fields.String()


class ReasonOut(ObjectSchema):
    """Why a pilot is not green (app.pilots.health.Reason), with the sentence it reads as."""

    code = fields.String()
    level = fields.String(metadata={"enum": list(LEVELS)})
    params = WorkedDict(lambda reason: reason.as_dict()["params"], metadata={
        "description": "The values the sentence names: dates and decimals as strings"})
    text = WorkedString(reason_text)


class PublicMilestoneOut(ObjectSchema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    title = fields.String()
    description = fields.String()
    due_date = fields.Date()
    weight = PlainNumber()
    status = State(MilestoneStatus)
    completed_on = fields.Date(allow_none=True)


class MilestoneOut(PublicMilestoneOut):
    evidence = fields.String(attribute="evidence_text")
    evidence_url = fields.String()
    has_evidence_document = WorkedBoolean(lambda m: m.evidence_document_id is not None)


class NextMilestoneOut(ObjectSchema):
    id = fields.Integer()
    title = fields.String()
    due_date = fields.Date()


class MeasurementOut(ObjectSchema):
    id = fields.Integer()
    indicator_id = fields.Integer()
    value = PlainNumber()
    measured_on = fields.Date()
    note = fields.String()


def _achievement(indicator: Any) -> str | None:
    reached = indicator.achievement()
    return str(reached) if reached is not None else None


class IndicatorOut(ObjectSchema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    direction = fields.String()
    baseline = PlainNumber(attribute="baseline_value")
    baseline_on = fields.Date(allow_none=True)
    target = PlainNumber(attribute="target_value")
    target_on = fields.Date(allow_none=True)
    achievement_percent = WorkedString(_achievement, allow_none=True, metadata={
        "description": "Percent of the way from baseline to target of the latest measurement"})
    measurements = fields.List(fields.Nested(MeasurementOut))


class PublicExpenseOut(ObjectSchema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    amount_eur = Money()
    spent_on = fields.Date()
    description = fields.String()
    category = State(ExpenseCategory)
    has_public_document = WorkedBoolean(
        lambda e: e.document_id is not None and e.document_public)


class ExpenseOut(PublicExpenseOut):
    has_document = WorkedBoolean(lambda e: e.document_id is not None)
    document_public = fields.Boolean()


class FundingOut(ObjectSchema):
    id = fields.Integer()
    kind = State(FundingKind)
    label = fields.String()
    amount_eur = Money(metadata=EXCL_VAT)
    vat_eur = Money()


class SourceSplitOut(Schema):
    amount_eur = Money(metadata=EXCL_VAT)
    vat_eur = Money()


class FundingSplitOut(Schema):
    programme = fields.Nested(SourceSplitOut)
    municipal = fields.Nested(SourceSplitOut)
    other = fields.Nested(SourceSplitOut)


class PublicUpdateOut(ObjectSchema):
    id = fields.Integer()
    pilot_id = fields.Integer()
    reported_on = fields.Date()
    body = fields.String()
    body_html = fields.String()


class UpdateOut(PublicUpdateOut):
    public = fields.Boolean()
    status = State(UpdateStatus)
    review_note = fields.String()
    submitted_at = fields.DateTime(allow_none=True)


class ReplicationOut(ObjectSchema):
    id = fields.Integer()
    municipality = fields.Nested(MunicipalityOut)
    status = State(ReplicationStatus)
    started_on = fields.Date()
    note = fields.String()


class EvaluationOut(ObjectSchema):
    results = fields.String()
    lessons = fields.String()
    recommendation = State(Recommendation)
    evaluated_at = fields.DateTime()


class StatusChangeOut(ObjectSchema):
    from_ = State(PilotStatus, data_key="from", attribute="from_status", allow_none=True)
    to = State(PilotStatus, attribute="to_status")
    at = fields.DateTime()
    by = WorkedString(lambda c: c.actor.name if c.actor else None, allow_none=True)
    reason = fields.String()


class AssessmentThemeOut(ObjectSchema):
    id = fields.Integer()
    name = fields.String()
    instrument_id = fields.Integer()


class PublicPilotSchema(ObjectSchema):
    """A pilot's public fields and computed values, as a list shows them."""

    id = fields.Integer(attribute="pilot.id")
    idea_id = fields.Integer(attribute="pilot.idea_id")
    hackathon_id = fields.Integer(attribute="pilot.hackathon_id")
    title = fields.String(attribute="pilot.title")
    summary = fields.String(attribute="pilot.summary")
    summary_html = fields.String(attribute="pilot.summary_html")
    status = State(PilotStatus, attribute="pilot.status")
    region = fields.String(attribute="pilot.region_code")
    lead_municipality = fields.Nested(MunicipalityOut, attribute="pilot.lead_municipality")
    partner_municipalities = fields.List(fields.Nested(MunicipalityOut),
                                         attribute="pilot.partner_municipalities")
    start_date = fields.Date(attribute="pilot.start_date")
    end_date = fields.Date(attribute="pilot.end_date")
    budget_eur = Money(attribute="pilot.approved_budget_eur")
    spent_eur = Money(attribute="spent")
    remaining_eur = Money(attribute="remaining")
    progress = fields.Integer(metadata={"minimum": 0, "maximum": 100})
    health = fields.String(attribute="level", metadata={"enum": list(LEVELS)})
    health_badge = fields.String(attribute="health.badge", metadata={
        "enum": [*LEVELS, *PILOT_NOT_RUNNING],
        "description": "What a badge shows: the level, or the status of a pilot that is not "
                       "running when no rule is broken (never green: on track)"})
    health_text = WorkedString(lambda row: badge_text(row.health), metadata={
        "description": "The badge in words"})
    health_reasons = fields.List(fields.Nested(ReasonOut), attribute="health.reasons")
    next_milestone = fields.Nested(NextMilestoneOut, allow_none=True)
    last_report_on = fields.Date(allow_none=True)
    assessment_theme = fields.Nested(AssessmentThemeOut, attribute="pilot.assessment_theme",
                                     allow_none=True, metadata={
        "description": "The assessment theme the pilot addresses, or null"})


class PilotDetailPublicSchema(PublicPilotSchema):
    team = fields.Nested(NamedOut, attribute="pilot.team")
    milestones = fields.List(fields.Nested(PublicMilestoneOut), attribute="pilot.milestones")
    indicators = fields.List(fields.Nested(IndicatorOut), attribute="pilot.indicators")
    funding = fields.List(fields.Nested(FundingOut), attribute="pilot.funding_lines")
    funding_split = WorkedNested(lambda row: row.pilot.funding_by_source(), FundingSplitOut,
                                 metadata={"description": "Each source's amount excl. VAT "
                                                          "and its VAT"})
    # marshmallow reads each attribute for one field only: the two below are worked out.
    charged_region = WorkedString(lambda row: row.pilot.region_code, metadata={
        "description": "The region whose programme envelope pays: the organising region"})
    charged_to_lead_region = fields.Boolean(attribute="pilot.charged_to_lead_region", metadata={
        "description": "True for a national hackathon: charged to the lead's region"})
    public_expenses = fields.List(fields.Nested(PublicExpenseOut), attribute="pilot.expenses",
                                  metadata={"description": "Every expense: date, amount, "
                                                           "description, category"})
    updates = WorkedList(lambda row: row.pilot.public_updates(),
                         fields.Nested(PublicUpdateOut),
                         metadata={"description": "Published reports only"})
    replications = fields.List(fields.Nested(ReplicationOut), attribute="pilot.replications")
    evaluation = fields.Nested(EvaluationOut, attribute="pilot.evaluation", allow_none=True)


class PilotSchema(PilotDetailPublicSchema):
    """Everything, for the team and the pilot's coordinators."""

    milestones = fields.List(fields.Nested(MilestoneOut), attribute="pilot.milestones")
    updates = WorkedList(lambda row: row.pilot.updates, fields.Nested(UpdateOut),
                         metadata={"description": "Every report, in every state"})
    version = fields.Integer(attribute="pilot.version")
    coordinator = fields.Nested(NamedOut, attribute="pilot.coordinator", allow_none=True)
    evidence_required = fields.Boolean(attribute="pilot.evidence_required")
    expenses = WorkedList(lambda row: row.pilot.expenses, fields.Nested(ExpenseOut))
    status_changes = fields.List(fields.Nested(StatusChangeOut),
                                 attribute="pilot.status_changes")
    can_edit = WorkedBoolean(lambda row: row.pilot.can_edit(current_user))
    can_manage = WorkedBoolean(lambda row: row.pilot.can_manage(current_user))
