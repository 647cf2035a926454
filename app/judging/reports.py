"""What a ranking tells others: each team's feedback (its scores and the judges' comments,
without names) and the coordinator's CSV of every score."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.core.spreadsheet import formula_safe
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, FIRST_ROUND, Criterion, Hackathon
from app.ideas.models import Idea
from app.judging import review_scores, scoring
from app.judging.models_reviews import Review, ReviewScore, ReviewStatus

# The ideas that take part in the ranking: submitted ones, and after publishing the decided.
from app.judging.queries import Ranking, criteria_of, final_ranking, final_round_of

# --- what teams learn ------------------------------------------------------------------------

@dataclass
class ReviewFeedback:
    """One review as the team sees it: "Judge 2", the scores and comments, no name."""

    label: int
    score: float | None
    comment: str
    criteria: list[tuple[Criterion, Any, str]]
    round: int = FIRST_ROUND
    judge_id: int | None = None  # never shown: only to keep a judge's own review from her


@dataclass
class TeamFeedback:
    idea: Idea
    ranked: scoring.RankedIdea | None
    breakdown: review_scores.IdeaBreakdown | None
    reviews: list[ReviewFeedback]
    # Per criterion of the round the idea is ranked by (a finalist's: the final round's).
    means: list[tuple[Criterion, review_scores.CriterionMean]] = field(default_factory=list)
    round: int = FIRST_ROUND

    def reviews_for(self, user_id: int) -> list[ReviewFeedback]:
        """The reviews as one member reads them: a review she wrote herself is left out and
        the others numbered without it, so that no "Judge N" is her own."""
        others = [r for r in self.reviews if r.judge_id != user_id]
        return [replace(r, label=number) for number, r in enumerate(others, start=1)]


def team_feedback(hackathon: Hackathon, ranking: Ranking | None = None) -> list[TeamFeedback]:
    """For each submitted idea: its rank, per-criterion averages and each submitted review's
    scores and comments, numbered instead of named (a fixed number of queries)."""
    from app.teams.models import Team, TeamMember

    ranking = ranking if ranking is not None and any(r.breakdown for r in ranking.rows) \
        else final_ranking(hackathon, breakdown=True)
    by_idea = {row.idea.id: row for row in ranking.rows}
    ideas = db.session.scalars(
        select(Idea).where(Idea.id.in_(sorted(by_idea)))
        .options(joinedload(Idea.team).selectinload(Team.members)
                 .joinedload(TeamMember.user))).unique().all()
    reviews = db.session.scalars(
        select(Review).where(Review.hackathon_id == hackathon.id,
                             Review.status == ReviewStatus.SUBMITTED,
                             Review.idea_id.in_(sorted(by_idea)))
        .options(selectinload(Review.scores))
        .order_by(Review.idea_id, Review.round, Review.id)).all()
    grouped: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        grouped[review.idea_id].append(review)
    result = []
    for idea in sorted(ideas, key=lambda i: i.id):
        row = by_idea[idea.id]
        items = []
        for number, review in enumerate(grouped[idea.id], start=1):
            per = []
            for c in ranking.criteria_of(review.round):  # each review by its round's criteria
                s = review.score_for(c.id)
                per.append((c, s.score if s else None, s.comment if s else ""))
            items.append(ReviewFeedback(number, review_scores.round_score(review.score)
                                        if review.score is not None else None,
                                        review.comment, per, review.round,
                                        review.judge_id))
        means = list(zip(ranking.criteria_of(row.round), row.breakdown.criteria, strict=True)
                     ) if row.breakdown else []
        result.append(TeamFeedback(idea, row.ranked, row.breakdown, items, means, row.round))
    return result


# --- the CSV export --------------------------------------------------------------------------

safe_cell = formula_safe  # the one rule, in app/core/spreadsheet.py


CSV_HEADER = ["hackathon", "idea_id", "idea_title", "team", "municipality", "review_id",
              "judge", "review_status", "review_score", "submitted_at", "criterion_id",
              "criterion", "weight", "max_score", "score", "criterion_comment",
              "overall_comment", "round"]


def scores_csv(hackathon: Hackathon) -> str:
    """Every score of every review, one row per review and criterion of the review's round
    (a final round may have its own criteria): at most 5 queries."""
    from app.places.models import Municipality
    from app.teams.models import Team

    criteria = {FIRST_ROUND: criteria_of(hackathon)}
    final = final_round_of(hackathon)
    criteria[FINAL_ROUND] = (criteria_of(hackathon, FINAL_ROUND)
                             if final is not None and final.own_criteria
                             else criteria[FIRST_ROUND])
    reviews = db.session.execute(
        select(Review.id, Review.idea_id, Review.status, Review.score, Review.submitted_at,
               Review.comment, User.name, Idea.title, Team.name, Municipality.name,
               Review.round)
        .join(User, User.id == Review.judge_id)
        .join(Idea, Idea.id == Review.idea_id)
        .join(Team, Team.id == Idea.team_id)
        .join(Municipality, Municipality.id == Team.municipality_id)
        .where(Review.hackathon_id == hackathon.id)
        .order_by(Review.idea_id, Review.id)).all()
    scores: dict[tuple[int, int], tuple[Any, str]] = {}
    for review_id, criterion_id, score, comment in db.session.execute(
            select(ReviewScore.review_id, ReviewScore.criterion_id, ReviewScore.score,
                   ReviewScore.comment).join(Review, Review.id == ReviewScore.review_id)
            .where(Review.hackathon_id == hackathon.id)):
        scores[(review_id, criterion_id)] = (score, comment)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in reviews:
        for c in criteria.get(r[10], criteria[FIRST_ROUND]):
            score, comment = scores.get((r[0], c.id), (None, ""))
            writer.writerow([safe_cell(v) for v in (
                hackathon.slug, r[1], r[7], r[8], r[9], r[0], r[6], str(r[2].value
                                                                      if hasattr(r[2], "value")
                                                                      else r[2]),
                "" if r[3] is None else f"{r[3]:.2f}",
                r[4].isoformat() if r[4] else "", c.id, c.name, f"{c.weight}", c.max_score,
                "" if score is None else f"{score}", comment or "", r[5] or "", r[10])])
    return out.getvalue()
