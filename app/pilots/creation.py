"""From winner to pilot: the idea's proposed indicators read as numbers, and
`create_pilot`, which asks `pilot_policy.may_create` (the one rule of which idea may
become a pilot, and who starts it).

Operations flush and never commit: the request commits at its edge (app.core.web).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.core.clock import now_utc
from app.core.errors import WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.ideas.models import Idea
from app.pilots import policy as pilot_policy
from app.pilots.changes import audit, require_allowed
from app.pilots.input_fields import Errors, check, fail, filled, read, split_proposed_value
from app.pilots.input_schemas import FundingInput, PilotInput
from app.pilots.lifecycle import (
    charged_region,
    check_dates,
    read_coordinator,
    read_municipalities,
    snapshot,
)
from app.pilots.models import TITLE_MAX, Pilot, PilotStatusChange
from app.pilots.models_money import FUNDING_LINES_MAX, FundingLine
from app.pilots.models_plan import INDICATORS_MAX, Indicator
from app.pilots.plan import indicator_values
from app.pilots.states import PilotStatus


def proposed_indicators(idea: Idea) -> list[dict]:
    """The idea's proposed indicators as pilot indicator rows, numbers parsed where possible.

    The direction follows the numbers (a target above the baseline: increase); a row whose
    numbers cannot be read keeps its text for the coordinator to complete.
    """
    rows = []
    for proposed in idea.indicators:
        baseline, unit = split_proposed_value(proposed.baseline)
        target, target_unit = split_proposed_value(proposed.target)
        direction = ""
        if baseline is not None and target is not None and baseline != target:
            direction = "increase" if target > baseline else "decrease"
        rows.append({
            "name": proposed.name[:TITLE_MAX], "unit": unit or target_unit,
            "direction": direction,
            "baseline": str(baseline) if baseline is not None else proposed.baseline,
            "target": str(target) if target is not None else proposed.target,
        })
    return rows


def create_pilot(idea: Idea, data: dict, *, actor, now: datetime | None = None) -> Pilot:
    """Turn a winning idea into a pilot: its title, summary, team, municipalities, proposed
    indicators and budget are carried over (and may be changed in `data`)."""
    now = now or now_utc()
    if not pilot_policy.may_create(idea, actor):
        require_allowed(pilot_policy.may_start(idea, actor),
                        _l("Only a coordinator of the idea's hackathon can start its pilot."))
        raise WrongState(pilot_policy.refusal(idea))
    team = idea.team
    data = data or {}
    defaults: dict[str, Any] = {"title": idea.title, "summary": idea.summary}
    if idea.budget_eur is not None:
        defaults["budget_eur"] = idea.budget_eur
    schema = PilotInput()
    values, errors = read(schema, {**defaults, **data})
    title, summary = values.get("title", ""), values.get("summary", "")
    start, end = values.get("start_date"), values.get("end_date")
    check_dates(errors, start, end)
    budget = values.get("budget_eur")
    lead, partners = read_municipalities(
        data, values, errors, lead_default=team.municipality_id,
        partners_default=[m.id for m in team.partner_municipalities])
    region = charged_region(idea.hackathon, lead)
    evidence_required = values.get("evidence_required", False)
    if "coordinator_id" in data:
        coordinator = read_coordinator(values, errors, region, idea.hackathon)
    else:
        coordinator = actor if getattr(actor, "is_coordinator", False) else None
    rows = data.get("indicators")
    if rows is None:  # not sent: carry over those proposed indicators that are complete
        # (their dates are the pilot's: without those, the dates' own messages say it all)
        rows = ([r for r in proposed_indicators(idea) if r["direction"]]
                if start and end else [])
    indicator_values = _indicator_rows(errors, rows, start, end)
    funding = _funding_rows(errors, data.get("funding") or [])
    check(errors, schema)

    pilot = Pilot(idea=idea, hackathon_id=idea.hackathon_id, team=team, title=title,
                  summary=summary, lead_municipality=lead, region_code=region,
                  partner_municipalities=partners, start_date=start, end_date=end,
                  approved_budget_eur=budget, coordinator=coordinator,
                  status=PilotStatus.PLANNED, evidence_required=evidence_required,
                  created_at=now, created_by_id=actor.id, updated_at=now,
                  updated_by_id=actor.id)
    for position, values in enumerate(indicator_values):
        pilot.indicators.append(Indicator(position=position, created_at=now, **values))
    for values in funding:
        pilot.funding_lines.append(FundingLine(**values))
    pilot.status_changes.append(PilotStatusChange(
        from_status=None, to_status=PilotStatus.PLANNED, at=now, actor_id=actor.id,
        reason=str(_l("Pilot started from the winning idea."))))
    db.session.add(pilot)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another coordinator started it a moment ago
        raise WrongState(_l("This idea already has a pilot.")) from None
    audit("pilot.create", pilot, actor=actor, now=now, after=snapshot(pilot))
    return pilot


# A person reads the labels of the form, never the field names.
INDICATOR_LABELS = {
    "name": _l("Indicator"), "unit": _l("Unit"), "direction": _l("Direction"),
    "baseline": _l("Baseline value"), "baseline_on": _l("Baseline date"),
    "target": _l("Target value"), "target_on": _l("Target date"),
}


def _indicator_rows(errors: Errors, rows: Any, start: date | None,
                    end: date | None) -> list[dict]:
    if not isinstance(rows, list) or len(rows) > INDICATORS_MAX:
        fail(errors, "indicators", _l("Send at most %(n)d indicators as a list.",
                                      n=INDICATORS_MAX))
        return []
    values = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            fail(errors, "indicators", _l("Indicator %(n)d: fill in its fields.", n=number))
            continue
        checked, problems = indicator_values(filled(row, baseline_on=start, target_on=end))
        for name, messages in problems.items():
            for message in messages:
                fail(errors, "indicators", _l("Indicator %(n)d, %(field)s: %(message)s",
                                              n=number, field=INDICATOR_LABELS.get(name, name),
                                              message=message))
        if not problems:
            values.append(checked)
    return values


def _funding_rows(errors: Errors, rows: Any) -> list[dict]:
    if not isinstance(rows, list) or len(rows) > FUNDING_LINES_MAX:
        fail(errors, "funding", _l("Send at most %(n)d funding lines as a list.",
                                   n=FUNDING_LINES_MAX))
        return []
    values = []
    for row in rows:
        checked, problems = read(FundingInput(), row if isinstance(row, dict) else {})
        for name, messages in problems.items():
            errors.setdefault(f"funding.{name}", []).extend(messages)
        if not problems:
            values.append(checked)
    return values
