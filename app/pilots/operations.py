"""Pilot operations: from winner to pilot, the plan, milestones, indicators, money, reports,
the final evaluation and replication.

Operations check who may act (NotAllowed → 403), validate (Invalid → 422 with every
field's message), follow the status machines (WrongState → 409), flush and never
commit: the page view or the API endpoint commits. Each takes `now` (default: the
clock). Amounts are Decimal from end to end (money.parse_amount / check_amount).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit
from app.core.clock import PLAUSIBLE_YEARS, now_utc, today_riga
from app.core.collation import collated
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.extensions import db
from app.ideas.models import Idea
from app.mail.operations import queue_mail
from app.pilots import documents
from app.pilots import policy as pilot_policy
from app.pilots.indicators import (
    DIRECTIONS,
    PROBLEM_MESSAGES,
    indicator_problems,
    measurement_date_problem,
)
from app.pilots.models import (
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_MAX,
    URL_MAX,
    Expense,
    FundingLine,
    Indicator,
    Measurement,
    Milestone,
    Pilot,
    PilotDocument,
    PilotEvaluation,
    PilotStatusChange,
    PilotUpdate,
    Replication,
)
from app.pilots.money import AmountError, check_amount, parse_amount
from app.pilots.states import (
    MILESTONE_TRANSITIONS,
    PILOT_TRANSITIONS,
    REPLICATION_TRANSITIONS,
    UPDATE_TRANSITIONS,
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
    can_move,
)
from app.places.models import Municipality
from app.public import follow

WEIGHT_MAX = Decimal("9999.99")
VALUE_MAX = Decimal("999999999999.9999")
INDICATORS_MAX = 20
_DATE_LV = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_NUMBER = re.compile(r"[-\u2212+]?\d+(?:[.,]\d+)?")
_LEADING_NUMBER = re.compile(r"\s*([-\u2212+]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?)\s*(.*)")

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


class StalePilot(StaleVersion):
    """An edit based on an older version; `pilot` is the stored one (the API adds `current`)."""

    def __init__(self, pilot: Pilot):
        super().__init__(_l("Someone saved this pilot after you opened it. Compare your "
                            "values with the saved ones and save again."), current=pilot)
        self.pilot = pilot


# --- reading fields --------------------------------------------------------------------------

class _Fields:
    """Reads a dict of user input field by field, collecting every message before raising."""

    def __init__(self, data: dict):
        self.data = data or {}
        self.errors: dict[str, list] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def fail(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise Invalid(errors=self.errors)

    def text(self, name: str, *, required: bool = False, max_length: int = TEXT_MAX,
             default: str = "") -> str:
        value = self.data.get(name, default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _l("Enter text."))
            return default
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if required and not value:
            self.fail(name, _l("Fill in this field."))
        elif len(value) > max_length:
            self.fail(name, _l("Use at most %(max)d characters (now %(n)d).",
                               max=max_length, n=len(value)))
        return value

    def date(self, name: str, *, required: bool = True, default: date | None = None
             ) -> date | None:
        value = self.data.get(name)
        if value in (None, ""):
            value = default
        parsed = parse_date(value)
        if parsed is None:
            if value in (None, "") and not required:
                return None
            if value in (None, ""):
                self.fail(name, _l("Enter a date."))
            else:
                self.fail(name, _l("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))
        elif not PLAUSIBLE_YEARS[0] <= parsed.year <= PLAUSIBLE_YEARS[1]:
            self.fail(name, _l("Enter a date between the years %(first)d and %(last)d.",
                               first=PLAUSIBLE_YEARS[0], last=PLAUSIBLE_YEARS[1]))
            return None
        return parsed

    def amount(self, name: str, *, allow_zero: bool = True) -> Decimal | None:
        try:
            return read_amount(self.data.get(name), allow_zero=allow_zero)
        except AmountError as error:
            self.fail(name, error.message)
            return None

    def number(self, name: str) -> Decimal | None:
        value, problem = read_number(self.data.get(name))
        if problem:
            self.fail(name, problem)
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "y", "yes", "on"):
            return True
        if value in (None, "", 0) or (isinstance(value, str)
                                     and value.lower() in ("0", "false", "n", "no", "off")):
            return False
        self.fail(name, _l("Answer yes or no."))
        return default

    def choice(self, name: str, enum_type, *, required: bool = True, default=None):
        value = self.data.get(name, default)
        if value in (None, ""):
            if required:
                self.fail(name, _l("Choose one of the options."))
            return None
        try:
            return enum_type(value)
        except ValueError:
            self.fail(name, _l("Choose one of: %(options)s.",
                               options=", ".join(m.value for m in enum_type)))
            return None

    def url(self, name: str) -> str:
        value = self.text(name, max_length=URL_MAX)
        if value and not re.fullmatch(r"https?://[^\s<>\"]+", value):
            self.fail(name, _l("Enter a web address starting with https:// or http://."))
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, _l("Choose one of the options."))
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            self.fail(name, _l("Choose one of the options."))
            return None
        return value


def parse_date(value: Any) -> date | None:
    """A date from a form or JSON: a date, "2026-03-01" or the Latvian "1.03.2026."."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        match = _DATE_LV.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def read_amount(value: Any, *, allow_zero: bool = True) -> Decimal:
    """An amount in EUR from a form ("1 500,50") or JSON ("1500.50" or 1500.5), exact."""
    if isinstance(value, bool):
        raise AmountError("not_a_number")
    if isinstance(value, Decimal | int):
        return check_amount(value, allow_zero=allow_zero)
    if isinstance(value, float):
        # JSON numbers arrive as floats; their shortest text is what the client wrote.
        value = repr(value) if value == value and abs(value) != float("inf") else "x"
        if "e" in value.lower():
            raise AmountError("not_a_number")
    if value is not None and not isinstance(value, str):
        raise AmountError("not_a_number")
    if isinstance(value, str):
        value = value.strip().removesuffix("€").removesuffix("EUR").strip()
    return parse_amount(value, allow_zero=allow_zero)


def read_number(value: Any) -> tuple[Decimal | None, Any]:
    """An indicator's value: any sign, at most four decimals; never a float's noise."""
    message = _l("Enter a number, for example 42 or 3,5.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _l("Enter a number.")
    if isinstance(value, bool):
        return None, message
    if isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            return None, message
        value = repr(value)
        if "e" in value.lower():
            return None, message
    if isinstance(value, int | Decimal):
        value = str(value)
    if not isinstance(value, str):
        return None, message
    text = re.sub(r"[ \u00a0\u202f]", "", value.strip()).replace("\u2212", "-")
    if not _NUMBER.fullmatch(text):
        return None, message
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, message
    if abs(number) > VALUE_MAX:
        return None, _l("The number is too large.")
    if number != number.quantize(Decimal("0.0001")):
        return None, _l("Use at most four decimals.")
    return number, None


def read_weight(value: Any) -> tuple[Decimal | None, Any]:
    """A milestone's weight: a number above zero, at most two decimals."""
    if value is None or value == "":
        return Decimal("1"), None
    number, problem = read_number(value)
    if problem or number is None:
        return None, _l("The weight is a number above zero, for example 1 or 2,5.")
    if number <= 0:
        return None, _l("The weight must be more than zero.")
    if number > WEIGHT_MAX or number != number.quantize(Decimal("0.01")):
        return None, _l("The weight is at most 9999,99, with at most two decimals.")
    return number, None


def split_proposed_value(text: str) -> tuple[Decimal | None, str]:
    """"62 %" → (62, "%"); "45" → (45, ""); "about forty" → (None, "")."""
    match = _LEADING_NUMBER.fullmatch(text or "")
    if not match:
        return None, ""
    number, _problem = read_number(match[1])
    return number, match[2].strip()[:UNIT_MAX]


# --- permission helpers ------------------------------------------------------------------------

def _require(allowed: bool, message=None) -> None:
    if not allowed:
        raise NotAllowed(message or _l("You may not change this pilot."))


def _audit(action: str, obj, *, actor, now, before=None, after=None, object_type=None):
    record_audit(action, actor=actor, object_type=object_type or type(obj).__name__.lower(),
                 object_id=obj.id, before=before, after=after, now=now)


def _touch(pilot: Pilot, actor, now: datetime) -> None:
    """Mark the pilot as changed (bumps its version: an open edit form becomes stale)."""
    pilot.updated_at = now
    pilot.updated_by_id = getattr(actor, "id", None)


def _flush_pilot(pilot: Pilot) -> None:
    """Flush; a concurrent edit that won the race makes this one stale, never lost silently."""
    try:
        db.session.flush()
    except StaleDataError:
        # The caller's savepoint (web.attempt) or the request's rollback undoes the rest;
        # the pilot, expired then, reads the stored version.
        raise StalePilot(pilot) from None


# --- from winner to pilot ----------------------------------------------------------------------

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


def _coordinator(fields: _Fields, pilot_region: str | None, hackathon) -> Any:
    from app.accounts.models import User

    user_id = fields.integer("coordinator_id")
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.is_coordinator or not (
            user.coordinates_region(pilot_region) or hackathon.can_manage(user)):
        fields.fail("coordinator_id", _l("Choose a coordinator of the pilot's planning region "
                                         "or a national coordinator."))
        return None
    return user


def _assessment_theme(fields: _Fields) -> int | None:
    """The id of an existing assessment theme, or None for none."""
    from app.programme.models import Theme

    if fields.data.get("assessment_theme_id") in (None, ""):
        return None
    theme_id = fields.integer("assessment_theme_id")
    if theme_id is None:
        return None  # the field's message is recorded already
    if db.session.get(Theme, theme_id) is None:
        fields.fail("assessment_theme_id", _l("Choose one of the assessment themes offered."))
        return None
    return theme_id


def _municipalities(fields: _Fields, *, lead_default: int | None,
                    partners_default: Iterable[int]) -> tuple[Municipality | None, list]:
    lead_id = fields.integer("lead_municipality_id") if fields.has("lead_municipality_id") \
        else lead_default
    lead = db.session.get(Municipality, lead_id) if lead_id else None
    if lead is None:
        fields.fail("lead_municipality_id", _l("Choose the lead municipality."))
    raw = fields.data.get("partner_municipality_ids", list(partners_default))
    if raw is None:
        raw = []
    if not isinstance(raw, list | tuple) or any(
            isinstance(i, bool) or not isinstance(i, int | str) for i in raw):
        fields.fail("partner_municipality_ids", _l("Choose municipalities from the list."))
        return lead, []
    ids = []
    for item in raw:
        text = str(item).strip()
        if not text.isdigit() or len(text) > 9:
            fields.fail("partner_municipality_ids", _l("Choose municipalities from the list."))
            return lead, []
        if int(text) not in ids:
            ids.append(int(text))
    partners = list(db.session.scalars(select(Municipality).where(Municipality.id.in_(ids)))) \
        if ids else []
    if len(partners) != len(ids):
        fields.fail("partner_municipality_ids", _l("Choose municipalities from the list."))
    if lead is not None and lead in partners:
        partners.remove(lead)  # the lead is not its own partner
    return lead, collated(partners, key=lambda m: m.name)


def charged_region(hackathon, lead: Municipality | None) -> str | None:
    """The region whose envelope pays: the one that organised the hackathon that chose the
    idea; a national hackathon has none, so its pilot is charged to the lead's region."""
    if hackathon.region_code is not None:
        return hackathon.region_code
    return lead.region_code if lead is not None else None


def _check_dates(fields: _Fields, start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end <= start:
        fields.fail("end_date", _l("The end date must be after the start date."))


def create_pilot(idea: Idea, data: dict, *, actor, now: datetime | None = None) -> Pilot:
    """Turn a winning idea into a pilot: its title, summary, team, municipalities, proposed
    indicators and budget are carried over (and may be changed in `data`)."""
    now = now or now_utc()
    _require(pilot_policy.may_start(idea, actor),
             _l("Only a coordinator of the idea's hackathon can start its pilot."))
    refused = pilot_policy.refusal(idea)
    if refused is not None:
        raise WrongState(refused)
    team = idea.team
    fields = _Fields(data)
    title = fields.text("title", required=True, max_length=TITLE_MAX, default=idea.title)
    summary = fields.text("summary", default=idea.summary)
    start = fields.date("start_date")
    end = fields.date("end_date")
    _check_dates(fields, start, end)
    if not fields.has("budget_eur") and idea.budget_eur is not None:
        fields.data = {**fields.data, "budget_eur": idea.budget_eur}
    budget = fields.amount("budget_eur", allow_zero=False)
    lead, partners = _municipalities(
        fields, lead_default=team.municipality_id,
        partners_default=[m.id for m in team.partner_municipalities])
    region = charged_region(idea.hackathon, lead)
    evidence_required = fields.boolean("evidence_required")
    if fields.has("coordinator_id"):
        coordinator = _coordinator(fields, region, idea.hackathon)
    else:
        coordinator = actor if getattr(actor, "is_coordinator", False) else None
    rows = data.get("indicators")
    if rows is None:  # not sent: carry over those proposed indicators that are complete
        rows = [r for r in proposed_indicators(idea) if r["direction"]]
    indicator_values = _indicator_rows(fields, rows, start, end)
    funding = _funding_rows(fields, data.get("funding") or [])
    fields.check()

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
    _audit("pilot.create", pilot, actor=actor, now=now, after=_snapshot(pilot))
    return pilot


# A person reads the labels of the form, never the field names.
INDICATOR_LABELS = {
    "name": _l("Indicator"), "unit": _l("Unit"), "direction": _l("Direction"),
    "baseline": _l("Baseline value"), "baseline_on": _l("Baseline date"),
    "target": _l("Target value"), "target_on": _l("Target date"),
}


def _indicator_rows(fields: _Fields, rows: Any, start: date | None,
                    end: date | None) -> list[dict]:
    if not isinstance(rows, list) or len(rows) > INDICATORS_MAX:
        fields.fail("indicators", _l("Send at most %(n)d indicators as a list.",
                                     n=INDICATORS_MAX))
        return []
    values = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            fields.fail("indicators", _l("Indicator %(n)d: fill in its fields.", n=number))
            continue
        sub = _Fields({"baseline_on": start, "target_on": end,
                       **{k: v for k, v in row.items()
                          if k not in ("baseline_on", "target_on") or v not in (None, "")}})
        checked = _indicator_values(sub)
        for name, messages in sub.errors.items():
            for message in messages:
                fields.fail("indicators", _l("Indicator %(n)d, %(field)s: %(message)s",
                                             n=number, field=INDICATOR_LABELS.get(name, name),
                                             message=message))
        if not sub.errors:
            values.append(checked)
    return values


def _funding_rows(fields: _Fields, rows: Any) -> list[dict]:
    if not isinstance(rows, list):
        fields.fail("funding", _l("Send the funding lines as a list."))
        return []
    values = []
    for row in rows:
        sub = _Fields(row if isinstance(row, dict) else {})
        checked = _funding_values(sub)
        for name, messages in sub.errors.items():
            fields.errors.setdefault(f"funding.{name}", []).extend(messages)
        if not sub.errors:
            values.append(checked)
    return values


TRACKED = ("title", "summary", "start_date", "end_date", "approved_budget_eur",
           "coordinator_id", "lead_municipality_id", "region_code", "evidence_required",
           "status", "assessment_theme_id")


def _snapshot(pilot: Pilot) -> dict:
    data = {name: getattr(pilot, name) for name in TRACKED}
    data["partner_municipality_ids"] = sorted(m.id for m in pilot.partner_municipalities)
    return data


# --- the plan --------------------------------------------------------------------------------

def update_pilot(pilot: Pilot, data: dict, *, actor, now: datetime | None = None) -> Pilot:
    """Change the fields sent (the caller checks the version edited: web.expect_version).
    A `status` is a transition (with `status_reason`); an edit that loses a race with
    another raises StalePilot."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    fields = _Fields(data)
    values: dict[str, Any] = {}
    if fields.has("title"):
        values["title"] = fields.text("title", required=True, max_length=TITLE_MAX)
    if fields.has("summary"):
        values["summary"] = fields.text("summary")
    if fields.has("start_date"):
        values["start_date"] = fields.date("start_date")
    if fields.has("end_date"):
        values["end_date"] = fields.date("end_date")
    if fields.has("budget_eur"):
        values["approved_budget_eur"] = fields.amount("budget_eur", allow_zero=False)
    if fields.has("evidence_required"):
        values["evidence_required"] = fields.boolean("evidence_required")
    if fields.has("lead_municipality_id") or fields.has("partner_municipality_ids"):
        lead, partners = _municipalities(
            fields, lead_default=pilot.lead_municipality_id,
            partners_default=[m.id for m in pilot.partner_municipalities])
        if lead is not None:
            values["lead_municipality_id"] = lead.id
            values["region_code"] = charged_region(pilot.hackathon, lead)
        values["partner_municipality_ids"] = sorted(m.id for m in partners)
    if fields.has("coordinator_id"):
        coordinator = _coordinator(fields, values.get("region_code", pilot.region_code),
                                   pilot.hackathon)
        values["coordinator_id"] = coordinator.id if coordinator else None
    if fields.has("assessment_theme_id"):
        values["assessment_theme_id"] = _assessment_theme(fields)
    _check_dates(fields, values.get("start_date", pilot.start_date),
                 values.get("end_date", pilot.end_date))
    status = fields.choice("status", PilotStatus, required=False) if fields.has("status") \
        else None
    reason = fields.text("status_reason", max_length=NOTE_MAX)
    fields.check()

    before = _snapshot(pilot)
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
        _touch(pilot, actor, now)
    _flush_pilot(pilot)
    after = _snapshot(pilot)
    if after != before:
        _audit("pilot.update", pilot, actor=actor, now=now, before=before, after=after)
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
    _require(pilot.can_move_to(actor, to),
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
    _touch(pilot, actor, now)
    if flush:
        _flush_pilot(pilot)
    record_audit("pilot.status", actor=actor, object_type="pilot", object_id=pilot.id,
                 before={"status": before}, after={"status": to, "reason": reason}, now=now)
    follow.notify_status_changed(pilot, before, to, actor=actor, now=now)  # the followers
    return pilot


# --- money -------------------------------------------------------------------------------------

def _funding_values(fields: _Fields) -> dict:
    kind = fields.choice("kind", FundingKind)
    label = fields.text("label", max_length=TITLE_MAX)
    amount = fields.amount("amount_eur", allow_zero=False)
    vat = fields.amount("vat_eur") if fields.data.get("vat_eur") not in (None, "") \
        else Decimal("0.00")
    return {"kind": kind, "label": label, "amount_eur": amount, "vat_eur": vat}


def add_funding_line(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                     ) -> FundingLine:
    """Add a source of the approved budget (programme funds, co-financing, VAT...)."""
    now = now or now_utc()
    _require(pilot.can_manage(actor), _l("Only the pilot's coordinators can change its "
                                         "funding."))
    fields = _Fields(data)
    values = _funding_values(fields)
    fields.check()
    line = FundingLine(pilot=pilot, **values)
    db.session.add(line)
    db.session.flush()
    _audit("pilot.funding.add", line, actor=actor, now=now, object_type="funding_line",
           after={"pilot_id": pilot.id, **values})
    return line


def remove_funding_line(line: FundingLine, *, actor, now: datetime | None = None) -> None:
    """Remove a funding line (its removal is kept in the audit trail)."""
    now = now or now_utc()
    _require(line.pilot.can_manage(actor), _l("Only the pilot's coordinators can change its "
                                              "funding."))
    _audit("pilot.funding.remove", line, actor=actor, now=now, object_type="funding_line",
           before={"pilot_id": line.pilot_id, "kind": line.kind, "label": line.label,
                   "amount_eur": line.amount_eur})
    line.pilot.funding_lines.remove(line)
    db.session.flush()


def check_expense(pilot: Pilot, data: dict, *, actor, now: datetime | None = None) -> dict:
    """The values record_expense would store (Invalid or NotAllowed otherwise); writes
    nothing, so that a batch checks every row before it writes any."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    fields = _Fields(data)
    amount = fields.amount("amount_eur", allow_zero=False)
    spent_on = fields.date("spent_on")
    if spent_on is not None and spent_on > today_riga(now):
        fields.fail("spent_on", _l("An expense cannot be dated in the future."))
    elif spent_on is not None:
        _check_expense_date(fields, pilot, spent_on)
    description = fields.text("description", required=True, max_length=NOTE_MAX)
    category = fields.choice("category", ExpenseCategory, default=ExpenseCategory.OTHER.value)
    document_public = fields.boolean("document_public")
    fields.check()
    return {"amount_eur": amount, "spent_on": spent_on, "description": description,
            "category": category, "document_public": document_public}


def record_expense(pilot: Pilot, data: dict, *, actor, now: datetime | None = None,
                   document: PilotDocument | None = None) -> Expense:
    """Record money spent: a positive amount in EUR, its date (not in the future), what for."""
    now = now or now_utc()
    values = check_expense(pilot, data, actor=actor, now=now)
    return record_expenses([(pilot, values, document)], actor=actor, now=now)[0]


def record_expenses(checked: list[tuple[Pilot, dict, PilotDocument | None]], *, actor,
                    now: datetime, notes: list[dict] | None = None) -> list[Expense]:
    """Store expenses whose values check_expense returned, in one flush for all (a workbook's
    hundreds of rows would otherwise wait for hundreds of round trips), each audited;
    `notes[i]` is added to the i-th audit entry (where an import came from)."""
    expenses = []
    for pilot, values, document in checked:
        values = dict(values)
        values["document_public"] = values.get("document_public", False) and document is not None
        expenses.append(Expense(pilot=pilot, document=document, created_at=now,
                                created_by_id=actor.id, **values))
    db.session.add_all(expenses)
    db.session.flush()
    for index, expense in enumerate(expenses):
        _audit("pilot.expense.add", expense, actor=actor, now=now,
               after={"pilot_id": expense.pilot.id, "amount_eur": expense.amount_eur,
                      "spent_on": expense.spent_on, "description": expense.description,
                      "category": expense.category, **(notes[index] if notes else {})})
    return expenses


def expense_grace_days() -> int:
    """Invoices for the last weeks' work arrive after a pilot ends: how many days they may."""
    return int(current_app.config.get("PILOT_EXPENSE_GRACE_DAYS", 60))


def _check_expense_date(fields: _Fields, pilot: Pilot, spent_on: date) -> None:
    last = pilot.end_date + timedelta(days=expense_grace_days())
    if not pilot.start_date <= spent_on <= last:
        fields.fail("spent_on", _l(
            "An expense must be dated between the pilot's start (%(start)s) and %(last)s "
            "(its end, %(end)s, and %(days)d days for late invoices).",
            start=format_date(pilot.start_date), end=format_date(pilot.end_date),
            last=format_date(last), days=expense_grace_days()))


def _check_due_date(fields: _Fields, pilot: Pilot, due: date) -> None:
    if not pilot.start_date <= due <= pilot.end_date:
        fields.fail("due_date", _l(
            "A milestone must be due within the pilot, between %(start)s and %(end)s.",
            start=format_date(pilot.start_date), end=format_date(pilot.end_date)))


def delete_expense(expense: Expense, *, actor, now: datetime | None = None) -> None:
    """Remove an expense entered by mistake (the audit trail keeps what it was)."""
    delete_expenses([expense], actor=actor, now=now or now_utc())


def delete_expenses(expenses: list[Expense], *, actor, now: datetime,
                    notes: list[dict] | None = None) -> None:
    """Remove expenses (a batch: one flush), each kept in the audit trail with `notes[i]`."""
    for index, expense in enumerate(expenses):
        _require(expense.pilot.can_edit(actor))
        _audit("pilot.expense.delete", expense, actor=actor, now=now,
               before={"pilot_id": expense.pilot_id, "amount_eur": expense.amount_eur,
                       "spent_on": expense.spent_on, "description": expense.description},
               after=notes[index] if notes else None)
        expense.pilot.expenses.remove(expense)
    db.session.flush()


# --- milestones --------------------------------------------------------------------------------

def add_milestone(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                  ) -> Milestone:
    """Plan a milestone: title, due date, weight above zero (default 1), description."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    fields = _Fields(data)
    title = fields.text("title", required=True, max_length=TITLE_MAX)
    description = fields.text("description")
    due = fields.date("due_date")
    if due is not None:
        _check_due_date(fields, pilot, due)
    weight, problem = read_weight(data.get("weight"))
    if problem:
        fields.fail("weight", problem)
    fields.check()
    milestone = Milestone(pilot=pilot, title=title, description=description, due_date=due,
                          weight=weight, status=MilestoneStatus.PLANNED, created_at=now,
                          updated_at=now)
    db.session.add(milestone)
    db.session.flush()
    _audit("pilot.milestone.add", milestone, actor=actor, now=now,
           after={"pilot_id": pilot.id, "title": title, "due_date": due, "weight": weight})
    return milestone


MILESTONE_FIELDS = ("title", "description", "due_date", "weight", "status", "completed_on",
                    "evidence_text", "evidence_url", "evidence_document_id")


def update_milestone(milestone: Milestone, data: dict, *, actor, now: datetime | None = None,
                     document: PilotDocument | None = None) -> Milestone:
    """Change a milestone; its status moves along the table. Done needs a completion date
    (default today, not in the future) and, where the pilot requires it, evidence."""
    now = now or now_utc()
    pilot = milestone.pilot
    _require(pilot.can_edit(actor))
    today = today_riga(now)
    fields = _Fields(data)
    values: dict[str, Any] = {}
    if fields.has("title"):
        values["title"] = fields.text("title", required=True, max_length=TITLE_MAX)
    if fields.has("description"):
        values["description"] = fields.text("description")
    if fields.has("due_date"):
        values["due_date"] = fields.date("due_date")
        if values["due_date"] is not None and values["due_date"] != milestone.due_date:
            _check_due_date(fields, pilot, values["due_date"])
    if fields.has("weight"):
        weight, problem = read_weight(data.get("weight"))
        if problem or data.get("weight") in (None, ""):
            fields.fail("weight", problem or _l("The weight must be more than zero."))
        values["weight"] = weight
    for name, key in (("evidence_text", "evidence"), ("evidence_text", "evidence_text")):
        if fields.has(key):
            values[name] = fields.text(key, max_length=TEXT_MAX)
    if fields.has("evidence_url"):
        values["evidence_url"] = fields.url("evidence_url")
    if document is not None:
        values["evidence_document_id"] = document.id
    status = fields.choice("status", MilestoneStatus, required=False) \
        if fields.has("status") else None
    completed_on = fields.date("completed_on", required=False) \
        if fields.has("completed_on") else None
    if completed_on is not None and completed_on > today:
        fields.fail("completed_on", _l("The completion date cannot be in the future."))
    fields.check()

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
        _audit("pilot.milestone.update", milestone, actor=actor, now=now,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return milestone


# --- indicators and measurements -----------------------------------------------------------

def _indicator_values(fields: _Fields) -> dict:
    name = fields.text("name", required=True, max_length=TITLE_MAX)
    unit = fields.text("unit", max_length=UNIT_MAX)
    direction = fields.text("direction", required=True, max_length=10)
    if direction and direction not in DIRECTIONS:
        fields.fail("direction", _l("Choose increase or decrease."))
    baseline = fields.number("baseline")
    target = fields.number("target")
    baseline_on = fields.date("baseline_on")
    target_on = fields.date("target_on")
    if not fields.errors and baseline is not None and target is not None:  # None: it failed
        for field, code in indicator_problems(baseline, target, direction, baseline_on,
                                              target_on).items():
            fields.fail(field, PROBLEM_MESSAGES[code])
    return {"name": name, "unit": unit, "direction": direction, "baseline_value": baseline,
            "target_value": target, "baseline_on": baseline_on, "target_on": target_on}


def add_indicator(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                  ) -> Indicator:
    """Add an outcome indicator. The baseline date defaults to the pilot's start, the target
    date to its end; the target must lie in the indicator's direction from the baseline."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    fields = _Fields({"baseline_on": pilot.start_date, "target_on": pilot.end_date,
                      **{k: v for k, v in (data or {}).items() if v not in (None, "")
                         or k not in ("baseline_on", "target_on")}})
    values = _indicator_values(fields)
    if len(pilot.indicators) >= INDICATORS_MAX:
        fields.fail("name", _l("A pilot has at most %(n)d indicators.", n=INDICATORS_MAX))
    fields.check()
    indicator = Indicator(pilot=pilot, position=len(pilot.indicators), created_at=now,
                          **values)
    db.session.add(indicator)
    db.session.flush()
    _audit("pilot.indicator.add", indicator, actor=actor, now=now,
           after={"pilot_id": pilot.id, **values})
    return indicator


def check_measurement(indicator: Indicator, data: dict, *, actor,
                      now: datetime | None = None) -> dict:
    """The values record_measurement would store (Invalid or NotAllowed otherwise); writes
    nothing, so that a batch checks every row before it writes any."""
    now = now or now_utc()
    _require(indicator.pilot.can_edit(actor))
    fields = _Fields(data)
    value = fields.number("value")
    measured_on = fields.date("measured_on")
    note = fields.text("note", max_length=NOTE_MAX)
    if measured_on is not None:
        problem = measurement_date_problem(measured_on, indicator.baseline_on,
                                           today_riga(now))
        if problem:
            fields.fail("measured_on", PROBLEM_MESSAGES[problem])
    fields.check()
    return {"value": value, "measured_on": measured_on, "note": note}


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
        _audit("pilot.measurement.add", measurement, actor=actor, now=now,
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
        _require(measurement.indicator.pilot.can_edit(actor))
        _audit("pilot.measurement.delete", measurement, actor=actor, now=now,
               before={"indicator_id": measurement.indicator_id, "value": measurement.value,
                       "measured_on": measurement.measured_on, "note": measurement.note},
               after=notes[index] if notes else None)
        measurement.indicator.measurements.remove(measurement)
    db.session.flush()


# --- documents ---------------------------------------------------------------------------------

def add_document(pilot: Pilot, filename: str | None, data: bytes, *, actor,
                 now: datetime | None = None, field: str = "document") -> PilotDocument:
    """Store an evidence file or invoice for the pilot (checked by content; never public)."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    kind, problem = documents.check(data)
    if problem or kind is None:
        raise Invalid(errors={field: [problem]})
    stored_name, digest = documents.write_file(data)
    document = PilotDocument(pilot=pilot, stored_name=stored_name,
                             filename=documents.clean_filename(filename, kind),
                             content_type=kind.content_type, kind=kind.code, size=len(data),
                             sha256=digest, uploaded_at=now, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    _audit("pilot.document.add", document, actor=actor, now=now, object_type="pilot_document",
           after={"pilot_id": pilot.id, "filename": document.filename, "sha256": digest})
    return document


# --- progress reports --------------------------------------------------------------------------

def _update_values(fields: _Fields, now: datetime) -> tuple[str, bool, date | None]:
    body = fields.text("body", required=True, max_length=TEXT_MAX)
    public = fields.boolean("public")
    reported_on = fields.date("reported_on", default=today_riga(now))
    if reported_on is not None and reported_on > today_riga(now):
        fields.fail("reported_on", _l("A report cannot be dated in the future."))
    return body, public, reported_on


def post_update(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                ) -> PilotUpdate:
    """Write a progress report. An internal one is kept for the team and coordinators; a
    public one is submitted and published only once a coordinator approves it (one written
    by such a coordinator is approved as it is written)."""
    now = now or now_utc()
    _require(pilot.can_edit(actor))
    fields = _Fields(data)
    body, public, reported_on = _update_values(fields, now)
    fields.check()
    update = PilotUpdate(pilot=pilot, body=body, public=public, reported_on=reported_on,
                         created_at=now, created_by_id=actor.id,
                         status=UpdateStatus.SUBMITTED if public else UpdateStatus.INTERNAL)
    if public:
        update.submitted_at = now
        if pilot.can_approve_updates(actor):
            update.status = UpdateStatus.APPROVED
            update.reviewed_at, update.reviewed_by_id = now, actor.id
    db.session.add(update)
    db.session.flush()
    _audit("pilot.update.post", update, actor=actor, now=now, object_type="pilot_update",
           after={"pilot_id": pilot.id, "public": public, "status": update.status,
                  "reported_on": reported_on})
    return update


def revise_update(update: PilotUpdate, data: dict, *, actor, now: datetime | None = None
                  ) -> PilotUpdate:
    """Rewrite a report that is not published yet; a returned public one is submitted again."""
    now = now or now_utc()
    _require(update.pilot.can_edit(actor))
    if update.status == UpdateStatus.APPROVED:
        raise WrongState(_l("A published report cannot be changed; write a new one."))
    fields = _Fields({"body": update.body, "public": update.public,
                      "reported_on": update.reported_on, **(data or {})})
    body, public, reported_on = _update_values(fields, now)
    fields.check()
    assert reported_on is not None  # a missing date is an error, raised by check()
    update.body, update.public, update.reported_on = body, public, reported_on
    if not public:
        update.status = UpdateStatus.INTERNAL
    elif update.status != UpdateStatus.SUBMITTED:
        if update.status == UpdateStatus.RETURNED and not can_move(
                UPDATE_TRANSITIONS, update.status, UpdateStatus.SUBMITTED):
            raise WrongState(_l("This report cannot be submitted again."))
        update.status = UpdateStatus.SUBMITTED
        update.submitted_at = now
    db.session.flush()
    _audit("pilot.update.revise", update, actor=actor, now=now, object_type="pilot_update",
           after={"public": public, "status": update.status})
    return update


def approve_update(update: PilotUpdate, *, actor, now: datetime | None = None) -> PilotUpdate:
    """A coordinator verifies a submitted public report: it is published."""
    now = now or now_utc()
    _require(update.pilot.can_approve_updates(actor),
             _l("Only the pilot's coordinators can approve its reports."))
    if not can_move(UPDATE_TRANSITIONS, update.status, UpdateStatus.APPROVED):
        raise WrongState(_l("Only a report waiting for approval can be approved; this one "
                            "is “%(status)s”.", status=update.status.label))
    update.status = UpdateStatus.APPROVED
    update.reviewed_at, update.reviewed_by_id = now, actor.id
    update.review_note = ""
    db.session.flush()
    _audit("pilot.update.approve", update, actor=actor, now=now, object_type="pilot_update",
           before={"status": UpdateStatus.SUBMITTED}, after={"status": update.status})
    follow.notify_update_published(update, actor=actor, now=now)  # the pilot's followers
    return update


def return_update(update: PilotUpdate, note: str, *, actor, now: datetime | None = None
                  ) -> PilotUpdate:
    """A coordinator sends a submitted report back with what to change; the team is told."""
    now = now or now_utc()
    pilot = update.pilot
    _require(pilot.can_approve_updates(actor),
             _l("Only the pilot's coordinators can return its reports."))
    if not can_move(UPDATE_TRANSITIONS, update.status, UpdateStatus.RETURNED):
        raise WrongState(_l("Only a report waiting for approval can be returned; this one "
                            "is “%(status)s”.", status=update.status.label))
    fields = _Fields({"note": note})
    note = fields.text("note", required=True, max_length=NOTE_MAX)
    fields.check()
    update.status = UpdateStatus.RETURNED
    update.reviewed_at, update.reviewed_by_id, update.review_note = now, actor.id, note
    db.session.flush()
    _audit("pilot.update.return", update, actor=actor, now=now, object_type="pilot_update",
           before={"status": UpdateStatus.SUBMITTED},
           after={"status": update.status, "note": note})
    url = url_for("pilots.pilot", pilot_id=pilot.id, _external=True) + "#reports"
    for member in pilot.team.members:
        user = member.user
        if user.is_active:
            queue_mail(user.email, "pilot_update_returned", locale=user.locale,
                       kind=f"pilot-update-returned:{update.id}:{user.id}:{now.isoformat()}",
                       user=user, pilot=pilot, update=update, note=note, url=url)
    return update


# --- final evaluation and replication ---------------------------------------------------------

def save_evaluation(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                    ) -> PilotEvaluation:
    """Write (or rewrite) the final evaluation of a completed or discontinued pilot."""
    now = now or now_utc()
    if not pilot.has_ended:
        raise WrongState(_l("The final evaluation is written once the pilot is completed or "
                            "discontinued."))
    _require(pilot.can_evaluate(actor))
    fields = _Fields(data)
    results = fields.text("results", required=True)
    lessons = fields.text("lessons", required=True)
    recommendation = fields.choice("recommendation", Recommendation)
    fields.check()
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
    _audit("pilot.evaluation", pilot, actor=actor, now=now, object_type="pilot",
           before=before, after={"recommendation": recommendation})
    return evaluation


def add_replication(pilot: Pilot, data: dict, *, actor, now: datetime | None = None
                    ) -> Replication:
    """Record another municipality adopting the pilot: which, since when, how far."""
    now = now or now_utc()
    _require(pilot.can_view_internal(actor))
    fields = _Fields(data)
    municipality_id = fields.integer("municipality_id", required=True)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
    if municipality_id and municipality is None:
        fields.fail("municipality_id", _l("Choose a municipality from the list."))
    elif municipality is not None and municipality.id in pilot.municipality_ids():
        fields.fail("municipality_id", _l("This municipality already runs the pilot."))
    elif municipality is not None and any(r.municipality_id == municipality.id
                                          for r in pilot.replications):
        fields.fail("municipality_id", _l("This municipality is already recorded."))
    status = fields.choice("status", ReplicationStatus, default=ReplicationStatus.CONSIDERING)
    started_on = fields.date("started_on", default=today_riga(now))
    note = fields.text("note", max_length=NOTE_MAX)
    fields.check()
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
    _audit("pilot.replication.add", replication, actor=actor, now=now,
           after={"pilot_id": pilot.id, "municipality_id": replication.municipality_id,
                  "status": status})
    return replication


def update_replication(replication: Replication, data: dict, *, actor,
                       now: datetime | None = None) -> Replication:
    """Move a replication along its table (e.g. considering → adopted), with a note."""
    now = now or now_utc()
    _require(replication.pilot.can_view_internal(actor))
    fields = _Fields(data)
    status = fields.choice("status", ReplicationStatus)
    note = fields.text("note", max_length=NOTE_MAX, default=replication.note) \
        if fields.has("note") else replication.note
    fields.check()
    before = replication.status
    if status != before and not can_move(REPLICATION_TRANSITIONS, before, status):
        raise WrongState(_l("A replication that is %(current)s cannot become %(to)s.",
                            current=before.label, to=status.label))
    replication.status, replication.note, replication.updated_at = status, note, now
    db.session.flush()
    _audit("pilot.replication.update", replication, actor=actor, now=now,
           before={"status": before}, after={"status": status, "note": note})
    return replication
