"""Conflicts of interest: the one rule saying who may not judge an idea, and why.

A judge may not judge an idea when she works for its lead or a partner municipality, when
she is or was a member of its team, when she invited someone to that team or was invited
to it, when she wrote or edited any version of the idea, or when she declared a conflict.
The rule is pure (plain data in, reasons out); `app.judging.queries.conflict_facts` loads
its input in one query, and the assignment plan, the final round and the jury page all ask
it, so that they can never disagree.

A tie can also appear after a judge has submitted her review (she joins the team, is
invited to it, edits the idea, comes to work for its municipality). Until the results are
published such a review stops counting at once (`counts_in_ranking`): the ranking leaves it
out and the dashboard flags it with the reasons, until the coordinator excludes it (with a
recorded reason; another judge then takes the idea, as with any exclusion) or publishing
records the exclusion. Once the results are published the ranking is on record: the review
is only flagged for the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SAME_MUNICIPALITY = "same_municipality"
TEAM_MEMBER = "team_member"  # now or in the past
INVITATION = "invitation"  # invited someone to the team, or was invited to it
AUTHOR = "author"  # wrote or edited a version of the idea, or uploaded a file to it
DECLARED = "declared"  # the judge said so herself

# The order in which reasons are named (most telling first, after the place).
REASONS = (SAME_MUNICIPALITY, TEAM_MEMBER, INVITATION, AUTHOR, DECLARED)
# Reasons that come from who the judge is, not from where she works.
PERSONAL = frozenset({TEAM_MEMBER, INVITATION, AUTHOR})


@dataclass(frozen=True, slots=True)
class Ties:
    """The people tied to an idea, by user id."""

    members: frozenset[int] = frozenset()  # the team's members, present and former
    invitations: frozenset[int] = frozenset()  # who invited to the team, and who was invited
    authors: frozenset[int] = frozenset()  # who wrote, edited or added a file to the idea


@dataclass(frozen=True, slots=True)
class IdeaFacts:
    idea_id: int
    municipality_ids: frozenset[int]
    ties: Ties = field(default_factory=Ties)


@dataclass(frozen=True, slots=True)
class JudgeFacts:
    judge_id: int
    municipality_id: int | None  # None: no conflict by place


def reasons(judge: JudgeFacts, idea: IdeaFacts, *, declared: bool = False
            ) -> tuple[str, ...]:
    """Why `judge` may not judge `idea` (empty: she may), in the order of REASONS."""
    found = []
    if judge.municipality_id is not None and judge.municipality_id in idea.municipality_ids:
        found.append(SAME_MUNICIPALITY)
    if judge.judge_id in idea.ties.members:
        found.append(TEAM_MEMBER)
    if judge.judge_id in idea.ties.invitations:
        found.append(INVITATION)
    if judge.judge_id in idea.ties.authors:
        found.append(AUTHOR)
    if declared:
        found.append(DECLARED)
    return tuple(found)


def in_conflict(judge: JudgeFacts, idea: IdeaFacts, *, declared: bool = False) -> bool:
    """True when `judge` may not judge `idea`."""
    return bool(reasons(judge, idea, declared=declared))


def counts_in_ranking(ties: tuple[str, ...], *, published: bool) -> bool:
    """Whether a submitted review whose judge is now tied to the idea for `ties` (empty: not
    tied) still counts in the ranking: not before the results are published; after, the
    published ranking stands and the review is only flagged."""
    return published or not ties
