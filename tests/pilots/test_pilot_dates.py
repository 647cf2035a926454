"""Expenses fall within the pilot (plus the configured grace days after its end) and
milestones are due within it: anything else is a 422 with a clear message, through the
page and the API alike, and what was typed stays on the form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models_money import Expense
from app.pilots.models_plan import Milestone
from tests.conftest import login
from tests.factories_pilots import add_milestone, pilot_world


@pytest.fixture
def world(db):
    return pilot_world()


def _day(offset: int) -> str:
    return (today_riga() + timedelta(days=offset)).isoformat()


def test_an_expense_before_the_start_is_refused_by_the_api(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/expenses",
                           headers=token_for(world.member),
                           json={"amount_eur": "10", "spent_on": _day(-61),
                                 "description": "Skaitītāji"})
    assert response.status_code == 422
    assert "between the pilot's start" in response.json["errors"]["spent_on"][0]
    assert db.session.query(Expense).count() == 0


def test_an_expense_before_the_start_is_refused_by_the_page_keeping_the_input(client, world):
    login(client, world.member)
    response = client.post(f"/pilots/{world.pilot.id}/expenses", data={
        "e-amount_eur": "10", "e-spent_on": _day(-61), "e-description": "Skaitītāji"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "between the pilot" in text and 'value="Skaitītāji"' in text
    assert db.session.query(Expense).count() == 0


@pytest.mark.parametrize(("ended_days_ago", "grace", "status"), [
    (10, 60, 201),  # a late invoice within the grace period
    (10, 5, 422),   # beyond a shorter, configured grace period
    (0, 0, 201),    # on the last day
])
def test_the_grace_period_after_the_end_is_configurable(
        app, client, token_for, db, ended_days_ago, grace, status):
    world = pilot_world(status="completed")
    pilot = world.pilot
    pilot.start_date = today_riga() - timedelta(days=200)
    pilot.end_date = today_riga() - timedelta(days=ended_days_ago)
    db.session.commit()
    app.config["PILOT_EXPENSE_GRACE_DAYS"] = grace
    response = client.post(f"/api/v1/pilots/{pilot.id}/expenses",
                           headers=token_for(world.coordinator),
                           json={"amount_eur": "10", "spent_on": _day(0),
                                 "description": "Pēdējais rēķins"})
    assert response.status_code == status, response.json


def test_a_milestone_due_after_the_end_is_refused_by_the_api_and_the_page(client, token_for,
                                                                          world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           headers=token_for(world.member),
                           json={"title": "Iepirkums", "due_date": _day(301)})
    assert response.status_code == 422
    assert "due within the pilot" in response.json["errors"]["due_date"][0]
    login(client, world.member)
    page = client.post(f"/pilots/{world.pilot.id}/milestones/new", data={
        "title": "Iepirkums", "due_date": _day(-61), "weight": "1"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "due within the pilot" in text and 'value="Iepirkums"' in text
    assert db.session.query(Milestone).count() == 0


def test_moving_a_milestone_out_of_the_pilot_is_refused(client, token_for, world):
    milestone = add_milestone(world.pilot, due=today_riga() + timedelta(days=30))
    response = client.patch(f"/api/v1/milestones/{milestone.id}",
                            headers=token_for(world.member), json={"due_date": _day(400)})
    assert response.status_code == 422
    assert "due within the pilot" in response.json["errors"]["due_date"][0]
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).due_date == today_riga() + timedelta(days=30)


def test_a_milestone_on_the_first_and_last_day_is_accepted(client, token_for, world):
    headers = token_for(world.member)
    for offset in (-60, 300):
        response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones", headers=headers,
                               json={"title": f"Posms {offset}", "due_date": _day(offset)})
        assert response.status_code == 201, response.json
