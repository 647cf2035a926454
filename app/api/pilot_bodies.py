"""The bodies the pilots API answers with, in the shapes app.pilots.schemas documents:
public fields for anyone, internal ones for the team and the pilot's coordinators, and the
computed values (progress, health, money) beside them."""

from __future__ import annotations

from flask_login import current_user

from app.core.clock import today_riga
from app.pilots import queries
from app.pilots.charts import plain_number
from app.pilots.health import badge_text, reason_text
from app.pilots.models import Pilot
from app.pilots.models_plan import Indicator, Milestone
from app.pilots.models_reports import PilotUpdate


def _money(value) -> str:
    return f"{value:.2f}"


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _municipality(m) -> dict:
    return {"id": m.id, "name": m.name, "region": m.region_code}


def _theme(theme) -> dict | None:
    return {"id": theme.id, "name": theme.name, "instrument_id": theme.instrument_id} \
        if theme is not None else None


def _reason(reason) -> dict:
    return {**reason.as_dict(), "text": reason_text(reason)}


def milestone_body(m: Milestone, *, internal: bool) -> dict:
    body = {"id": m.id, "pilot_id": m.pilot_id, "title": m.title, "description": m.description,
            "due_date": _day(m.due_date), "weight": plain_number(m.weight),
            "status": m.status.value, "completed_on": _day(m.completed_on)}
    if internal:
        body.update(evidence=m.evidence_text, evidence_url=m.evidence_url,
                    has_evidence_document=m.evidence_document_id is not None)
    return body


def measurement_body(m) -> dict:
    return {"id": m.id, "indicator_id": m.indicator_id, "value": plain_number(m.value),
            "measured_on": _day(m.measured_on), "note": m.note}


def indicator_body(i: Indicator) -> dict:
    reached = i.achievement()
    return {"id": i.id, "pilot_id": i.pilot_id, "name": i.name, "unit": i.unit,
            "direction": i.direction, "baseline": plain_number(i.baseline_value),
            "baseline_on": _day(i.baseline_on), "target": plain_number(i.target_value),
            "target_on": _day(i.target_on),
            "achievement_percent": str(reached) if reached is not None else None,
            "measurements": [measurement_body(m) for m in i.measurements]}


def expense_body(e) -> dict:
    return {**public_expense_body(e), "has_document": e.document_id is not None,
            "document_public": e.document_public}


def public_expense_body(e) -> dict:
    return {"id": e.id, "pilot_id": e.pilot_id, "amount_eur": _money(e.amount_eur),
            "spent_on": _day(e.spent_on), "description": e.description,
            "category": e.category.value,
            "has_public_document": e.document_id is not None and e.document_public}


def funding_body(f) -> dict:
    return {"id": f.id, "kind": f.kind.value, "label": f.label,
            "amount_eur": _money(f.amount_eur), "vat_eur": _money(f.vat_eur)}


def update_body(u: PilotUpdate, *, internal: bool) -> dict:
    body = {"id": u.id, "pilot_id": u.pilot_id, "reported_on": _day(u.reported_on),
            "body": u.body, "body_html": u.body_html}
    if internal:
        body.update(public=u.public, status=u.status.value, review_note=u.review_note,
                    submitted_at=u.submitted_at.isoformat() if u.submitted_at else None)
    return body


def list_body(row: queries.PilotRow) -> dict:
    """The public fields and computed values of a pilot, as the list shows them."""
    p = row.pilot
    nxt = row.next_milestone
    return {
        "id": p.id, "idea_id": p.idea_id, "hackathon_id": p.hackathon_id, "title": p.title,
        "summary": p.summary, "summary_html": p.summary_html,
        "status": p.status.value, "region": p.region_code,
        "lead_municipality": _municipality(p.lead_municipality),
        "partner_municipalities": [_municipality(m) for m in p.partner_municipalities],
        "start_date": _day(p.start_date), "end_date": _day(p.end_date),
        "budget_eur": _money(p.approved_budget_eur), "spent_eur": _money(row.spent),
        "remaining_eur": _money(row.remaining), "progress": row.progress,
        "health": row.level, "health_badge": row.health.badge,
        "health_text": badge_text(row.health),
        "health_reasons": [_reason(r) for r in row.health.reasons],
        "next_milestone": {"id": nxt.id, "title": nxt.title, "due_date": _day(nxt.due_date)}
        if nxt else None,
        "last_report_on": _day(row.last_report_on),
        "assessment_theme": _theme(p.assessment_theme),
    }


def pilot_body(pilot: Pilot, *, internal: bool) -> dict:
    """A pilot with its computed values; internal fields only when `internal`."""
    row = queries.summarize(pilot, None, today_riga())
    body = list_body(row)
    body["team"] = {"id": pilot.team_id, "name": pilot.team.name}
    body["milestones"] = [milestone_body(m, internal=internal) for m in pilot.milestones]
    body["indicators"] = [indicator_body(i) for i in pilot.indicators]
    body["funding"] = [funding_body(f) for f in pilot.funding_lines]
    body["funding_split"] = {source: {name: _money(value) for name, value in amounts.items()}
                             for source, amounts in pilot.funding_by_source().items()}
    body["charged_region"] = pilot.region_code
    body["charged_to_lead_region"] = pilot.charged_to_lead_region
    body["public_expenses"] = [public_expense_body(e) for e in pilot.expenses]
    updates = pilot.updates if internal else pilot.public_updates()
    body["updates"] = [update_body(u, internal=internal) for u in updates]
    body["replications"] = [{"id": r.id, "municipality": _municipality(r.municipality),
                             "status": r.status.value, "started_on": _day(r.started_on),
                             "note": r.note} for r in pilot.replications]
    evaluation = pilot.evaluation
    body["evaluation"] = {"results": evaluation.results, "lessons": evaluation.lessons,
                          "recommendation": evaluation.recommendation.value,
                          "evaluated_at": evaluation.evaluated_at.isoformat()} \
        if evaluation else None
    if internal:
        body.update(
            version=pilot.version, evidence_required=pilot.evidence_required,
            coordinator={"id": pilot.coordinator.id, "name": pilot.coordinator.name}
            if pilot.coordinator else None,
            expenses=[expense_body(e) for e in pilot.expenses],
            status_changes=[{"from": c.from_status.value if c.from_status else None,
                             "to": c.to_status.value, "at": c.at.isoformat(),
                             "by": c.actor.name if c.actor else None, "reason": c.reason}
                            for c in pilot.status_changes],
            can_edit=pilot.can_edit(current_user), can_manage=pilot.can_manage(current_user))
    return body
