"""A copy of my data: everything Talka holds about one person, gathered for download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import ApiToken, User, UserSession
from app.core.audit import record_audit
from app.extensions import db


@dataclass
class PersonalData:
    """The parts of a person's copy, as rows; `schemas.PersonalDataOut` shows them."""

    generated_at: datetime
    account: User
    roles: list[Any]
    sessions: list[Any]
    api_tokens: list[Any]
    teams: list[Any]
    ideas: list[Any]
    reviews: list[Any]
    conflicts: list[Any]
    public_votes: list[Any]
    followed_pilots: list[Any]
    pilot_updates: list[Any]
    mail: list[Any]
    security_events: list[Any]


def _all(statement) -> list[Any]:
    return list(db.session.scalars(statement).unique())


def export_personal_data(user: User, *, now: datetime) -> PersonalData:
    """Gather the person's own data (and none of anyone else's); the download is audited."""
    from app.core.security import SecurityEvent
    from app.ideas.models import Idea
    from app.judging.models import ConflictDeclaration
    from app.judging.models_results import PublicVote
    from app.judging.models_reviews import Review
    from app.mail.models import OutboxMessage
    from app.pilots.models_reports import PilotUpdate
    from app.public.models import PilotFollower
    from app.teams.models import TeamMember

    copy = PersonalData(
        generated_at=now,
        account=user,
        roles=list(user.roles),
        sessions=_all(select(UserSession).where(UserSession.user_id == user.id)
                      .order_by(UserSession.created_at)),
        api_tokens=_all(select(ApiToken).where(ApiToken.user_id == user.id)
                        .order_by(ApiToken.created_at)),
        teams=_all(select(TeamMember).where(TeamMember.user_id == user.id)
                   .order_by(TeamMember.joined_at)),
        ideas=_all(select(Idea).where(Idea.created_by_id == user.id).order_by(Idea.id)),
        reviews=_all(select(Review).where(Review.judge_id == user.id)
                     .options(selectinload(Review.scores)).order_by(Review.id)),
        conflicts=_all(select(ConflictDeclaration).where(ConflictDeclaration.judge_id == user.id)
                       .order_by(ConflictDeclaration.id)),
        public_votes=_all(select(PublicVote).where(PublicVote.user_id == user.id)
                          .order_by(PublicVote.id)),
        followed_pilots=_all(select(PilotFollower).where(PilotFollower.user_id == user.id)
                             .order_by(PilotFollower.id)),
        pilot_updates=_all(select(PilotUpdate).where(PilotUpdate.created_by_id == user.id)
                           .order_by(PilotUpdate.id)),
        mail=_all(select(OutboxMessage).where(OutboxMessage.recipient == user.email)
                  .order_by(OutboxMessage.id)),
        # Sign-ins and refusals under their account, and failed sign-ins typed with their
        # address: kept 12 months for security, and theirs to see.
        security_events=_all(select(SecurityEvent).where(or_(
            SecurityEvent.user_id == user.id,
            func.lower(SecurityEvent.email) == user.email.lower())).order_by(SecurityEvent.id)),
    )
    record_audit("privacy.export", actor=user, object_type="user", object_id=user.id,
                 after={"parts": {name: len(value) for name, value in vars(copy).items()
                                  if isinstance(value, list)}}, now=now)
    db.session.flush()
    return copy
