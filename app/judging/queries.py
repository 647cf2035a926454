"""Reading judging data in a fixed handful of queries: rankings, reviews, who is tied to which
idea (each judge's progress is in reminders.py; team feedback and the CSV in reports.py).

The numbers are computed by the pure scoring module; these functions only load
its input (plain tuples, not ORM objects, so thousands of reviews stay cheap) and
put names beside the ids.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Float, Select, bindparam, case, func, literal, select, type_coerce, union_all
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.accounts.models import User
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, FIRST_ROUND, Criterion, Hackathon
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import conflicts, review_scores, scoring
from app.judging.models_results import FinalRound, WinnerDecision
from app.judging.models_results import final_round_of as _final_round_of
from app.judging.models_results import results_published as _results_published
from app.judging.models_reviews import Review, ReviewScore, ReviewStatus

# The ideas that take part in the ranking: submitted ones, and after publishing the decided.
RANKED_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED)
# A ranking row's flag: a review of the idea is left out, its judge being tied to the idea
# since she submitted it (app.judging.conflicts.counts_in_ranking).
FLAG_TIED_AFTER_SUBMISSION = "conflict_after_submission"


@dataclass
class IdeaInfo:
    id: int
    title: str
    status: IdeaStatus
    team_name: str
    municipality: str


@dataclass
class RankingRow:
    """One line of the ranking: the idea, its ranked numbers and (optionally) its breakdown."""

    idea: IdeaInfo
    ranked: scoring.RankedIdea
    breakdown: review_scores.IdeaBreakdown | None = None
    review_scores: list[float] = field(default_factory=list)
    pending: int = 0
    conflicts: int = 0
    round: int = FIRST_ROUND

    @property
    def disagreement(self) -> bool:
        return scoring.FLAG_HIGH_DISAGREEMENT in self.ranked.flags


@dataclass
class Ranking:
    """A hackathon's ranking, best first, with what the dashboard shows beside it.

    `criteria` are those its rows are scored on; in the final ranking, which joins the
    finalists (round 2) to the others (round 1), those of the first round, and
    `final_criteria` the final round's (its own, or the same again).
    """

    order_by: str
    criteria: list[Criterion]
    rows: list[RankingRow]
    final_criteria: list[Criterion] | None = None

    @property
    def ranked(self) -> list[scoring.RankedIdea]:
        return [row.ranked for row in self.rows]

    def criteria_of(self, round_: int) -> list[Criterion]:
        """The criteria of the reviews and breakdowns of a row of round `round_`."""
        if round_ == FINAL_ROUND and self.final_criteria is not None:
            return self.final_criteria
        return self.criteria

    def snapshot(self) -> list[dict[str, Any]]:
        """The ranking as plain data, as published (frozen on the winner decision)."""
        return [ranked_body(row.ranked) | {"title": row.idea.title,
                                           "municipality": row.idea.municipality,
                                           "round": row.round}
                for row in self.rows]


def ranked_body(ranked: scoring.RankedIdea) -> dict[str, Any]:
    return {"idea_id": ranked.idea_id, "rank": ranked.rank, "score": ranked.score,
            "normalized_score": ranked.normalized_score, "reviews": ranked.reviews,
            "median": ranked.median, "stdev": ranked.stdev, "flags": list(ranked.flags)}


def criteria_of(hackathon: Hackathon, criteria_round: int = FIRST_ROUND) -> list[Criterion]:
    """The hackathon's criteria of one round, in their order."""
    return list(db.session.scalars(_criteria_statement(),
                                   {"hackathon_id": hackathon.id, "round": criteria_round}))


@functools.cache
def _criteria_statement() -> Any:
    """Asked with every ranking: built once per process, its values bound parameters."""
    return (select(Criterion).where(Criterion.hackathon_id == bindparam("hackathon_id"),
                                    Criterion.round == bindparam("round"))
            .order_by(Criterion.position, Criterion.id))


def _criteria_round(hackathon: Hackathon, round_: int, final: FinalRound | None) -> int:
    """Whose criteria a round's reviews are scored on: a final round may have its own."""
    if round_ != FINAL_ROUND:
        return FIRST_ROUND
    final = final if final is not None else final_round_of(hackathon)
    return final.criteria_round if final is not None else FIRST_ROUND


@functools.cache
def _ranking_statements() -> tuple[Any, Any, Any]:
    """`load_ranking`'s three queries (the ideas, the reviews, their criterion scores),
    built once per process: on a dashboard, building them and their cache keys cost more
    than running them. The hackathon and the round are bound parameters."""
    from app.places.models import Municipality
    from app.teams.models import Team

    hackathon_id: Any = bindparam("hackathon_id")
    round_: Any = bindparam("round")
    ideas = (select(Idea.id, Idea.title, Idea.status, Team.name, Municipality.name)
             .join(Team, Team.id == Idea.team_id)
             .join(Municipality, Municipality.id == Team.municipality_id)
             .where(Idea.hackathon_id == hackathon_id, Idea.status.in_(RANKED_STATUSES))
             .order_by(Idea.id))
    reviews = (select(Review.id, Review.idea_id, Review.judge_id, Review.status, Review.score,
                      Review.round, User.municipality_id)
               .join(Idea, Idea.id == Review.idea_id)
               .join(User, User.id == Review.judge_id)
               .where(Review.hackathon_id == hackathon_id, Review.round == round_,
                      Review.status != ReviewStatus.EXCLUDED,
                      Idea.status.in_(RANKED_STATUSES)))
    # Valid scores are whole or half points, exact as floats; reading them as floats (not
    # Decimals) keeps 50 000 scores quick.
    scores = (select(ReviewScore.review_id, ReviewScore.criterion_id,
                     type_coerce(ReviewScore.score, Float))
              .join(Review, Review.id == ReviewScore.review_id)
              .join(Idea, Idea.id == Review.idea_id)
              .where(Review.hackathon_id == hackathon_id, Review.round == round_,
                     Review.status == ReviewStatus.SUBMITTED,
                     Idea.status.in_(RANKED_STATUSES)))
    return ideas, reviews, scores


def _ideas(hackathon: Hackathon) -> dict[int, IdeaInfo]:
    rows = db.session.execute(_ranking_statements()[0], {"hackathon_id": hackathon.id})
    return {r[0]: IdeaInfo(r[0], r[1], IdeaStatus(r[2]), r[3], r[4]) for r in rows}


def load_ranking(hackathon: Hackathon, *, breakdown: bool = False,
                 round_: int = FIRST_ROUND, idea_ids: list[int] | None = None,
                 final: FinalRound | None = None,
                 tied: Mapping[int, TiedReview] | None = None) -> Ranking:
    """The live ranking of one round from its reviews: 3 queries (4 with the per-criterion
    breakdown, one more for the final round unless its `final` is given). `idea_ids` limits
    it to some ideas (a final round's finalists). The breakdown is by the round's criteria.
    `tied` is the hackathon's `tied_reviews()` where the caller has them already (a page
    that lists them too); otherwise they are worked out for this round's reviews."""
    criteria = criteria_of(hackathon, _criteria_round(hackathon, round_, final))
    ideas = _ideas(hackathon)
    if idea_ids is not None:
        ideas = {i: ideas[i] for i in idea_ids if i in ideas}
    params = {"hackathon_id": hackathon.id, "round": round_}
    reviews = db.session.execute(_ranking_statements()[1], params).all()
    # A judge tied to the idea since she submitted: her review no longer counts.
    if tied is None:
        tied = tied_reviews(hackathon, reviews)
    counted = {r.id for r in reviews}
    kept_out = {item.review_id: item.idea_id for item in tied.values()
                if not item.counts and item.review_id in counted}
    left_out = set(kept_out.values())
    reviews = [r for r in reviews if r.idea_id in ideas and r.id not in kept_out]
    inputs = [scoring.ReviewInput(r.idea_id, r.judge_id, r.score,
                                  submitted=r.status == ReviewStatus.SUBMITTED,
                                  conflict=r.status == ReviewStatus.CONFLICT)
              for r in reviews]
    order_by = hackathon.ranking_order if scoring.is_order(hackathon.ranking_order) \
        else scoring.ORDER_BY_SCORE
    ranked = scoring.rank_ideas(inputs, expected_reviews=hackathon.reviews_per_idea,
                                order_by=order_by, idea_ids=ideas.keys())
    breakdowns: dict[int, review_scores.IdeaBreakdown] = {}
    if breakdown and criteria:
        scores: dict[int, dict[int, Any]] = defaultdict(dict)
        for review_id, criterion_id, score in db.session.execute(_ranking_statements()[2],
                                                                 params):
            scores[review_id][criterion_id] = score
        breakdowns = review_scores.criterion_breakdown(
            [review_scores.ReviewScores(r.idea_id, r.judge_id, scores.get(r.id, {}))
             for r in reviews if r.status == ReviewStatus.SUBMITTED],
            [review_scores.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria],
            idea_ids=ideas.keys())
    per_idea_scores: dict[int, list[float]] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    conflicts: dict[int, int] = defaultdict(int)
    for r in reviews:
        if r.status == ReviewStatus.SUBMITTED:
            per_idea_scores[r.idea_id].append(float(r.score))  # stored with 2 decimals
        elif r.status == ReviewStatus.PENDING:
            pending[r.idea_id] += 1
        else:
            conflicts[r.idea_id] += 1
    ranked = [replace(item, flags=(*item.flags, FLAG_TIED_AFTER_SUBMISSION))
              if item.idea_id in left_out else item for item in ranked]
    rows = [RankingRow(ideas[item.idea_id], item, breakdowns.get(item.idea_id),
                       sorted(per_idea_scores[item.idea_id], reverse=True),
                       pending[item.idea_id], conflicts[item.idea_id], round_)
            for item in ranked if item.idea_id in ideas]
    return Ranking(order_by=order_by, criteria=criteria, rows=rows)


def final_round_of(hackathon: Hackathon) -> FinalRound | None:
    return _final_round_of(hackathon.id)


def final_ranking(hackathon: Hackathon, *, breakdown: bool = False) -> Ranking:
    """The ranking the winners are chosen from: the first round's, or with a final round the
    finalists by their final-round scores first, then everyone else in first-round order
    (ranks continue after the finalists; ties stay ties)."""
    final = final_round_of(hackathon)
    if final is None:
        return load_ranking(hackathon, breakdown=breakdown)
    tied = tied_reviews(hackathon)  # both rounds' ties, worked out once
    first = load_ranking(hackathon, breakdown=breakdown, tied=tied)
    second = load_ranking(hackathon, breakdown=breakdown, round_=FINAL_ROUND,
                          idea_ids=final.idea_ids, final=final, tied=tied)
    finalists = {row.idea.id for row in second.rows}
    rest = [row for row in first.rows if row.idea.id not in finalists]
    offset = len(second.rows)
    for row in rest:
        if row.ranked.rank is not None:
            better = sum(1 for other in rest if other.ranked.rank is not None
                         and other.ranked.rank < row.ranked.rank)
            row.ranked = replace(row.ranked, rank=offset + better + 1)
    return Ranking(order_by=first.order_by, criteria=first.criteria, rows=second.rows + rest,
                   final_criteria=second.criteria)


def every_review(hackathon: Hackathon) -> list[Any]:
    """Every review of the hackathon as a plain row (id, idea, judge, status, score, round,
    and the judge's municipality), by id: the dashboard links each idea's reviews, and
    works out the ties (`tied_reviews`) from the same rows."""
    return list(db.session.execute(_every_review_statement(), {"hackathon_id": hackathon.id}))


@functools.cache
def _every_review_statement() -> Any:
    """`every_review`'s query, built once per process; the hackathon is a bound parameter."""
    return (select(Review.id, Review.idea_id, Review.judge_id, Review.status, Review.score,
                   Review.round, User.municipality_id)
            .outerjoin(User, User.id == Review.judge_id)
            .where(Review.hackathon_id == bindparam("hackathon_id")).order_by(Review.id))


def published_decision(hackathon: Hackathon) -> WinnerDecision | None:
    return db.session.scalar(select(WinnerDecision).where(
        WinnerDecision.hackathon_id == hackathon.id, WinnerDecision.published_at.is_not(None)))


@functools.cache
def _my_reviews_statement(narrowed: bool, listed: bool) -> Any:
    """`my_reviews`'s query, built once per process: building its loader options and their
    cache key cost more than running it. The judge and the hackathon are bound parameters."""
    from sqlalchemy.orm import load_only

    from app.ideas.models_redaction import IdeaRedaction
    from app.places.models import Municipality
    from app.teams.models import Team

    idea = joinedload(Review.idea)
    if listed:
        # Only the columns the judge's list and `Idea.text_for` read (an idea's texts and a
        # hackathon's description are long); any other column raises instead of loading.
        options: tuple = (
            load_only(Review.id, Review.hackathon_id, Review.idea_id, Review.judge_id,
                      Review.round, Review.status, raiseload=True),
            idea.load_only(Idea.id, Idea.hackathon_id, Idea.team_id, Idea.title, Idea.status,
                           raiseload=True),
            idea.joinedload(Idea.team).load_only(Team.id, Team.name, Team.municipality_id,
                                                 raiseload=True)
            .joinedload(Team.municipality).load_only(Municipality.id, Municipality.name,
                                                     raiseload=True),
            idea.joinedload(Idea.team).lazyload(Team.partner_municipalities),
            # Joined rather than selected: a second query with these options costs more
            # than the few columns it would save.
            idea.joinedload(Idea.redaction).load_only(IdeaRedaction.id, IdeaRedaction.idea_id,
                                                      IdeaRedaction.title, raiseload=True),
            # The review's hackathon, from the identity map.
            idea.lazyload(Idea.hackathon),
            joinedload(Review.hackathon).load_only(
                Hackathon.id, Hackathon.title, Hackathon.phase, Hackathon.region_code,
                Hackathon.blind_review, Hackathon.submission_closes_at,
                Hackathon.judging_closes_at, raiseload=True),
            lazyload(Review.judge))
    else:
        options = (idea.joinedload(Idea.team).joinedload(Team.municipality),
                   # The list names no partner, and the judge is the reader: neither is
                   # loaded unless asked for.
                   idea.joinedload(Idea.team).lazyload(Team.partner_municipalities),
                   idea.selectinload(Idea.redaction),
                   joinedload(Review.hackathon), lazyload(Review.judge))
    query = (
        select(Review).join(Idea, Idea.id == Review.idea_id)
        .where(Review.judge_id == bindparam("judge_id"), Idea.status.in_(RANKED_STATUSES))
        .options(*options)
        # Open work first, then what is done, then what is not hers to do.
        .order_by(Review.hackathon_id.desc(), Review.round.desc(),
                  case((Review.status == ReviewStatus.PENDING, 0),
                       (Review.status == ReviewStatus.SUBMITTED, 1), else_=2), Review.id)
    )
    if narrowed:
        query = query.where(Review.hackathon_id == bindparam("hackathon_id"))
    return query


def my_reviews(user, *, hackathon_id: int | None = None, listed: bool = False) -> list[Review]:
    """The judge's reviews of ideas still in the competition, with idea, team and hackathon,
    in a fixed number of queries whatever their number; `listed`: only the columns the
    judge's list shows."""
    params = {"judge_id": user.id}
    if hackathon_id is not None:
        params["hackathon_id"] = hackathon_id
    statement = _my_reviews_statement(hackathon_id is not None, listed)
    return list(db.session.scalars(statement, params).unique())


def select_review() -> Select[tuple[Review]]:
    """A review with its scores, idea, team and the hackathon's criteria."""
    return select(Review).options(
        selectinload(Review.scores),
        joinedload(Review.idea),
        joinedload(Review.hackathon).selectinload(Hackathon.criteria))


def load_review(review_id: int) -> Review | None:
    """One review with its scores, idea, team and the hackathon's criteria."""
    return db.session.scalar(select_review().where(Review.id == review_id))


# --- who is tied to which idea (the input of the conflict rule) ------------------------------

@functools.cache
def _conflict_statement(narrowed: bool) -> Any:
    """The union of every kind of tie, built once per process (building its twelve parts
    cost more than running it); the hackathon and the ideas are bound parameters."""
    from app.ideas.models import IdeaRevision
    from app.ideas.models_attachments import Attachment
    from app.teams.models import FormerTeamMember, Team, TeamInvitation, TeamMember, team_partner

    hackathon_id: Any = bindparam("hackathon_id")
    idea_ids: Any = bindparam("idea_ids", expanding=True)

    def part(kind: str, ref, *joins):
        query = select(Idea.id.label("idea_id"), literal(kind).label("kind"),
                       ref.label("ref")).select_from(Idea)
        for target, on in joins:
            query = query.join(target, on)
        query = query.where(Idea.hackathon_id == hackathon_id, ref.is_not(None))
        return query.where(Idea.id.in_(idea_ids)) if narrowed else query

    team = (Team, Team.id == Idea.team_id)
    invitation = (TeamInvitation, TeamInvitation.team_id == Idea.team_id)
    return union_all(
        part("place", Team.municipality_id, team),
        part("place", team_partner.c.municipality_id,
             (team_partner, team_partner.c.team_id == Idea.team_id)),
        part("member", TeamMember.user_id, (TeamMember, TeamMember.team_id == Idea.team_id)),
        part("member", FormerTeamMember.user_id,
             (FormerTeamMember, FormerTeamMember.team_id == Idea.team_id)),
        part("member", Team.created_by_id, team),
        part("invitation", TeamInvitation.invited_by_id, invitation),
        part("invitation", TeamInvitation.accepted_by_id, invitation),
        part("invitation", User.id, invitation,
             (User, func.lower(User.email) == func.lower(TeamInvitation.email))),
        part("author", Idea.created_by_id),
        part("author", Idea.updated_by_id),
        part("author", IdeaRevision.saved_by_id, (IdeaRevision, IdeaRevision.idea_id == Idea.id)),
        part("author", Attachment.uploaded_by_id, (Attachment, Attachment.idea_id == Idea.id)),
    )


def conflict_facts(hackathon: Hackathon, *, idea_ids: list[int] | None = None
                   ) -> dict[int, conflicts.IdeaFacts]:
    """Each idea of the hackathon (or of `idea_ids`) with its municipalities and the people
    tied to it, for conflicts.reasons: one query, a union of what each tie is made of."""
    params: dict[str, Any] = {"hackathon_id": hackathon.id}
    if idea_ids is not None:
        params["idea_ids"] = list(idea_ids)
    rows = db.session.execute(_conflict_statement(idea_ids is not None), params).all()
    found: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for idea_id, kind, ref in rows:
        found[idea_id][kind].add(ref)
    return {idea_id: conflicts.IdeaFacts(
        idea_id, frozenset(parts["place"]),
        conflicts.Ties(members=frozenset(parts["member"]),
                       invitations=frozenset(parts["invitation"]),
                       authors=frozenset(parts["author"])))
        for idea_id, parts in found.items()}


@dataclass(frozen=True)
class TiedReview:
    """A submitted review whose judge is now tied to its idea, why, and whether it still
    counts in the ranking (only once the results are published)."""

    review_id: int
    idea_id: int
    judge_id: int
    round: int
    reasons: tuple[str, ...]
    counts: bool


def tied_reviews(hackathon: Hackathon, reviews: Sequence[Any] | None = None
                 ) -> dict[int, TiedReview]:
    """The hackathon's submitted reviews whose judge the conflict rule now ties to the idea,
    by review id. `reviews` (rows with id, idea_id, judge_id, status, round and the judge's
    municipality_id) saves loading them; then 1 query, or 2 with a tie to look into."""
    if reviews is None:
        reviews = db.session.execute(_submitted_reviews_statement(),
                                     {"hackathon_id": hackathon.id}).all()
    submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    if not submitted:
        return {}
    published = _results_published(hackathon.id)
    # Submitted reviews cover most of a hackathon's ideas once judging is under way, and the
    # whole hackathon's ties come from the statement without a list of ids: half the cost.
    facts = conflict_facts(hackathon)
    found = {}
    for r in submitted:
        idea = facts.get(r.idea_id)
        why = conflicts.reasons(conflicts.JudgeFacts(r.judge_id, r.municipality_id),
                                idea) if idea is not None else ()
        if why:
            found[r.id] = TiedReview(r.id, r.idea_id, r.judge_id, r.round, why,
                                     conflicts.counts_in_ranking(why, published=published))
    return found


@functools.cache
def _submitted_reviews_statement() -> Any:
    """`tied_reviews`'s own query, built once per process; the hackathon is bound."""
    return (select(Review.id, Review.idea_id, Review.judge_id, Review.status, Review.round,
                   User.municipality_id)
            .join(User, User.id == Review.judge_id)
            .where(Review.hackathon_id == bindparam("hackathon_id"),
                   Review.status == ReviewStatus.SUBMITTED))


@dataclass
class JudgeConflict:
    """An idea a judge may not judge, and why (codes of app.judging.conflicts)."""

    idea_id: int
    title: str
    reasons: tuple[str, ...]


def conflicts_of_judges(hackathon: Hackathon, judges: list[tuple[int, int | None]]
                        ) -> dict[int, list[JudgeConflict]]:
    """For each (user id, municipality id): the hackathon's ideas, drafts too, she may not
    judge for who she is (team, invitations, authorship) — what the jury page shows."""
    facts = conflict_facts(hackathon)
    if not facts:
        return {}
    titles = dict(db.session.execute(select(Idea.id, Idea.title)
                                     .where(Idea.id.in_(sorted(facts)))).tuples().all())
    result: dict[int, list[JudgeConflict]] = {}
    for user_id, municipality_id in judges:
        judge = conflicts.JudgeFacts(user_id, municipality_id)
        for idea_id in sorted(facts):
            why = conflicts.reasons(judge, facts[idea_id])
            if conflicts.PERSONAL.intersection(why):
                result.setdefault(user_id, []).append(
                    JudgeConflict(idea_id, titles.get(idea_id, ""),
                                  tuple(r for r in why if r in conflicts.PERSONAL)))
    return result
