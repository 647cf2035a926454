"""Hackathon operations: create, edit, move the phase, and edit the judging criteria.

Every rule about hackathons is enforced here, for the pages and the API alike.
Operations validate, flush and never commit; the view or the API commits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit, snapshot
from app.core.clock import PLAUSIBLE_YEARS, RIGA, as_utc, now_utc
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.extensions import db
from app.hackathons.models import (
    FIRST_ROUND,
    RANKING_ORDERS,
    ROUNDS,
    Criterion,
    Hackathon,
    PhaseChange,
    may_create_hackathon,
    may_manage_region,
)
from app.hackathons.phases import Phase, can_move
from app.places.models import Region

TITLE_MAX = 200
THEME_MAX = 200
DESCRIPTION_MAX = 20_000
PRIZE_MAX = 500
REASON_MAX = 1000
REVIEWS_MIN, REVIEWS_MAX = 1, 10
CRITERION_NAME_MAX = 200
CRITERION_TEXT_MAX = 2000
WEIGHT_MAX = Decimal("9999.99")
MAX_SCORE_MAX = 1000
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


# --- parsing untrusted values (form strings or JSON) ------------------------------

def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _one_line(value) -> str:
    return " ".join(_text(value).split())


def _check_length(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(
            _l("Use at most %(n)d characters (now %(m)d).", n=limit, m=len(value)))


MOMENT_YEARS = PLAUSIBLE_YEARS


def parse_moment(value) -> datetime | None:
    """A datetime from a form or JSON; a time without an offset is Latvian time.

    Raises ValueError for text that is not a date and time, and for one outside the years
    a hackathon can take place in (year 1 or 9999 would overflow on conversion to UTC, and a
    date before 1926 has Riga's local mean time, an offset with seconds, in its ISO form).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=RIGA)
    if not MOMENT_YEARS[0] <= moment.year <= MOMENT_YEARS[1]:
        raise ValueError(value)
    return as_utc(moment)


def _parse_int(value) -> int:
    """A whole number from an int or its text; ValueError otherwise (also for 1.5 and True)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = _text(value)
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        raise ValueError(value)
    return int(text)


def _parse_decimal(value) -> Decimal:
    """A number from JSON or a form; a Latvian decimal comma is accepted."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = _text(value).replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"[+-]?(\d{1,12}(\.\d*)?|\.\d+)", text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise ValueError(value) from exc


def _parse_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "y", "yes", "true", "on")
    return bool(value)


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
    """Check the fields present in `data` (all of them unless partial); every problem at once."""
    errors: dict[str, list] = {}
    values: dict = {}

    def given(key: str) -> bool:
        return not partial or key in data

    if given("title"):
        title = _one_line(data.get("title"))
        if not title:
            errors["title"] = [_l("Enter a title.")]
        else:
            _check_length(errors, "title", title, TITLE_MAX)
        values["title"] = title
    if given("description"):
        description = _text(data.get("description")).replace("\r\n", "\n")
        _check_length(errors, "description", description, DESCRIPTION_MAX)
        values["description"] = description
    if given("theme"):
        theme = _one_line(data.get("theme"))
        _check_length(errors, "theme", theme, THEME_MAX)
        values["theme"] = theme
    if given("prize_text"):
        prize = _one_line(data.get("prize_text"))
        _check_length(errors, "prize_text", prize, PRIZE_MAX)
        values["prize_text"] = prize
    if given("region"):
        code = _text(data.get("region")) or None
        if code is not None and db.session.get(Region, code) is None:
            errors["region"] = [_l("Choose a planning region from the list, or none for a "
                                   "national hackathon.")]
        values["region_code"] = code
    if given("eligible_regions"):
        raw = data.get("eligible_regions") or []
        if isinstance(raw, str):
            raw = [raw]
        codes = sorted({_text(c) for c in raw if _text(c)})
        unknown = [c for c in codes if db.session.get(Region, c) is None]
        if unknown:
            errors["eligible_regions"] = [_l("Unknown planning region: %(codes)s.",
                                             codes=", ".join(unknown))]
        values["eligible_region_codes"] = codes
    for key, label in (("submission_opens_at", _l("the opening of submissions")),
                       ("submission_closes_at", _l("the submission deadline")),
                       ("judging_closes_at", _l("the end of judging"))):
        if given(key):
            try:
                values[key] = parse_moment(data.get(key))
            except (TypeError, ValueError):
                errors[key] = [_l("Enter %(what)s as a date and time, like 2026-03-01 10:00.",
                                  what=label)]
    if given("reviews_per_idea"):
        raw = data.get("reviews_per_idea")
        try:
            number = 3 if raw in (None, "") and not partial else _parse_int(raw)
        except (TypeError, ValueError):
            number = None
        if number is None or not REVIEWS_MIN <= number <= REVIEWS_MAX:
            errors["reviews_per_idea"] = [_l("Enter a whole number of reviews per idea from "
                                             "%(low)d to %(high)d.",
                                             low=REVIEWS_MIN, high=REVIEWS_MAX)]
        values["reviews_per_idea"] = number
    for key in ("blind_review", "public_voting"):
        if given(key):
            values[key] = _parse_bool(data.get(key))
    if given("ranking_order"):
        order = _text(data.get("ranking_order")) or "score"
        if order not in RANKING_ORDERS:
            errors["ranking_order"] = [_l("Choose how ideas are ranked: by score or by "
                                          "normalised score.")]
        values["ranking_order"] = order

    # The dates must follow one another; compare with what is stored for the ones not sent.
    def moment(key):
        if key in values:
            return values[key]
        return getattr(current, key) if current is not None else None

    opens, closes, judging = (moment("submission_opens_at"), moment("submission_closes_at"),
                              moment("judging_closes_at"))
    if "submission_closes_at" not in errors and opens and closes and closes <= opens:
        errors.setdefault("submission_closes_at", []).append(
            _l("The submission deadline must be after submissions open."))
    if "judging_closes_at" not in errors and closes and judging and judging <= closes:
        errors.setdefault("judging_closes_at", []).append(
            _l("Judging must close after the submission deadline."))
    if errors:
        raise Invalid(errors=errors)
    return values


def _apply(hackathon: Hackathon, values: dict) -> None:
    for key, value in values.items():
        if key == "eligible_region_codes":
            hackathon.eligible_regions = [db.session.get(Region, c) for c in value]
        else:
            setattr(hackathon, key, value)


def _flush_checked(hackathon: Hackathon) -> None:
    """Flush; a concurrent save that won the race is a stale version, not a crash."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        current = db.session.get(Hackathon, hackathon.id)
        raise StaleVersion(current=current) from exc


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
    version = data.get("version")
    if version not in (None, ""):
        try:
            version = _parse_int(version)
        except (TypeError, ValueError):
            raise Invalid(errors={"version": [_l("The version must be a whole number.")]}) \
                from None
        if version != hackathon.version:
            raise StaleVersion(current=hackathon)
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
    try:
        target = Phase(_text(to))
    except ValueError:
        raise Invalid(errors={"to": [_l("Choose one of the phases: draft, open, judging, "
                                        "results, closed.")]}) from None
    reason = _text(reason).replace("\r\n", "\n")
    if len(reason) > REASON_MAX:
        raise Invalid(errors={"reason": [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=REASON_MAX, m=len(reason))]})
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
        from app.judging.operations import check_final_criteria_editable

        check_final_criteria_editable(hackathon, now)
        return
    if not hackathon.criteria_editable(now):
        raise WrongState(_l("The criteria are frozen: judging has started, and every idea "
                            "must be judged against the same criteria."))


def _round_of(data: dict) -> int:
    """The round a new criterion is for (default: the jury round); Invalid if unknown."""
    value = data.get("round")
    if value in (None, ""):
        return FIRST_ROUND
    try:
        round_ = _parse_int(value)
    except (TypeError, ValueError):
        round_ = None
    if round_ not in ROUNDS:
        raise Invalid(errors={"round": [_l("Choose the round: 1 for the jury round or 2 for "
                                           "the final round.")]})
    return round_


def _round_list(hackathon: Hackathon, round_: int) -> list[Criterion]:
    return hackathon.criteria if round_ == FIRST_ROUND else hackathon.final_criteria


def _clean_criterion(data: dict, *, partial: bool) -> dict:
    errors: dict[str, list] = {}
    values: dict = {}

    def given(key: str) -> bool:
        return not partial or key in data

    if given("name"):
        name = _one_line(data.get("name"))
        if not name:
            errors["name"] = [_l("Enter the criterion's name.")]
        else:
            _check_length(errors, "name", name, CRITERION_NAME_MAX)
        values["name"] = name
    for key in ("description", "low_description", "mid_description", "high_description"):
        if given(key):
            text = _text(data.get(key)).replace("\r\n", "\n")
            _check_length(errors, key, text, CRITERION_TEXT_MAX)
            values[key] = text
    if given("weight"):
        try:
            weight = _parse_decimal(data.get("weight")).quantize(Decimal("0.01"),
                                                                  rounding=ROUND_HALF_UP)
        except (TypeError, ValueError):
            weight = None
        if weight is None or not Decimal("0") < weight <= WEIGHT_MAX:
            errors["weight"] = [_l("Enter a weight greater than 0 (at most %(max)s), like 1 "
                                   "or 1.5.", max=WEIGHT_MAX)]
        values["weight"] = weight
    if given("max_score"):
        try:
            max_score = _parse_int(data.get("max_score"))
        except (TypeError, ValueError):
            max_score = None
        if max_score is None or not 1 <= max_score <= MAX_SCORE_MAX:
            errors["max_score"] = [_l("Enter the maximum score as a whole number from 1 to "
                                      "%(max)d.", max=MAX_SCORE_MAX)]
        values["max_score"] = max_score
    if "position" in data and data.get("position") not in (None, ""):
        try:
            position = _parse_int(data.get("position"))
        except (TypeError, ValueError):
            position = None
        if position is None or not 0 <= position <= 1000:
            errors["position"] = [_l("Enter the order as a whole number from 0 to 1000.")]
        values["position"] = position
    if errors:
        raise Invalid(errors=errors)
    return values


def add_criterion(hackathon: Hackathon, data: dict, *, actor,
                  now: datetime | None = None) -> Criterion:
    """Add a criterion: to the jury round while the hackathon is a draft or open (before
    judging); with `round` 2, to a final round with own criteria until its scoring opens."""
    now = now or now_utc()
    if not hackathon.can_manage(actor):
        raise NotAllowed()
    try:
        round_ = _round_of(data)
    except Invalid as bad_round:  # say every problem at once
        try:
            _clean_criterion(data, partial=False)
        except Invalid as more:
            raise Invalid(errors={**more.errors, **bad_round.errors}) from None
        raise
    _check_criteria_editable(hackathon, actor, now, round_)
    values = _clean_criterion(data, partial=False)
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
    values = _clean_criterion(data, partial=True)
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
