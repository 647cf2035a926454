"""The jury and how its work is handed out: judges, declared conflicts of interest and the
runs that built the assignments.

The reviews themselves (scores, comments, the review status machine) are in
models_reviews.py; the final round, the public vote, winners and corrections in
models_results.py.

Who may do what is answered by predicates on the models (`jury_member.can_be_removed()`);
views, the API and templates ask the same ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model
from app.hackathons.models import Phase

# Phases in which a coordinator may still change the jury (before judging starts).
JURY_EDITABLE = frozenset({Phase.DRAFT, Phase.OPEN})
# Phases in which assignments may be built: on demand before reviews begin, and in judging.
ASSIGNABLE = frozenset({Phase.OPEN, Phase.JUDGING})


def signed_in(user) -> bool:
    """Predicates are asked for anonymous visitors too: they may do nothing here."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def enum_column(kind):
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class JuryMember(Model):
    """A registered user who judges one hackathon."""

    __tablename__ = "jury_member"
    __table_args__ = (UniqueConstraint("hackathon_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Why the coordinator added a judge tied to an idea of the hackathon (she still never
    # judges that idea); empty when there was no such tie.
    conflict_reason: Mapped[str] = mapped_column(Text, default="")

    hackathon = relationship("Hackathon")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    added_by = relationship("User", foreign_keys=[added_by_id])

    def can_be_removed(self, now: datetime | None = None) -> bool:
        """Judges are removed only before judging starts."""
        return self.hackathon.phase_at(now) in JURY_EDITABLE

    def __repr__(self) -> str:
        return f"<JuryMember hackathon={self.hackathon_id} user={self.user_id}>"


class ConflictDeclaration(Model):
    """A judge's declared conflict of interest on an idea, with the reason. Kept forever."""

    __tablename__ = "conflict_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("review.id", ondelete="SET NULL"), index=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(default=now_utc)

    judge = relationship("User", lazy="joined")
    idea = relationship("Idea")

    def __repr__(self) -> str:
        return f"<ConflictDeclaration idea={self.idea_id} judge={self.judge_id}>"


class AssignmentRun(Model):
    """One building of the assignments: by a coordinator, or automatically when judging began."""

    __tablename__ = "assignment_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # "manual" | "judging_started" | "conflict" | "exclusion" | "final_round"
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    created: Mapped[int] = mapped_column(Integer, default=0)
    # The shortfalls as plain data (idea id, missing, reason, counts), for the dashboard.
    shortfalls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<AssignmentRun {self.hackathon_id} {self.trigger} +{self.created}>"
