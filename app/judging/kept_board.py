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
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, Criterion, Hackathon
from app.judging import queries
from app.judging.models import ConflictDeclaration
from app.judging.models_results import results_published
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
class Board:
    """What the dashboard shows of a hackathon's judging, read and never changed.

    `reviews_of` holds each (round, idea)'s reviews, `titles` each ranked idea's title."""

    reviews: tuple[Any, ...]
    tied: Mapping[int, queries.TiedReview]
    ranking: queries.Ranking
    final_ranking: queries.Ranking | None
    declared: tuple[DeclaredConflict, ...]
    published: bool
    reviews_of: Mapping[tuple[int, int], tuple[Any, ...]]
    titles: Mapping[int, str]


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
    return Board(
        reviews=reviews, tied=MappingProxyType(tied), ranking=_kept_ranking(ranking),
        final_ranking=_kept_ranking(final_ranking) if final_ranking else None,
        declared=_declared(hackathon), published=results_published(hackathon.id),
        reviews_of=MappingProxyType({key: tuple(rows) for key, rows in reviews_of.items()}),
        titles=MappingProxyType({row.idea.id: row.idea.title for row in ranking.rows}))


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
