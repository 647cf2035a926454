"""Who reviews which idea: a pure, deterministic plan that adds only what is missing.

The rules
- Each idea ends with `needed` different judges, counting the ones it already has.
- A judge never gets an idea she has a conflict of interest on, by the one rule in
  conflicts.py (the idea's lead or partner municipality is hers; she is or was on
  its team, invited to it or was invited; she wrote or edited the idea; she
  declared a conflict), nor an idea she already reviews.
- Existing assignments are never moved or removed; building again only adds
  what is missing. An existing assignment the judge later declared a conflict
  on is kept on record but no longer counts: the idea gets another judge.
- The same input always gives the same plan (everything is sorted by id; no
  randomness).
- When an idea cannot get all its judges, the plan says which idea lacks how
  many judges and why, and still gives it every judge it can have.

Coverage never competes with balance. Judges have no upper limit, so every
idea can always receive min(judges still missing, judges allowed to take it)
and always does: that number is fixed before loads are considered.

Balance: what is guaranteed
A judge's load is the number of their assignments that count: existing (not
conflicted) ones plus new ones, over every judge in `judges`. Among all plans
that follow the rules and give every idea as many judges as it can have, this
plan has the smallest possible highest load AND the largest possible lowest
load, both at once. In particular: whenever some plan keeps every two judges
within one review of each other, this one does too; and with no conflicts,
no existing assignments and at least `needed` judges, the loads differ by at
most one.

When that cannot hold: the loads can differ by more than one only when no
plan avoids it — existing assignments are already uneven (they are never
taken away), or conflicts leave some judges too few ideas they may take
(a judge from the municipality of every idea gets none). Put precisely: in
the plan, if judge u has at least 2 more reviews than judge v, then u cannot
hand even one new review to v, directly or through a chain of judges passing
ideas on.

Why (for maintainers): the plan starts from a greedy choice (ideas with the
fewest possible judges first, each taking the least-loaded judges) and then
repeats improving moves: judge u gives up one new idea a to judge w, w gives
up idea b to ..., until a judge v with load ≤ load(u) − 2 receives one; every
idea keeps its number of judges, u loses one review, v gains one. Each move
lowers the sum of squared loads by at least 2, so the loop ends. The
reachable load vectors are the degree vectors of a bipartite b-matching with
fixed idea degrees — the integer points of a base polyhedron (an M-convex
set) — so a vector no such move can improve minimises the sum of squares
(Murota, "Discrete Convex Analysis", local optimality of M-convex functions),
and a square-sum minimiser on an M-convex set is both decreasingly minimal
and increasingly maximal (Frank & Murota, "Discrete decreasing minimization,
part I", 2019), i.e. has the least maximum and greatest minimum load. The
tests check this against brute force on small cases.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from app.judging import conflicts

# Why an idea lacks judges.
NO_JUDGES = "no_judges"  # the jury is empty
TOO_FEW_ELIGIBLE_JUDGES = "too_few_eligible_judges"  # see the counts on the Shortfall


@dataclass(frozen=True, slots=True)
class IdeaSlot:
    """An idea to be reviewed: its lead and partner municipalities, how many judges it needs,
    and the people tied to it (its team past and present, inviters, invitees, authors)."""

    idea_id: int
    municipality_ids: frozenset[int]
    needed: int
    ties: conflicts.Ties = field(default_factory=conflicts.Ties)


@dataclass(frozen=True, slots=True)
class JudgeSlot:
    """A judge of the hackathon and their own municipality (None: no conflict by place)."""

    judge_id: int
    municipality_id: int | None


class Pair(NamedTuple):
    """One assignment: this judge reviews this idea."""

    idea_id: int
    judge_id: int


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An idea that gets fewer judges than it needs, and why.

    Once the plan is carried out, every judge of the jury is one of: reviewing
    the idea, from one of its municipalities, tied to it in person (on its team
    now or before, an inviter or invitee, an author), or having declared a
    conflict on it (the four counts add up to `jury_size`); `missing` is how
    many more judges it would need.
    """

    idea_id: int
    missing: int
    reason: str  # NO_JUDGES or TOO_FEW_ELIGIBLE_JUDGES
    jury_size: int
    reviewing: int
    same_municipality: int
    declared_conflict: int
    personal_conflict: int = 0


@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    """What to add (sorted by idea, then judge), what cannot be met, and each judge's load after."""

    new: list[Pair]
    shortfalls: list[Shortfall]
    loads: dict[int, int]


def assign_reviews(
    ideas: Sequence[IdeaSlot],
    judges: Sequence[JudgeSlot],
    existing: Iterable[tuple[int, int]] = (),
    excluded: Iterable[tuple[int, int]] = (),
) -> AssignmentPlan:
    """Plan the new (idea_id, judge_id) assignments; see the module docstring for the rules.

    `existing` are the assignments already made (pairs for ideas or judges not
    listed are allowed: they count for the idea's coverage and the judge's
    load where those are listed); `excluded` are declared conflicts.
    """
    ideas = sorted(ideas, key=lambda idea: idea.idea_id)
    judges = sorted(judges, key=lambda judge: judge.judge_id)
    _check_unique([i.idea_id for i in ideas], "idea")
    _check_unique([j.judge_id for j in judges], "judge")
    for idea in ideas:
        if isinstance(idea.needed, bool) or not isinstance(idea.needed, int) or idea.needed < 0:
            raise ValueError(f"idea {idea.idea_id}: needed must be a whole number ≥ 0")

    excluded_pairs = {Pair(*pair) for pair in excluded}
    existing_pairs: set[Pair] = set()
    for raw in existing:
        pair = Pair(*raw)
        if pair in existing_pairs:
            raise ValueError(f"judge {pair.judge_id} is assigned to idea {pair.idea_id} twice")
        existing_pairs.add(pair)
    counted = existing_pairs - excluded_pairs

    load = {j.judge_id: 0 for j in judges}
    reviewing: dict[int, set[int]] = {i.idea_id: set() for i in ideas}
    for pair in counted:
        if pair.judge_id in load:
            load[pair.judge_id] += 1
        if pair.idea_id in reviewing:
            reviewing[pair.idea_id].add(pair.judge_id)

    # Who may still take each idea, and how many of them it gets.
    eligible: dict[int, list[int]] = {}
    wanted: dict[int, int] = {}
    shortfalls: list[Shortfall] = []
    for idea in ideas:
        already = reviewing[idea.idea_id]
        same_place = personal = declared = 0
        allowed = []
        facts = conflicts.IdeaFacts(idea.idea_id, idea.municipality_ids, idea.ties)
        for judge in judges:
            if judge.judge_id in already:
                continue
            why = conflicts.reasons(
                conflicts.JudgeFacts(judge.judge_id, judge.municipality_id), facts,
                declared=Pair(idea.idea_id, judge.judge_id) in excluded_pairs)
            if conflicts.SAME_MUNICIPALITY in why:
                same_place += 1
            elif conflicts.PERSONAL.intersection(why):
                personal += 1
            elif why:
                declared += 1
            else:
                allowed.append(judge.judge_id)
        eligible[idea.idea_id] = allowed
        missing = max(0, idea.needed - len(already))
        wanted[idea.idea_id] = min(missing, len(allowed))
        if missing > len(allowed):
            shortfalls.append(
                Shortfall(
                    idea_id=idea.idea_id,
                    missing=missing - len(allowed),
                    reason=NO_JUDGES if not judges else TOO_FEW_ELIGIBLE_JUDGES,
                    jury_size=len(judges),
                    reviewing=sum(1 for j in judges if j.judge_id in already) + len(allowed),
                    same_municipality=same_place,
                    declared_conflict=declared,
                    personal_conflict=personal,
                )
            )

    new_of_idea, new_of_judge = _greedy_start(eligible, wanted, load)
    _even_out(eligible, new_of_idea, new_of_judge, load)

    new = sorted(Pair(i, j) for i, js in new_of_idea.items() for j in js)
    return AssignmentPlan(new=new, shortfalls=shortfalls, loads=dict(sorted(load.items())))


def _check_unique(ids: list[int], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what} ids repeat")


def _greedy_start(
    eligible: dict[int, list[int]], wanted: dict[int, int], load: dict[int, int]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """A first plan: ideas with the fewest possible judges first, each to the least loaded."""
    new_of_idea: dict[int, set[int]] = {i: set() for i in eligible}
    new_of_judge: dict[int, set[int]] = {j: set() for j in load}
    for idea_id in sorted(eligible, key=lambda i: (len(eligible[i]), i)):
        chosen = sorted(eligible[idea_id], key=lambda j: (load[j], j))[: wanted[idea_id]]
        for judge_id in chosen:
            new_of_idea[idea_id].add(judge_id)
            new_of_judge[judge_id].add(idea_id)
            load[judge_id] += 1
    return new_of_idea, new_of_judge


def _even_out(
    eligible: dict[int, list[int]],
    new_of_idea: dict[int, set[int]],
    new_of_judge: dict[int, set[int]],
    load: dict[int, int],
) -> None:
    """Move single reviews from heavier to lighter judges until no move can even things out."""
    while True:
        lightest = min(load.values(), default=0)
        for heavy in sorted(load, key=lambda j: (-load[j], j)):
            if load[heavy] - 2 < lightest:
                return  # nobody can be at least two lighter than this judge or the rest
            path = _path_to_lighter(heavy, eligible, new_of_idea, new_of_judge, load)
            if path:
                for giver, idea_id, taker in path:
                    new_of_idea[idea_id].remove(giver)
                    new_of_judge[giver].remove(idea_id)
                    new_of_idea[idea_id].add(taker)
                    new_of_judge[taker].add(idea_id)
                load[heavy] -= 1
                load[path[-1][2]] += 1
                break
        else:
            return


def _path_to_lighter(
    heavy: int,
    eligible: dict[int, list[int]],
    new_of_idea: dict[int, set[int]],
    new_of_judge: dict[int, set[int]],
    load: dict[int, int],
) -> list[tuple[int, int, int]] | None:
    """The shortest chain (giver, idea, taker) … from `heavy` to a judge with load ≤ load − 2.

    A step hands one of the giver's new ideas to a taker who may review it and
    does not yet; breadth-first, in id order, so the result is deterministic.
    """
    target = load[heavy] - 2
    came_from: dict[int, tuple[int, int] | None] = {heavy: None}
    queue = deque([heavy])
    while queue:
        giver = queue.popleft()
        for idea_id in sorted(new_of_judge[giver]):
            for taker in eligible[idea_id]:
                if taker in came_from or taker in new_of_idea[idea_id]:
                    continue
                came_from[taker] = (giver, idea_id)
                if load[taker] <= target:
                    return _walk_back(taker, came_from)
                queue.append(taker)
    return None


def _walk_back(
    last: int, came_from: dict[int, tuple[int, int] | None]
) -> list[tuple[int, int, int]]:
    steps = []
    taker = last
    while (step := came_from[taker]) is not None:
        giver, idea_id = step
        steps.append((giver, idea_id, taker))
        taker = giver
    steps.reverse()
    return steps
