"""Nothing lost under stress: the deadline rush.

50 API clients save and submit ideas in the last seconds before a hackathon's
deadline, against gunicorn with several workers, on SQLite (WAL) or, when the suite
runs on PostgreSQL, on a scratch PostgreSQL database. The rush runs once (fixture
`rush`, tests/stress/conftest.py); each test below checks one promise against every
recorded answer and the database's final state. The assertions are about outcomes,
never about speed: benchmarks/deadline_rush.py reports the figures.
"""

from __future__ import annotations

import pytest

from tests.stress.rush import (
    check_answers,
    check_coverage,
    check_deadline,
    check_rows_whole,
    check_saves_kept,
)

pytestmark = pytest.mark.stress


def _report(problems: list[str], rush, limit: int = 25) -> str:
    head = "\n".join(problems[:limit])
    more = f"\n… and {len(problems) - limit} more" if len(problems) > limit else ""
    return (f"{len(problems)} problem(s) in the rush on {rush.dialect} "
            f"({rush.plan.describe()}):\n{head}{more}")


def test_no_request_fails_or_gets_a_surprising_answer(rush):
    """No 500, no dropped connection, no error in the server's log: reads 200, saves and
    submits 200 or 409 (a conflict carries the stored idea; a refusal says why)."""
    problems = check_answers(rush)
    assert problems == [], _report(problems, rush)


def test_every_save_answered_200_is_kept(rush):
    """Each accepted save is in the history as sent; the stored idea is what the newest
    200 answer showed; no write happened that no answer told of."""
    problems = check_saves_kept(rush)
    assert problems == [], _report(problems, rush)


def test_the_deadline_is_decided_by_the_servers_clock(rush):
    """Every accepted submit was decided before the deadline; a submit after it is refused
    and the idea stays a draft; a submitted idea is not changed after it; drafts still save."""
    problems = check_deadline(rush)
    assert problems == [], _report(problems, rush)


def test_no_row_is_half_written(rush):
    """Revisions 1..version without gaps, the newest one equal to the stored idea and its
    updated_at; one audit entry and one e-mail per member for each submission, none for
    drafts."""
    problems = check_rows_whole(rush)
    assert problems == [], _report(problems, rush)


def test_the_rush_exercised_both_sides_of_the_deadline(rush):
    """The scenario really straddled the deadline (so the checks above were not vacuous)."""
    problems = check_coverage(rush)
    assert problems == [], _report(problems, rush)
