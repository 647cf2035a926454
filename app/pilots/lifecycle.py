"""The pilot's own fields and status: editing them (the coordinators' fields and the
team's), moving along the status table, and the field rules the start of a pilot shares
(coordinator, municipalities, dates, assessment theme).

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.collation import collated
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.pilots.changes import audit, flush_pilot, require_allowed, touch
from app.pilots.input_fields import Errors, check, fail, read
from app.pilots.input_schemas import PilotChangeInput
from app.pilots.models import NOTE_MAX, Pilot, PilotStatusChange
from app.pilots.states import PILOT_TRANSITIONS, PilotStatus, can_move
from app.places.models import Municipality
from app.public import follow

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "budget_eur": _l("Approved budget (EUR)"),
    "coordinator_id": _l("Responsible coordinator"),
    "lead_municipality_id": _l("Lead municipality"),
    "partner_municipality_ids": _l("Partner municipalities"),
    "evidence_required": _l("Evidence required to complete a milestone"),
    "assessment_theme_id": _l("Assessment theme addressed"),
}


def read_coordinator(values: dict, errors: Errors, pilot_region: str | None, hackathon
                     ) -> Any:
    """The coordinator chosen in `values` (loaded), or None with the field's message."""
    from app.accounts.models import User

    user_id = values.get("coordinator_id")
    if user_id is None:
        return None  # none chosen, or the field's message is recorded already
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.is_coordinator or not (
            user.coordinates_region(pilot_region) or hackathon.can_manage(user)):
        fail(errors, "coordinator_id", _l("Choose a coordinator of the pilot's planning "
                                          "region or a national coordinator."))
        return None
    return user


def read_assessment_theme(values: dict, errors: Errors) -> int | None:
    """The id of an existing assessment theme, or None for none."""
    from app.programme.models import Theme

    theme_id = values.get("assessment_theme_id")
    if theme_id is None:
        return None  # none chosen, or the field's message is recorded already
    if db.session.get(Theme, theme_id) is None:
        fail(errors, "assessment_theme_id", _l("Choose one of the assessment themes offered."))
        return None
    return theme_id


def read_municipalities(data: dict, values: dict, errors: Errors, *, lead_default: int | None,
                        partners_default: Iterable[int]) -> tuple[Municipality | None, list]:
    """The lead and partner municipalities: those chosen in `values` (loaded from `data`),
    the defaults for those not sent."""
    lead_id = values.get("lead_municipality_id") if "lead_municipality_id" in data \
        else lead_default
    lead = db.session.get(Municipality, lead_id) if lead_id else None
    if lead is None:
        fail(errors, "lead_municipality_id", _l("Choose the lead municipality."))
    if "partner_municipality_ids" in errors:
        return lead, []
    ids = values.get("partner_municipality_ids", list(partners_default)) \
        if "partner_municipality_ids" in data else list(partners_default)
    partners = list(db.session.scalars(select(Municipality).where(Municipality.id.in_(ids)))) \
        if ids else []
    if len(partners) != len(ids):
        fail(errors, "partner_municipality_ids", _l("Choose municipalities from the list."))
    if lead is not None and lead in partners:
        partners.remove(lead)  # the lead is not its own partner
    return lead, collated(partners, key=lambda m: m.name)


def charged_region(hackathon, lead: Municipality | None) -> str | None:
    """The region whose envelope pays: the one that organised the hackathon that chose the
    idea; a national hackathon has none, so its pilot is charged to the lead's region."""
    if hackathon.region_code is not None:
        return hackathon.region_code
    return lead.region_code if lead is not None else None


def check_dates(errors: Errors, start: date | None, end: date | None) -> None:
    """The end comes after the start."""
    if start is not None and end is not None and end <= start:
        fail(errors, "end_date", _l("The end date must be after the start date."))


TRACKED = ("title", "summary", "start_date", "end_date", "approved_budget_eur",
           "coordinator_id", "lead_municipality_id", "region_code", "evidence_required",
           "status", "assessment_theme_id")


def snapshot(pilot: Pilot) -> dict:
    data = {name: getattr(pilot, name) for name in TRACKED}
    data["partner_municipality_ids"] = sorted(m.id for m in pilot.partner_municipalities)
    return data


def update_pilot(pilot: Pilot, data: dict, *, actor, now: datetime | None = None) -> Pilot:
    """Change the fields sent (the caller checks the version edited: web.expect_version).
    A `status` is a transition (with `status_reason`); an edit that loses a race with
    another raises StalePilot."""
    now = now or now_utc()
    require_allowed(pilot.can_edit(actor))
    schema = PilotChangeInput()
    data = data or {}
    loaded, errors = read(schema, data, partial=True)
    # A field sent but not read is None, so that no rule compares the stored value instead.
    values: dict[str, Any] = {name: loaded.get(name) for name in (
        "title", "summary", "start_date", "end_date", "evidence_required") if name in data}
    if "budget_eur" in data:
        values["approved_budget_eur"] = loaded.get("budget_eur")
    if "lead_municipality_id" in data or "partner_municipality_ids" in data:
        lead, partners = read_municipalities(
            data, loaded, errors, lead_default=pilot.lead_municipality_id,
            partners_default=[m.id for m in pilot.partner_municipalities])
        if lead is not None:
            values["lead_municipality_id"] = lead.id
            values["region_code"] = charged_region(pilot.hackathon, lead)
        values["partner_municipality_ids"] = sorted(m.id for m in partners)
    if "coordinator_id" in data:
        coordinator = read_coordinator(loaded, errors,
                                       values.get("region_code", pilot.region_code),
                                       pilot.hackathon)
        values["coordinator_id"] = coordinator.id if coordinator else None
    if "assessment_theme_id" in data:
        values["assessment_theme_id"] = read_assessment_theme(loaded, errors)
    check_dates(errors, values.get("start_date", pilot.start_date),
                values.get("end_date", pilot.end_date))
    status = loaded.get("status")
    reason = loaded.get("status_reason", "")
    check(errors, schema)

    before = snapshot(pilot)
    changed = {name for name, value in values.items() if before.get(name) != value}
    refused = sorted(str(FIELD_LABELS.get(name, name)) for name in changed
                     if name != "region_code"
                     and not pilot.can_edit_field(actor, _field_of(name)))
    if refused:
        raise NotAllowed(_l("Only the pilot's coordinators can change: %(fields)s.",
                            fields=", ".join(refused)))
    for name in changed:
        if name == "partner_municipality_ids":
            pilot.partner_municipalities = list(db.session.scalars(
                select(Municipality).where(Municipality.id.in_(values[name]))))
        else:
            setattr(pilot, name, values[name])
    if status is not None and status != pilot.status:
        transition_pilot(pilot, status, actor=actor, reason=reason, now=now, flush=False)
    if changed:
        touch(pilot, actor, now)
    flush_pilot(pilot)
    after = snapshot(pilot)
    if after != before:
        audit("pilot.update", pilot, actor=actor, now=now, before=before, after=after)
    return pilot


def _field_of(name: str) -> str:
    return {"approved_budget_eur": "budget_eur"}.get(name, name)


def transition_pilot(pilot: Pilot, to: PilotStatus | str, *, actor, reason: str = "",
                     now: datetime | None = None, flush: bool = True) -> Pilot:
    """Move the pilot along the status table; the change is recorded with who, when and why."""
    now = now or now_utc()
    try:
        to = PilotStatus(to)
    except ValueError:
        raise Invalid(errors={"status": [_l("Choose one of: %(options)s.", options=", ".join(
            s.value for s in PilotStatus))]}) from None
    if not can_move(PILOT_TRANSITIONS, pilot.status, to):
        raise WrongState(_l("A pilot that is %(current)s cannot become %(to)s.",
                            current=pilot.status.label, to=to.label))
    require_allowed(pilot.can_move_to(actor, to),
             _l("Only the pilot's coordinators can mark it %(to)s.", to=to.label))
    reason = (reason or "").strip()
    if len(reason) > NOTE_MAX:
        raise Invalid(errors={"status_reason": [_l("Use at most %(max)d characters (now %(n)d).",
                                                   max=NOTE_MAX, n=len(reason))]})
    before = pilot.status
    pilot.status = to
    pilot.status_changes.append(PilotStatusChange(
        from_status=before, to_status=to, at=now, actor_id=getattr(actor, "id", None),
        reason=reason))
    touch(pilot, actor, now)
    if flush:
        flush_pilot(pilot)
    record_audit("pilot.status", actor=actor, object_type="pilot", object_id=pilot.id,
                 before={"status": before}, after={"status": to, "reason": reason}, now=now)
    follow.notify_status_changed(pilot, before, to, actor=actor, now=now)  # the followers
    return pilot
