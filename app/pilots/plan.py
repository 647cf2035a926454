"""The pilot's plan: milestones (due within the pilot, done with evidence where the pilot
requires it) and outcome indicators with their measurements. The batch forms (`check_*`,
`record_*s`, `delete_*s`) serve the workbook import.

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date

from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.pilots.changes import audit, require_allowed
from app.pilots.indicators import (
    PROBLEM_MESSAGES,
    indicator_problems,
    measurement_date_problem,
)
from app.pilots.input_fields import Errors, check, fail, filled, read
from app.pilots.input_schemas import (
    IndicatorInput,
    MeasurementInput,
    MilestoneChangeInput,
    MilestoneInput,
)
from app.pilots.models import Pilot
from app.pilots.models_plan import INDICATORS_MAX, Indicator, Measurement, Milestone
from app.pilots.models_reports import PilotDocument
from app.pilots.states import MILESTONE_TRANSITIONS, MilestoneStatus, can_move

# --- milestones ------------------------------------------------------------------------------

def add_milestone(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                  ) -> Milestone:
    """Plan a milestone: title, due date, weight above zero (default 1), description."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    schema = MilestoneInput()
    values, errors = read(schema, data)
    title, description = values.get("title", ""), values.get("description", "")
    due, weight = values.get("due_date"), values.get("weight")
    if due is not None:
        _check_due_date(errors, pilot, due)
    check(errors, schema)
    milestone = Milestone(pilot=pilot, title=title, description=description, due_date=due,
                          weight=weight, status=MilestoneStatus.PLANNED, created_at=now,
                          updated_at=now)
    db.session.add(milestone)
    db.session.flush()
    audit("pilot.milestone.add", milestone, actor=actor, now=now,
           after={"pilot_id": pilot.id, "title": title, "due_date": due, "weight": weight})
    return milestone


def _check_due_date(errors: Errors, pilot: Pilot, due: date) -> None:
    if not pilot.start_date <= due <= pilot.end_date:
        fail(errors, "due_date", _l(
            "A milestone must be due within the pilot, between %(start)s and %(end)s.",
            start=format_date(pilot.start_date), end=format_date(pilot.end_date)))


MILESTONE_FIELDS = ("title", "description", "due_date", "weight", "status", "completed_on",
                    "evidence_text", "evidence_url", "evidence_document_id")


def update_milestone(milestone: Milestone, data: dict, *, actor, now: datetime | None = None,
                     document: PilotDocument | None = None) -> Milestone:
    """Change a milestone; its status moves along the table. Done needs a completion date
    (default today, not in the future) and, where the pilot requires it, evidence."""
    now = now or now_utc()
    pilot = milestone.pilot
    require_allowed(pilot.can_edit(actor))
    today = today_riga(now)
    schema = MilestoneChangeInput()
    data = data or {}
    loaded, errors = read(schema, data, partial=True)
    values: dict[str, Any] = {name: loaded.get(name) for name in (
        "title", "description", "due_date", "weight", "evidence_url") if name in data}
    if values.get("due_date") is not None and values["due_date"] != milestone.due_date:
        _check_due_date(errors, pilot, values["due_date"])
    for key in ("evidence", "evidence_text"):  # the form's name, then the API's
        if key in data:
            values["evidence_text"] = loaded.get(key)
    if document is not None:
        values["evidence_document_id"] = document.id
    status = loaded.get("status")
    completed_on = loaded.get("completed_on")
    if completed_on is not None and completed_on > today:
        fail(errors, "completed_on", _l("The completion date cannot be in the future."))
    check(errors, schema)

    target = status or milestone.status
    if status is not None and status != milestone.status and not can_move(
            MILESTONE_TRANSITIONS, milestone.status, status):
        raise WrongState(_l("A milestone that is %(current)s cannot become %(to)s.",
                            current=milestone.status.label, to=status.label))
    if target == MilestoneStatus.DONE:
        values["completed_on"] = completed_on or milestone.completed_on or today
        has_evidence = bool(
            values.get("evidence_text", milestone.evidence_text).strip()
            or values.get("evidence_url", milestone.evidence_url)
            or values.get("evidence_document_id", milestone.evidence_document_id))
        if pilot.evidence_required and not has_evidence:
            raise Invalid(errors={"evidence": [_l(
                "This pilot requires evidence to complete a milestone: describe it, link "
                "to it or attach a file.")]})
    else:
        values["completed_on"] = None
    if status is not None:
        values["status"] = status

    before = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    for name, value in values.items():
        setattr(milestone, name, value)
    if document is not None:
        milestone.evidence_document = document
    after = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    if after != before:
        milestone.updated_at = now
        db.session.flush()
        audit("pilot.milestone.update", milestone, actor=actor, now=now,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return milestone


# --- indicators and measurements -------------------------------------------------------------

def indicator_values(data: dict) -> tuple[dict, Errors]:
    """An indicator's values read from `data`, and the messages of those that could not be
    read or do not agree (a target against its direction)."""
    values, errors = read(IndicatorInput(), data)
    if not errors:
        for field, code in indicator_problems(
                values["baseline"], values["target"], values["direction"],
                values["baseline_on"], values["target_on"]).items():
            fail(errors, field, PROBLEM_MESSAGES[code])
    return {"name": values.get("name", ""), "unit": values.get("unit", ""),
            "direction": values.get("direction", ""), "baseline_value": values.get("baseline"),
            "target_value": values.get("target"), "baseline_on": values.get("baseline_on"),
            "target_on": values.get("target_on")}, errors


def add_indicator(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                  ) -> Indicator:
    """Add an outcome indicator. The baseline date defaults to the pilot's start, the target
    date to its end; the target must lie in the indicator's direction from the baseline."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    values, errors = indicator_values(filled(data, baseline_on=pilot.start_date,
                                             target_on=pilot.end_date))
    if len(pilot.indicators) >= INDICATORS_MAX:
        fail(errors, "name", _l("A pilot has at most %(n)d indicators.", n=INDICATORS_MAX))
    check(errors, IndicatorInput())
    indicator = Indicator(pilot=pilot, position=len(pilot.indicators), created_at=now,
                          **values)
    db.session.add(indicator)
    db.session.flush()
    audit("pilot.indicator.add", indicator, actor=actor, now=now,
           after={"pilot_id": pilot.id, **values})
    return indicator


def check_measurement(indicator: Indicator, data: dict, *, actor,
                      now: datetime | None = None) -> dict:
    """The values record_measurement would store (Invalid or NotAllowed otherwise); writes
    nothing, so that a batch checks every row before it writes any."""
    now = now or now_utc()
    require_allowed(indicator.pilot.can_edit(actor))
    schema = MeasurementInput()
    values, errors = read(schema, data)
    measured_on = values.get("measured_on")
    if measured_on is not None:
        problem = measurement_date_problem(measured_on, indicator.baseline_on,
                                           today_riga(now))
        if problem:
            fail(errors, "measured_on", PROBLEM_MESSAGES[problem])
    check(errors, schema)
    return {"value": values["value"], "measured_on": measured_on, "note": values["note"]}


def record_measurement(indicator: Indicator, data: dict, *, actor,
                       now: datetime | None = None,
                       document: PilotDocument | None = None) -> Measurement:
    """Record a measured value: not dated before the baseline, nor in the future."""
    now = now or now_utc()
    values = check_measurement(indicator, data, actor=actor, now=now)
    return record_measurements([(indicator, values, document)], actor=actor, now=now)[0]


def record_measurements(checked: list[tuple[Indicator, dict, PilotDocument | None]], *,
                        actor, now: datetime, notes: list[dict] | None = None
                        ) -> list[Measurement]:
    """Store measurements whose values check_measurement returned, in one flush for all,
    each audited; `notes[i]` is added to the i-th audit entry (where an import came from)."""
    measurements = [Measurement(indicator=indicator, document=document, created_at=now,
                                created_by_id=actor.id, **values)
                    for indicator, values, document in checked]
    db.session.add_all(measurements)
    db.session.flush()
    for index, measurement in enumerate(measurements):
        audit("pilot.measurement.add", measurement, actor=actor, now=now,
               after={"indicator_id": measurement.indicator.id, "value": measurement.value,
                      "measured_on": measurement.measured_on, "note": measurement.note,
                      **(notes[index] if notes else {})})
    return measurements


def delete_measurement(measurement: Measurement, *, actor, now: datetime | None = None) -> None:
    """Remove a measurement entered by mistake (the audit trail keeps what it was)."""
    delete_measurements([measurement], actor=actor, now=now or now_utc())


def delete_measurements(measurements: list[Measurement], *, actor, now: datetime,
                        notes: list[dict] | None = None) -> None:
    """Remove measurements (a batch: one flush), each kept in the audit trail with
    `notes[i]`."""
    for index, measurement in enumerate(measurements):
        require_allowed(measurement.indicator.pilot.can_edit(actor))
        audit("pilot.measurement.delete", measurement, actor=actor, now=now,
               before={"indicator_id": measurement.indicator_id, "value": measurement.value,
                       "measured_on": measurement.measured_on, "note": measurement.note},
               after=notes[index] if notes else None)
        measurement.indicator.measurements.remove(measurement)
    db.session.flush()
