"""Idea operations: create, save (version-checked), submit, withdraw, rule out, attach.

Operations validate, flush and never commit; the request's edge (app.core.web)
commits. Each takes `now` (default: the clock), so the server's clock decides
deadlines and tests need no time-freezing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.collation import latvian
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.formatting import fmt_datetime
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.core.web import expect_version
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas import attachments as files
from app.ideas.models import (
    DRAFT_SAVE_PHASES,
    EDITABLE_FIELDS,
    MARKDOWN_FIELDS,
    REQUIRED_TO_SUBMIT,
    Idea,
    IdeaRevision,
    ProposedIndicator,
)
from app.ideas.models_attachments import Attachment
from app.ideas.schemas import IdeaFields, IneligibleInput
from app.ideas.status import IdeaStatus, can_move
from app.mail.operations import queue_mail

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Short summary"),
    "problem": _l("Problem"),
    "solution": _l("Proposed solution"),
    "target_group": _l("Target group"),
    "expected_impact": _l("Expected impact"),
    "partners": _l("Partners"),
    "budget_eur": _l("Estimated budget (EUR)"),
    "duration_months": _l("Duration in months"),
    "indicators": _l("Proposed indicators"),
    "team_id": _l("Team"),
}

# --- reading and checking fields ----------------------------------------------------------

def check_fields(data: dict) -> dict:
    """The fields present in `data`, read by the one schema the API documents (`IdeaFields`);
    Invalid with every field's message. Missing keys are left out."""
    return load(IdeaFields, data)


def missing_for_submit(idea: Idea) -> dict[str, list]:
    """Every required field that is still empty, all at once."""
    missing: dict[str, list] = {}
    for name in REQUIRED_TO_SUBMIT:
        if name == "indicators":
            empty = not idea.indicators
        else:
            value = getattr(idea, name)
            empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            message = (_l("Propose at least one indicator, with its baseline and target.")
                       if name == "indicators" else _l("Fill this in to submit the idea."))
            missing[name] = [message]
    for number, indicator in enumerate(idea.indicators, start=1):
        if not indicator.baseline or not indicator.target:
            missing.setdefault("indicators", []).append(
                _l("Indicator %(n)d: give its baseline and target.", n=number))
    return missing


# --- snapshots ------------------------------------------------------------------------------

def snapshot(idea: Idea) -> dict[str, Any]:
    """The fields of an idea as plain JSON data (for revisions and comparisons)."""
    data: dict[str, Any] = {name: getattr(idea, name) or "" for name in
                            ("title", "summary", *MARKDOWN_FIELDS)}
    data["budget_eur"] = f"{idea.budget_eur:.2f}" if idea.budget_eur is not None else ""
    data["duration_months"] = idea.duration_months if idea.duration_months is not None else ""
    data["indicators"] = [i.as_dict() for i in idea.indicators]
    data["attachments"] = [a.filename for a in idea.attachments]
    return data


def _add_revision(idea: Idea, *, actor, now: datetime) -> IdeaRevision:
    number = db.session.scalar(
        select(db.func.coalesce(db.func.max(IdeaRevision.number), 0))
        .where(IdeaRevision.idea_id == idea.id)
    ) if idea.id else 0
    revision = IdeaRevision(idea_id=idea.id, number=(number or 0) + 1, saved_at=now,
                            saved_by_id=getattr(actor, "id", None), status=idea.status,
                            data=snapshot(idea))
    db.session.add(revision)
    return revision


def _flush(idea: Idea) -> None:
    """Flush; a concurrent save that won the race makes this one stale, never lost silently.

    The failed flush is undone by whoever began the transaction (the savepoint of
    `web.attempt`, or the request's edge), which expires `idea`: the 409 then shows the
    version stored now.
    """
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(current=idea) from None


def _apply(idea: Idea, values: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(idea, name, values[name])
    if "indicators" in values and values["indicators"] != [i.as_dict() for i in idea.indicators]:
        idea.indicators = [ProposedIndicator(position=i, **row)
                           for i, row in enumerate(values["indicators"])]


# --- ideas ------------------------------------------------------------------------------------

def teams_for(user, hackathon: Hackathon) -> list:
    """The user's teams whose lead municipality may take part in the hackathon."""
    from app.teams.models import Team, TeamMember

    teams = db.session.scalars(
        select(Team).join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == user.id).order_by(latvian(Team.name))
    ).unique().all()
    return [t for t in teams if hackathon.municipality_may_take_part(t.municipality)]


def may_create_in(hackathon: Hackathon, now: datetime | None = None) -> bool:
    """A posted new idea is stored while drafts may be saved, so that a form sent a moment
    after the deadline is kept as a draft; the empty form is offered only while
    Hackathon.takes_new_ideas()."""
    return hackathon.phase_at(now) in DRAFT_SAVE_PHASES


def create_idea(hackathon: Hackathon, team, data: dict, *, actor,
                now: datetime | None = None) -> Idea:
    """Start a draft for `team` in `hackathon`; it may be incomplete."""
    now = now or now_utc()
    if not may_create_in(hackathon, now):
        raise WrongState(_l("This hackathon does not take ideas now."))
    errors: dict[str, list] = {}
    if team is None or not team.is_member(actor):
        errors["team_id"] = [_l("Choose one of your teams.")]
    elif not hackathon.municipality_may_take_part(team.municipality):
        errors["team_id"] = [_l("The team's lead municipality may not take part in this "
                                "hackathon.")]
    try:
        values = check_fields(data)
    except Invalid as invalid:  # reported with the team's, all at once
        errors.update(invalid.errors)
    if errors:
        raise Invalid(errors=errors)
    idea = Idea(hackathon=hackathon, team=team, status=IdeaStatus.DRAFT, created_at=now,
                created_by_id=actor.id, updated_at=now, updated_by_id=actor.id)
    _apply(idea, values)
    db.session.add(idea)
    db.session.flush()
    _add_revision(idea, actor=actor, now=now)
    db.session.flush()
    record_audit("idea.create", actor=actor, object_type="idea", object_id=idea.id,
                 after={"hackathon_id": hackathon.id, "team_id": team.id}, now=now)
    return idea


def _not_editable_message(idea: Idea, now: datetime):
    if idea.status == IdeaStatus.SUBMITTED and idea.hackathon.submission_closes_at \
            and now >= idea.hackathon.submission_closes_at:
        return _l("The submission deadline passed at %(when)s: the submitted idea can no "
                  "longer be changed.", when=fmt_datetime(idea.hackathon.submission_closes_at))
    if idea.status == IdeaStatus.SUBMITTED:
        return _l("Judging has started: the submitted idea can no longer be changed.")
    if idea.status == IdeaStatus.DRAFT:
        return _l("This hackathon is over: the draft can no longer be changed.")
    return _l("An idea that is %(status)s can no longer be changed.",
              status=idea.status.label)


def save_idea(idea: Idea, data: dict, *, actor, expected_version: int | None = None,
              now: datetime | None = None) -> bool:
    """Save the fields present in `data` as a new revision; False when nothing changed.

    A draft saves incomplete; a submitted idea stays submitted. A stale
    `expected_version` raises StaleVersion (with the stored idea) and changes nothing.
    """
    now = now or now_utc()
    if not idea.is_team_member(actor):
        raise NotAllowed(_l("Only the idea's team can change it."))
    if not idea.editable_at(now):
        raise WrongState(_not_editable_message(idea, now))
    expect_version(idea, expected_version)
    values = check_fields(data)
    before = snapshot(idea)
    _apply(idea, values)
    if snapshot(idea) == before:
        return False
    idea.updated_at = now
    idea.updated_by_id = actor.id
    _flush(idea)
    _add_revision(idea, actor=actor, now=now)
    db.session.flush()
    return True


def _mail_team(idea: Idea, template: str, kind: str, **context) -> None:
    """One e-mail to each team member, in their language, with a link to the idea."""
    url = url_for("ideas.idea", idea_id=idea.id, _external=True)
    for member in idea.team.members:
        user = member.user
        queue_mail(user.email, template, locale=user.locale,
                   kind=f"{kind}:{idea.id}:{user.id}", user=user, idea=idea,
                   hackathon=idea.hackathon, url=url, **context)


def submit_idea(idea: Idea, *, actor, now: datetime | None = None) -> Idea:
    """Submit a complete draft while the hackathon accepts submissions; mail the team."""
    now = now or now_utc()
    if not idea.is_team_member(actor):
        raise NotAllowed(_l("Only the idea's team can submit it."))
    if not can_move(idea.status, IdeaStatus.SUBMITTED):
        raise WrongState(_l("Only a draft can be submitted; this idea is %(status)s.",
                            status=idea.status.label))
    hackathon = idea.hackathon
    if not hackathon.accepts_submissions(now):
        closes = hackathon.submission_closes_at
        if closes is not None and now >= closes:
            raise WrongState(_l("The submission deadline passed at %(when)s. The idea is "
                                "kept as a draft but can no longer be submitted.",
                                when=fmt_datetime(closes)))
        if hackathon.phase_at(now) != Phase.OPEN:
            raise WrongState(_l("The hackathon does not take submissions now; the idea is "
                                "kept as a draft."))
        raise WrongState(_l("Submissions open at %(when)s; the idea is kept as a draft "
                            "until then.", when=fmt_datetime(hackathon.submission_opens_at)))
    missing = missing_for_submit(idea)
    if missing:
        names = ", ".join(str(FIELD_LABELS[name]) for name in missing)
        raise Invalid(_l("To submit, fill in every required field. Missing: %(names)s.",
                         names=names), errors=missing)
    idea.status = IdeaStatus.SUBMITTED
    idea.submitted_at = now
    idea.updated_at = now
    idea.updated_by_id = actor.id
    _flush(idea)
    _add_revision(idea, actor=actor, now=now)
    db.session.flush()
    record_audit("idea.submit", actor=actor, object_type="idea", object_id=idea.id,
                 before={"status": "draft"}, after={"status": "submitted"}, now=now)
    _mail_team(idea, "idea_submitted", "idea-submitted", submitted_by=actor)
    return idea


def withdraw_idea(idea: Idea, *, actor, now: datetime | None = None) -> Idea:
    """Withdraw a submitted idea before the deadline (final)."""
    now = now or now_utc()
    if not idea.is_team_member(actor):
        raise NotAllowed(_l("Only the idea's team can withdraw it."))
    if not can_move(idea.status, IdeaStatus.WITHDRAWN):
        raise WrongState(_l("Only a submitted idea can be withdrawn; this idea is "
                            "%(status)s.", status=idea.status.label))
    if not idea.hackathon.accepts_submissions(now):
        raise WrongState(_l("The submission deadline has passed: the idea can no longer be "
                            "withdrawn."))
    idea.status = IdeaStatus.WITHDRAWN
    idea.withdrawn_at = now
    idea.updated_at = now
    idea.updated_by_id = actor.id
    _flush(idea)
    record_audit("idea.withdraw", actor=actor, object_type="idea", object_id=idea.id,
                 before={"status": "submitted"}, after={"status": "withdrawn"}, now=now)
    return idea


def mark_ineligible(idea: Idea, reason: str, *, actor, now: datetime | None = None) -> Idea:
    """A coordinator rules a submitted idea out; the team sees the reason and is told."""
    now = now or now_utc()
    if not idea.hackathon.can_manage(actor):
        raise NotAllowed(_l("Only the hackathon's coordinators can do this."))
    if not can_move(idea.status, IdeaStatus.INELIGIBLE):
        raise WrongState(_l("Only a submitted idea can be marked ineligible; this idea is "
                            "%(status)s.", status=idea.status.label))
    text = load(IneligibleInput, {"reason": reason})["reason"]
    idea.status = IdeaStatus.INELIGIBLE
    idea.ineligible_reason = text
    idea.ineligible_at = now
    idea.ineligible_by_id = actor.id
    _flush(idea)
    record_audit("idea.ineligible", actor=actor, object_type="idea", object_id=idea.id,
                 before={"status": "submitted"},
                 after={"status": "ineligible", "reason": text}, now=now)
    _mail_team(idea, "idea_ineligible", "idea-ineligible", reason=text)
    return idea


def record_decision(idea: Idea, status: IdeaStatus | str, *, actor,
                    now: datetime | None = None) -> Idea:
    """Judging's outcome for a submitted idea: winner or not_selected (called by judging)."""
    now = now or now_utc()
    status = IdeaStatus(status)
    if status not in (IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED):
        raise WrongState(_l("A decision is either winner or not selected."))
    if not can_move(idea.status, status):
        raise WrongState(_l("Only a submitted idea can be decided; this idea is %(status)s.",
                            status=idea.status.label))
    before = idea.status
    idea.status = status
    _flush(idea)
    record_audit("idea.decision", actor=actor, object_type="idea", object_id=idea.id,
                 before={"status": before}, after={"status": status}, now=now)
    return idea


def correct_decision(idea: Idea, status: IdeaStatus | str, *, actor,
                     now: datetime | None = None) -> Idea:
    """A published decision corrected (called by judging's errata): winner ↔ not selected."""
    from app.ideas.status import CORRECTIONS

    now = now or now_utc()
    status = IdeaStatus(status)
    if CORRECTIONS.get(idea.status) != status:
        raise WrongState(_l("Only a winner or an idea not selected can be corrected; this "
                            "idea is %(status)s.", status=idea.status.label))
    before = idea.status
    idea.status = status
    _flush(idea)
    record_audit("idea.decision_corrected", actor=actor, object_type="idea", object_id=idea.id,
                 before={"status": before}, after={"status": status}, now=now)
    return idea


# --- attachments ------------------------------------------------------------------------------

def add_attachment(idea: Idea, filename: str | None, data: bytes, *, actor,
                   now: datetime | None = None) -> Attachment:
    """Attach a PDF, DOCX, XLSX, ODT, PNG or JPEG (by content), ≤ 10 MB, ≤ 5 per idea."""
    now = now or now_utc()
    if not idea.is_team_member(actor):
        raise NotAllowed(_l("Only the idea's team can add files."))
    if not idea.editable_at(now):
        raise WrongState(_not_editable_message(idea, now))
    if len(idea.attachments) >= files.MAX_FILES_PER_IDEA:
        raise Invalid(errors={"file": [_l("An idea may have at most %(max)d files. Remove "
                                          "one first.", max=files.MAX_FILES_PER_IDEA)]})
    if not data:
        raise Invalid(errors={"file": [_l("Choose a file to upload.")]})
    if len(data) > files.MAX_FILE_BYTES:
        raise Invalid(errors={"file": [_l("The file is larger than 10 MB. Make it smaller "
                                          "(e.g. save the PDF with reduced image quality) "
                                          "or split it.")]})
    kind = files.detect_kind(data)
    if kind is None:
        raise Invalid(errors={"file": [_l("This file type is not accepted. Upload a PDF, "
                                          "DOCX, XLSX, ODT, PNG or JPEG file.")]})
    stored_name, digest = files.write_file(data)
    attachment = Attachment(idea=idea, stored_name=stored_name,
                            filename=files.clean_filename(filename, kind),
                            content_type=kind.content_type, kind=kind.code, size=len(data),
                            sha256=digest, uploaded_at=now, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record_audit("idea.attachment.add", actor=actor, object_type="idea", object_id=idea.id,
                 after={"attachment_id": attachment.id, "filename": attachment.filename,
                        "size": attachment.size, "sha256": digest}, now=now)
    return attachment


def remove_attachment(attachment: Attachment, *, actor, now: datetime | None = None) -> str:
    """Remove an attachment; returns the stored name so the caller deletes the file
    after the commit (a rolled-back request must not lose the file)."""
    now = now or now_utc()
    idea = attachment.idea
    if not idea.is_team_member(actor):
        raise NotAllowed(_l("Only the idea's team can remove files."))
    if not idea.editable_at(now):
        raise WrongState(_not_editable_message(idea, now))
    stored_name = attachment.stored_name
    record_audit("idea.attachment.remove", actor=actor, object_type="idea", object_id=idea.id,
                 before={"attachment_id": attachment.id, "filename": attachment.filename},
                 now=now)
    idea.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()
    return stored_name
