"""From winner to pilot: only winners, one pilot per idea, by the hackathon's coordinators;
what is carried over from the idea, and the links between idea and pilot."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import today_riga
from app.core.errors import Invalid, NotAllowed, WrongState
from app.extensions import db
from app.pilots import creation as creation_ops
from app.pilots.models import Pilot
from tests.conftest import login
from tests.factories_pilots import make_coord as make_coordinator
from tests.factories_pilots import make_user_in, make_winner


def _dates(**extra):
    today = today_riga()
    return {"start_date": (today + timedelta(days=7)).isoformat(),
            "end_date": (today + timedelta(days=372)).isoformat(), **extra}


def test_a_coordinator_turns_a_winner_into_a_pilot_with_the_ideas_fields_carried_over(
        client, token_for):
    idea = make_winner(partners=("Bauskas novads",), indicators=[
        {"name": "Sūdzības gadā", "baseline": "37", "target": "10"},
        {"name": "Labošanai atgrieztas ieceres", "baseline": "62 %", "target": "30 %"},
        {"name": "Apmierinātība", "baseline": "zema", "target": "augsta"}])
    coordinator = make_coordinator("zemgale")
    response = client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(),
                           headers=token_for(coordinator))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["title"] == idea.title
    assert body["summary"] == idea.summary
    assert body["status"] == "planned"
    assert body["budget_eur"] == "24500.00"
    assert body["spent_eur"] == "0.00"
    assert body["progress"] == 0
    assert body["health"] == "green"
    assert body["team"]["name"] == idea.team.name
    assert body["lead_municipality"]["name"] == "Dobeles novads"
    assert [m["name"] for m in body["partner_municipalities"]] == ["Bauskas novads"]
    assert body["coordinator"]["id"] == coordinator.id
    # The numbers of the proposed indicators are read; one without numbers is left out.
    indicators = {i["name"]: i for i in body["indicators"]}
    assert set(indicators) == {"Sūdzības gadā", "Labošanai atgrieztas ieceres"}
    assert indicators["Sūdzības gadā"]["direction"] == "decrease"
    assert indicators["Labošanai atgrieztas ieceres"]["unit"] == "%"
    assert indicators["Sūdzības gadā"]["baseline_on"] == body["start_date"]
    assert indicators["Sūdzības gadā"]["target_on"] == body["end_date"]
    # The history records who started it.
    assert body["status_changes"][0]["to"] == "planned"
    pilot = db.session.get(Pilot, body["id"])
    assert pilot.idea.pilot is pilot  # the idea links to its pilot and back


def test_carried_over_fields_can_be_changed_when_starting(client, token_for):
    idea = make_winner()
    coordinator = make_coordinator("zemgale")
    response = client.post(f"/api/v1/ideas/{idea.id}/pilot", headers=token_for(coordinator),
                           json=_dates(title="Viedie skaitītāji Dobelē", budget_eur="20000.50",
                                       indicators=[], funding=[
                                           {"kind": "programme", "amount_eur": "17000.50"},
                                           {"kind": "municipal", "amount_eur": 3000}]))
    assert response.status_code == 201, response.json
    assert response.json["title"] == "Viedie skaitītāji Dobelē"
    assert response.json["budget_eur"] == "20000.50"
    assert response.json["indicators"] == []
    assert [f["amount_eur"] for f in response.json["funding"]] == ["17000.50", "3000.00"]


@pytest.mark.parametrize("status, expected", [
    ("submitted", 409), ("not_selected", 409), ("ineligible", 409), ("withdrawn", 409),
    ("draft", 404),  # a draft is the team's: the coordinator does not know it exists
])
def test_only_a_winner_becomes_a_pilot(client, token_for, status, expected):
    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_teams import make_team

    hackathon = make_hackathon(region="zemgale", phase="results")
    idea = make_idea(hackathon, make_team(make_user_in()), status=status)
    response = client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(),
                           headers=token_for(make_coordinator("zemgale")))
    assert response.status_code == expected
    assert db.session.query(Pilot).count() == 0


def test_an_idea_has_one_pilot_only(client, token_for):
    idea = make_winner()
    headers = token_for(make_coordinator("zemgale"))
    assert client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(),
                       headers=headers).status_code == 201
    again = client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(), headers=headers)
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert db.session.query(Pilot).count() == 1


def test_who_may_start_a_pilot(client, token_for):
    idea = make_winner(region="zemgale")
    team_lead = idea.team.lead.user
    for user, expected in [(team_lead, 403), (make_coordinator("latgale"), 403),
                           (make_user_in("Rēzekne"), 403)]:
        response = client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(),
                               headers=token_for(user))
        assert response.status_code == expected, user
    assert client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates()).status_code == 401
    national = make_coordinator(None)
    assert client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(),
                       headers=token_for(national)).status_code == 201


def test_an_unknown_idea_is_404(client, token_for):
    response = client.post("/api/v1/ideas/999999/pilot", json=_dates(),
                           headers=token_for(make_coordinator("zemgale")))
    assert response.status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"end_date": "2026-01-01", "start_date": "2026-02-01"}, "end_date"),
    ({"end_date": "2026-02-01", "start_date": "2026-02-01"}, "end_date"),
    ({"start_date": "sometime"}, "start_date"),
    ({"budget_eur": "-5"}, "budget_eur"),
    ({"budget_eur": "daudz"}, "budget_eur"),
    ({"budget_eur": "0"}, "budget_eur"),
    ({"budget_eur": "10.001"}, "budget_eur"),
    ({"indicators": [{"name": "X", "direction": "increase", "baseline": "5",
                      "target": "1"}]}, "indicators"),
    ({"coordinator_id": 999999}, "coordinator_id"),
])
def test_bad_input_when_starting_a_pilot_is_refused_and_nothing_is_made(client, token_for,
                                                                         change, field):
    idea = make_winner()
    response = client.post(f"/api/v1/ideas/{idea.id}/pilot", json=_dates(**change),
                           headers=token_for(make_coordinator("zemgale")))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert db.session.query(Pilot).count() == 0


def test_the_operation_refuses_the_same_things(db):
    idea = make_winner()
    team_lead = idea.team.lead.user
    with pytest.raises(NotAllowed):
        creation_ops.create_pilot(idea, _dates(), actor=team_lead)
    coordinator = make_coordinator("zemgale")
    with pytest.raises(Invalid) as error:
        creation_ops.create_pilot(idea, _dates(end_date="2000-01-01"), actor=coordinator)
    assert "end_date" in error.value.errors
    pilot = creation_ops.create_pilot(idea, _dates(), actor=coordinator)
    assert pilot.approved_budget_eur == Decimal("24500.00")
    with pytest.raises(WrongState):
        creation_ops.create_pilot(idea, _dates(), actor=coordinator)


def test_the_pages_link_idea_and_pilot(client):
    idea = make_winner()
    coordinator = make_coordinator("zemgale")
    login(client, coordinator)
    page = client.get(f"/ideas/{idea.id}/pilot")
    assert page.status_code == 200
    assert idea.title in page.get_data(as_text=True)
    response = client.post(f"/ideas/{idea.id}/pilot", data={
        **_dates(), "title": idea.title, "summary": idea.summary, "budget_eur": "24 500,00",
        "coordinator_id": str(coordinator.id),
        "lead_municipality_id": str(idea.team.municipality_id),
        "indicators-0-keep": "y", "indicators-0-name": "Kļūdaini rēķini",
        "indicators-0-direction": "decrease", "indicators-0-baseline": "120",
        "indicators-0-target": "30", "indicators-0-unit": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    pilot = db.session.query(Pilot).one()
    assert response.headers["Location"].endswith(f"/pilots/{pilot.id}")
    assert [i.name for i in pilot.indicators] == ["Kļūdaini rēķini"]
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert f"/ideas/{idea.id}" in page  # back to the idea
    # A second visit to the start form goes to the existing pilot.
    again = client.get(f"/ideas/{idea.id}/pilot")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/pilots/{pilot.id}")


def test_the_start_form_shows_errors_beside_the_fields(client):
    idea = make_winner()
    login(client, make_coordinator("zemgale"))
    response = client.post(f"/ideas/{idea.id}/pilot", data={
        "start_date": "2026-05-01", "end_date": "2026-04-01", "title": "X",
        "budget_eur": "-10", "lead_municipality_id": str(idea.team.municipality_id)})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The end date must be after the start date." in text
    assert "The amount cannot be negative." in text
    assert db.session.query(Pilot).count() == 0
