"""Pilot pages: from winner to pilot, the pilot page, the quick entry screen, milestones,
indicators, money, progress reports, evaluation, replication, and the coordinators' portfolio.

Each view loads (404), checks access (404 for what the user may not know about, 403
for what they may see but not change), reads the form, calls one operation and
commits. /pilots/<id> shows internal data only to the team and its coordinators; the
template keeps every internal section behind `internal`, so the public page
can open the rest.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.accounts.forms import EmptyForm
from app.core import access
from app.core.clock import now_utc, today_riga
from app.core.collation import collated
from app.core.errors import DomainError, Invalid, handle_http_exception
from app.core.formatting import fmt_date
from app.core.forms import apply_errors
from app.core.pagination import Page, clamp
from app.core.sanitize import stored_html
from app.extensions import db
from app.ideas.models import Idea
from app.pilots import documents, queries
from app.pilots import operations as ops
from app.pilots import policy as pilot_policy
from app.pilots.charts import chart_table_rows, indicator_chart
from app.pilots.forms import (
    EvaluationForm,
    ExpenseForm,
    FundingForm,
    IndicatorForm,
    MeasurementForm,
    MilestoneEditForm,
    MilestoneForm,
    PilotCreateForm,
    PilotEditForm,
    ReplicationForm,
    ReplicationStatusForm,
    ReturnForm,
    StatusForm,
    UpdateForm,
)
from app.pilots.health import LEVELS, badge_text, reason_text
from app.pilots.models import (
    Expense,
    FundingLine,
    Measurement,
    Milestone,
    Pilot,
    PilotDocument,
    PilotUpdate,
    Replication,
)
from app.pilots.states import (
    MILESTONE_TRANSITIONS,
    PILOT_TRANSITIONS,
    MilestoneStatus,
    PilotStatus,
)
from app.places.models import Municipality, Region
from app.public import follow as follow_ops
from app.public.cache import public_page

bp = Blueprint("pilots", __name__)

PORTFOLIO_PER_PAGE = 50


@bp.app_context_processor
def pilot_helpers():
    return {"reason_text": reason_text, "badge_text": badge_text, "pilot_policy": pilot_policy}


# --- loading -------------------------------------------------------------------------------------

def _pilot(pilot_id: int) -> Pilot:
    """The pilot, for its team and coordinators; to anyone else it does not exist (yet)."""
    pilot = queries.pilot_by_id(pilot_id)
    if pilot is None:
        abort(404)
    access.require(pilot.can_view_internal(current_user), hide=True)
    return pilot


def _editable(pilot_id: int) -> Pilot:
    pilot = _pilot(pilot_id)
    access.require(pilot.can_edit(current_user))
    return pilot


def _child(model, object_id: int):
    """A milestone, expense, report... and its pilot, with the pilot's access rule."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    pilot_id = obj.indicator.pilot_id if isinstance(obj, Measurement) else obj.pilot_id
    return obj, _pilot(pilot_id)


def _valid_post() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _remove_child(model, object_id: int, operation, predicate: str, message, anchor: str):
    """The shared way of a removal: load, ask the pilot's predicate, check the form,
    run the one operation, commit, and go back to the right part of the pilot page."""
    obj, pilot = _child(model, object_id)
    access.require(getattr(pilot, predicate)(current_user))
    _valid_post()
    operation(obj, actor=current_user)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + anchor)


def _upload(form_field, pilot: Pilot, field_name: str = "document"):
    """Store the file sent in `form_field`, if any (the operation checks its content)."""
    upload = form_field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = upload.read(documents.MAX_FILE_BYTES + 1)
    return ops.add_document(pilot, upload.filename, data, actor=current_user,
                            field=field_name)


def _form_data(form, names) -> dict:
    return {name: getattr(form, name).data for name in names}


def _municipality_choices():
    return [(str(m.id), m.name) for m in collated(db.session.scalars(select(Municipality)),
                                                  key=lambda m: m.name)]


def _coordinator_choices(pilot_region: str | None, hackathon) -> list[tuple[str, str]]:
    from app.accounts.models import Role, RoleGrant, User

    users = db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.COORDINATOR, User.disabled_at.is_(None))
        .order_by(User.name)).unique().all()
    return [("", _("— nobody yet —"))] + [
        (str(u.id), u.name) for u in users
        if u.coordinates_region(pilot_region) or hackathon.can_manage(u)]


# --- my pilots -----------------------------------------------------------------------------------

@bp.route("/pilots/mine")  # /pilots is the public list of every pilot (app.public)
@access.signed_in
def my_pilots():
    today = today_riga()
    pilots = queries.my_pilots(current_user)
    figures = queries.load_figures(Pilot.id.in_([p.id for p in pilots])) if pilots else {}
    rows = queries.summarize_all(pilots, figures, today)
    return render_template("pilots/mine.html", rows=rows)


# --- from winner to pilot ------------------------------------------------------------------------

def _winner(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        abort(404)
    access.require(idea.can_view_private(current_user), hide=True)
    access.require(pilot_policy.may_start(idea, current_user))
    return idea


def _create_page(form: PilotCreateForm, idea: Idea, status: int = 200):
    region = idea.team.municipality.region_code
    form.coordinator_id.choices = _coordinator_choices(region, idea.hackathon)
    form.lead_municipality_id.choices = _municipality_choices()
    form.partner_municipality_ids.choices = _municipality_choices()
    return render_template("pilots/new.html", form=form, idea=idea), status


@bp.route("/ideas/<id:idea_id>/pilot", methods=["GET"])
@access.coordinator_only
def new(idea_id: int):
    idea = _winner(idea_id)
    if idea.pilot is not None:
        return redirect(url_for("pilots.pilot", pilot_id=idea.pilot.id))
    refused = pilot_policy.refusal(idea)
    if refused is not None:
        flash(str(refused), "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    team = idea.team
    form = PilotCreateForm(formdata=None, data={
        "title": idea.title, "summary": idea.summary,
        "budget_eur": f"{idea.budget_eur:.2f}" if idea.budget_eur is not None else "",
        "coordinator_id": str(current_user.id) if current_user.is_coordinator else "",
        "lead_municipality_id": str(team.municipality_id),
        "partner_municipality_ids": [str(m.id) for m in team.partner_municipalities],
        "indicators": [{**row, "keep": bool(row["direction"])}
                       for row in ops.proposed_indicators(idea)],
    })
    return _create_page(form, idea)


@bp.route("/ideas/<id:idea_id>/pilot", methods=["POST"])
@access.coordinator_only
def create(idea_id: int):
    idea = _winner(idea_id)
    form = PilotCreateForm()
    if not form.validate_on_submit():
        return _create_page(form, idea, 400)
    data = _form_data(form, ("title", "summary", "start_date", "end_date", "budget_eur",
                             "coordinator_id", "lead_municipality_id",
                             "partner_municipality_ids", "evidence_required"))
    data["indicators"] = [
        {name: entry.form[name].data or ""
         for name in ("name", "unit", "direction", "baseline", "target")}
        for entry in form.indicators if entry.form.keep.data]
    try:
        pilot = ops.create_pilot(idea, data, actor=current_user)
    except Invalid as error:
        apply_errors(form, error)
        return _create_page(form, idea, 422)
    except DomainError as error:
        flash(str(error.detail), "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    db.session.commit()
    flash(_("The pilot has been started. Plan its milestones next."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id))


# --- the pilot page ------------------------------------------------------------------------------

def _charts(pilot: Pilot) -> list[dict]:
    charts = []
    for indicator in pilot.indicators:
        charts.append({
            "indicator": indicator,
            "svg": indicator_chart(
                indicator.measurements, title=indicator.name,
                chart_id=f"indicator-{indicator.id}", unit=indicator.unit,
                baseline=indicator.baseline_value, target=indicator.target_value,
                baseline_on=indicator.baseline_on, target_on=indicator.target_on,
                format_value=format_decimal, format_date=lambda d: fmt_date(d, "short")),
            "rows": chart_table_rows(indicator.measurements,
                                     baseline=indicator.baseline_value,
                                     target=indicator.target_value,
                                     direction=indicator.direction),
            "achievement": indicator.achievement(),
        })
    return charts


def _status_form(pilot: Pilot) -> StatusForm | None:
    allowed = [s for s in PILOT_TRANSITIONS[pilot.status] if pilot.can_move_to(current_user, s)]
    if not allowed:
        return None
    form = StatusForm(formdata=None)
    form.status.choices = [(s.value, s.label) for s in allowed]
    return form


def _replication_form(pilot: Pilot, form: ReplicationForm | None = None) -> ReplicationForm:
    form = form or ReplicationForm(formdata=None)
    taken = pilot.municipality_ids() | {r.municipality_id for r in pilot.replications}
    form.municipality_id.choices = [(value, label) for value, label in _municipality_choices()
                                    if int(value) not in taken]
    return form


@bp.route("/pilots/<id:pilot_id>")
@public_page
@access.public
def pilot(pilot_id: int):
    """Everyone sees the public parts (status, health and why, progress, milestones,
    indicators with their data, budget approved and spent, published reports, evaluation,
    replication); the team and its coordinators also the internal ones, with their forms."""
    pilot = queries.pilot_by_id(pilot_id)
    if pilot is None:
        abort(404)
    internal = pilot.can_view_internal(current_user)
    today = today_riga()
    row = queries.summarize(pilot, None, today)
    common = {"pilot": pilot, "row": row, "today": today, "internal": internal,
              "charts": _charts(pilot), "summary_html": stored_html(pilot.summary_html),
              "stored_html": stored_html,
              "following": follow_ops.is_following(pilot, current_user),
              "follow_form": EmptyForm(formdata=None) if current_user.is_authenticated
              else None}
    if not internal:
        # No internal form is even built: building one would start a session for an
        # anonymous visitor, and their page is cached and shared (app.public.cache).
        return render_template("pilots/pilot.html", **common, can_edit=False,
                               can_manage=False, can_evaluate=False, status_form=None)
    return render_template(
        "pilots/pilot.html", **common,
        can_edit=pilot.can_edit(current_user), can_manage=pilot.can_manage(current_user),
        can_evaluate=pilot.can_evaluate(current_user),
        status_form=_status_form(pilot), funding_form=FundingForm(formdata=None),
        return_form=ReturnForm(formdata=None), empty_form=EmptyForm(formdata=None),
        replication_form=_replication_form(pilot),
        replication_status_form=ReplicationStatusForm(formdata=None))


# --- editing the plan ----------------------------------------------------------------------------

EDIT_FIELDS = ("title", "summary", "start_date", "end_date", "budget_eur", "coordinator_id",
               "lead_municipality_id", "partner_municipality_ids", "evidence_required",
               "assessment_theme_id")
TEAM_EDIT_FIELDS = ("title", "summary", "assessment_theme_id")


def _edit_initial(pilot: Pilot) -> dict:
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
               conflict: dict | None = None):
    form.coordinator_id.choices = _coordinator_choices(pilot.region_code, pilot.hackathon)
    form.lead_municipality_id.choices = _municipality_choices()
    form.partner_municipality_ids.choices = _municipality_choices()
    form.assessment_theme_id.choices = _theme_choices()
    return render_template("pilots/edit.html", form=form, pilot=pilot, conflict=conflict,
                           manager=pilot.can_manage(current_user),
                           labels=ops.FIELD_LABELS), status


def _edit_data(form: PilotEditForm, pilot: Pilot) -> dict:
    """What the form sent; fields a team member may not change are not sent at all."""
    data = _form_data(form, EDIT_FIELDS)
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


def _conflict(stored: Pilot, form: PilotEditForm, *, manager: bool) -> dict:
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
def edit(pilot_id: int):
    pilot = _editable(pilot_id)
    return _edit_page(PilotEditForm(formdata=None, data=_edit_initial(pilot)), pilot)


@bp.route("/pilots/<id:pilot_id>/edit", methods=["POST"])
@access.signed_in
def save(pilot_id: int):
    pilot = _editable(pilot_id)
    form = PilotEditForm()
    if not form.validate_on_submit():
        return _edit_page(form, pilot, status=400)
    version = form.version.data or ""
    expected = int(version) if version.isdigit() and len(version) < 10 else 0
    try:
        ops.update_pilot(pilot, _edit_data(form, pilot), actor=current_user,
                         expected_version=expected)
    except ops.StalePilot as error:
        return _edit_page(form, error.pilot, status=409,
                          conflict=_conflict(error.pilot, form,
                                             manager=error.pilot.can_manage(current_user)))
    except Invalid as error:
        apply_errors(form, error)
        return _edit_page(form, pilot, status=422)
    except DomainError as error:
        form.form_errors.append(str(error.detail))
        return _edit_page(form, pilot, status=error.status)
    db.session.commit()
    flash(_("The pilot has been saved."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id))


def _on_pilot_page(pilot: Pilot, action, success, *, anchor: str = "",
                   refused: type[DomainError] = DomainError):
    """Run a small form's `action()`: commit and say `success` (text, or a function of
    nothing for a message about the result), or show every message of a refusal; then back
    to the pilot's page at `anchor`."""
    try:
        action()
    except refused as error:
        messages = [m for msgs in error.errors.values() for m in msgs] or [error.detail]
        flash(" ".join(str(m) for m in messages), "error")
    else:
        db.session.commit()
        flash(success() if callable(success) else success, "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + anchor)


@bp.route("/pilots/<id:pilot_id>/status", methods=["POST"])
@access.signed_in
def change_status(pilot_id: int):
    pilot = _editable(pilot_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    return _on_pilot_page(
        pilot, lambda: ops.transition_pilot(pilot, form.status.data, actor=current_user,
                                            reason=form.reason.data or ""),
        lambda: _("The pilot is now %(status)s.", status=pilot.status.label))


# --- quick entry: a measurement or an expense on one screen --------------------------------------

def _record_page(pilot: Pilot, *, measurement_form=None, expense_form=None, status=200):
    today = today_riga().isoformat()  # the usual answer, so one field less to fill in
    measurement_form = measurement_form or MeasurementForm(
        formdata=None, prefix="m", data={"measured_on": today})
    expense_form = expense_form or ExpenseForm(formdata=None, prefix="e",
                                               data={"spent_on": today})
    measurement_form.indicator_id.choices = [(str(i.id), f"{i.name} ({i.unit})" if i.unit
                                              else i.name) for i in pilot.indicators]
    recent = sorted((m for i in pilot.indicators for m in i.measurements),
                    key=lambda m: (m.created_at, m.id), reverse=True)[:5]
    return render_template("pilots/record.html", pilot=pilot, mform=measurement_form,
                           eform=expense_form, recent_measurements=recent,
                           recent_expenses=pilot.expenses[:5], today=today_riga()), status


@bp.route("/pilots/<id:pilot_id>/record")
@access.signed_in
def record(pilot_id: int):
    return _record_page(_editable(pilot_id))


@bp.route("/pilots/<id:pilot_id>/measurements", methods=["POST"])
@access.signed_in
def add_measurement(pilot_id: int):
    pilot = _editable(pilot_id)
    form = MeasurementForm(prefix="m")
    if not form.validate_on_submit():
        return _record_page(pilot, measurement_form=form, status=400)
    indicator = next((i for i in pilot.indicators if str(i.id) == form.indicator_id.data), None)
    if indicator is None:
        form.indicator_id.errors = [_("Choose one of the pilot's indicators.")]
        return _record_page(pilot, measurement_form=form, status=422)
    try:
        document = _upload(form.document, pilot)
        ops.record_measurement(indicator, _form_data(form, ("value", "measured_on", "note")),
                               actor=current_user, document=document)
    except Invalid as error:
        db.session.rollback()
        apply_errors(form, error)
        return _record_page(_pilot(pilot.id), measurement_form=form, status=422)
    db.session.commit()
    flash(_("The measurement of “%(name)s” has been recorded.", name=indicator.name), "success")
    return redirect(url_for("pilots.record", pilot_id=pilot.id))


@bp.route("/pilots/<id:pilot_id>/expenses", methods=["POST"])
@access.signed_in
def add_expense(pilot_id: int):
    pilot = _editable(pilot_id)
    form = ExpenseForm(prefix="e")
    if not form.validate_on_submit():
        return _record_page(pilot, expense_form=form, status=400)
    try:
        document = _upload(form.document, pilot)
        expense = ops.record_expense(pilot, _form_data(form, (
            "amount_eur", "spent_on", "description", "category", "document_public")),
                                     actor=current_user, document=document)
    except Invalid as error:
        db.session.rollback()
        apply_errors(form, error)
        return _record_page(_pilot(pilot.id), expense_form=form, status=422)
    db.session.commit()
    from app.core.formatting import fmt_money

    flash(_("The expense of %(amount)s has been recorded.", amount=fmt_money(
        expense.amount_eur)), "success")
    return redirect(url_for("pilots.record", pilot_id=pilot.id))


@bp.route("/expenses/<id:expense_id>/delete", methods=["POST"])
@access.signed_in
def delete_expense(expense_id: int):
    return _remove_child(Expense, expense_id, ops.delete_expense, "can_edit",
                         _("The expense has been removed."), "#money")


@bp.route("/measurements/<id:measurement_id>/delete", methods=["POST"])
@access.signed_in
def delete_measurement(measurement_id: int):
    return _remove_child(Measurement, measurement_id, ops.delete_measurement, "can_edit",
                         _("The measurement has been removed."), "#indicators")


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the request limit: back to the pilot with the reason."""
    pilot_id = (request.view_args or {}).get("pilot_id")
    if pilot_id is None or not current_user.is_authenticated:
        return handle_http_exception(error)
    flash(_("The file is too large: each file may have at most 10 MB. Nothing was saved."),
          "error")
    return redirect(url_for("pilots.pilot", pilot_id=pilot_id))


# --- money ---------------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/funding", methods=["POST"])
@access.signed_in
def add_funding(pilot_id: int):
    pilot = _pilot(pilot_id)
    access.require(pilot.can_manage(current_user))
    form = FundingForm()
    if not form.validate_on_submit():
        abort(400)
    return _on_pilot_page(
        pilot, lambda: ops.add_funding_line(
            pilot, _form_data(form, ("kind", "label", "amount_eur", "vat_eur")),
            actor=current_user),
        _("The funding line has been added."), anchor="#money", refused=Invalid)


@bp.route("/funding/<id:line_id>/delete", methods=["POST"])
@access.signed_in
def delete_funding(line_id: int):
    return _remove_child(FundingLine, line_id, ops.remove_funding_line, "can_manage",
                         _("The funding line has been removed."), "#money")


# --- milestones ----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/milestones/new", methods=["GET", "POST"])
@access.signed_in
def new_milestone(pilot_id: int):
    pilot = _editable(pilot_id)
    form = MilestoneForm() if request.method == "POST" else MilestoneForm(formdata=None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                ops.add_milestone(pilot, _form_data(form, ("title", "description",
                                                           "due_date", "weight")),
                                  actor=current_user)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The milestone has been added."), "success")
                if request.form.get("another"):
                    return redirect(url_for("pilots.new_milestone", pilot_id=pilot.id))
                return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#milestones")
        else:
            status = 400
    return render_template("pilots/milestone_form.html", form=form, pilot=pilot,
                           milestone=None), status


def _milestone_page(form: MilestoneEditForm, milestone: Milestone, pilot: Pilot, status=200):
    allowed = [milestone.status, *sorted(MILESTONE_TRANSITIONS[milestone.status],
                                         key=list(MilestoneStatus).index)]
    form.status.choices = [(s.value, s.label) for s in allowed]
    return render_template("pilots/milestone_form.html", form=form, pilot=pilot,
                           milestone=milestone), status


@bp.route("/milestones/<id:milestone_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_milestone(milestone_id: int):
    milestone, pilot = _child(Milestone, milestone_id)
    access.require(pilot.can_edit(current_user))
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
    if not form.validate_on_submit():
        return _milestone_page(form, milestone, pilot, 400)
    data = _form_data(form, ("title", "description", "due_date", "weight", "status",
                             "completed_on", "evidence_text", "evidence_url"))
    try:
        document = _upload(form.document, pilot)
        ops.update_milestone(milestone, data, actor=current_user, document=document)
    except Invalid as error:
        db.session.rollback()
        apply_errors(form, error, {"evidence": "evidence_text"})
        milestone, pilot = _child(Milestone, milestone_id)
        return _milestone_page(form, milestone, pilot, 422)
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error.detail))
        milestone, pilot = _child(Milestone, milestone_id)
        return _milestone_page(form, milestone, pilot, error.status)
    db.session.commit()
    flash(_("The milestone has been saved."), "success")
    return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#milestones")


# --- indicators ----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/indicators/new", methods=["GET", "POST"])
@access.signed_in
def new_indicator(pilot_id: int):
    pilot = _editable(pilot_id)
    form = IndicatorForm() if request.method == "POST" else IndicatorForm(formdata=None)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                ops.add_indicator(pilot, _form_data(form, ("name", "unit", "direction",
                                                           "baseline", "baseline_on",
                                                           "target", "target_on")),
                                  actor=current_user)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The indicator has been added."), "success")
                return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#indicators")
    return render_template("pilots/indicator_form.html", form=form, pilot=pilot), status


# --- progress reports ----------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/updates/new", methods=["GET", "POST"])
@access.signed_in
def new_update(pilot_id: int):
    pilot = _editable(pilot_id)
    form = UpdateForm() if request.method == "POST" else UpdateForm(formdata=None)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                update = ops.post_update(pilot, _form_data(form, ("reported_on", "body",
                                                                  "public")),
                                         actor=current_user)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("The report has been published.") if update.is_published else
                      _("The report has been submitted: it is published once a coordinator "
                        "approves it.") if update.public else
                      _("The report has been saved for the team and the coordinators."),
                      "success")
                return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#reports")
    return render_template("pilots/update_form.html", form=form, pilot=pilot, update=None,
                           can_approve=pilot.can_approve_updates(current_user)), status


@bp.route("/updates/<id:update_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_update(update_id: int):
    update, pilot = _child(PilotUpdate, update_id)
    access.require(pilot.can_edit(current_user))
    if request.method == "GET":
        form = UpdateForm(formdata=None, data={"body": update.body, "public": update.public,
                                               "reported_on": update.reported_on.isoformat()})
        status = 200
    else:
        form = UpdateForm()
        status = 400
        if form.validate_on_submit():
            try:
                ops.revise_update(update, _form_data(form, ("reported_on", "body", "public")),
                                  actor=current_user)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            except DomainError as error:
                form.form_errors.append(str(error.detail))
                status = error.status
            else:
                db.session.commit()
                flash(_("The report has been saved."), "success")
                return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#reports")
    return render_template("pilots/update_form.html", form=form, pilot=pilot, update=update,
                           can_approve=pilot.can_approve_updates(current_user)), status


def _back_from_review():
    target = request.form.get("back")
    if target == "portfolio":
        return redirect(url_for("pilots.portfolio") + "#waiting")
    return None


@bp.route("/updates/<id:update_id>/approve", methods=["POST"])
@access.coordinator_only
def approve_update(update_id: int):
    update, pilot = _child(PilotUpdate, update_id)
    access.require(pilot.can_approve_updates(current_user))
    _valid_post()
    try:
        ops.approve_update(update, actor=current_user)
    except DomainError as error:
        flash(str(error.detail), "error")
    else:
        db.session.commit()
        flash(_("The report has been approved and published."), "success")
    return _back_from_review() or redirect(url_for("pilots.pilot", pilot_id=pilot.id)
                                           + "#reports")


@bp.route("/updates/<id:update_id>/return", methods=["POST"])
@access.coordinator_only
def return_update(update_id: int):
    update, pilot = _child(PilotUpdate, update_id)
    access.require(pilot.can_approve_updates(current_user))
    form = ReturnForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.return_update(update, form.note.data or "", actor=current_user)
    except Invalid:
        flash(_("Write what the team should change before returning the report."), "error")
    except DomainError as error:
        flash(str(error.detail), "error")
    else:
        db.session.commit()
        flash(_("The report has been returned to the team."), "success")
    return _back_from_review() or redirect(url_for("pilots.pilot", pilot_id=pilot.id)
                                           + "#reports")


# --- final evaluation and replication ------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/evaluation", methods=["GET", "POST"])
@access.signed_in
def evaluation(pilot_id: int):
    pilot = _pilot(pilot_id)
    if not pilot.has_ended:
        flash(_("The final evaluation is written once the pilot is completed or "
                "discontinued."), "error")
        return redirect(url_for("pilots.pilot", pilot_id=pilot.id))
    access.require(pilot.can_evaluate(current_user))
    existing = pilot.evaluation
    if request.method == "GET":
        form = EvaluationForm(formdata=None, data={
            "results": existing.results, "lessons": existing.lessons,
            "recommendation": existing.recommendation.value} if existing else {})
        return render_template("pilots/evaluation.html", form=form, pilot=pilot)
    form = EvaluationForm()
    status = 400
    if form.validate_on_submit():
        try:
            ops.save_evaluation(pilot, _form_data(form, ("results", "lessons",
                                                         "recommendation")),
                                actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("The final evaluation has been saved."), "success")
            return redirect(url_for("pilots.pilot", pilot_id=pilot.id) + "#evaluation")
    return render_template("pilots/evaluation.html", form=form, pilot=pilot), status


@bp.route("/pilots/<id:pilot_id>/replications", methods=["POST"])
@access.signed_in
def add_replication(pilot_id: int):
    pilot = _pilot(pilot_id)
    form = ReplicationForm()
    if not form.validate_on_submit():
        abort(400)
    return _on_pilot_page(
        pilot, lambda: ops.add_replication(
            pilot, _form_data(form, ("municipality_id", "status", "started_on", "note")),
            actor=current_user),
        _("The municipality has been recorded."), anchor="#replication", refused=Invalid)


@bp.route("/replications/<id:replication_id>", methods=["POST"])
@access.signed_in
def update_replication(replication_id: int):
    replication, pilot = _child(Replication, replication_id)
    form = ReplicationStatusForm()
    if not form.validate_on_submit():
        abort(400)
    return _on_pilot_page(
        pilot, lambda: ops.update_replication(
            replication, _form_data(form, ("status", "note")), actor=current_user),
        _("The replication has been updated."), anchor="#replication")


# --- documents -----------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/documents/<id:document_id>")
@access.public
def document(pilot_id: int, document_id: int):
    pilot = queries.pilot_by_id(pilot_id)
    doc = db.session.get(PilotDocument, document_id)
    if pilot is None or doc is None or doc.pilot_id != pilot.id:
        abort(404)
    # The team and its coordinators; anyone else only an invoice a manager marked public.
    access.require(pilot.can_view_document(current_user, doc), hide=True)
    try:
        path = documents.stored_path(doc.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=doc.content_type, as_attachment=True,
                         download_name=doc.filename, max_age=0, conditional=False)
    response.headers["Content-Disposition"] = documents.content_disposition(doc.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the coordinators' portfolio -----------------------------------------------------------------

@bp.route("/pilots/portfolio")
@access.coordinator_only
def portfolio():
    today = today_riga()
    filters = queries.clean_filters(request.args)
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page",
                                                                         PORTFOLIO_PER_PAGE),
                           PORTFOLIO_PER_PAGE)
    start = (page - 1) * per_page
    result = queries.portfolio(current_user, filters, today, start=start,
                               stop=start + per_page)
    table = Page(items=result.page(start, start + per_page), page=page, per_page=per_page,
                 total=result.matching)
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    return render_template("pilots/portfolio.html", result=result, table=table,
                           today=today, regions=regions, statuses=list(PilotStatus),
                           levels=LEVELS, empty_form=EmptyForm(formdata=None),
                           return_form=ReturnForm(formdata=None), **queries.filter_options())


@bp.route("/pilots/portfolio.csv")
@access.coordinator_only
def portfolio_csv():
    today = today_riga()
    filters = queries.clean_filters(request.args)
    result = queries.portfolio(current_user, filters, today)
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    body = queries.portfolio_csv(
        result.page(), delimiter=delimiter, reason_text=reason_text,
        url=lambda p: url_for("pilots.pilot", pilot_id=p.id, _external=True))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = documents.content_disposition(
        f"pilotprojekti-{now_utc().date().isoformat()}.csv")
    return response
