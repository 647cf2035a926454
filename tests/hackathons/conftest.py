"""Fixtures for the hackathon tests: the people of the permission matrix, fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import read_in_english

# A fixed timeline: submissions open a day before DEADLINE; judging closes two weeks after.
DEADLINE = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
OPENS = DEADLINE - timedelta(days=1)
JUDGING_ENDS = DEADLINE + timedelta(days=14)
BEFORE = DEADLINE - timedelta(hours=6)  # while open


@pytest.fixture
def english(client):
    """Answer pages in English (/en/…), so that tests read the source texts."""
    read_in_english(client)


@pytest.fixture
def people(make_user):
    """The permission matrix's cast; the hackathons under test belong to Zemgale."""
    return {
        "admin": make_user(role="admin"),
        "national": make_user(role="coordinator", region=None),
        "own_region": make_user(role="coordinator", region="zemgale"),
        "other_region": make_user(role="coordinator", region="kurzeme"),
        "plain": make_user(municipality="Dobeles novads"),
        "anonymous": None,
    }


@pytest.fixture
def request_context(app):
    """Operation tests raise localised errors; the locale selector needs a request."""
    with app.test_request_context("/"):
        yield
