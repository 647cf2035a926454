"""What the batch endpoint takes and answers: the workbook's rows as JSON, and its preview."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app import MAX_ID

MAX_BATCH_ROWS = 1000


class _Row(Schema):
    id = fields.Int(strict=True, validate=validate.Range(1, MAX_ID), allow_none=True,
                    metadata={"description": "The object's id; leave out for a new row."})
    version = fields.Str(validate=validate.Length(max=40), load_default="",
                         metadata={"description": "The version read with the object."})


class MeasurementRow(_Row):
    indicator_id = fields.Int(strict=True, validate=validate.Range(1, MAX_ID),
                              allow_none=True)
    measured_on = fields.Raw(required=True, metadata={"description": "YYYY-MM-DD"})
    value = fields.Raw(required=True, metadata={
        "description": "A number (JSON number or decimal string), at most four decimals."})
    note = fields.Str(load_default="", validate=validate.Length(max=1000))


class ExpenseRow(_Row):
    spent_on = fields.Raw(required=True, metadata={"description": "YYYY-MM-DD"})
    amount_eur = fields.Raw(required=True, metadata={
        "description": "EUR above zero, as a decimal string with two places."})
    description = fields.Str(required=True, validate=validate.Length(max=1000))


class BatchInput(Schema):
    dry_run = fields.Bool(load_default=False, metadata={
        "description": "Only say what would happen; change nothing."})
    measurements = fields.List(fields.Nested(MeasurementRow), load_default=list,
                               validate=validate.Length(max=MAX_BATCH_ROWS))
    expenses = fields.List(fields.Nested(ExpenseRow), load_default=list,
                           validate=validate.Length(max=MAX_BATCH_ROWS))


class ProblemOut(Schema):
    sheet = fields.Str(metadata={"description": "measurements or expenses"})
    row = fields.Int(metadata={"description": "1-based position in that list"})
    column = fields.Str()
    message = fields.Function(lambda p: str(p.message))


class ChangeOut(Schema):
    before = fields.Function(lambda pair: _plain(pair[0]))
    after = fields.Function(lambda pair: _plain(pair[1]))


def _plain(value):
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class OutcomeOut(Schema):
    sheet = fields.Str()
    row = fields.Int()
    action = fields.Str(metadata={"description": "create, change, unchanged or conflict"})
    object_id = fields.Int(allow_none=True, metadata={
        "description": "The row's object; null for a row a dry run would create"})
    pilot_id = fields.Int(allow_none=True)
    changes = fields.Dict(keys=fields.Str(), values=fields.Nested(ChangeOut))


class BatchOut(Schema):
    dry_run = fields.Bool()
    applied = fields.Bool()
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    rows = fields.List(fields.Nested(OutcomeOut), attribute="outcomes")
    problems = fields.List(fields.Nested(ProblemOut))
