"""Blind review: warning where an idea names its own team or municipality, and the
coordinator's redacted copy of its texts that the judges read instead.

The matching is pure (mentions.py); the rule of who reads which text is one predicate on
the idea (`Idea.text_for`); here are the query that finds the warnings for a hackathon and
the operation that stores a redaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.mentions import MUNICIPALITY, TEAM, Mention, Name, find_mentions, redact
from app.ideas.models import (
    REDACTABLE_FIELDS,
    SUMMARY_MAX,
    TITLE_MAX,
    Idea,
    IdeaRedaction,
)
from app.ideas.status import IdeaStatus

LONG_MAX = 20_000
LIMITS = {"title": TITLE_MAX, "summary": SUMMARY_MAX}

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Short summary"),
    "problem": _l("Problem"),
    "solution": _l("Proposed solution"),
    "target_group": _l("Target group"),
    "expected_impact": _l("Expected impact"),
}


def placeholders() -> dict[str, str]:
    """What a redacted name becomes, in the coordinator's language."""
    return {MUNICIPALITY: _("[municipality]"), TEAM: _("[team]")}


def names_of(idea: Idea) -> list[Name]:
    """The names that would tell a judge who wrote the idea: its team's, its municipality's
    and its partner municipalities'."""
    team = idea.team
    names = [Name(TEAM, team.name)] if team.name else []
    places = [team.municipality, *team.partner_municipalities]
    names.extend(Name(MUNICIPALITY, m.name) for m in places if m is not None)
    return names


def texts_read_by_judges(idea: Idea) -> dict[str, str]:
    """The texts its judges read now: the redaction if there is one, else the team's."""
    source = idea.redaction or idea
    return {name: getattr(source, name) or "" for name in REDACTABLE_FIELDS}


def mentions_in(idea: Idea) -> list[Mention]:
    """Where the texts its judges read name the team or its municipalities."""
    return find_mentions(texts_read_by_judges(idea), names_of(idea))


@dataclass
class Warning:
    """An idea of a blind review whose judges can read who wrote it."""

    idea: Idea
    mentions: list[Mention]

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(m.field for m in self.mentions))


def blind_review_warnings(hackathon: Hackathon) -> list[Warning]:
    """For a blind review: each submitted idea whose judges' text names its team or
    municipality (4 queries, whatever the number of ideas)."""
    from app.teams.models import Team

    if not hackathon.blind_review:
        return []
    ideas = db.session.scalars(
        select(Idea).where(Idea.hackathon_id == hackathon.id,
                           Idea.status == IdeaStatus.SUBMITTED)
        .options(joinedload(Idea.team).joinedload(Team.municipality),
                 joinedload(Idea.team).selectinload(Team.partner_municipalities),
                 selectinload(Idea.redaction))
        .order_by(Idea.id)).unique().all()
    warnings = []
    for idea in ideas:
        found = mentions_in(idea)
        if found:
            warnings.append(Warning(idea, found))
    return warnings


def suggested_redaction(idea: Idea) -> dict[str, str]:
    """The judges' texts with every mention replaced by its placeholder: what the
    redaction form offers, for the coordinator to check and change."""
    texts = texts_read_by_judges(idea)
    found = find_mentions(texts, names_of(idea))
    marks = placeholders()
    return {name: redact(text, [m for m in found if m.field == name], marks)
            for name, text in texts.items()}


def redact_idea(idea: Idea, data: dict[str, Any], *, actor,
                now: datetime | None = None) -> IdeaRedaction:
    """Store the coordinator's redacted texts, which the judges of the blind review read in
    place of the team's (whose own text stays as written); on the audit trail."""
    now = now or now_utc()
    if not idea.hackathon.can_manage(actor):
        raise NotAllowed(_l("Only the hackathon's coordinators can redact its ideas."))
    if not idea.can_redact(actor, now):
        raise WrongState(_l("Ideas are redacted for a blind review after the submission "
                            "deadline and before the results."))
    errors: dict[str, list] = {}
    clean: dict[str, str] = {}
    for name in REDACTABLE_FIELDS:
        value = data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = [_l("Send text.")]
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        limit = LIMITS.get(name, LONG_MAX)
        if len(value) > limit:
            errors[name] = [_l("Use at most %(n)d characters (now %(m)d).", n=limit,
                               m=len(value))]
        clean[name] = value
    if not errors and not clean.get("title"):
        errors["title"] = [_l("The judges need a title: write one without the names.")]
    if errors:
        raise Invalid(errors=errors)
    redaction = idea.redaction
    before = ({name: getattr(redaction, name) for name in REDACTABLE_FIELDS}
              if redaction is not None else None)
    if redaction is None:
        redaction = IdeaRedaction(idea_id=idea.id)
        idea.redaction = redaction
    for name, value in clean.items():
        setattr(redaction, name, value)
    redaction.redacted_by_id = actor.id
    redaction.redacted_at = now
    db.session.flush()
    changed = [name for name in REDACTABLE_FIELDS
               if clean[name] != (before or {}).get(name, getattr(idea, name))]
    record_audit("idea.redact", actor=actor, object_type="idea", object_id=idea.id,
                 before=before, after={"fields": changed,
                                       **{name: clean[name] for name in changed}}, now=now)
    return redaction
