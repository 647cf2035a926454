"""Progress reports and their verification, the final evaluation and replication in other
municipalities."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user

from app.core import access, web
from app.core.errors import Invalid
from app.core.translation import gettext as _
from app.pilots import evaluation as evaluation_ops
from app.pilots import reports as reports_ops
from app.pilots.blueprint import (
    bp,
    editable_pilot,
    form_values,
    load_child,
    load_pilot,
    on_pilot_page,
    pilot_url,
    submit,
    valid_form,
    valid_post,
)
from app.pilots.forms import (
    EvaluationForm,
    ReplicationForm,
    ReplicationStatusForm,
    ReturnForm,
    UpdateForm,
)
from app.pilots.models import Pilot, Replication
from app.pilots.models_reports import PilotUpdate

UPDATE_FIELDS = ("reported_on", "body", "public")


# --- progress reports ----------------------------------------------------------------------------

def _update_page(form: UpdateForm, pilot: Pilot, update: PilotUpdate | None,
                 status: int) -> Any:
    return render_template("pilots/update_form.html", form=form, pilot=pilot, update=update,
                           can_approve=pilot.can_approve_updates(current_user)), status


def _posted(update: PilotUpdate) -> str:
    if update.is_published:
        return _("The report has been published.")
    if update.public:
        return _("The report has been submitted: it is published once a coordinator "
                 "approves it.")
    return _("The report has been saved for the team and the coordinators.")


@bp.route("/pilots/<id:pilot_id>/updates/new", methods=["GET", "POST"])
@access.signed_in
def new_update(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = UpdateForm() if request.method == "POST" else UpdateForm(formdata=None)
    return submit(
        form, run=lambda: reports_ops.post_update(pilot, form_values(form, UPDATE_FIELDS),
                                          actor=current_user),
        success=lambda update: web.done(_posted(update), pilot_url(pilot, "#reports")),
        page=lambda status: _update_page(form, pilot, None, status))


@bp.route("/updates/<id:update_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_update(update_id: int) -> Any:
    update, pilot = load_child(PilotUpdate, update_id)
    web.check(pilot.can_edit(current_user))
    if request.method == "GET":
        form = UpdateForm(formdata=None, data={"body": update.body, "public": update.public,
                                               "reported_on": update.reported_on.isoformat()})
    else:
        form = UpdateForm()
    return submit(
        form, run=lambda: reports_ops.revise_update(update, form_values(form, UPDATE_FIELDS),
                                            actor=current_user),
        success=lambda _update: web.done(_("The report has been saved."),
                                         pilot_url(pilot, "#reports")),
        page=lambda status: _update_page(form, pilot, update, status))


def _reviewable(update_id: int) -> tuple[PilotUpdate, Pilot]:
    update, pilot = load_child(PilotUpdate, update_id)
    web.check(pilot.can_approve_updates(current_user))
    return update, pilot


def _back_from_review(pilot: Pilot) -> str:
    """A report is reviewed from the pilot page or from the portfolio's waiting list."""
    if request.form.get("back") == "portfolio":
        return url_for("pilots.portfolio") + "#waiting"
    return pilot_url(pilot, "#reports")


@bp.route("/updates/<id:update_id>/approve", methods=["POST"])
@access.coordinator_only
def approve_update(update_id: int) -> Any:
    update, pilot = _reviewable(update_id)
    valid_post()
    return on_pilot_page(lambda: reports_ops.approve_update(update, actor=current_user),
                         _("The report has been approved and published."),
                         _back_from_review(pilot))


@bp.route("/updates/<id:update_id>/return", methods=["POST"])
@access.coordinator_only
def return_update(update_id: int) -> Any:
    update, pilot = _reviewable(update_id)
    form = ReturnForm()
    valid_form(form)
    return on_pilot_page(
        lambda: reports_ops.return_update(update, form.note.data or "", actor=current_user),
        _("The report has been returned to the team."), _back_from_review(pilot),
        invalid=_("Write what the team should change before returning the report."))


# --- final evaluation and replication ------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/evaluation", methods=["GET", "POST"])
@access.signed_in
def evaluation(pilot_id: int) -> Any:
    pilot = load_pilot(pilot_id)
    if not pilot.has_ended:
        return web.done(_("The final evaluation is written once the pilot is completed or "
                          "discontinued."), pilot_url(pilot), "error")
    web.check(pilot.can_evaluate(current_user))
    existing = pilot.evaluation
    if request.method == "GET":
        form = EvaluationForm(formdata=None, data={
            "results": existing.results, "lessons": existing.lessons,
            "recommendation": existing.recommendation.value} if existing else {})
    else:
        form = EvaluationForm()
    return submit(
        form, run=lambda: evaluation_ops.save_evaluation(pilot, form_values(
            form, ("results", "lessons", "recommendation")), actor=current_user),
        success=lambda _evaluation: web.done(_("The final evaluation has been saved."),
                                             pilot_url(pilot, "#evaluation")),
        page=lambda status: (render_template("pilots/evaluation.html", form=form,
                                             pilot=pilot), status))


@bp.route("/pilots/<id:pilot_id>/replications", methods=["POST"])
@access.signed_in
def add_replication(pilot_id: int) -> Any:
    pilot = load_pilot(pilot_id)
    form = ReplicationForm()
    valid_form(form)
    return on_pilot_page(
        lambda: evaluation_ops.add_replication(pilot, form_values(
            form, ("municipality_id", "status", "started_on", "note")), actor=current_user),
        _("The municipality has been recorded."), pilot_url(pilot, "#replication"),
        refused=Invalid)


@bp.route("/replications/<id:replication_id>", methods=["POST"])
@access.signed_in
def update_replication(replication_id: int) -> Any:
    replication, pilot = load_child(Replication, replication_id)
    form = ReplicationStatusForm()
    valid_form(form)
    return on_pilot_page(
        lambda: evaluation_ops.update_replication(
            replication, form_values(form, ("status", "note")), actor=current_user),
        _("The replication has been updated."), pilot_url(pilot, "#replication"))
