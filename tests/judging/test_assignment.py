"""Review assignment: the rules by example, and hypothesis properties against brute force."""

from __future__ import annotations

from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.judging.assignment import (
    NO_JUDGES,
    TOO_FEW_ELIGIBLE_JUDGES,
    AssignmentPlan,
    IdeaSlot,
    JudgeSlot,
    Pair,
    Shortfall,
    assign_reviews,
)

DOBELE, TUKUMS, JELGAVA, BAUSKA = 1, 2, 3, 4


def idea(idea_id, *municipalities, needed=3):
    return IdeaSlot(idea_id, frozenset(municipalities), needed)


def spread(plan: AssignmentPlan) -> int:
    return max(plan.loads.values()) - min(plan.loads.values())


def judges_of(plan: AssignmentPlan, idea_id: int) -> set[int]:
    return {p.judge_id for p in plan.new if p.idea_id == idea_id}


# --- The rules by example -------------------------------------------------------


def test_every_idea_gets_its_judges_and_the_load_is_even():
    ideas = [idea(i, DOBELE) for i in range(1, 6)]  # 5 ideas × 3 reviews = 15
    judges = [JudgeSlot(j, None) for j in range(10, 14)]  # 4 judges: 4, 4, 4, 3
    plan = assign_reviews(ideas, judges)
    assert all(len(judges_of(plan, i)) == 3 for i in range(1, 6))
    assert sorted(plan.loads.values()) == [3, 4, 4, 4]
    assert plan.shortfalls == []
    assert plan.new == sorted(plan.new)


def test_no_judge_reviews_an_idea_from_their_own_municipality():
    ideas = [idea(1, DOBELE), idea(2, TUKUMS, JELGAVA), idea(3, BAUSKA, DOBELE)]
    judges = [
        JudgeSlot(1, DOBELE),
        JudgeSlot(2, TUKUMS),
        JudgeSlot(3, JELGAVA),
        JudgeSlot(4, BAUSKA),
        JudgeSlot(5, None),
    ]
    plan = assign_reviews(ideas, judges)
    assert judges_of(plan, 2) == {1, 4, 5}  # not 2 (Tukums, the lead) nor 3 (Jelgava, a partner)
    assert judges_of(plan, 3) == {2, 3, 5}  # not 4 (Bauska) nor 1 (Dobele)
    assert judges_of(plan, 1) == {2, 3, 4}  # 5 already has two: the others take idea 1
    assert plan.shortfalls == []
    assert plan.loads == {1: 1, 2: 2, 3: 2, 4: 2, 5: 2}


def test_a_declared_conflict_sends_the_idea_to_another_judge_and_is_kept():
    ideas = [idea(1, DOBELE, needed=2)]
    judges = [JudgeSlot(j, None) for j in (1, 2, 3)]
    first = assign_reviews(ideas, judges)
    assert judges_of(first, 1) == {1, 2}
    # judge 2 declares a conflict; its assignment stays on record (existing) but no longer counts
    again = assign_reviews(ideas, judges, existing=first.new, excluded=[(1, 2)])
    assert again.new == [Pair(1, 3)]
    assert again.loads == {1: 1, 2: 0, 3: 1}


def test_too_few_judges_says_exactly_what_is_missing_and_builds_what_it_can():
    ideas = [idea(1, DOBELE, needed=3), idea(2, TUKUMS, needed=2)]
    judges = [JudgeSlot(1, DOBELE), JudgeSlot(2, TUKUMS), JudgeSlot(3, None)]
    plan = assign_reviews(ideas, judges, excluded=[(1, 3)])
    # idea 1: judge 1 is from Dobele, judge 3 declared a conflict → only judge 2
    assert plan.new == [Pair(1, 2), Pair(2, 1), Pair(2, 3)]
    assert plan.shortfalls == [
        Shortfall(
            idea_id=1,
            missing=2,
            reason=TOO_FEW_ELIGIBLE_JUDGES,
            jury_size=3,
            reviewing=1,
            same_municipality=1,
            declared_conflict=1,
        )
    ]


def test_assigning_with_no_judges_builds_nothing_and_says_why():
    plan = assign_reviews([idea(1), idea(2, needed=2)], [])
    assert plan.new == []
    assert plan.loads == {}
    assert [(s.idea_id, s.missing, s.reason) for s in plan.shortfalls] == [
        (1, 3, NO_JUDGES),
        (2, 2, NO_JUDGES),
    ]


def test_building_again_only_adds_what_is_missing():
    judges = [JudgeSlot(j, None) for j in (1, 2, 3, 4)]
    first = assign_reviews([idea(1, needed=2), idea(2, needed=2)], judges)
    # a new idea arrives: the existing pairs are not touched, the newcomer goes to
    # the judges with the least work
    second = assign_reviews(
        [idea(1, needed=2), idea(2, needed=2), idea(3, needed=2)], judges, existing=first.new
    )
    assert {p.idea_id for p in second.new} == {3}
    assert len(second.new) == 2
    assert spread(second) <= 1


def test_uneven_existing_work_is_never_taken_away_but_new_work_goes_to_the_lightest():
    judges = [JudgeSlot(1, None), JudgeSlot(2, None), JudgeSlot(3, None)]
    existing = [(10, 1), (11, 1), (12, 1), (13, 1)]  # judge 1 already has four reviews
    plan = assign_reviews([idea(i, needed=1) for i in (20, 21, 22)], judges, existing=existing)
    assert 1 not in {p.judge_id for p in plan.new}
    assert plan.loads == {1: 4, 2: 2, 3: 1}  # as even as it can be without moving any review


def naive_greedy(ideas, judges):
    """Ideas in id order, each taking the least-loaded judges allowed (ties: lowest id)."""
    load = {j.judge_id: 0 for j in judges}
    for i in sorted(ideas, key=lambda i: i.idea_id):
        allowed = [j.judge_id for j in judges if j.municipality_id not in i.municipality_ids]
        for judge_id in sorted(allowed, key=lambda j: (load[j], j))[: i.needed]:
            load[judge_id] += 1
    return load


def test_balances_where_picking_the_least_loaded_judge_idea_by_idea_cannot():
    # Idea 1 may go to judges 2 or 3; idea 2 needs both judges it may have, 1 and 2.
    # Greedy gives idea 1 to judge 2 (least loaded, lowest id) and then judge 2
    # ends with two reviews and judge 3 with none. Giving idea 1 to judge 3 keeps
    # everyone at one.
    ideas = [idea(1, TUKUMS, needed=1), idea(2, JELGAVA, needed=2)]
    judges = [JudgeSlot(1, TUKUMS), JudgeSlot(2, DOBELE), JudgeSlot(3, JELGAVA)]
    assert naive_greedy(ideas, judges) == {1: 1, 2: 2, 3: 0}
    plan = assign_reviews(ideas, judges)
    assert plan.loads == {1: 1, 2: 1, 3: 1}
    assert plan.new == [Pair(1, 3), Pair(2, 1), Pair(2, 2)]


@pytest.mark.parametrize(
    ("ideas", "judges", "existing", "message"),
    [
        ([idea(1), idea(1)], [], [], "idea ids repeat"),
        ([idea(1)], [JudgeSlot(1, None), JudgeSlot(1, 2)], [], "judge ids repeat"),
        ([idea(1, needed=-1)], [], [], "needed"),
        ([idea(1)], [JudgeSlot(1, None)], [(1, 1), (1, 1)], "twice"),
    ],
)
def test_impossible_input_is_refused(ideas, judges, existing, message):
    with pytest.raises(ValueError, match=message):
        assign_reviews(ideas, judges, existing=existing)


# --- Properties -------------------------------------------------------------------


@st.composite
def instances(draw, *, max_ideas=7, max_judges=7, max_needed=4, conflicts=True, existing=True):
    """Ideas and judges with scattered ids; municipalities from a small set so they clash."""
    idea_ids = draw(st.lists(st.integers(1, 500), unique=True, max_size=max_ideas))
    judge_ids = draw(st.lists(st.integers(1, 500), unique=True, max_size=max_judges))
    places = st.integers(1, 4)
    ideas = [
        IdeaSlot(
            i,
            frozenset(draw(st.sets(places, max_size=2))) if conflicts else frozenset({99}),
            draw(st.integers(0, max_needed)),
        )
        for i in idea_ids
    ]
    judges = [JudgeSlot(j, draw(st.none() | places) if conflicts else None) for j in judge_ids]
    pairs = [(i, j) for i in idea_ids for j in judge_ids]
    some_pairs = st.lists(st.sampled_from(pairs), unique=True, max_size=8) if pairs else st.just([])
    done = draw(some_pairs) if existing else []
    declared = draw(some_pairs) if conflicts else []
    return ideas, judges, done, declared


def allowed_judges(one_idea, judges, existing, excluded):
    """Independent statement of the rules: who may still be added to this idea."""
    return [
        j.judge_id
        for j in judges
        if (one_idea.idea_id, j.judge_id) not in set(existing)
        and (one_idea.idea_id, j.judge_id) not in set(excluded)
        and not (j.municipality_id is not None and j.municipality_id in one_idea.municipality_ids)
    ]


def counting(one_idea, existing, excluded):
    return {j for i, j in existing if i == one_idea.idea_id and (i, j) not in set(excluded)}


@settings(max_examples=300, deadline=None)
@given(instances())
def test_coverage_rules_and_shortfalls(instance):
    ideas, judges, existing, excluded = instance
    plan = assign_reviews(ideas, judges, existing=existing, excluded=excluded)

    assert len(set(plan.new)) == len(plan.new)  # no duplicates
    assert set(plan.new).isdisjoint(set(existing))  # existing pairs are never repeated or moved
    shortfalls = {s.idea_id: s for s in plan.shortfalls}
    for one in ideas:
        allowed = allowed_judges(one, judges, existing, excluded)
        have = counting(one, existing, excluded)
        added = judges_of(plan, one.idea_id)
        assert added <= set(allowed)  # no municipality clash, no declared conflict
        expected_total = max(len(have), min(one.needed, len(have) + len(allowed)))
        assert len(have) + len(added) == expected_total
        if expected_total < one.needed:
            s = shortfalls.pop(one.idea_id)
            assert s.missing == one.needed - expected_total
            assert s.reason == (NO_JUDGES if not judges else TOO_FEW_ELIGIBLE_JUDGES)
            assert s.jury_size == len(judges)
            assert s.reviewing == len([j for j in judges if j.judge_id in have | added])
            assert s.reviewing + s.same_municipality + s.declared_conflict == len(judges)
    assert shortfalls == {}

    loads = {j.judge_id: 0 for j in judges}
    for i, j in [*existing, *plan.new]:
        if j in loads and (i, j) not in set(excluded):
            loads[j] += 1
    assert plan.loads == loads


@settings(max_examples=200, deadline=None)
@given(instances())
def test_running_again_adds_nothing(instance):
    ideas, judges, existing, excluded = instance
    plan = assign_reviews(ideas, judges, existing=existing, excluded=excluded)
    again = assign_reviews(ideas, judges, existing=[*existing, *plan.new], excluded=excluded)
    assert again.new == []
    assert again.shortfalls == plan.shortfalls
    assert again.loads == plan.loads


@settings(max_examples=200, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_plan(instance, rnd):
    ideas, judges, existing, excluded = instance
    shuffled = [list(part) for part in instance]
    for part in shuffled:
        rnd.shuffle(part)
    assert assign_reviews(*shuffled) == assign_reviews(ideas, judges, existing, excluded)


@settings(max_examples=300, deadline=None)
@given(instances(max_ideas=12, max_judges=8, max_needed=8, conflicts=False, existing=False))
def test_without_conflicts_the_loads_differ_by_at_most_one(instance):
    ideas, judges, _, _ = instance
    plan = assign_reviews(ideas, judges)
    if judges:
        assert spread(plan) <= 1
    assert plan.shortfalls == [] or any(i.needed > len(judges) for i in ideas)


def every_complete_plan(ideas, judges, existing, excluded):
    """Brute force: every way to give each idea as many allowed judges as it can take."""
    choices = []
    for one in ideas:
        allowed = allowed_judges(one, judges, existing, excluded)
        missing = max(0, one.needed - len(counting(one, existing, excluded)))
        take = min(missing, len(allowed))
        choices.append([[(one.idea_id, j) for j in c] for c in combinations(allowed, take)])
    for picked in product(*choices):
        yield [pair for pairs in picked for pair in pairs]


@settings(max_examples=300, deadline=None)
@given(instances(max_ideas=4, max_judges=4, max_needed=3))
def test_under_conflicts_the_loads_are_as_even_as_any_plan_can_make_them(instance):
    """With conflicts and uneven existing work, max − min ≤ 1 may be impossible.

    What holds instead: no plan that follows the rules and covers every idea as
    far as possible has a lower highest load, or a higher lowest load.
    """
    ideas, judges, existing, excluded = instance
    if not judges:
        return
    plan = assign_reviews(ideas, judges, existing=existing, excluded=excluded)
    base = {j.judge_id: 0 for j in judges}
    for i, j in existing:
        if (i, j) not in set(excluded):
            base[j] += 1
    best_max, best_min = float("inf"), float("-inf")
    for candidate in every_complete_plan(ideas, judges, existing, excluded):
        loads = dict(base)
        for _, j in candidate:
            loads[j] += 1
        best_max = min(best_max, max(loads.values()))
        best_min = max(best_min, min(loads.values()))
    assert max(plan.loads.values()) == best_max
    assert min(plan.loads.values()) == best_min
