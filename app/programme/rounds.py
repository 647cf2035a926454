"""Opening and closing assessment rounds: an administrator opens an instrument's initial or
final round for every municipality, and may close it before its last day.

An instrument has one round of each kind (the final is compared with the initial one, so a
second of either would leave the comparison unclear). While a round is open, each
municipality's first verified member to open it becomes its named respondent
(`assessing.response_for`); once it is closed, the answers are frozen as they are.

Operations flush and never commit; the request pipeline commits at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from sqlalchemy import case, func, select

from app.core.audit import record_audit
from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.programme.models import (
    AssessmentResponse,
    AssessmentRound,
    Instrument,
    RoundKind,
    may_edit_instruments,
)
from app.programme.schemas import RoundInput

NOT_ADMIN = _l("Only administrators open and close assessment rounds.")


def _audit(round_: AssessmentRound) -> dict:
    return {"instrument_id": round_.instrument_id, "kind": round_.kind.value,
            "opens_on": round_.opens_on.isoformat(), "closes_on": round_.closes_on.isoformat(),
            "closed_at": round_.closed_at.isoformat() if round_.closed_at else None}


def open_round(instrument: Instrument, data: dict, *, actor: Any, today: date | None = None,
               now: datetime | None = None) -> AssessmentRound:
    """Open the instrument's initial or final round for every municipality, from `opens_on`
    (today if not given) to `closes_on`. Each kind once per instrument (409 for a second);
    the final round only after the initial one, and opening after it closes."""
    now = now or now_utc()
    today = today or today_riga(now)
    if not may_edit_instruments(actor):
        raise NotAllowed(NOT_ADMIN)
    values = load(RoundInput, data)
    kind = RoundKind(values["kind"])
    opens_on = values["opens_on"] or today
    closes_on = values["closes_on"]
    existing = {r.kind: r for r in instrument.rounds}
    if kind in existing:
        found = existing[kind]
        dates = {"start": format_date(found.opens_on), "end": format_date(found.closes_on)}
        raise WrongState(_l(
            "This instrument's initial assessment has been opened already (%(start)s – "
            "%(end)s). An instrument has one initial and one final round; for another "
            "assessment, create a new instrument.", **dates) if kind == RoundKind.BASELINE
            else _l("This instrument's final assessment has been opened already (%(start)s – "
                    "%(end)s). An instrument has one initial and one final round; for "
                    "another assessment, create a new instrument.", **dates))
    baseline = existing.get(RoundKind.BASELINE)
    if kind == RoundKind.FINAL and baseline is None:
        raise WrongState(_l("Open the initial assessment first: the final one is compared "
                            "with it."))
    errors: dict[str, list] = {}
    if closes_on < opens_on:
        errors["closes_on"] = [_l("The round cannot close before it opens.")]
    elif closes_on < today:
        errors["closes_on"] = [_l("The last day has passed already: choose today or a later "
                                  "day.")]
    if kind == RoundKind.FINAL and baseline is not None and opens_on <= baseline.closes_on:
        errors["opens_on"] = [_l("The final assessment opens after the initial one closes "
                                 "(%(date)s).", date=format_date(baseline.closes_on))]
    if errors:
        raise Invalid(errors=errors)
    round_ = AssessmentRound(kind=kind, opens_on=opens_on, closes_on=closes_on)
    instrument.rounds.append(round_)
    db.session.flush()
    record_audit("assessment.round.open", actor=actor, object_type="assessment_round",
                 object_id=round_.id, after=_audit(round_), now=now)
    return round_


def close_round(round_: AssessmentRound, *, actor: Any, today: date | None = None,
                now: datetime | None = None) -> AssessmentRound:
    """Close an open round today, before its last day: no answer is taken or changed after
    this (drafts stay drafts, and count for nothing)."""
    now = now or now_utc()
    today = today or today_riga(now)
    if not may_edit_instruments(actor):
        raise NotAllowed(NOT_ADMIN)
    if round_.closed_at is not None or round_.closes_on < today:
        raise WrongState(_l("This assessment round is closed already; its answers are "
                            "frozen."))
    if today < round_.opens_on:
        raise WrongState(_l("This assessment round has not opened yet (it opens on "
                            "%(date)s), so there is nothing to close.",
                            date=format_date(round_.opens_on)))
    before = _audit(round_)
    round_.closed_at = now
    round_.closes_on = today
    db.session.flush()
    record_audit("assessment.round.close", actor=actor, object_type="assessment_round",
                 object_id=round_.id, before=before, after=_audit(round_), now=now)
    return round_


@dataclass(frozen=True)
class Progress:
    """How far the municipalities are in a round."""

    started: int
    submitted: int


def progress(round_ids: list[int]) -> dict[int, Progress]:
    """{round id: responses started and submitted}, in one query for any number of rounds."""
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(AssessmentResponse.round_id, func.count(AssessmentResponse.id),
               func.sum(case((AssessmentResponse.submitted_at.is_not(None), 1), else_=0)))
        .where(AssessmentResponse.round_id.in_(round_ids))
        .group_by(AssessmentResponse.round_id))
    found = {r: Progress(int(started), int(submitted or 0)) for r, started, submitted in rows}
    return {r: found.get(r, Progress(0, 0)) for r in round_ids}
