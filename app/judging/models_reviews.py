"""Reviews: one judge's scores and comments on one idea, the review status machine, and
which ideas a judge may read.

The review status machine is the table TRANSITIONS beside ReviewStatus; only operations
assign `.status`. Who may do what is answered by predicates on `Review`
(`review.can_score(user)`); views, the API and templates ask the same ones.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.kept import KeptDraftMixin
from app.core.translation import lazy_gettext as _l
from app.extensions import Model, db
from app.hackathons.models import Criterion, Phase
from app.judging.models import ASSIGNABLE, enum_column, signed_in
from app.judging.models_results import results_published, round_criteria

COMMENT_MAX = 5_000
REASON_MAX = 2_000


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    CONFLICT = "conflict"
    EXCLUDED = "excluded"

    @property
    def label(self):
        return REVIEW_STATUS_LABELS[self]


# pending → submitted (the judge), pending → conflict (the judge declares one),
# submitted → pending (a coordinator reopens it), submitted → excluded (a coordinator rules
# it out, with a reason). A conflict and an exclusion are final.
TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    ReviewStatus.PENDING: frozenset({ReviewStatus.SUBMITTED, ReviewStatus.CONFLICT}),
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.PENDING, ReviewStatus.EXCLUDED}),
    ReviewStatus.CONFLICT: frozenset(),
    ReviewStatus.EXCLUDED: frozenset(),
}

REVIEW_STATUS_LABELS = {
    ReviewStatus.PENDING: _l("To do"),
    ReviewStatus.SUBMITTED: _l("Submitted"),
    ReviewStatus.CONFLICT: _l("Conflict of interest"),
    ReviewStatus.EXCLUDED: _l("Excluded"),
}


def can_move(current: ReviewStatus | str, to: ReviewStatus | str) -> bool:
    """True when the table allows `current` → `to`."""
    return ReviewStatus(to) in TRANSITIONS[ReviewStatus(current)]


class Review(Model):
    """One judge's review of one idea: a score per criterion, comments, a status."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("idea_id", "judge_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # FIRST_ROUND (1) = the jury's round; FINAL_ROUND (2) = a final round.
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.PENDING, index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    # The review score (0–100) from scoring.review_score, stored when submitted so a
    # ranking of thousands of ideas reads one number per review.
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    submitted_at: Mapped[datetime | None]
    # A coordinator's exclusion of a submitted review: it no longer counts in the ranking.
    excluded_at: Mapped[datetime | None]
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="SET NULL"))
    exclusion_reason: Mapped[str] = mapped_column(Text, default="")

    hackathon = relationship("Hackathon")
    idea = relationship("Idea")
    judge = relationship("User", lazy="joined", foreign_keys=[judge_id])
    excluded_by = relationship("User", foreign_keys=[excluded_by_id])
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="ReviewScore.id",
    )

    # An UPDATE carries "WHERE version = <old>": two tabs saving at once cannot both win.
    __mapper_args__ = {"version_id_col": version}

    # --- facts ------------------------------------------------------------------------
    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    @property
    def is_conflict(self) -> bool:
        return self.status == ReviewStatus.CONFLICT

    @property
    def is_excluded(self) -> bool:
        return self.status == ReviewStatus.EXCLUDED

    @property
    def counts(self) -> bool:
        """The review is the judge's work to do or done: not a conflict, not excluded."""
        return not (self.is_conflict or self.is_excluded)

    def score_for(self, criterion_id: int) -> ReviewScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    @property
    def criteria(self) -> list[Criterion]:
        """The criteria this review is scored on: those of its round (see round_criteria)."""
        return round_criteria(self.hackathon, self.round)

    # --- who may do what ------------------------------------------------------------
    def is_judge(self, user) -> bool:
        """The signed-in user is the judge this review belongs to."""
        return signed_in(user) and user.id == self.judge_id

    def can_read(self, user) -> bool:
        """The judge reads their own review; the hackathon's coordinators read every one."""
        return self.is_judge(user) or (signed_in(user) and self.hackathon.can_manage(user))

    def can_score(self, user, now: datetime | None = None) -> bool:
        """The judge scores a pending review while the hackathon is judging."""
        return (
            self.is_judge(user)
            and self.is_pending
            and self.hackathon.phase_at(now) == Phase.JUDGING
            and not results_published(self.hackathon_id)
        )

    def can_declare_conflict(self, user, now: datetime | None = None) -> bool:
        """The judge declares a conflict on a review not yet submitted, before results."""
        return (
            self.is_judge(user) and self.is_pending and self.hackathon.phase_at(now) in ASSIGNABLE
        )

    def can_reopen(self, user, now: datetime | None = None) -> bool:
        """A coordinator reopens a submitted review until the results are published."""
        return (
            self.is_submitted
            and signed_in(user)
            and self.hackathon.can_manage(user)
            and self.hackathon.phase_at(now) in (Phase.JUDGING, Phase.RESULTS)
            and not results_published(self.hackathon_id)
        )

    def can_exclude(self, user, now: datetime | None = None) -> bool:
        """A coordinator excludes a submitted review, with a reason, until the results are
        published."""
        return (
            self.is_submitted
            and signed_in(user)
            and self.hackathon.can_manage(user)
            and self.hackathon.phase_at(now) in (Phase.JUDGING, Phase.RESULTS)
            and not results_published(self.hackathon_id)
        )

    def __repr__(self) -> str:
        return f"<Review {self.id} idea={self.idea_id} judge={self.judge_id} {self.status}>"


class ReviewScore(Model):
    """The score (0 … maximum, whole or half points) and comment for one criterion."""

    __tablename__ = "review_score"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    # None while a draft leaves the criterion unscored.
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion = relationship("Criterion")

    def __repr__(self) -> str:
        return f"<ReviewScore review={self.review_id} criterion={self.criterion_id} {self.score}>"


def judge_may_read_idea(idea, user) -> bool:
    """Idea reader rule: a judge reads the ideas assigned to them (not after a conflict)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Review.idea_id == idea.id,
                    Review.judge_id == user.id,
                    Review.status != ReviewStatus.CONFLICT,
                )
            )
        )
    )


def reads_blind(idea, user) -> bool:
    """True when `user` reads `idea` only as its judge in a blind review: hide team,
    municipality and member names (coordinators and the team always see them)."""
    return idea.hides_team_from(user)  # one rule, kept with the idea


class KeptReview(KeptDraftMixin, Model):
    """The text of a scoring form that arrived after the judge's session had ended.

    It belongs to the browser that posted it (app.core.kept) and is offered only there,
    and only to the review's own judge once she has signed in; saved, it is deleted.
    """

    __tablename__ = "kept_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"),
                                           index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<KeptReview {self.id} review={self.review_id}>"


def _register_reader_rule() -> None:
    from app.ideas.models import Idea

    Idea.register_reader_rule(judge_may_read_idea)


_register_reader_rule()
