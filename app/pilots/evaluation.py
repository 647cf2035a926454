"""The end of a pilot and what follows: the final evaluation of a completed or
discontinued pilot, and its replication in other municipalities.

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.pilots.changes import audit, require_allowed
from app.pilots.input_fields import check, fail, filled, read
from app.pilots.input_schemas import (
    EvaluationInput,
    ReplicationChangeInput,
    ReplicationInput,
)
from app.pilots.models import Pilot, Replication
from app.pilots.models_reports import PilotEvaluation
from app.pilots.states import REPLICATION_TRANSITIONS, can_move
from app.places.models import Municipality


def save_evaluation(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                    ) -> PilotEvaluation:
    """Write (or rewrite) the final evaluation of a completed or discontinued pilot."""
    now = now or now_utc()
    if not pilot.has_ended:
        raise WrongState(_l("The final evaluation is written once the pilot is completed or "
                            "discontinued."))
    require_allowed(pilot.can_evaluate(actor))
    schema = EvaluationInput()
    values, errors = read(schema, data)
    check(errors, schema)
    results, lessons = values["results"], values["lessons"]
    recommendation = values["recommendation"]
    evaluation = pilot.evaluation
    before = None
    if evaluation is None:
        evaluation = PilotEvaluation(pilot=pilot)
        db.session.add(evaluation)
    else:
        before = {"recommendation": evaluation.recommendation}
    evaluation.results, evaluation.lessons = results, lessons
    evaluation.recommendation = recommendation
    evaluation.evaluated_at, evaluation.evaluated_by_id = now, actor.id
    db.session.flush()
    audit("pilot.evaluation", pilot, actor=actor, now=now, object_type="pilot",
           before=before, after={"recommendation": recommendation})
    return evaluation


def add_replication(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                    ) -> Replication:
    """Record another municipality adopting the pilot: which, since when, how far."""
    now = now or now_utc()
    require_allowed(pilot.can_view_internal(actor))
    schema = ReplicationInput()
    values, errors = read(schema, filled(data, started_on=today_riga(now)))
    municipality_id = values.get("municipality_id")
    municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
    if municipality_id and municipality is None:
        fail(errors, "municipality_id", _l("Choose a municipality from the list."))
    elif municipality is not None and municipality.id in pilot.municipality_ids():
        fail(errors, "municipality_id", _l("This municipality already runs the pilot."))
    elif municipality is not None and any(r.municipality_id == municipality.id
                                          for r in pilot.replications):
        fail(errors, "municipality_id", _l("This municipality is already recorded."))
    check(errors, schema)
    status, started_on, note = values["status"], values["started_on"], values["note"]
    replication = Replication(pilot=pilot, municipality=municipality, status=status,
                              started_on=started_on, note=note, created_at=now,
                              updated_at=now, created_by_id=actor.id)
    db.session.add(replication)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Invalid(errors={"municipality_id": [
            _l("This municipality is already recorded.")]}) from None
    audit("pilot.replication.add", replication, actor=actor, now=now,
           after={"pilot_id": pilot.id, "municipality_id": replication.municipality_id,
                  "status": status})
    return replication


def update_replication(replication: Replication, data: dict, *, actor,
                       now: datetime | None = None) -> Replication:
    """Move a replication along its table (e.g. considering → adopted), with a note."""
    now = now or now_utc()
    require_allowed(replication.pilot.can_view_internal(actor))
    schema = ReplicationChangeInput()
    values, errors = read(schema, data, partial=("note",))
    check(errors, schema)
    status = values["status"]
    note = values.get("note", replication.note)
    before = replication.status
    if status != before and not can_move(REPLICATION_TRANSITIONS, before, status):
        raise WrongState(_l("A replication that is %(current)s cannot become %(to)s.",
                            current=before.label, to=status.label))
    replication.status, replication.note, replication.updated_at = status, note, now
    db.session.flush()
    audit("pilot.replication.update", replication, actor=actor, now=now,
           before={"status": before}, after={"status": status, "note": note})
    return replication
