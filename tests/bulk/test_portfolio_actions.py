"""The coordinator's portfolio: her workbook holds the pilots she follows, and she reminds
the teams of the pilots she chose about overdue milestones."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.core.clock import today_riga
from tests.conftest import login
from tests.factories_pilots import add_milestone, make_pilot, pilot_world


@pytest.fixture
def world(db):
    world = pilot_world()
    add_milestone(world.pilot, title="Nokavēts posms", due=today_riga() - timedelta(days=3))
    return world


def test_the_portfolio_workbook_holds_only_the_pilots_in_her_scope(client, world):
    elsewhere = make_pilot(region="latgale", municipality="Rēzekne")
    add_milestone(elsewhere, title="Latgales posms")
    login(client, world.coordinator)
    portfolio = client.get("/pilots/portfolio").get_data(as_text=True)
    assert "/pilots/portfolio/workbook.xlsx" in portfolio
    response = client.get("/pilots/portfolio/workbook.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    titles = [row[4] for row in book["Milestones"].iter_rows(min_row=3, values_only=True)]
    assert titles == ["Nokavēts posms"]
    assert book["Milestones"].cell(2, 1).value.startswith("»")


def test_the_selection_is_exported_alone(client, world):
    other = pilot_world()
    add_milestone(other.pilot, title="Cits posms")
    login(client, world.national)
    response = client.get(f"/pilots/portfolio/workbook.xlsx?pilot={other.pilot.id}")
    book = load_workbook(io.BytesIO(response.data))
    titles = [row[4] for row in book["Milestones"].iter_rows(min_row=3, values_only=True)]
    assert titles == ["Cits posms"]


def test_reminding_the_chosen_teams_mails_each_member_once_a_day(client, world, outbox):
    login(client, world.coordinator)
    page = client.get("/pilots/portfolio/selection")
    assert page.status_code == 200 and world.pilot.title in page.get_data(as_text=True)
    sent = client.post("/pilots/portfolio/selection/remind", data={"pilot": world.pilot.id})
    assert sent.status_code == 302
    recipients = sorted(m.recipient for m in outbox())
    assert recipients == sorted([world.lead.email, world.member.email])
    client.post("/pilots/portfolio/selection/remind", data={"pilot": world.pilot.id})
    assert len(outbox()) == 2


def test_a_pilot_outside_her_scope_is_not_reminded(client, world, outbox):
    login(client, world.other_coordinator)
    client.post("/pilots/portfolio/selection/remind", data={"pilot": world.pilot.id})
    assert outbox() == []


def test_a_team_member_has_no_portfolio_actions(client, world):
    login(client, world.member)
    assert client.get("/pilots/portfolio/selection").status_code == 403
    assert client.get("/pilots/portfolio/workbook.xlsx").status_code == 403
