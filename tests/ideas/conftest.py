"""Fixtures for the idea tests: a hackathon in Zemgale, a team, and the permission cast."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.core.clock import now_utc
from tests.factories_hackathons import make_hackathon
from tests.factories_teams import make_team


@pytest.fixture
def request_context(app):
    """Operations build e-mail links and localised messages: give them a request."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def world(make_user):
    """An open Zemgale hackathon (deadline in 3 days), a Dobele team of two, and people
    for every row of the permission matrix. Users read English, so tests see source texts."""
    member = make_user("janis@dobele.example.lv", name="Jānis Bērziņš",
                       municipality="Dobeles novads", locale="en")
    colleague = make_user("anna@dobele.example.lv", name="Anna Kalniņa",
                          municipality="Dobeles novads", locale="en")
    team = make_team(member, members=[colleague], partners=("Jelgava",))
    hackathon = make_hackathon(region="zemgale", closes_at=now_utc() + timedelta(days=3))
    return SimpleNamespace(
        hackathon=hackathon, team=team, member=member, colleague=colleague,
        other=make_user(name="Cits Lietotājs", municipality="Dobeles novads", locale="en"),
        coordinator=make_user(role="coordinator", region="zemgale", locale="en"),
        other_coordinator=make_user(role="coordinator", region="kurzeme", locale="en"),
        national=make_user(role="coordinator", region=None, locale="en"),
        admin=make_user(role="admin", locale="en"),
    )


def sign_in(client, user):
    from tests.conftest import login

    client.post("/logout")
    if user is not None:
        response = login(client, user)
        assert response.status_code == 302, response.data
