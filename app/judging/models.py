"""The jury, reviews and their scores, conflicts of interest, winners and the public vote.

Who may do what is answered by predicates here (`review.can_score(user)`,
`jury_member.can_be_removed()`); views, the API and templates ask the same ones.
The review status machine is the table TRANSITIONS beside ReviewStatus; only
operations assign `.status`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.kept import KeptDraftMixin
from app.extensions import Model, db
from app.hackathons.models import FINAL_ROUND, FIRST_ROUND, Criterion, Phase

COMMENT_MAX = 5_000
REASON_MAX = 2_000
JUSTIFICATION_MAX = 5_000

# Phases in which a coordinator may still change the jury (before judging starts).
JURY_EDITABLE = frozenset({Phase.DRAFT, Phase.OPEN})
# Phases in which assignments may be built: on demand before reviews begin, and in judging.
ASSIGNABLE = frozenset({Phase.OPEN, Phase.JUDGING})


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


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _enum(kind):
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
        _enum(ReviewStatus), default=ReviewStatus.PENDING, index=True
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
        return _signed_in(user) and user.id == self.judge_id

    def can_read(self, user) -> bool:
        """The judge reads their own review; the hackathon's coordinators read every one."""
        return self.is_judge(user) or (_signed_in(user) and self.hackathon.can_manage(user))

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
            and _signed_in(user)
            and self.hackathon.can_manage(user)
            and self.hackathon.phase_at(now) in (Phase.JUDGING, Phase.RESULTS)
            and not results_published(self.hackathon_id)
        )

    def can_exclude(self, user, now: datetime | None = None) -> bool:
        """A coordinator excludes a submitted review, with a reason, until the results are
        published."""
        return (
            self.is_submitted
            and _signed_in(user)
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


class WinnerDecision(Model):
    """The coordinator's published choice of winners, with the ranking it was made from."""

    __tablename__ = "winner_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), unique=True
    )
    idea_ids: Mapped[list[int]] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text, default="")
    # True when the winners are not the top of the ranking (then a justification is required).
    departs_from_ranking: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ranking as published, frozen: [{idea_id, rank, score, normalized_score, reviews,
    # flags, median, stdev}], best first.
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ranking_order: Mapped[str] = mapped_column(String(20), default="score")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=now_utc)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    hackathon = relationship("Hackathon")
    decided_by = relationship("User")
    corrections: Mapped[list[ResultsCorrection]] = relationship(
        order_by="ResultsCorrection.number", cascade="all, delete-orphan")

    @property
    def is_corrected(self) -> bool:
        return bool(self.corrections)

    @property
    def latest_correction(self) -> ResultsCorrection | None:
        return self.corrections[-1] if self.corrections else None

    def title_of(self, idea_id: int) -> str:
        """An idea's title as the published rankings (current or before a correction) give it."""
        for ranking in (self.ranking, *(c.before.get("ranking") or () for c in self.corrections)):
            for row in ranking or ():
                if row.get("idea_id") == idea_id:
                    return row.get("title") or ""
        return ""

    @property
    def original(self) -> dict[str, Any]:
        """The results as first published: kept on the first correction, else the current."""
        if self.corrections:
            return self.corrections[0].before
        return {"idea_ids": list(self.idea_ids), "ranking": list(self.ranking),
                "justification": self.justification,
                "departs_from_ranking": self.departs_from_ranking,
                "ranking_order": self.ranking_order}

    def can_correct(self, user, now: datetime | None = None) -> bool:
        """The hackathon's coordinators (of its region, national ones, admins) correct
        published results, with a reason, in the phases results and closed."""
        return (self.published_at is not None and _signed_in(user)
                and self.hackathon.can_manage(user)
                and self.hackathon.phase_at(now) in (Phase.RESULTS, Phase.CLOSED))

    def __repr__(self) -> str:
        return f"<WinnerDecision hackathon={self.hackathon_id} {self.idea_ids}>"


class ResultsCorrection(Model):
    """A documented correction of published results (an erratum): what was wrong and why,
    what changed, and the results as they stood before it, so that what was first published
    stays readable. The decision then holds the corrected winners and ranking."""

    __tablename__ = "results_correction"
    __table_args__ = (UniqueConstraint("hackathon_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("winner_decision.id", ondelete="CASCADE"), index=True
    )
    # 1 for the first correction of the hackathon's results, then 2, 3 …
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    # What changed: {"excluded_reviews": [{"review_id", "idea_id"}], "winners_added": [ids],
    # "winners_removed": [ids], "justification_changed": bool}.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The results before this correction: {"idea_ids", "ranking", "justification",
    # "departs_from_ranking", "ranking_order"}; the first correction's is what was published.
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                   ondelete="SET NULL"))
    corrected_at: Mapped[datetime] = mapped_column(default=now_utc)

    corrected_by = relationship("User")

    def __repr__(self) -> str:
        return f"<ResultsCorrection hackathon={self.hackathon_id} #{self.number}>"


class FinalRound(Model):
    """A shortlist of the top ideas for a final round (e.g. a pitch day), scored again by the
    jury on the same criteria as the jury round or on the final round's own criteria; the
    final ranking then comes from this round.

    With the same criteria, scoring opens when the round is started. With own criteria the
    coordinator first sets them (criteria of round 2), then opens the scoring: only then are
    the finalists assigned and the judges told, and from then on the final round's criteria
    are frozen, as the jury round's freeze when judging starts, so that every finalist is
    judged against the same criteria.
    """

    __tablename__ = "final_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), unique=True
    )
    size: Mapped[int] = mapped_column(Integer)
    # The finalists, best first by the first round (ties at the cut all go through).
    idea_ids: Mapped[list[int]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # True: scored on its own criteria (Criterion.round 2); False: on the jury round's.
    own_criteria: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the finalists were assigned to the judges: scoring is open, the criteria frozen.
    scoring_opened_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    hackathon = relationship("Hackathon")

    @property
    def scoring_open(self) -> bool:
        return self.scoring_opened_at is not None

    @property
    def criteria_round(self) -> int:
        """The round whose criteria this round is scored on."""
        return FINAL_ROUND if self.own_criteria else FIRST_ROUND

    def criteria_editable(self, now: datetime | None = None) -> bool:
        """Own criteria may change until the final round's scoring opens (and only while
        the hackathon is judging, before the results)."""
        return (self.own_criteria and not self.scoring_open
                and self.hackathon.phase_at(now) == Phase.JUDGING
                and not results_published(self.hackathon_id))

    def can_open_scoring(self, user, now: datetime | None = None) -> bool:
        """A coordinator opens the scoring of a final round on own criteria once they are set."""
        return (self.own_criteria and not self.scoring_open and _signed_in(user)
                and self.hackathon.can_manage(user)
                and self.hackathon.phase_at(now) == Phase.JUDGING
                and not results_published(self.hackathon_id))

    def __repr__(self) -> str:
        return f"<FinalRound hackathon={self.hackathon_id} {self.idea_ids}>"


class PublicVote(Model):
    """A signed-in resident's one vote in a hackathon with public voting; changeable."""

    __tablename__ = "public_vote"
    __table_args__ = (UniqueConstraint("hackathon_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    cast_at: Mapped[datetime] = mapped_column(default=now_utc)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<PublicVote hackathon={self.hackathon_id} user={self.user_id}>"


# --- queries the predicates need ------------------------------------------------------------


def final_round_of(hackathon_id: int) -> FinalRound | None:
    return db.session.scalar(select(FinalRound).where(FinalRound.hackathon_id == hackathon_id))


def round_criteria(hackathon, round_: int, final: FinalRound | None = None) -> list[Criterion]:
    """The criteria a round's reviews are scored on: the jury round's, or in a final round
    with its own criteria those (`final`: the hackathon's final round, when already loaded)."""
    if round_ == FINAL_ROUND:
        final = final if final is not None else final_round_of(hackathon.id)
        if final is not None and final.own_criteria:
            return list(hackathon.final_criteria)
    return list(hackathon.criteria)


def results_published(hackathon_id: int) -> bool:
    """True once the hackathon's winners are published: scores and decisions are frozen."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    WinnerDecision.hackathon_id == hackathon_id,
                    WinnerDecision.published_at.is_not(None),
                )
            )
        )
    )


def is_jury_member(hackathon, user) -> bool:
    """The signed-in user is on the hackathon's jury."""
    if not _signed_in(user):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    JuryMember.hackathon_id == hackathon.id, JuryMember.user_id == user.id
                )
            )
        )
    )


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
