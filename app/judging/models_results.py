"""Results: the final round, the public vote, the published winners and their corrections.

Once a decision is published its ranking is frozen (`results_published`); a correction
keeps what stood before it, so that what was first published stays readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model, db
from app.hackathons.models import FINAL_ROUND, FIRST_ROUND, Criterion, Phase
from app.judging.models import signed_in

JUSTIFICATION_MAX = 5_000


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
        return (self.published_at is not None and signed_in(user)
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
        return (self.own_criteria and not self.scoring_open and signed_in(user)
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
