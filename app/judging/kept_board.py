"""A hackathon's judging figures for its coordinators, kept between their reads.

The judging dashboard shows, from every review of the hackathon, the live ranking with
each criterion's breakdown, the reviews judges became tied to, and the declared conflicts.
Working them out takes most of the page's time, and a coordinator reads the page far more
often than a review, a score or a team changes. So they are kept, as plain values, under
the versions of the public data and of the judging inputs (`cache.judging_state`, read
afresh on every request). A value is kept only if every table it read is public or one of
datamap.JUDGING_INPUTS, and only if its transaction changed nothing yet to be committed
(app.public.summaries.Store): a table missing from the list makes the page slower, never
a coordinator's ranking stale.

Whose? The values are one hackathon's, the same for each of its coordinators; the view
checks who may manage the hackathon before it asks for them. What depends on the clock
(each judge's progress against the judging time, the phase) is not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from app.core import datamap
from app.core.formatting import fmt_points
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, Criterion, Hackathon
from app.judging import queries, reminders
from app.judging.models import AssignmentRun, ConflictDeclaration
from app.judging.models_results import WinnerDecision, results_published
from app.judging.models_reviews import ReviewStatus
from app.public import summaries

# Boards kept per process: a coordinator works on a few hackathons at a time, and a
# national one's board holds thousands of rows.
KEPT_BOARDS = 16

_store = summaries.store(datamap.public_tables() | datamap.JUDGING_INPUTS)


@dataclass(frozen=True)
class CriterionRow:
    """A criterion as its ranking's columns name it."""

    id: int
    name: str
    max_score: Any
    weight: Any


@dataclass(frozen=True)
class DeclaredConflict:
    declared_at: datetime
    judge_name: str
    idea_title: str
    reason: str


@dataclass(frozen=True)
class ReviewLink:
    """A review beside its idea's line: its judge (None for one no longer on the jury) and,
    once submitted, its score as written."""

    id: int
    judge: str | None
    status: ReviewStatus
    score: str | None


@dataclass(frozen=True)
class RankingLine:
    """A ranking row as the coordinator's table writes it, its numbers written out once when
    the board is worked out (they read the same in every language): a page of fifty rows
    then renders without formatting hundreds of numbers and looking up every judge."""

    idea_id: int
    title: str
    team: str  # the team and its municipality
    rank: str
    score: str
    normalized: str
    done: int
    stdev: str | None
    means: tuple[str, ...]  # one per criterion, in the ranking's order
    flags: tuple[str, ...]
    disagreement: bool
    reviews: tuple[ReviewLink, ...]


@dataclass(frozen=True)
class LastRun:
    """The latest building of the assignments (not a final round's)."""

    at: datetime
    trigger: str
    created: int
    actor_name: str | None
    shortfalls: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class Decision:
    """The published winner decision, as the dashboard names it."""

    published_at: datetime


@dataclass(frozen=True)
class Board:
    """What the dashboard shows of a hackathon's judging, read and never changed.

    `titles` holds each ranked idea's title,
    `jury` each judge's counts (who is behind depends on the clock: reminders.standing)."""

    tied: Mapping[int, queries.TiedReview]
    ranking: queries.Ranking
    final_ranking: queries.Ranking | None
    lines: tuple[RankingLine, ...]  # the ranking's rows, in its order
    final_lines: tuple[RankingLine, ...]
    declared: tuple[DeclaredConflict, ...]
    published: bool
    titles: Mapping[int, str]
    jury: tuple[reminders.JuryLine, ...]
    last_run: LastRun | None
    decision: Decision | None


def board(hackathon: Hackathon, state: tuple) -> Board:
    """The hackathon's board, kept under `state` (judging_state(), read before `hackathon`
    was loaded)."""
    return _store.answer(state, "board", (hackathon.id,), lambda: _work_out(hackathon),
                         KEPT_BOARDS)


def _plain(criteria: list[Criterion] | None) -> Any:
    if criteria is None:
        return None
    return [CriterionRow(c.id, c.name, c.max_score, c.weight) for c in criteria]


def _kept_ranking(ranking: queries.Ranking) -> queries.Ranking:
    """The ranking with its criteria as plain rows (the template reads the same names)."""
    return replace(ranking, criteria=_plain(ranking.criteria) or [],
                   final_criteria=_plain(ranking.final_criteria))


def _work_out(hackathon: Hackathon) -> Board:
    reviews = tuple(queries.every_review(hackathon))
    tied = queries.tied_reviews(hackathon, reviews)
    ranking = queries.load_ranking(hackathon, breakdown=True, tied=tied)
    final = queries.final_round_of(hackathon)
    final_ranking = (queries.load_ranking(hackathon, breakdown=True, round_=FINAL_ROUND,
                                          idea_ids=final.idea_ids, final=final, tied=tied)
                     if final else None)
    reviews_of: dict[tuple[int, int], list[Any]] = {}
    for r in reviews:
        reviews_of.setdefault((r.round, r.idea_id), []).append(r)
    jury = reminders.jury_counts(hackathon)
    names = {line.user_id: line.name for line in jury}

    def lines(of: queries.Ranking | None) -> tuple[RankingLine, ...]:
        if of is None:
            return ()
        return tuple(_line(row, len(of.criteria),
                           reviews_of.get((row.round, row.idea.id), ()), names)
                     for row in of.rows)

    return Board(
        tied=MappingProxyType(tied), ranking=_kept_ranking(ranking),
        final_ranking=_kept_ranking(final_ranking) if final_ranking else None,
        lines=lines(ranking), final_lines=lines(final_ranking),
        declared=_declared(hackathon), published=results_published(hackathon.id),
        titles=MappingProxyType({row.idea.id: row.idea.title for row in ranking.rows}),
        jury=jury, last_run=_last_run(hackathon),
        decision=_decision(hackathon))


def _line(row: queries.RankingRow, criteria: int, reviews: Any, names: Mapping[int, str]
          ) -> RankingLine:
    ranked = row.ranked
    means = (tuple(fmt_points(m.mean) for m in row.breakdown.criteria)
             if row.breakdown and row.breakdown.criteria else ("—",) * criteria)
    return RankingLine(
        idea_id=row.idea.id, title=row.idea.title,
        team=f"{row.idea.team_name}, {row.idea.municipality}",
        rank=str(ranked.rank) if ranked.rank else "—", score=fmt_points(ranked.score),
        normalized=fmt_points(ranked.normalized_score), done=ranked.reviews,
        stdev=fmt_points(ranked.stdev) if ranked.stdev is not None else None, means=means,
        flags=ranked.flags, disagreement=row.disagreement,
        reviews=tuple(ReviewLink(r.id, names.get(r.judge_id), r.status,
                                 fmt_points(r.score) if r.status == ReviewStatus.SUBMITTED
                                 else None) for r in reviews))


def _last_run(hackathon: Hackathon) -> LastRun | None:
    """The latest building of the assignments but a final round's, its actor named by a
    column (loading the user would read her roles too)."""
    from app.accounts.models import User

    row = db.session.execute(
        select(AssignmentRun.at, AssignmentRun.trigger, AssignmentRun.created, User.name,
               AssignmentRun.shortfalls)
        .outerjoin(User, User.id == AssignmentRun.actor_id)
        .where(AssignmentRun.hackathon_id == hackathon.id,
               AssignmentRun.trigger != "final_round")
        .order_by(AssignmentRun.at.desc(), AssignmentRun.id.desc()).limit(1)).first()
    if row is None:
        return None
    at, trigger, created, actor_name, shortfalls = row
    return LastRun(at, trigger, created, actor_name,
                   tuple(MappingProxyType(dict(item)) for item in shortfalls or ()))


def _decision(hackathon: Hackathon) -> Decision | None:
    published_at = db.session.scalar(
        select(WinnerDecision.published_at)
        .where(WinnerDecision.hackathon_id == hackathon.id,
               WinnerDecision.published_at.is_not(None)))
    return Decision(published_at) if published_at is not None else None


def _declared(hackathon: Hackathon) -> tuple[DeclaredConflict, ...]:
    """The conflicts of interest judges declared in the hackathon, the newest first."""
    from app.accounts.models import User
    from app.ideas.models import Idea

    rows = db.session.execute(
        select(ConflictDeclaration.declared_at, User.name, Idea.title,
               ConflictDeclaration.reason)
        .join(User, User.id == ConflictDeclaration.judge_id)
        .join(Idea, Idea.id == ConflictDeclaration.idea_id)
        .where(ConflictDeclaration.hackathon_id == hackathon.id)
        .order_by(ConflictDeclaration.declared_at.desc()))
    return tuple(DeclaredConflict(*row) for row in rows)
