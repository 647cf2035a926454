"""From winner to pilot: the form that starts a pilot from a winning idea.

Whether the idea may become a pilot is `pilot_policy.may_create` (its parts `may_start`
and `refusal`), the same rule the operation enforces and the idea page's button asks.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.core import access, web
from app.core.translation import gettext as _
from app.ideas.models import Idea
from app.pilots import creation as creation_ops
from app.pilots import policy as pilot_policy
from app.pilots.blueprint import (
    bp,
    coordinator_choices,
    form_values,
    pilot_url,
    submit,
)
from app.pilots.forms import PilotCreateForm
from app.places import kept as kept_places

CREATE_FIELDS = ("title", "summary", "start_date", "end_date", "budget_eur", "coordinator_id",
                 "lead_municipality_id", "partner_municipality_ids", "evidence_required")


def _winner(idea_id: int) -> Idea:
    """The idea, for a coordinator who may start its pilot (404 if hidden, 403 if not)."""
    return web.load(Idea, idea_id, see=Idea.can_view_private, may=pilot_policy.may_start)


def _refused(idea: Idea) -> Any:
    """Back to the idea with the reason, when it cannot become a pilot now (else None)."""
    refused = pilot_policy.refusal(idea)
    if refused is None:
        return None
    return web.done(str(refused), url_for("ideas.idea", idea_id=idea.id), "error")


def _create_page(form: PilotCreateForm, idea: Idea, status: int = 200) -> Any:
    region = idea.team.municipality.region_code
    form.coordinator_id.choices = coordinator_choices(region, idea.hackathon)
    form.lead_municipality_id.choices = kept_places.municipality_choices()
    form.partner_municipality_ids.choices = kept_places.municipality_choices()
    return render_template("pilots/new.html", form=form, idea=idea), status


@bp.route("/ideas/<id:idea_id>/pilot", methods=["GET"])
@access.coordinator_only
def new(idea_id: int) -> Any:
    idea = _winner(idea_id)
    if idea.pilot is not None:
        return redirect(pilot_url(idea.pilot))
    refused = _refused(idea)
    if refused is not None:
        return refused
    team = idea.team
    form = PilotCreateForm(formdata=None, data={
        "title": idea.title, "summary": idea.summary,
        "budget_eur": f"{idea.budget_eur:.2f}" if idea.budget_eur is not None else "",
        "coordinator_id": str(current_user.id) if current_user.is_coordinator else "",
        "lead_municipality_id": str(team.municipality_id),
        "partner_municipality_ids": [str(m.id) for m in team.partner_municipalities],
        "indicators": [{**row, "keep": bool(row["direction"])}
                       for row in creation_ops.proposed_indicators(idea)],
    })
    return _create_page(form, idea)


def _create_data(form: PilotCreateForm) -> dict[str, Any]:
    data = form_values(form, CREATE_FIELDS)
    data["indicators"] = [
        {name: entry.form[name].data or ""
         for name in ("name", "unit", "direction", "baseline", "target")}
        for entry in form.indicators if entry.form.keep.data]
    return data


@bp.route("/ideas/<id:idea_id>/pilot", methods=["POST"])
@access.coordinator_only
def create(idea_id: int) -> Any:
    idea = _winner(idea_id)
    refused = _refused(idea)
    if refused is not None:
        return refused
    form = PilotCreateForm()
    return submit(
        form, run=lambda: creation_ops.create_pilot(idea, _create_data(form), actor=current_user),
        success=lambda pilot: web.done(
            _("The pilot has been started. Plan its milestones next."), pilot_url(pilot)),
        page=lambda status: _create_page(form, idea, status))
