"""A planned, on-hold, completed or discontinued pilot is never shown as "green: on track":
its page, the public list and the API say what it is."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories_pilots import add_report, make_coord, make_pilot


@pytest.mark.parametrize(("status", "words"), [
    ("planned", "Planned: not running yet"), ("on_hold", "On hold: suspended"),
    ("completed", "Completed: closed"), ("discontinued", "Discontinued"),
])
def test_a_pilot_that_is_not_running_is_not_on_track(client, db, status, words):
    pilot = make_pilot(status=status)
    login(client, make_coord("kurzeme"))  # reads English
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "status-green health-badge" not in page and words in page
    listing = client.get("/pilots").get_data(as_text=True)
    assert "status-green health-badge" not in listing and words in listing
    body = client.get(f"/api/v1/pilots/{pilot.id}", headers={"Accept-Language": "en"}).json
    assert body["health"] == "green"  # the level keeps its meaning for old clients
    assert body["health_badge"] == status and body["health_text"] == words


def test_a_running_pilot_on_track_is_green(client, db):
    pilot = make_pilot(status="active")
    add_report(pilot)
    login(client, make_coord("kurzeme"))
    assert "Green: on track" in client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
