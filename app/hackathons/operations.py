"""Hackathon operations: create, edit, move the phase, and edit the judging criteria.

Every rule about hackathons is enforced here, for the pages and the API alike.
Operations load their input with the schemas in schemas.py, check what needs the database,
flush and never commit; the request pipeline commits at the edge.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit, snapshot
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.core.web import expect_version
from app.extensions import db
from app.hackathons.models import (
    FIRST_ROUND,
    Criterion,
    Hackathon,
    PhaseChange,
    may_create_hackathon,
    may_manage_region,
)
from app.hackathons.phases import Phase, can_move
from app.hackathons.schemas import (
    CriterionCreate,
    CriterionInput,
    HackathonCreate,
    HackathonEdit,
    TransitionInput,
    date_order_problems,
)
from app.places.models import Region

SLUG_MAX = 80
RESERVED_SLUGS = frozenset({"new"})

HACKATHON_FIELDS = [
    "title", "description", "region_code", "theme", "eligible_region_codes",
    "submission_opens_at", "submission_closes_at", "judging_closes_at", "reviews_per_idea",
    "blind_review", "public_voting", "prize_text", "ranking_order",
]
CRITERION_FIELDS = ["name", "description", "weight", "max_score", "low_description",
                    "mid_description", "high_description", "position"]

# Once ideas are coming in, teams rely on these: who may take part, and who organises.
FROZEN_ONCE_OPEN = ("region_code", "eligible_region_codes")
# Once judging has started: the submission window and how judging is set up.
FROZEN_ONCE_JUDGING = ("submission_opens_at", "submission_closes_at", "reviews_per_idea",
                       "blind_review", "public_voting", "ranking_order")
# After results, only the texts may still be corrected; once closed, nothing.
FROZEN_ONCE_RESULTS = ("judging_closes_at",)

_TRANSLITERATION = str.maketrans({"ā": "a", "č": "c", "ē": "e", "ģ": "g", "ī": "i", "ķ": "k",
                                  "ļ": "l", "ņ": "n", "ō": "o", "ŗ": "r", "š": "s", "ū": "u",
                                  "ž": "z"})


# --- slugs -----------------------------------------------------------------------------

def slugify(title: str) -> str:
    """A URL name from a title: Latvian letters transliterated, only a-z, 0-9 and '-'."""
    text = (title or "").lower().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    text = text[:SLUG_MAX].rstrip("-")
    return text or "hakatons"


def unique_slug(title: str) -> str:
    """slugify(title), with -2, -3, ... added when it is taken (or reserved)."""
    base = slugify(title)
    taken = set(db.session.scalars(
        select(Hackathon.slug).where(Hackathon.slug.like(f"{base}%"))
    ))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[:SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


# --- hackathon fields ------------------------------------------------------------------

def _clean_hackathon(data: dict, *, partial: bool, current: Hackathon | None) -> dict:
    """The fields present in `data` (all of them unless partial), loaded by the schema; an
    edit's dates are also compared with the stored ones for the dates not sent."""
    values = load(HackathonEdit if partial else HackathonCreate, data, partial=partial)
    values.pop("version", None)
    if "region" in values:
        values["region_code"] = values.pop("region")
    if "eligible_regions" in values:
        values["eligible_region_codes"] = values.pop("eligible_regions")
    if current is not None:
        problems = date_order_problems(*(values.get(key, getattr(current, key)) for key in (
            "submission_opens_at", "submission_closes_at", "judging_closes_at")))
        if problems:
            raise Invalid(errors=problems)
    return values


def _apply(hackathon: Hackathon, values: dict) -> None:
    for key, value in values.items():
        if key == "eligible_region_codes":
            hackathon.eligible_regions = [db.session.get(Region, c) for c in value]
        else:
            setattr(hackathon, key, value)


def _flush_checked(hackathon: Hackathon) -> None:
    """Flush; a concurrent save that won the race is a stale version, not a crash.

    Whoever began the transaction undoes the failed flush (the savepoint of `web.attempt`,
    or the request's edge), which expires `hackathon`: the 409 shows the stored version."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleVersion(current=hackathon) from exc


def create_hackathon(data: dict, *, actor, now: datetime | None = None) -> Hackathon:
    """Create a hackathon in draft. Regional coordinators create only for their region."""
    now = now or now_utc()
    if not may_create_hackathon(actor):
        raise NotAllowed(_l("Only coordinators and administrators may create hackathons."))
    values = _clean_hackathon(data, partial=False, current=None)
    if not may_manage_region(actor, values["region_code"]):
        raise NotAllowed(_l("You may create hackathons only for the planning region you "
                            "coordinate."))
    hackathon = Hackathon(slug=unique_slug(values["title"]), phase=Phase.DRAFT, version=1,
                          created_at=now, updated_at=now, created_by_id=actor.id)
    _apply(hackathon, values)
    db.session.add(hackathon)
    db.session.flush()
    record_audit("hackathon.create", actor=actor, object_type="hackathon",
                 object_id=hackathon.id, after=snapshot(hackathon, [*HACKATHON_FIELDS, "slug"]),
                 now=now)
    return hackathon


def frozen_fields(hackathon: Hackathon, now: datetime | None = None) -> tuple[str, ...]:
    """The fields that can no longer change in the hackathon's effective phase."""
    phase = hackathon.phase_at(now)
    frozen: tuple[str, ...] = ()
    if phase.rank >= Phase.OPEN.rank:
        frozen += FROZEN_ONCE_OPEN
    if phase.rank >= Phase.JUDGING.rank:
        frozen += FROZEN_ONCE_JUDGING
    if phase.rank >= Phase.RESULTS.rank:
        frozen += FROZEN_ONCE_RESULTS
    return frozen


_FIELD_NAMES = {"region_code": "region", "eligible_region_codes": "eligible_regions"}


def update_hackathon(hackathon: Hackathon, data: dict, *, actor,
                     now: datetime | None = None) -> Hackathon:
    """Change the fields present in `data`; `version`, when sent, must be the stored one."""
    now = now or now_utc()
    if not hackathon.can_manage(actor):
        raise NotAllowed()
    if data.get("version") not in (None, ""):
        # Read by the edit's own schema, so the rule and its message exist once.
        sent = load(HackathonEdit, {"version": data["version"]}, partial=True)
        expect_version(hackathon, sent["version"])
    if hackathon.phase_at(now) == Phase.CLOSED:
        raise WrongState(_l("This hackathon is closed and can no longer be changed."))
    values = _clean_hackathon(data, partial=True, current=hackathon)
    before = snapshot(hackathon, HACKATHON_FIELDS)
    changed = {k: v for k, v in values.items() if getattr(hackathon, k) != v}
    frozen = [k for k in changed if k in frozen_fields(hackathon, now)]
    if frozen:
        raise WrongState(
            _l("Some fields can no longer be changed in the phase “%(phase)s”.",
               phase=hackathon.phase_at(now).label),
            errors={_FIELD_NAMES.get(k, k): [_l("This can no longer be changed in this "
                                                 "phase.")] for k in frozen},
        )
    if "region_code" in changed and not may_manage_region(actor, changed["region_code"]):
        raise NotAllowed(_l("You may move a hackathon only to a planning region you "
                            "coordinate."))
    if ("submission_closes_at" in changed and hackathon.phase_at(now) == Phase.OPEN
            and changed["submission_closes_at"] is not None
            and changed["submission_closes_at"] <= now):
        raise Invalid(errors={"submission_closes_at": [
            _l("While the hackathon is open the deadline cannot be moved into the past. "
               "To end submissions early, start judging on the phase page.")]})
    if not changed:
        return hackathon
    _apply(hackathon, changed)
    hackathon.version += 1
    hackathon.updated_at = now
    _flush_checked(hackathon)
    record_audit("hackathon.update", actor=actor, object_type="hackathon",
                 object_id=hackathon.id, before={k: before[k] for k in changed},
                 after=snapshot(hackathon, list(changed)), now=now)
    return hackathon


# --- phases ---------------------------------------------------------------------------

def readiness_problems(hackathon: Hackathon, now: datetime | None = None) -> dict[str, list]:
    """What stops a draft from opening: criteria, and dates that follow one another."""
    now = now or now_utc()
    errors: dict[str, list] = {}
    if not hackathon.title:
        errors["title"] = [_l("Enter a title.")]
    if not hackathon.criteria:
        errors["criteria"] = [_l("Add at least one judging criterion.")]
    opens, closes, judging = (hackathon.submission_opens_at, hackathon.submission_closes_at,
                              hackathon.judging_closes_at)
    if opens is None:
        errors["submission_opens_at"] = [_l("Set when submissions open.")]
    if closes is None:
        errors["submission_closes_at"] = [_l("Set the submission deadline.")]
    elif closes <= now:
        errors["submission_closes_at"] = [_l("The submission deadline has passed; set a "
                                             "deadline in the future.")]
    elif opens is not None and closes <= opens:
        errors["submission_closes_at"] = [
            _l("The submission deadline must be after submissions open.")]
    if judging is None:
        errors["judging_closes_at"] = [_l("Set when judging closes.")]
    elif closes is not None and judging <= closes:
        errors["judging_closes_at"] = [_l("Judging must close after the submission deadline.")]
    return errors


def _record_step(hackathon: Hackathon, to: Phase, *, actor, reason: str, at: datetime) -> None:
    change = PhaseChange(from_phase=hackathon.phase, to_phase=to, at=at,
                         actor_id=getattr(actor, "id", None), reason=reason)
    hackathon.phase_changes.append(change)
    record_audit("hackathon.phase", actor=actor, object_type="hackathon",
                 object_id=hackathon.id, before={"phase": hackathon.phase},
                 after={"phase": to, "reason": reason}, now=at)
    hackathon.phase = to


def sync_phase(hackathon: Hackathon, *, now: datetime | None = None) -> bool:
    """Store the deadline's automatic step (open → judging, actor None) if it is due."""
    now = now or now_utc()
    if not hackathon.phase_lags(now):
        return False
    _record_step(hackathon, hackathon.phase_at(now), actor=None, reason="",
                 at=hackathon.submission_closes_at or now)
    db.session.flush()
    return True


def transition_hackathon(hackathon: Hackathon, to, *, actor, reason: str | None = None,
                         now: datetime | None = None) -> Hackathon:
    """Move the hackathon one phase forward, with an optional reason that is recorded."""
    now = now or now_utc()
    if not hackathon.can_manage(actor):
        raise NotAllowed()
    step = load(TransitionInput, {"to": to, "reason": reason})
    target, reason = Phase(step["to"]), step["reason"]
    current = hackathon.phase_at(now)
    if not can_move(current, target):
        if target == current:
            detail = _l("The hackathon is already in the phase “%(phase)s”.",
                        phase=current.label)
        elif target.rank < current.rank:
            detail = _l("Phases only move forward: the hackathon cannot go back from "
                        "“%(current)s” to “%(to)s”.", current=current.label, to=target.label)
        else:
            detail = _l("Phases move one step at a time: from “%(current)s” the next phase "
                        "is not “%(to)s”.", current=current.label, to=target.label)
        raise WrongState(detail)
    if target == Phase.OPEN:
        problems = readiness_problems(hackathon, now)
        if problems:
            raise WrongState(_l("The hackathon cannot open yet. Fix these first."),
                             errors=problems)
    sync_phase(hackathon, now=now)
    _record_step(hackathon, target, actor=actor, reason=reason, at=now)
    hackathon.version += 1
    hackathon.updated_at = now
    _flush_checked(hackathon)
    return hackathon


# --- criteria ---------------------------------------------------------------------------
# One set of rules for the criteria of both rounds: the jury round's (round 1) freeze when
# judging starts; a final round's own criteria (round 2) when that round's scoring opens,
# a rule of the final round, which app/judging runs.

def _check_criteria_editable(hackathon: Hackathon, actor, now: datetime,
                             round_: int = FIRST_ROUND) -> None:
    if not hackathon.can_manage(actor):
        raise NotAllowed()
    if round_ != FIRST_ROUND:
        from app.judging.deciding import check_final_criteria_editable

        check_final_criteria_editable(hackathon, now)
        return
    if not hackathon.criteria_editable(now):
        raise WrongState(_l("The criteria are frozen: judging has started, and every idea "
                            "must be judged against the same criteria."))


_ROUND_ONLY = CriterionCreate(only=("round",))


def _round_list(hackathon: Hackathon, round_: int) -> list[Criterion]:
    return hackathon.criteria if round_ == FIRST_ROUND else hackathon.final_criteria


def add_criterion(hackathon: Hackathon, data: dict, *, actor,
                  now: datetime | None = None) -> Criterion:
    """Add a criterion: to the jury round while the hackathon is a draft or open (before
    judging); with `round` 2, to a final round with own criteria until its scoring opens."""
    now = now or now_utc()
    if not hackathon.can_manage(actor):
        raise NotAllowed()
    # The round first: whether its criteria are still open is the answer that matters most.
    try:
        round_ = load(_ROUND_ONLY, data)["round"]
    except Invalid as bad_round:  # say every problem at once
        try:
            load(CriterionInput, data)
        except Invalid as more:
            raise Invalid(errors={**more.errors, **bad_round.errors}) from None
        raise
    _check_criteria_editable(hackathon, actor, now, round_)
    values = load(CriterionInput, data)
    criteria = _round_list(hackathon, round_)
    if "position" not in values:
        values["position"] = max((c.position for c in criteria), default=0) + 1
    criterion = Criterion(round=round_, **values)
    criteria.append(criterion)
    db.session.flush()
    record_audit("criterion.add", actor=actor, object_type="criterion", object_id=criterion.id,
                 after=snapshot(criterion, [*CRITERION_FIELDS, "hackathon_id", "round"]),
                 now=now)
    return criterion


def update_criterion(criterion: Criterion, data: dict, *, actor,
                     now: datetime | None = None) -> Criterion:
    """Change a criterion's fields present in `data`, until its round's criteria freeze."""
    now = now or now_utc()
    _check_criteria_editable(criterion.hackathon, actor, now, criterion.round)
    values = load(CriterionInput, data, partial=True)
    before = snapshot(criterion, CRITERION_FIELDS)
    for key, value in values.items():
        setattr(criterion, key, value)
    db.session.flush()
    record_audit("criterion.update", actor=actor, object_type="criterion",
                 object_id=criterion.id, before=before,
                 after=snapshot(criterion, CRITERION_FIELDS), now=now)
    return criterion


def delete_criterion(criterion: Criterion, *, actor, now: datetime | None = None) -> None:
    """Remove a criterion, until its round's criteria freeze."""
    now = now or now_utc()
    hackathon = criterion.hackathon
    _check_criteria_editable(hackathon, actor, now, criterion.round)
    before = snapshot(criterion, [*CRITERION_FIELDS, "hackathon_id", "round"])
    criterion_id = criterion.id
    _round_list(hackathon, criterion.round).remove(criterion)
    db.session.flush()
    record_audit("criterion.delete", actor=actor, object_type="criterion",
                 object_id=criterion_id, before=before, now=now)
