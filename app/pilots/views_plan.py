"""The pilot's plan: editing its fields (with the stale-version check), its status,
milestones and indicators."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy import select

from app.core import access, web
from app.core.errors import StaleVersion
from app.core.translation import gettext as _
from app.extensions import db
from app.pilots import lifecycle as lifecycle_ops
from app.pilots import plan as plan_ops
from app.pilots.blueprint import (
    bp,
    coordinator_choices,
    editable_pilot,
    form_values,
    load_child,
    on_pilot_page,
    pilot_url,
    submit,
    upload,
    valid_form,
)
from app.pilots.forms import (
    IndicatorForm,
    MilestoneEditForm,
    MilestoneForm,
    PilotEditForm,
    StatusForm,
)
from app.pilots.models import Pilot
from app.pilots.models_plan import Milestone
from app.pilots.states import MILESTONE_TRANSITIONS, MilestoneStatus
from app.places import kept as kept_places

EDIT_FIELDS = ("title", "summary", "start_date", "end_date", "budget_eur", "coordinator_id",
               "lead_municipality_id", "partner_municipality_ids", "evidence_required",
               "assessment_theme_id")
TEAM_EDIT_FIELDS = ("title", "summary", "assessment_theme_id")


# --- editing the plan ----------------------------------------------------------------------------

def _edit_initial(pilot: Pilot) -> dict[str, Any]:
    return {
        "title": pilot.title, "summary": pilot.summary,
        "start_date": pilot.start_date.isoformat(), "end_date": pilot.end_date.isoformat(),
        "budget_eur": f"{pilot.approved_budget_eur:.2f}",
        "coordinator_id": str(pilot.coordinator_id or ""),
        "lead_municipality_id": str(pilot.lead_municipality_id),
        "partner_municipality_ids": [str(m.id) for m in pilot.partner_municipalities],
        "evidence_required": pilot.evidence_required, "version": str(pilot.version),
        "assessment_theme_id": str(pilot.assessment_theme_id or ""),
    }


def _edit_page(form: PilotEditForm, pilot: Pilot, *, status: int = 200,
               conflict: dict[str, Any] | None = None) -> Any:
    form.coordinator_id.choices = coordinator_choices(pilot.region_code, pilot.hackathon)
    form.lead_municipality_id.choices = kept_places.municipality_choices()
    form.partner_municipality_ids.choices = kept_places.municipality_choices()
    form.assessment_theme_id.choices = _theme_choices()
    return render_template("pilots/edit.html", form=form, pilot=pilot, conflict=conflict,
                           manager=pilot.can_manage(current_user),
                           labels=lifecycle_ops.FIELD_LABELS), status


def _edit_data(form: PilotEditForm, pilot: Pilot) -> dict[str, Any]:
    """What the form sent; fields a team member may not change are not sent at all."""
    data = form_values(form, EDIT_FIELDS)
    if not data["coordinator_id"]:
        data["coordinator_id"] = None
    if not pilot.can_manage(current_user):
        data = {k: v for k, v in data.items() if k in TEAM_EDIT_FIELDS}
    return data


def _theme_choices() -> list[tuple[str, str]]:
    """Every assessment theme, named with its instrument (one query)."""
    from app.programme.models import Instrument, Theme

    rows = db.session.execute(select(Theme.id, Theme.name, Instrument.name)
                              .join(Instrument, Instrument.id == Theme.instrument_id)
                              .order_by(Instrument.id, Theme.position, Theme.id))
    return [("", _("None"))] + [(str(i), f"{instrument}: {name}") for i, name, instrument in rows]


def _conflict(stored: Pilot, form: PilotEditForm, *, manager: bool) -> dict[str, Any]:
    """The values saved meanwhile beside the user's own; the user's stay in the form."""
    saved = _edit_initial(stored)
    shown = {
        "partner_municipality_ids": ", ".join(m.name for m in stored.partner_municipalities)
        or "—",
        "lead_municipality_id": stored.lead_municipality.name,
        "coordinator_id": stored.coordinator.name if stored.coordinator else "—",
        "evidence_required": _("yes") if stored.evidence_required else _("no"),
        "assessment_theme_id": stored.assessment_theme.name if stored.assessment_theme else "—",
    }
    differs = {}
    for name in EDIT_FIELDS if manager else TEAM_EDIT_FIELDS:
        mine = form[name].data
        theirs = saved[name]
        if isinstance(mine, list):
            mine, theirs = sorted(mine), sorted(theirs)
        if (mine if mine is not None else "") != theirs:
            differs[name] = shown.get(name, theirs)
    form.version.data = str(stored.version)
    return {"fields": differs, "updated_at": stored.updated_at,
            "updated_by": stored.updated_by.name if stored.updated_by else ""}


@bp.route("/pilots/<id:pilot_id>/edit", methods=["GET"])
@access.signed_in
def edit(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    return _edit_page(PilotEditForm(formdata=None, data=_edit_initial(pilot)), pilot)


def _sent_version(form: PilotEditForm) -> int:
    version = form.version.data or ""
    return int(version) if version.isdigit() and len(version) < 10 else 0


def _stale_page(form: PilotEditForm, error: StaleVersion) -> Any:
    stored = error.current
    return _edit_page(form, stored, status=409, conflict=_conflict(
        stored, form, manager=stored.can_manage(current_user)))


@bp.route("/pilots/<id:pilot_id>/edit", methods=["POST"])
@access.signed_in
def save(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = PilotEditForm()

    def run() -> Pilot:
        web.expect_version(pilot, _sent_version(form))
        return lifecycle_ops.update_pilot(pilot, _edit_data(form, pilot), actor=current_user)

    return submit(
        form, run=run,
        success=lambda _pilot: web.done(_("The pilot has been saved."), pilot_url(pilot)),
        page=lambda status: _edit_page(form, pilot, status=status),
        stale=lambda error: _stale_page(form, error))


@bp.route("/pilots/<id:pilot_id>/status", methods=["POST"])
@access.signed_in
def change_status(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = StatusForm()
    valid_form(form)
    return on_pilot_page(
        lambda: lifecycle_ops.transition_pilot(pilot, form.status.data, actor=current_user,
                                     reason=form.reason.data or ""),
        lambda: _("The pilot is now %(status)s.", status=pilot.status.label),
        pilot_url(pilot))


# --- milestones ----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/milestones/new", methods=["GET", "POST"])
@access.signed_in
def new_milestone(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = MilestoneForm() if request.method == "POST" else MilestoneForm(formdata=None)

    def added(_milestone: Milestone) -> Any:
        if request.form.get("another"):
            return web.done(_("The milestone has been added."),
                            url_for("pilots.new_milestone", pilot_id=pilot.id))
        return web.done(_("The milestone has been added."), pilot_url(pilot, "#milestones"))

    return submit(
        form, run=lambda: plan_ops.add_milestone(pilot, form_values(
            form, ("title", "description", "due_date", "weight")), actor=current_user),
        success=added,
        page=lambda status: (render_template("pilots/milestone_form.html", form=form,
                                             pilot=pilot, milestone=None), status))


def _milestone_page(form: MilestoneEditForm, milestone: Milestone, pilot: Pilot,
                    status: int = 200) -> Any:
    allowed = [milestone.status, *sorted(MILESTONE_TRANSITIONS[milestone.status],
                                         key=list(MilestoneStatus).index)]
    form.status.choices = [(s.value, s.label) for s in allowed]
    return render_template("pilots/milestone_form.html", form=form, pilot=pilot,
                           milestone=milestone), status


@bp.route("/milestones/<id:milestone_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_milestone(milestone_id: int) -> Any:
    milestone, pilot = load_child(Milestone, milestone_id)
    web.check(pilot.can_edit(current_user))
    if request.method == "GET":
        form = MilestoneEditForm(formdata=None, data={
            "title": milestone.title, "description": milestone.description,
            "due_date": milestone.due_date.isoformat(), "weight": format_decimal(
                milestone.weight), "status": milestone.status.value,
            "completed_on": milestone.completed_on.isoformat() if milestone.completed_on
            else "", "evidence_text": milestone.evidence_text,
            "evidence_url": milestone.evidence_url})
        if request.args.get("status") in {s.value for s in MilestoneStatus}:
            form.status.data = request.args["status"]
        return _milestone_page(form, milestone, pilot)
    form = MilestoneEditForm()

    def run() -> Milestone:
        document = upload(form.document, pilot)
        return plan_ops.update_milestone(milestone, form_values(form, (
            "title", "description", "due_date", "weight", "status", "completed_on",
            "evidence_text", "evidence_url")), actor=current_user, document=document)

    return submit(
        form, run=run,
        success=lambda _milestone: web.done(_("The milestone has been saved."),
                                            pilot_url(pilot, "#milestones")),
        page=lambda status: _milestone_page(form, milestone, pilot, status),
        field_map={"evidence": "evidence_text"})


# --- indicators ----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/indicators/new", methods=["GET", "POST"])
@access.signed_in
def new_indicator(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = IndicatorForm() if request.method == "POST" else IndicatorForm(formdata=None)
    return submit(
        form, run=lambda: plan_ops.add_indicator(pilot, form_values(form, (
            "name", "unit", "direction", "baseline", "baseline_on", "target", "target_on")),
            actor=current_user),
        success=lambda _indicator: web.done(_("The indicator has been added."),
                                            pilot_url(pilot, "#indicators")),
        page=lambda status: (render_template("pilots/indicator_form.html", form=form,
                                             pilot=pilot), status))
