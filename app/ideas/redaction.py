"""Blind review: warning where an idea names its own team or municipality, and the
coordinator's redacted copy of its texts that the judges read instead.

The matching is pure (mentions.py); the rule of who reads which text is one predicate on
the idea (`Idea.text_for`); here are the query that finds the warnings for a hackathon and
the operation that stores a redaction.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload, load_only

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import gettext as _
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.mentions import (
    MUNICIPALITY,
    TEAM,
    Mention,
    MentionSearch,
    Name,
    find_mentions,
    redact,
)
from app.ideas.models import INDICATOR_NAME_MAX, SUMMARY_MAX, TITLE_MAX, Idea
from app.ideas.models_redaction import REDACTABLE_FIELDS, IdeaRedaction
from app.ideas.status import IdeaStatus

LONG_MAX = 20_000
LIMITS = {"title": TITLE_MAX, "summary": SUMMARY_MAX}
FILENAME_MAX = 200
INDICATORS, ATTACHMENTS = "indicators", "attachments"

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Short summary"),
    "problem": _l("Problem"),
    "solution": _l("Proposed solution"),
    "target_group": _l("Target group"),
    "expected_impact": _l("Expected impact"),
    INDICATORS: _l("Proposed indicators"),
    ATTACHMENTS: _l("Attachment file names"),
}


def placeholders() -> dict[str, str]:
    """What a redacted name becomes, in the coordinator's language."""
    return {MUNICIPALITY: _("[municipality]"), TEAM: _("[team]")}


def names_of(idea: Idea) -> list[Name]:
    """The names that would tell a judge who wrote the idea: its team's, its municipality's
    and its partner municipalities'."""
    team = idea.team
    places = [team.municipality, *team.partner_municipalities]
    return _names(team.name, [m.name for m in places if m is not None])


def _names(team: str | None, places: list[str]) -> list[Name]:
    """`names_of` from the team's name and its municipalities' names (the lead's first)."""
    names = [Name(TEAM, team)] if team else []
    names.extend(Name(MUNICIPALITY, place) for place in places)
    return names


def texts_read_by_judges(idea: Idea) -> dict[str, str]:
    """The texts its judges read now: the redaction if there is one, else the team's."""
    source = idea.redaction or idea
    return {name: getattr(source, name) or "" for name in REDACTABLE_FIELDS}


def items_read_by_judges(idea: Idea) -> dict[str, dict[int, str]]:
    """Its indicators' names as its judges read them, and its attachments' file names
    unless the coordinator hid the file or named it for the judges (then that name)."""
    redaction = idea.redaction
    return _items_read(redaction is not None,
                       redaction.indicator_names if redaction is not None else None,
                       redaction.attachment_names if redaction is not None else None,
                       [(i.id, i.name) for i in idea.indicators],
                       [(a.id, a.filename) for a in idea.attachments])


def _items_read(redacted: bool, indicator_names: dict[str, str] | None,
                attachment_names: dict[str, str | None] | None,
                indicators: list[tuple[int, str]],
                attachments: list[tuple[int, str]]) -> dict[str, dict[int, str]]:
    """`items_read_by_judges` from plain values (ids and names in the idea's order), so the
    warnings can read rows and still apply the same rule as IdeaRedaction's `indicators`,
    `hides` and `attachment_name`: a renamed indicator reads as renamed, a hidden file is
    left out, a file the coordinator named reads under that name."""
    names = (indicator_names or {}) if redacted else {}
    shown = (attachment_names or {}) if redacted else {}
    return {
        INDICATORS: {id_: names.get(str(id_), name) for id_, name in indicators},
        ATTACHMENTS: {id_: shown.get(str(id_)) or filename for id_, filename in attachments
                      if not (str(id_) in shown and shown[str(id_)] is None)},
    }


def mentions_in(idea: Idea) -> list[Mention]:
    """Where the texts its judges read, its indicators' names or its attachments' file
    names name the team or its municipalities."""
    return find_mentions(texts_read_by_judges(idea), names_of(idea),
                         items_read_by_judges(idea))


@dataclass
class Warning:
    """An idea of a blind review whose judges can read who wrote it."""

    idea: Idea
    mentions: list[Mention]

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(m.field for m in self.mentions))


@functools.cache
def _warning_statements() -> tuple[Any, Any, Any, Any, Any]:
    """The warnings' queries, built once per process (the hackathon and the warned ideas are
    bound parameters). They read plain rows: only the columns the search reads, without
    making an object of each idea, its team, redaction, indicators and attachments."""
    from app.ideas.models import ProposedIndicator
    from app.ideas.models_attachments import Attachment
    from app.places.models import Municipality, in_latvian_order
    from app.teams.models import Team, team_partner

    submitted = (Idea.hackathon_id == bindparam("hackathon_id"),
                 Idea.status == IdeaStatus.SUBMITTED)
    submitted_ideas = select(Idea.id).where(*submitted)
    ideas = (select(Idea.id, Team.name, Municipality.name,
                    *(getattr(Idea, name) for name in REDACTABLE_FIELDS),
                    IdeaRedaction.id,
                    *(getattr(IdeaRedaction, name) for name in REDACTABLE_FIELDS),
                    IdeaRedaction.indicator_names, IdeaRedaction.attachment_names,
                    Idea.team_id)
             .outerjoin(Team, Team.id == Idea.team_id)
             .outerjoin(Municipality, Municipality.id == Team.municipality_id)
             .outerjoin(IdeaRedaction, IdeaRedaction.idea_id == Idea.id)
             .where(*submitted).order_by(Idea.id))
    # In Team.partner_municipalities' order.
    partners = (select(team_partner.c.team_id, Municipality.name)
                .join(Municipality, Municipality.id == team_partner.c.municipality_id)
                .where(team_partner.c.team_id.in_(select(Idea.team_id).where(*submitted)))
                .order_by(team_partner.c.team_id, in_latvian_order()))
    # In Idea.indicators' and Idea.attachments' order.
    indicators = (select(ProposedIndicator.idea_id, ProposedIndicator.id,
                         ProposedIndicator.name)
                  .where(ProposedIndicator.idea_id.in_(submitted_ideas))
                  .order_by(ProposedIndicator.idea_id, ProposedIndicator.position,
                            ProposedIndicator.id))
    attachments = (select(Attachment.idea_id, Attachment.id, Attachment.filename)
                   .where(Attachment.idea_id.in_(submitted_ideas))
                   .order_by(Attachment.idea_id, Attachment.uploaded_at, Attachment.id))
    # The warned ideas, for the list to show each one's title and ask `can_redact`.
    warned = (select(Idea).where(Idea.id.in_(bindparam("idea_ids", expanding=True)))
              .options(load_only(Idea.id, Idea.hackathon_id, Idea.team_id, Idea.title,
                                 Idea.status), lazyload(Idea.team), lazyload(Idea.hackathon)))
    return ideas, partners, indicators, attachments, warned


def blind_review_warnings(hackathon: Hackathon) -> list[Warning]:
    """For a blind review: each submitted idea whose judges' text names its team or
    municipality (5 queries, whatever the number of ideas; 4 when none does)."""
    if not hackathon.blind_review:
        return []
    ideas, partners, indicators, attachments, warned = _warning_statements()
    params = {"hackathon_id": hackathon.id}
    places_of: dict[int, list[str]] = defaultdict(list)
    for team_id, place in db.session.execute(partners, params):
        places_of[team_id].append(place)
    indicators_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for idea_id, id_, name in db.session.execute(indicators, params):
        indicators_of[idea_id].append((id_, name))
    attachments_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for idea_id, id_, filename in db.session.execute(attachments, params):
        attachments_of[idea_id].append((id_, filename))
    search = MentionSearch()
    size = len(REDACTABLE_FIELDS)
    found: dict[int, list[Mention]] = {}
    for row in db.session.execute(ideas, params):
        idea_id, team, place = row[0], row[1], row[2]
        redacted = row[3 + size] is not None
        # The redaction's texts if there is one, else the team's (`texts_read_by_judges`).
        texts = row[4 + size:4 + 2 * size] if redacted else row[3:3 + size]
        indicator_names, attachment_names, team_id = row[4 + 2 * size:]
        names = _names(team, [*([place] if place is not None else []),
                              *places_of.get(team_id, ())])
        mentions = search.find_mentions(
            {name: text or "" for name, text in zip(REDACTABLE_FIELDS, texts, strict=True)},
            names,
            _items_read(redacted, indicator_names, attachment_names,
                        indicators_of.get(idea_id, []), attachments_of.get(idea_id, [])))
        if mentions:
            found[idea_id] = mentions
    if not found:
        return []
    by_id = {idea.id: idea for idea in db.session.scalars(warned,
                                                         {"idea_ids": list(found)})}
    return [Warning(by_id[idea_id], mentions) for idea_id, mentions in found.items()
            if idea_id in by_id]


def suggested_redaction(idea: Idea) -> dict[str, str]:
    """The judges' texts with every mention replaced by its placeholder: what the
    redaction form offers, for the coordinator to check and change."""
    texts = texts_read_by_judges(idea)
    found = find_mentions(texts, names_of(idea))
    marks = placeholders()
    return {name: redact(text, [m for m in found if m.field == name], marks)
            for name, text in texts.items()}


def suggested_items(idea: Idea) -> dict[str, dict[int, Any]]:
    """The indicators' names and the attachments as the redaction form offers them: the
    judges' version so far, with every mention replaced by its placeholder (a file whose
    name names the team gets that name with placeholders; the coordinator may hide it)."""
    redaction = idea.redaction
    items = items_read_by_judges(idea)
    found = find_mentions({}, names_of(idea), items)
    marks = placeholders()

    def redacted(field: str, item: int, text: str) -> str:
        return redact(text, [m for m in found if m.field == field and m.item == item],
                      marks)

    indicators = {i: redacted(INDICATORS, i, text) for i, text in items[INDICATORS].items()}
    attachments: dict[int, Any] = {}
    for a in idea.attachments:
        if redaction is not None and redaction.hides(a):
            attachments[a.id] = {"name": "", "hidden": True}
            continue
        named = any(m.field == ATTACHMENTS and m.item == a.id for m in found)
        name = redacted(ATTACHMENTS, a.id, items[ATTACHMENTS][a.id]) if named else ""
        attachments[a.id] = {"name": name or a.judges_name or "", "hidden": False}
    return {INDICATORS: indicators, ATTACHMENTS: attachments}


def items_from_form(idea: Idea, formdata) -> dict[str, dict[int, Any]]:
    """The indicators' names and the attachments as the redaction form posted them (one
    the form did not post stays as it was)."""
    return {
        INDICATORS: {i.id: formdata[f"indicator_{i.id}"] for i in idea.indicators
                     if f"indicator_{i.id}" in formdata},
        ATTACHMENTS: {a.id: {"name": formdata.get(f"attachment_{a.id}_name", ""),
                             "hidden": bool(formdata.get(f"attachment_{a.id}_hidden"))}
                      for a in idea.attachments if f"attachment_{a.id}_name" in formdata},
    }


def _key(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_indicators(idea: Idea, value: Any, errors: dict[str, list]) -> dict[str, str]:
    """The judges' names of the indicators, by id, with those sent changed; a name as the
    team wrote it is not kept (it follows the team's)."""
    if not isinstance(value, dict):
        errors[INDICATORS] = [_l("Send the indicators' names by indicator id.")]
        return {}
    own = {i.id: i for i in idea.indicators}
    names = dict(idea.redaction.indicator_names or {}) if idea.redaction else {}
    for key, name in value.items():
        indicator = own.get(_key(key))  # type: ignore[arg-type]
        where = f"{INDICATORS}.{key}"
        if indicator is None:
            errors[where] = [_l("This idea has no indicator %(id)s.", id=key)]
        elif not isinstance(name, str):
            errors[where] = [_l("Send text.")]
        elif not name.strip():
            errors[where] = [_l("The judges need the indicator’s name: write one without "
                                "the names.")]
        elif len(name.strip()) > INDICATOR_NAME_MAX:
            errors[where] = [_l("Use at most %(n)d characters (now %(m)d).",
                                n=INDICATOR_NAME_MAX, m=len(name.strip()))]
        elif name.strip() != indicator.name:
            names[str(indicator.id)] = name.strip()
        else:
            names.pop(str(indicator.id), None)
    return names


def _clean_attachments(idea: Idea, value: Any,
                       errors: dict[str, list]) -> dict[str, str | None]:
    """The attachments as the judges see them, by id, with those sent changed: a neutral
    file name, or None for a file hidden from them; one with neither gets the numbered
    name."""
    if not isinstance(value, dict):
        errors[ATTACHMENTS] = [_l("Send the attachments by attachment id.")]
        return {}
    own = {a.id: a for a in idea.attachments}
    shown = dict(idea.redaction.attachment_names or {}) if idea.redaction else {}
    for key, choice in value.items():
        attachment = own.get(_key(key))  # type: ignore[arg-type]
        where = f"{ATTACHMENTS}.{key}"
        if attachment is None:
            errors[where] = [_l("This idea has no attachment %(id)s.", id=key)]
            continue
        if not isinstance(choice, dict) or not isinstance(choice.get("name", ""), str):
            errors[where] = [_l("Send a file name and whether the file is hidden.")]
            continue
        if choice.get("hidden"):
            shown[str(attachment.id)] = None
            continue
        # A file name, not a path: the download offers it as it is.
        name = re.sub(r"[/\\\x00-\x1f]+", "_", choice.get("name") or "").strip(" .")
        if not name:
            shown.pop(str(attachment.id), None)
            continue
        extension = attachment.filename.rpartition(".")[2] if "." in attachment.filename \
            else attachment.kind
        if "." not in name and extension:
            name = f"{name}.{extension}"
        if len(name) > FILENAME_MAX:
            errors[where] = [_l("Use at most %(n)d characters (now %(m)d).", n=FILENAME_MAX,
                                m=len(name))]
            continue
        shown[str(attachment.id)] = name
    return shown


def redact_idea(idea: Idea, data: dict[str, Any], *, actor,
                now: datetime | None = None) -> IdeaRedaction:
    """Store the coordinator's redacted texts, which the judges of the blind review read in
    place of the team's (whose own text stays as written), and, when given, the judges'
    names of its indicators (`indicators`: id → name) and its attachments (`attachments`:
    id → {name, hidden}; absent: as before); on the audit trail."""
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
    redaction = idea.redaction
    items: dict[str, Any] = {}
    if data.get(INDICATORS) is not None:
        items["indicator_names"] = _clean_indicators(idea, data[INDICATORS], errors)
    if data.get(ATTACHMENTS) is not None:
        items["attachment_names"] = _clean_attachments(idea, data[ATTACHMENTS], errors)
    if errors:
        raise Invalid(errors=errors)
    before = ({name: getattr(redaction, name)
               for name in (*REDACTABLE_FIELDS, "indicator_names", "attachment_names")}
              if redaction is not None else None)
    if redaction is None:
        redaction = IdeaRedaction(idea_id=idea.id, indicator_names={}, attachment_names={})
        idea.redaction = redaction
    for name, value in (*clean.items(), *items.items()):
        setattr(redaction, name, value)
    redaction.redacted_by_id = actor.id
    redaction.redacted_at = now
    db.session.flush()
    changed = [name for name in REDACTABLE_FIELDS
               if clean[name] != (before or {}).get(name, getattr(idea, name))]
    changed += [name for name, value in items.items()
                if value != (before or {}).get(name, {})]
    after = {**clean, **items}
    record_audit("idea.redact", actor=actor, object_type="idea", object_id=idea.id,
                 before=before, after={"fields": changed,
                                       **{name: after[name] for name in changed}}, now=now)
    return redaction
