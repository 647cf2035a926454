"""What each pilot operation reads from a page's form or an API body, one schema per
operation, built of the fields of app.pilots.input_fields. The rules that need the pilot
or the database (dates inside the pilot, a municipality that exists) are checked by the
operation after the load, and their messages join the schema's in one Invalid.

The API documents its request bodies with these same schemas (app.api.schemas.json_body),
so the OpenAPI document states the rules the operations apply. A field the operation
fills in when it is not sent is named in the document's `partial`, so it is not listed
as required there.
"""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields

from app.pilots.indicators import DIRECTIONS
from app.pilots.input_fields import (
    Amount,
    Choice,
    Direction,
    IndicatorNumber,
    LvDate,
    OptionId,
    OptionIds,
    Text,
    Version,
    WebAddress,
    Weight,
    YesNo,
)
from app.pilots.models import NOTE_MAX, TEXT_MAX, TITLE_MAX, UNIT_MAX
from app.pilots.models_money import FUNDING_LINES_MAX
from app.pilots.models_plan import INDICATORS_MAX
from app.pilots.states import (
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
)


class PilotInput(Schema):
    """A new pilot's fields (the idea's values are filled in for those not sent)."""

    title = Text(required=True, max_length=TITLE_MAX,
                 metadata={"description": "Default: the idea's title"})
    summary = Text(metadata={"description": "Markdown; default: the idea's summary"})
    start_date = LvDate()
    end_date = LvDate(metadata={"description": "After start_date"})
    budget_eur = Amount(allow_zero=False, metadata={
        "description": "EUR, the approved budget; default: the idea's budget"})
    lead_municipality_id = OptionId(metadata={"description": "Default: the team's"})
    partner_municipality_ids = OptionIds()
    coordinator_id = OptionId(metadata={
        "description": "A coordinator of the pilot's region or a national one"})
    evidence_required = YesNo(metadata={
        "description": "Completing a milestone then requires evidence"})


class IndicatorInput(Schema):
    name = Text(required=True, max_length=TITLE_MAX)
    unit = Text(max_length=UNIT_MAX)
    direction = Direction(DIRECTIONS)
    baseline = IndicatorNumber(metadata={"description": "At most 4 decimals"})
    target = IndicatorNumber(metadata={
        "description": "At most 4 decimals, in the direction from the baseline"})
    baseline_on = LvDate(metadata={"description": "Default: the pilot's start date"})
    target_on = LvDate(metadata={"description": "Default: the pilot's end date"})


INDICATOR_DEFAULTS = ("baseline_on", "target_on")


class FundingInput(Schema):
    kind = Choice(FundingKind, metadata={
        "description": "The source: programme (RRF), municipal co-financing or other "
                       "(\"vat\" is kept for lines recorded before VAT had its own amount)"})
    label = Text(max_length=TITLE_MAX)
    amount_eur = Amount(allow_zero=False, metadata={"description": "EUR, excluding VAT"})
    vat_eur = Amount(blank=Decimal("0.00"), metadata={"description": "EUR; default 0"})


class PilotCreateInput(PilotInput):
    """A new pilot through the API: its fields, and the plan's first indicators and
    funding lines, each row read by its own schema."""

    indicators = fields.List(fields.Nested(IndicatorInput(partial=INDICATOR_DEFAULTS)),
                             metadata={"maxItems": INDICATORS_MAX, "description":
                                       "Default: the idea's proposed indicators whose "
                                       "numbers can be read"})
    funding = fields.List(fields.Nested(FundingInput),
                          metadata={"maxItems": FUNDING_LINES_MAX})


# Filled in from the idea when not sent (the lead municipality too, but it is never required).
PILOT_DEFAULTS = ("title", "budget_eur")


class PilotChangeInput(PilotInput):
    """The fields of a pilot an edit may change (loaded partial: the others stay)."""

    assessment_theme_id = OptionId(metadata={
        "description": "The assessment theme the pilot addresses (GET "
                       "/programme/instruments), or null; its team may set it"})
    status = Choice(PilotStatus, required=False, metadata={
        "description": "A transition along the status table"})
    status_reason = Text(max_length=NOTE_MAX)
    version = Version(metadata={
        "description": "The version edited; a stale one answers 409 with `current`"})


class MilestoneInput(Schema):
    title = Text(required=True, max_length=TITLE_MAX)
    description = Text()
    due_date = LvDate()
    weight = Weight(blank=Decimal("1"), metadata={"description": "> 0; default 1"})


class MilestoneChangeInput(Schema):
    """A milestone's changes (loaded partial: a field not sent keeps its value)."""

    title = Text(required=True, max_length=TITLE_MAX)
    description = Text()
    due_date = LvDate()
    weight = Weight()
    evidence = Text(max_length=TEXT_MAX)
    evidence_text = Text(max_length=TEXT_MAX)
    evidence_url = WebAddress()
    status = Choice(MilestoneStatus, required=False)
    completed_on = LvDate(required=False, metadata={"description": "For done; default today"})


class MeasurementInput(Schema):
    value = IndicatorNumber()
    measured_on = LvDate(metadata={
        "description": "Not before the baseline date, not in the future"})
    note = Text(max_length=NOTE_MAX, metadata={"description": "The source"})


class ExpenseInput(Schema):
    amount_eur = Amount(allow_zero=False, metadata={"description": "EUR, more than 0"})
    spent_on = LvDate(metadata={
        "description": "Between the pilot's start and its end plus the grace days"})
    description = Text(required=True, max_length=NOTE_MAX, metadata={
        "description": "Public: name no private person"})
    category = Choice(ExpenseCategory, absent=ExpenseCategory.OTHER)
    document_public = YesNo()


class ReportInput(Schema):
    """A progress report (the date is filled in with today when blank)."""

    body = Text(required=True, max_length=TEXT_MAX, metadata={"description": "Markdown"})
    public = YesNo(metadata={
        "description": "A public report is published once a coordinator approves it"})
    reported_on = LvDate(metadata={"description": "Default: today"})


class ReturnInput(Schema):
    note = Text(required=True, max_length=NOTE_MAX, metadata={"description": "What to change"})


class EvaluationInput(Schema):
    results = Text(required=True)
    lessons = Text(required=True)
    recommendation = Choice(Recommendation)


class ReplicationInput(Schema):
    """A replication (the start is filled in with today when blank)."""

    municipality_id = OptionId(required=True)
    status = Choice(ReplicationStatus, absent=ReplicationStatus.CONSIDERING)
    started_on = LvDate(metadata={"description": "Default: today"})
    note = Text(max_length=NOTE_MAX)


class ReplicationChangeInput(Schema):
    """A replication's move (loaded partial for its note: one not sent stays)."""

    status = Choice(ReplicationStatus)
    note = Text(max_length=NOTE_MAX)
