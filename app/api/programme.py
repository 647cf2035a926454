"""The programme's training indicator and assessment results (aggregated figures only, never
a name), and the assessment instruments (read by anyone, kept by administrators)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.schemas import json_body
from app.core import access, web
from app.extensions import db
from app.programme import instruments as instrument_ops
from app.programme import queries
from app.programme import rounds as round_ops
from app.programme.models import AssessmentRound, Instrument, Theme, with_answers
from app.programme.schemas import InstrumentInput, InstrumentOut, RoundInput, RoundOut

blp = Blueprint("api_programme", __name__,
                description="The programme's result indicators: people trained, and the "
                            "assessments of municipal services with their instruments")


class RegionTrainedSchema(Schema):
    region = fields.String(attribute="code", required=True)
    trained = fields.Integer(required=True, metadata={"description": "Unique people"})
    target = fields.Integer(required=True)
    forecast = fields.Integer(required=True, metadata={
        "description": "At the pace so far, by the programme's end"})
    reached = fields.Boolean(required=True)
    on_track = fields.Boolean(required=True)


class TrainingIndicatorSchema(Schema):
    trained = fields.Integer(required=True, metadata={
        "description": "Unique people trained; each counts once, in the region and year of "
                       "their first event"})
    target = fields.Integer(required=True)
    forecast = fields.Integer(required=True)
    ends_on = fields.Date(required=True)
    regions = fields.List(fields.Nested(RegionTrainedSchema), required=True)
    by_year = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_format = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


@blp.route("/programme/indicator")
@blp.response(200, TrainingIndicatorSchema)
@access.public
def indicator():
    """People trained, in all and by region, year, kind and format, against the targets."""
    figure = queries.indicator()
    return {"trained": figure.trained, "target": figure.target, "forecast": figure.forecast,
            "ends_on": queries.targets().ends_on, "regions": figure.regions,
            "by_year": {str(k): v for k, v in figure.by_year.items()},
            "by_kind": figure.by_kind, "by_format": figure.by_format}


class ThemeRegionSchema(Schema):
    theme = fields.String(required=True)
    region = fields.String(required=True)
    baseline = fields.Float(allow_none=True, required=True, metadata={
        "description": "Median theme score 0–100; null when fewer than three respondents"})
    final = fields.Float(allow_none=True, required=True)


class AssessmentResultsSchema(Schema):
    instrument = fields.String(required=True)
    results = fields.List(fields.Nested(ThemeRegionSchema), required=True)


@blp.route("/programme/assessments/<id:instrument_id>/results")
@blp.response(200, AssessmentResultsSchema)
@access.public
def assessment_results(instrument_id: int):
    """Median theme scores per planning region at the initial and final assessment; regions
    with fewer than three respondents are null, so no municipality's answers show."""
    from app.programme.assessing import round_medians

    instrument = web.load(Instrument, instrument_id)
    before, after = round_medians(instrument)
    return {"instrument": instrument.name, "results": [
        {"theme": theme.name, "region": region, "baseline": before.get((region, theme.id)),
         "final": after.get((region, theme.id))}
        for theme in instrument.themes for region in sorted({r for r, _t in before} | {
            r for r, _t in after})]}


# --- assessment instruments ----------------------------------------------------------------------

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# The API's door is "signed in with a token" (as for pilots); who may keep instruments is
# the predicate the pages ask too (`may_edit_instruments`): 403 for anyone but an admin.


@blp.route("/programme/instruments", methods=["GET"])
@blp.response(200, InstrumentOut(many=True))
@access.public
def list_instruments():
    """Every assessment instrument with its themes, questions, scales and rounds."""
    return db.session.scalars(select(Instrument).order_by(Instrument.id).options(
        selectinload(Instrument.themes).selectinload(Theme.questions),
        selectinload(Instrument.rounds), with_answers())).all()


@blp.route("/programme/instruments", methods=["POST"])
@json_body(InstrumentInput(), load=True)
@blp.response(201, InstrumentOut)
@blp.doc(security=SECURITY)
@access.signed_in
def create_instrument(data):
    """Create an instrument (administrators; others 403): `{name, description, themes: [{name,
    questions: [{text, levels: [...], asks_evidence}]}]}`, themes and questions in order."""
    return instrument_ops.save_instrument(None, data, actor=current_user)


@blp.route("/programme/instruments/<id:instrument_id>", methods=["GET"])
@blp.response(200, InstrumentOut)
@access.public
def get_instrument(instrument_id: int):
    """One instrument; `structure_locked` is true once any answer is stored."""
    return web.load(Instrument, instrument_id)


@blp.route("/programme/instruments/<id:instrument_id>", methods=["PUT"])
@json_body(InstrumentInput(), load=True)
@blp.response(200, InstrumentOut)
@blp.doc(security=SECURITY)
@access.signed_in
def replace_instrument(data, instrument_id: int):
    """Make the instrument as sent (administrators): themes and questions with their stored
    `id` are kept and changed, those without are added, those left out removed. Once
    answers are stored (`structure_locked`), only wording and order may change: anything
    else answers 409 and changes nothing."""
    instrument = web.load(Instrument, instrument_id, may=Instrument.can_edit)
    return instrument_ops.save_instrument(instrument, data, actor=current_user)


# --- assessment rounds ---------------------------------------------------------------------------

@blp.route("/programme/instruments/<id:instrument_id>/rounds", methods=["POST"])
@json_body(RoundInput(), load=True)
@blp.response(201, RoundOut)
@blp.doc(security=SECURITY)
@access.signed_in
def open_round(data, instrument_id: int):
    """Open the instrument's initial (`baseline`) or final round for every municipality
    (administrators; others 403). Each kind once per instrument: a second answers 409; the
    final only after the initial one (409), opening after it closes (422 on `opens_on`).
    In each municipality, the first verified employee who opens it becomes its named
    respondent."""
    instrument = web.load(Instrument, instrument_id, may=Instrument.can_edit)
    return round_ops.open_round(instrument, data, actor=current_user)


@blp.route("/programme/rounds/<id:round_id>/close", methods=["POST"])
@blp.response(200, RoundOut)
@blp.doc(security=SECURITY)
@access.signed_in
def close_round(round_id: int):
    """Close an open round today, before its last day (administrators; others 403): its
    answers are frozen. A round closed already, or not opened yet, answers 409."""
    round_ = web.load(AssessmentRound, round_id, may=AssessmentRound.can_manage)
    return round_ops.close_round(round_, actor=current_user)
