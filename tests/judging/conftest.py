"""Fixtures shared by the judging tests."""

from __future__ import annotations

import pytest

from tests.factories_judging import judging_world, make_review


@pytest.fixture
def ranked(db):
    """Four ideas ranked A > B > C > D in the first round by three judges."""
    w = judging_world(judges=3, ideas=4, reviews_per_idea=3, criteria=2)
    for idea, points in zip(w.ideas, (9, 7, 5, 3), strict=True):
        for judge in w.judges:
            make_review(idea, judge, status="submitted", scores={0: points, 1: points})
    return w
