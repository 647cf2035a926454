"""The public vote: its window, casting, changing or taking back a vote, and the counts.

Operations validate, flush and never commit: the request pipeline commits at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging.guards import parse_id
from app.judging.models_results import PublicVote

# --- the public vote --------------------------------------------------------------------------

@dataclass
class VoteWindow:
    opens_at: datetime | None
    closes_at: datetime | None


def vote_window(hackathon: Hackathon) -> VoteWindow:
    """The public vote runs while judging runs: from the submission deadline (when the ideas
    are final) until judging closes, or until the results phase if that comes first."""
    return VoteWindow(hackathon.submission_closes_at, hackathon.judging_closes_at)


def voting_open(hackathon: Hackathon, now: datetime | None = None) -> bool:
    now = now or now_utc()
    if not hackathon.public_voting or hackathon.phase_at(now) != Phase.JUDGING:
        return False
    closes = hackathon.judging_closes_at
    return closes is None or now < closes


def check_may_vote(hackathon: Hackathon, actor, now: datetime) -> None:
    """Whether `actor` may vote in `hackathon` now, before what they chose is read: a vote
    the hackathon has and keeps open (409 otherwise), by a confirmed user (403)."""
    if not hackathon.public_voting:
        raise WrongState(_l("This hackathon has no public vote."))
    if not getattr(actor, "is_confirmed", False):
        raise NotAllowed(_l("Confirm your e-mail address first: the link is in the e-mail we "
                            "sent when you registered."))
    if not voting_open(hackathon, now):
        raise WrongState(_l("The public vote is not open now."))


def cast_vote(hackathon: Hackathon, idea_id: Any, *, actor,
              now: datetime | None = None) -> PublicVote:
    """One vote per signed-in, confirmed user per hackathon; a second vote changes the first."""
    now = now or now_utc()
    check_may_vote(hackathon, actor, now)
    key = parse_id(idea_id)
    idea = db.session.get(Idea, key) if key else None
    if idea is None or idea.hackathon_id != hackathon.id or idea.status != IdeaStatus.SUBMITTED:
        raise Invalid(errors={"idea_id": [_l("Choose one of the ideas in the vote.")]})
    vote = db.session.scalar(select(PublicVote).where(PublicVote.hackathon_id == hackathon.id,
                                                      PublicVote.user_id == actor.id))
    if vote is None:
        vote = PublicVote(hackathon_id=hackathon.id, user_id=actor.id, idea_id=idea.id,
                          cast_at=now, changed_at=now)
        db.session.add(vote)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # a second tab voted first: change that vote instead
            vote = db.session.scalars(select(PublicVote).where(
                PublicVote.hackathon_id == hackathon.id, PublicVote.user_id == actor.id)).one()
            vote.idea_id, vote.changed_at = idea.id, now
    elif vote.idea_id != idea.id:
        vote.idea_id, vote.changed_at = idea.id, now
    db.session.flush()
    return vote


def withdraw_vote(hackathon: Hackathon, *, actor, now: datetime | None = None) -> None:
    """Take one's vote back while the vote is open."""
    now = now or now_utc()
    if not voting_open(hackathon, now):
        raise WrongState(_l("The public vote is not open now."))
    db.session.execute(delete(PublicVote).where(PublicVote.hackathon_id == hackathon.id,
                                                PublicVote.user_id == actor.id))
    db.session.flush()


def vote_counts(hackathon: Hackathon) -> dict[int, int]:
    """Votes per idea (one query). Callers show them only once results are published."""
    return dict(db.session.execute(
        select(PublicVote.idea_id, func.count(PublicVote.id))
        .where(PublicVote.hackathon_id == hackathon.id).group_by(PublicVote.idea_id)).tuples()
        .all())
