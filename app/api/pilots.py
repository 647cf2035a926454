"""Pilots: start one from a winning idea, read and edit it, record milestones, indicators,
measurements, expenses and progress reports, approve reports, evaluate, replicate.

Thin adapters over the pilot operations (creation, lifecycle, plan, funding, reports,
evaluation), the same ones the pages call. Anyone reads a pilot's public fields; its team
and coordinators also read the internal ones (every report, expenses, evidence, documents).
`progress`, `health` and `spent_eur` are computed (app.pilots.health, app.pilots.money),
never stored or accepted. A request body is documented with the schema its operation loads
it with (app.pilots.input_schemas), so a rule is stated once for the form and the client;
the answers are the objects dumped by app.pilots.schemas, the schemas the document shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app import MAX_ID
from app.api.schemas import PageArgs, answer, dumped_page, json_body, page_schema
from app.core import access, web
from app.core.clock import today_riga
from app.core.errors import StaleVersion
from app.core.pagination import page_of
from app.extensions import db
from app.ideas.models import Idea
from app.pilots import creation as creation_ops
from app.pilots import evaluation as evaluation_ops
from app.pilots import funding as funding_ops
from app.pilots import lifecycle as lifecycle_ops
from app.pilots import plan as plan_ops
from app.pilots import queries
from app.pilots import reports as reports_ops
from app.pilots.input_fields import check, read
from app.pilots.input_schemas import (
    INDICATOR_DEFAULTS,
    PILOT_DEFAULTS,
    EvaluationInput,
    ExpenseInput,
    FundingInput,
    IndicatorInput,
    MeasurementInput,
    MilestoneChangeInput,
    MilestoneInput,
    PilotChangeInput,
    PilotCreateInput,
    ReplicationInput,
    ReportInput,
    ReturnInput,
)
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator, Milestone
from app.pilots.models_reports import PilotUpdate
from app.pilots.plain import every_pilot, matching
from app.pilots.schemas import (
    ExpenseOut,
    FundingOut,
    IndicatorOut,
    MeasurementOut,
    MilestoneOut,
    PilotDetailPublicSchema,
    PilotSchema,
    PublicPilotSchema,
    UpdateOut,
)
from app.pilots.states import (
    PilotStatus,
)
from app.places.models import REGION_CODES
from app.public.cache import public_page
from app.public.summaries import summary

blp = Blueprint("api_pilots", __name__, description="Pilot projects of winning ideas")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
PUBLIC_OR_TOKEN: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]

class PilotListArgs(PageArgs):
    region = fields.String(validate=validate.OneOf(REGION_CODES))
    status = fields.String(validate=validate.OneOf([s.value for s in PilotStatus]))
    municipality = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                  metadata={"description": "Lead or partner municipality id"})
    hackathon = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))



PilotPageSchema = page_schema(PublicPilotSchema, "PilotPage")
# Every pilot in both languages, for a day.
KEPT_LIST_ITEMS = 4096


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


_INTERNAL = PilotSchema()
_PUBLIC = PilotDetailPublicSchema()


def _row(pilot: Pilot) -> queries.PilotRow:
    return queries.summarize(pilot, None, today_riga())


def _fresh(pilot_id: int) -> queries.PilotRow:
    """The pilot as its team reads it after a change, from the database."""
    db.session.expire_all()
    return _row(_pilot(pilot_id))


# --- endpoints ----------------------------------------------------------------------------------

@blp.route("/ideas/<id:idea_id>/pilot", methods=["POST"])
@json_body(PilotCreateInput(partial=PILOT_DEFAULTS))
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
    return _fresh(pilot.id)


@blp.route("/pilots", methods=["GET"])
@public_page
@blp.arguments(PilotListArgs, location="query")
@blp.response(200, PilotPageSchema)
@blp.doc(security=PUBLIC_OR_TOKEN)
@access.public
def list_pilots(args):
    """Every pilot's public fields with progress, health and money, newest first."""
    filters = {name: args[name] for name in ("region", "status", "municipality", "hackathon")
               if name in args}
    today = today_riga()
    locale = str(get_locale() or "lv")

    def dump(row: Any) -> dict[str, Any]:
        # Each pilot dumped as PilotPageSchema's items are, and kept (`_list_item`); a row
        # of an older state of the data than the kept ones (the data changed while this
        # page was read) is dumped as it is, so the page reads as one state throughout.
        pilot_id = row.pilot.id
        if every_pilot(today).by_id.get(pilot_id) is row:
            return _list_item(pilot_id, today, locale)
        return _LIST_ITEM.dump(row)

    return dumped_page(page_of(matching(today, **filters), args["page"], args["per_page"]),
                       dump)


_LIST_ITEM = PublicPilotSchema()


@summary(most=KEPT_LIST_ITEMS)
def _list_item(pilot_id: int, today: date, locale: str) -> dict[str, Any]:
    """A pilot as the API's list of pilots shows it (`PublicPilotSchema`, its words in
    `locale`), dumped once per change of public data, day and language: dumping twenty
    pilots with their nested municipalities, reasons and milestones was half of the list's
    time. The dict is answered as it is, never changed."""
    return _LIST_ITEM.dump(every_pilot(today).by_id[pilot_id])


@blp.route("/pilots/<id:pilot_id>", methods=["GET"])
@public_page
@blp.response(200, PilotSchema)
@blp.doc(security=PUBLIC_OR_TOKEN)
@access.public
def get_pilot(pilot_id: int):
    """A pilot: public fields for anyone; internal ones for its team and coordinators."""
    pilot = _pilot(pilot_id)
    # Documented as the whole pilot; a reader outside its team and coordinators gets the
    # public part of it.
    return answer(_INTERNAL if pilot.can_view_internal(current_user) else _PUBLIC, _row(pilot))


_VERSION = PilotChangeInput(only=("version",))  # the version an edit started from


@blp.route("/pilots/<id:pilot_id>", methods=["PATCH"])
@json_body(PilotChangeInput(partial=True))
@blp.response(200, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def update_pilot(data, pilot_id: int):
    """Change the fields sent. Send `version`: a stale one answers 409 with `current`.
    Dates, budget, coordinator, municipalities and the evidence rule are the coordinators'."""
    pilot = _editable(pilot_id)
    loaded, errors = read(_VERSION, data, partial=True)
    check(errors)
    version = loaded.get("version")

    def save() -> Pilot:
        web.expect_version(pilot, version)
        return lifecycle_ops.update_pilot(pilot, data, actor=current_user)

    try:
        web.attempt(save)
    except StaleVersion as error:
        # The client sees the stored pilot as GET shows it, to merge its change into.
        raise StaleVersion(error.detail, current=_INTERNAL.dump(_fresh(pilot_id))) from None
    return _fresh(pilot.id)


@blp.route("/pilots/<id:pilot_id>/milestones", methods=["POST"])
@json_body(MilestoneInput())
@blp.response(201, MilestoneOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_milestone(data, pilot_id: int):
    """Plan a milestone: `{title, due_date, weight (> 0), description}`."""
    pilot = _editable(pilot_id)
    milestone = plan_ops.add_milestone(pilot, data, actor=current_user)
    return milestone


@blp.route("/milestones/<id:milestone_id>", methods=["PATCH"])
@json_body(MilestoneChangeInput(partial=True))
@blp.response(200, MilestoneOut)
@blp.doc(security=SECURITY)
@access.signed_in
def update_milestone(data, milestone_id: int):
    """Change a milestone; `status` moves along its table (409 otherwise). Done needs
    evidence where the pilot requires it (422)."""
    milestone = web.load(Milestone, milestone_id, may=_may_edit_pilot)
    plan_ops.update_milestone(milestone, data, actor=current_user)
    return milestone


@blp.route("/pilots/<id:pilot_id>/indicators", methods=["POST"])
@json_body(IndicatorInput(partial=INDICATOR_DEFAULTS))
@blp.response(201, IndicatorOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_indicator(data, pilot_id: int):
    """Add an outcome indicator; the target must lie in its direction from the baseline."""
    pilot = _editable(pilot_id)
    indicator = plan_ops.add_indicator(pilot, data, actor=current_user)
    return indicator


@blp.route("/indicators/<id:indicator_id>/measurements", methods=["POST"])
@json_body(MeasurementInput())
@blp.response(201, MeasurementOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_measurement(data, indicator_id: int):
    """Record a measured value; not dated before the baseline, nor in the future (422)."""
    indicator = web.load(Indicator, indicator_id, may=_may_edit_pilot)
    measurement = plan_ops.record_measurement(indicator, data, actor=current_user)
    return measurement


@blp.route("/pilots/<id:pilot_id>/expenses", methods=["POST"])
@json_body(ExpenseInput())
@blp.response(201, ExpenseOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_expense(data, pilot_id: int):
    """Record an expense: `{amount_eur ("1500.00", > 0), spent_on, description}`."""
    pilot = _editable(pilot_id)
    expense = funding_ops.record_expense(pilot, data, actor=current_user)
    return expense


@blp.route("/pilots/<id:pilot_id>/funding", methods=["POST"])
@json_body(FundingInput())
@blp.response(201, FundingOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_funding(data, pilot_id: int):
    """Add a funding line of the approved budget (the pilot's coordinators)."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_manage(current_user))
    line = funding_ops.add_funding_line(pilot, data, actor=current_user)
    return line


@blp.route("/pilots/<id:pilot_id>/updates", methods=["POST"])
@json_body(ReportInput(partial=("reported_on",)))
@blp.response(201, UpdateOut)
@blp.doc(security=SECURITY)
@access.signed_in
def add_update(data, pilot_id: int):
    """Write a progress report. `public: true` submits it; it is published once a
    coordinator approves it (`status` "submitted", then "approved")."""
    pilot = _editable(pilot_id)
    update = reports_ops.post_update(pilot, data, actor=current_user)
    return update


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
    return update


@blp.route("/updates/<id:update_id>/return", methods=["POST"])
@json_body(ReturnInput())
@blp.response(200, UpdateOut)
@blp.doc(security=SECURITY)
@access.signed_in
def return_update(data, update_id: int):
    """Return a submitted report to the team with what to change; the team is e-mailed."""
    update = _update(update_id)
    reports_ops.return_update(update, data.get("note"), actor=current_user)
    return update


@blp.route("/pilots/<id:pilot_id>/evaluation", methods=["PUT"])
@json_body(EvaluationInput())
@blp.response(200, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def put_evaluation(data, pilot_id: int):
    """Write the final evaluation of a completed or discontinued pilot (409 before)."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_view_internal(current_user))
    evaluation_ops.save_evaluation(pilot, data, actor=current_user)
    return _fresh(pilot.id)


@blp.route("/pilots/<id:pilot_id>/replications", methods=["POST"])
@json_body(ReplicationInput(partial=("started_on",)))
@blp.response(201, PilotSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def add_replication(data, pilot_id: int):
    """Record another municipality adopting the pilot."""
    pilot = _pilot(pilot_id)
    web.check(pilot.can_view_internal(current_user))
    evaluation_ops.add_replication(pilot, data, actor=current_user)
    return _fresh(pilot.id)
