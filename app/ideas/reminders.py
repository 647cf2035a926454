"""Deadline reminders: 48 h and 24 h before the deadline, to teams with unsubmitted drafts.

Safe to run every hour: each reminder is recorded in the outbox under a kind such
as "idea-reminder:<idea_id>:48h", and a reminder already there is never sent again.
When the job first runs inside the last 24 hours, only the 24 h reminder goes out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail

WINDOWS = (("24h", timedelta(hours=24)), ("48h", timedelta(hours=48)))  # smallest first


def reminder_kind(idea: Idea, window: str) -> str:
    return f"idea-reminder:{idea.id}:{window}"


def due_window(closes_at: datetime, now: datetime) -> str | None:
    """The reminder due now: "24h" inside the last day, "48h" inside the day before."""
    left = closes_at - now
    if left <= timedelta(0):
        return None
    for name, window in WINDOWS:
        if left <= window:
            return name
    return None


def send_idea_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due and not sent yet; return how many e-mails."""
    from app.teams.models import Team, TeamMember

    now = now or now_utc()
    horizon = now + WINDOWS[-1][1]
    ideas = db.session.scalars(
        select(Idea).join(Hackathon, Idea.hackathon_id == Hackathon.id)
        .where(Idea.status == IdeaStatus.DRAFT, Hackathon.phase == Phase.OPEN,
               Hackathon.submission_opens_at <= now,
               Hackathon.submission_closes_at > now,
               Hackathon.submission_closes_at <= horizon)
        .options(joinedload(Idea.hackathon),
                 joinedload(Idea.team).selectinload(Team.members).joinedload(TeamMember.user))
        .order_by(Idea.id)
    ).unique().all()
    if not ideas:
        return 0
    kinds = {reminder_kind(i, w) for i in ideas for w, _ in WINDOWS}
    sent = set(db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.recipient)
        .where(OutboxMessage.kind.in_(sorted(kinds)))
    ).tuples())
    count = 0
    for idea in ideas:
        hackathon = idea.hackathon
        if not hackathon.accepts_submissions(now):
            continue
        window = due_window(hackathon.submission_closes_at, now)
        if window is None:
            continue
        kind = reminder_kind(idea, window)
        hours = max(1, round((hackathon.submission_closes_at - now).total_seconds() / 3600))
        url = url_for("ideas.idea", idea_id=idea.id, _external=True)
        for member in idea.team.members:
            user = member.user
            if not user.is_active or (kind, user.email) in sent:
                continue
            queue_mail(user.email, "idea_reminder", locale=user.locale, kind=kind, user=user,
                       idea=idea, hackathon=hackathon, hours=hours, url=url)
            sent.add((kind, user.email))
            count += 1
    return count
