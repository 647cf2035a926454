"""Recording what happens: the quick entry screen (a measurement or an expense on one
screen), their removal, and the funding lines of the approved budget."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_login import current_user

from app.core import access, web
from app.core.clock import today_riga
from app.core.errors import Invalid
from app.core.formatting import fmt_money
from app.core.translation import gettext as _
from app.pilots import funding as funding_ops
from app.pilots import plan as plan_ops
from app.pilots.blueprint import (
    bp,
    editable_pilot,
    form_values,
    load_pilot,
    on_pilot_page,
    pilot_url,
    remove_child,
    submit,
    upload,
    valid_form,
)
from app.pilots.forms import ExpenseForm, FundingForm, MeasurementForm
from app.pilots.models import Pilot
from app.pilots.models_money import Expense, FundingLine
from app.pilots.models_plan import Measurement


def _record_page(pilot: Pilot, *, measurement_form: MeasurementForm | None = None,
                 expense_form: ExpenseForm | None = None, status: int = 200) -> Any:
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
def record(pilot_id: int) -> Any:
    return _record_page(editable_pilot(pilot_id))


@bp.route("/pilots/<id:pilot_id>/measurements", methods=["POST"])
@access.signed_in
def add_measurement(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = MeasurementForm(prefix="m")

    def run() -> Any:
        indicator = next((i for i in pilot.indicators if str(i.id) == form.indicator_id.data),
                         None)
        if indicator is None:
            raise Invalid(errors={"indicator_id": [_("Choose one of the pilot's indicators.")]})
        document = upload(form.document, pilot)
        return plan_ops.record_measurement(indicator, form_values(form, (
            "value", "measured_on", "note")), actor=current_user, document=document)

    return submit(
        form, run=run,
        success=lambda measurement: web.done(
            _("The measurement of “%(name)s” has been recorded.",
              name=measurement.indicator.name), url_for("pilots.record", pilot_id=pilot.id)),
        page=lambda status: _record_page(pilot, measurement_form=form, status=status))


@bp.route("/pilots/<id:pilot_id>/expenses", methods=["POST"])
@access.signed_in
def add_expense(pilot_id: int) -> Any:
    pilot = editable_pilot(pilot_id)
    form = ExpenseForm(prefix="e")

    def run() -> Any:
        document = upload(form.document, pilot)
        return funding_ops.record_expense(pilot, form_values(form, (
            "amount_eur", "spent_on", "description", "category", "document_public")),
            actor=current_user, document=document)

    return submit(
        form, run=run,
        success=lambda expense: web.done(
            _("The expense of %(amount)s has been recorded.",
              amount=fmt_money(expense.amount_eur)),
            url_for("pilots.record", pilot_id=pilot.id)),
        page=lambda status: _record_page(pilot, expense_form=form, status=status))


@bp.route("/expenses/<id:expense_id>/delete", methods=["POST"])
@access.signed_in
def delete_expense(expense_id: int) -> Any:
    return remove_child(Expense, expense_id, funding_ops.delete_expense, Pilot.can_edit,
                        _("The expense has been removed."), "#money")


@bp.route("/measurements/<id:measurement_id>/delete", methods=["POST"])
@access.signed_in
def delete_measurement(measurement_id: int) -> Any:
    return remove_child(Measurement, measurement_id, plan_ops.delete_measurement, Pilot.can_edit,
                        _("The measurement has been removed."), "#indicators")


# --- funding -------------------------------------------------------------------------------------

@bp.route("/pilots/<id:pilot_id>/funding", methods=["POST"])
@access.signed_in
def add_funding(pilot_id: int) -> Any:
    pilot = load_pilot(pilot_id)
    web.check(pilot.can_manage(current_user))
    form = FundingForm()
    valid_form(form)
    return on_pilot_page(
        lambda: funding_ops.add_funding_line(
            pilot, form_values(form, ("kind", "label", "amount_eur", "vat_eur")),
            actor=current_user),
        _("The funding line has been added."), pilot_url(pilot, "#money"), refused=Invalid)


@bp.route("/funding/<id:line_id>/delete", methods=["POST"])
@access.signed_in
def delete_funding(line_id: int) -> Any:
    return remove_child(FundingLine, line_id, funding_ops.remove_funding_line, Pilot.can_manage,
                        _("The funding line has been removed."), "#money")
