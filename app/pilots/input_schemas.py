"""What each pilot operation reads from a page's form or an API body, one schema per
operation, built of the fields of app.pilots.input_fields. The rules that need the pilot
or the database (dates inside the pilot, a municipality that exists) are checked by the
operation after the load, and their messages join the schema's in one Invalid."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema

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
    WebAddress,
    Weight,
    YesNo,
)
from app.pilots.models import NOTE_MAX, TEXT_MAX, TITLE_MAX, UNIT_MAX
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

    title = Text(required=True, max_length=TITLE_MAX)
    summary = Text()
    start_date = LvDate()
    end_date = LvDate()
    budget_eur = Amount(allow_zero=False)
    lead_municipality_id = OptionId()
    partner_municipality_ids = OptionIds()
    coordinator_id = OptionId()
    evidence_required = YesNo()


class PilotChangeInput(PilotInput):
    """The fields of a pilot an edit may change (loaded partial: the others stay)."""

    assessment_theme_id = OptionId()
    status = Choice(PilotStatus, required=False)
    status_reason = Text(max_length=NOTE_MAX)


class IndicatorInput(Schema):
    name = Text(required=True, max_length=TITLE_MAX)
    unit = Text(max_length=UNIT_MAX)
    direction = Direction(DIRECTIONS)
    baseline = IndicatorNumber()
    target = IndicatorNumber()
    baseline_on = LvDate()
    target_on = LvDate()


class FundingInput(Schema):
    kind = Choice(FundingKind)
    label = Text(max_length=TITLE_MAX)
    amount_eur = Amount(allow_zero=False)
    vat_eur = Amount(blank=Decimal("0.00"))


class MilestoneInput(Schema):
    title = Text(required=True, max_length=TITLE_MAX)
    description = Text()
    due_date = LvDate()
    weight = Weight(blank=Decimal("1"))


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
    completed_on = LvDate(required=False)


class MeasurementInput(Schema):
    value = IndicatorNumber()
    measured_on = LvDate()
    note = Text(max_length=NOTE_MAX)


class ExpenseInput(Schema):
    amount_eur = Amount(allow_zero=False)
    spent_on = LvDate()
    description = Text(required=True, max_length=NOTE_MAX)
    category = Choice(ExpenseCategory, absent=ExpenseCategory.OTHER)
    document_public = YesNo()


class ReportInput(Schema):
    """A progress report (the date is filled in with today when blank)."""

    body = Text(required=True, max_length=TEXT_MAX)
    public = YesNo()
    reported_on = LvDate()


class ReturnInput(Schema):
    note = Text(required=True, max_length=NOTE_MAX)


class EvaluationInput(Schema):
    results = Text(required=True)
    lessons = Text(required=True)
    recommendation = Choice(Recommendation)


class ReplicationInput(Schema):
    """A replication (the start is filled in with today when blank)."""

    municipality_id = OptionId(required=True)
    status = Choice(ReplicationStatus, absent=ReplicationStatus.CONSIDERING)
    started_on = LvDate()
    note = Text(max_length=NOTE_MAX)


class ReplicationChangeInput(Schema):
    """A replication's move (loaded partial for its note: one not sent stays)."""

    status = Choice(ReplicationStatus)
    note = Text(max_length=NOTE_MAX)
