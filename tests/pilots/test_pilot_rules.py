"""Every rule and bad input of a pilot: a clear message or the right status, nothing changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.models_money import Expense
from app.pilots.models_plan import Measurement, Milestone
from app.pilots.models_reports import PilotUpdate
from tests.factories_pilots import add_milestone, make_pilot, pilot_world


@pytest.fixture
def world(db):
    return pilot_world()


def _day(offset: int) -> str:
    return (today_riga() + timedelta(days=offset)).isoformat()


# --- milestones -------------------------------------------------------------------------

@pytest.mark.parametrize("weight, message", [
    (0, "The weight must be more than zero."),
    ("-1", "The weight must be more than zero."),
    ("-0.5", "The weight must be more than zero."),
    ("daudz", "The weight is a number above zero"),
    ("1.234", "at most two decimals"),
])
def test_a_milestone_weight_must_be_above_zero(client, token_for, world, weight, message):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           headers=token_for(world.member),
                           json={"title": "Iepirkums", "due_date": _day(30), "weight": weight})
    assert response.status_code == 422
    assert message in response.json["errors"]["weight"][0]
    assert db.session.query(Milestone).count() == 0


def test_a_milestone_is_added_and_ordered_by_due_date(client, token_for, world):
    headers = token_for(world.member)
    for title, offset in (("Otrais", 60), ("Pirmais", 10), ("Trešais", 90)):
        response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones", headers=headers,
                               json={"title": title, "due_date": _day(offset), "weight": "2.5"})
        assert response.status_code == 201, response.json
        assert response.json["weight"] == "2.5"
        assert response.json["status"] == "planned"
    body = client.get(f"/api/v1/pilots/{world.pilot.id}", headers=headers).json
    assert [m["title"] for m in body["milestones"]] == ["Pirmais", "Otrais", "Trešais"]


@pytest.mark.parametrize("due_date", ["0001-01-01", "9999-12-31", "1.01.1999."])
def test_a_date_outside_plausible_years_is_a_field_error(client, token_for, world, due_date):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           headers=token_for(world.member),
                           json={"title": "Iepirkums", "due_date": due_date})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"due_date"}
    assert "2000" in response.json["errors"]["due_date"][0]
    assert db.session.query(Milestone).count() == 0


def test_a_milestone_needs_a_title_and_a_due_date(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           headers=token_for(world.member),
                           json={"title": " ", "due_date": "31.02.2026"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title", "due_date"}


def test_completing_a_milestone_without_evidence_where_required_is_refused(client, token_for):
    world = pilot_world(evidence_required=True)
    milestone = add_milestone(world.pilot, due=today_riga() + timedelta(days=3))
    headers = token_for(world.member)
    response = client.patch(f"/api/v1/milestones/{milestone.id}", headers=headers,
                            json={"status": "done"})
    assert response.status_code == 422
    assert "requires evidence" in response.json["errors"]["evidence"][0]
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).status.value == "planned"
    done = client.patch(f"/api/v1/milestones/{milestone.id}", headers=headers,
                        json={"status": "done", "evidence": "Līgums Nr. 12 parakstīts."})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done"
    assert done.json["completed_on"] == today_riga().isoformat()
    assert done.json["evidence"] == "Līgums Nr. 12 parakstīts."


def test_without_the_evidence_rule_a_milestone_is_done_without_evidence(client, token_for,
                                                                       world):
    milestone = add_milestone(world.pilot)
    response = client.patch(f"/api/v1/milestones/{milestone.id}",
                            headers=token_for(world.member),
                            json={"status": "done", "completed_on": _day(-2)})
    assert response.status_code == 200
    assert response.json["completed_on"] == _day(-2)
    assert client.get(f"/api/v1/pilots/{world.pilot.id}").json["progress"] == 100


def test_milestone_status_follows_its_table(client, token_for, world):
    milestone = add_milestone(world.pilot, status="done", completed_on=today_riga())
    headers = token_for(world.member)
    response = client.patch(f"/api/v1/milestones/{milestone.id}", headers=headers,
                            json={"status": "missed"})
    assert response.status_code == 409
    reopened = client.patch(f"/api/v1/milestones/{milestone.id}", headers=headers,
                            json={"status": "in_progress"})
    assert reopened.status_code == 200
    assert reopened.json["completed_on"] is None
    bad = client.patch(f"/api/v1/milestones/{milestone.id}", headers=headers,
                       json={"status": "finished"})
    assert bad.status_code == 422


def test_a_completion_date_cannot_be_in_the_future(client, token_for, world):
    milestone = add_milestone(world.pilot)
    response = client.patch(f"/api/v1/milestones/{milestone.id}",
                            headers=token_for(world.member),
                            json={"status": "done", "completed_on": _day(3)})
    assert response.status_code == 422
    assert "completed_on" in response.json["errors"]


# --- indicators and measurements --------------------------------------------------------------

def test_an_indicator_target_must_lie_in_its_direction(client, token_for, world):
    headers = token_for(world.member)
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/indicators", headers=headers,
                           json={"name": "Apmeklētāji", "unit": "cilvēki",
                                 "direction": "increase", "baseline": "100", "target": "50"})
    assert response.status_code == 422
    assert "target" in response.json["errors"]
    same = client.post(f"/api/v1/pilots/{world.pilot.id}/indicators", headers=headers,
                       json={"name": "X", "direction": "increase", "baseline": 5,
                             "target": 5})
    assert same.status_code == 422
    dates = client.post(f"/api/v1/pilots/{world.pilot.id}/indicators", headers=headers,
                        json={"name": "X", "direction": "increase", "baseline": 5,
                              "target": 6, "baseline_on": _day(0), "target_on": _day(-10)})
    assert dates.status_code == 422 and "target_on" in dates.json["errors"]
    ok = client.post(f"/api/v1/pilots/{world.pilot.id}/indicators", headers=headers,
                     json={"name": "Apmeklētāji", "unit": "cilvēki", "direction": "increase",
                           "baseline": "100", "target": 250.5})
    assert ok.status_code == 201, ok.json
    assert ok.json["target"] == "250.5"
    assert ok.json["baseline_on"] == world.pilot.start_date.isoformat()


def test_a_measurement_dated_before_the_baseline_is_refused(client, token_for, world):
    indicator = world.pilot.indicators[0]
    headers = token_for(world.member)
    before = (indicator.baseline_on - timedelta(days=1)).isoformat()
    response = client.post(f"/api/v1/indicators/{indicator.id}/measurements", headers=headers,
                           json={"value": "100", "measured_on": before, "note": "Grāmatvedība"})
    assert response.status_code == 422
    assert response.json["errors"]["measured_on"] == [
        "A measurement cannot be dated before the indicator's baseline date."]
    future = client.post(f"/api/v1/indicators/{indicator.id}/measurements", headers=headers,
                         json={"value": "100", "measured_on": _day(1)})
    assert future.status_code == 422
    words = client.post(f"/api/v1/indicators/{indicator.id}/measurements", headers=headers,
                        json={"value": "simts", "measured_on": _day(0)})
    assert words.status_code == 422 and "value" in words.json["errors"]
    assert db.session.query(Measurement).count() == 0
    ok = client.post(f"/api/v1/indicators/{indicator.id}/measurements", headers=headers,
                     json={"value": "75", "measured_on": _day(0), "note": "Grāmatvedība"})
    assert ok.status_code == 201
    body = client.get(f"/api/v1/pilots/{world.pilot.id}").json
    # baseline 120 → target 30 (decrease): 75 is half way.
    assert body["indicators"][0]["achievement_percent"] == "50.0"


# --- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, message", [
    ("-5", "The amount cannot be negative."),
    (-5, "The amount cannot be negative."),
    ("pieci", "Enter an amount in euros"),
    ("0", "The amount must be more than zero."),
    ("10.005", "Use at most two decimals"),
    (None, "Enter an amount."),
    (True, "Enter an amount in euros"),
])
def test_bad_expense_amounts_are_refused(client, token_for, world, amount, message):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/expenses",
                           headers=token_for(world.member),
                           json={"amount_eur": amount, "spent_on": _day(0),
                                 "description": "Skaitītāji"})
    assert response.status_code == 422
    assert message in response.json["errors"]["amount_eur"][0]
    assert db.session.query(Expense).count() == 0


@pytest.mark.parametrize("amount, stored", [("1500", "1500.00"), ("1 500,50", "1500.50"),
                                            (12.5, "12.50"), (7, "7.00"), ("0.10", "0.10")])
def test_good_expense_amounts_are_stored_exactly(client, token_for, world, amount, stored):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/expenses",
                           headers=token_for(world.member),
                           json={"amount_eur": amount, "spent_on": _day(-1),
                                 "description": "Skaitītāji"})
    assert response.status_code == 201, response.json
    assert response.json["amount_eur"] == stored
    assert db.session.query(Expense).one().amount_eur == Decimal(stored)


def test_an_expense_cannot_be_dated_in_the_future_and_needs_a_description(client, token_for,
                                                                          world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/expenses",
                           headers=token_for(world.member),
                           json={"amount_eur": "10", "spent_on": _day(2), "description": ""})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"spent_on", "description"}


def test_funding_lines_are_the_coordinators(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/funding",
                           headers=token_for(world.member),
                           json={"kind": "vat", "amount_eur": "2100.00"})
    assert response.status_code == 403
    ok = client.post(f"/api/v1/pilots/{world.pilot.id}/funding",
                     headers=token_for(world.coordinator),
                     json={"kind": "vat", "amount_eur": "2100.00", "label": "PVN"})
    assert ok.status_code == 201
    bad = client.post(f"/api/v1/pilots/{world.pilot.id}/funding",
                      headers=token_for(world.coordinator),
                      json={"kind": "gifts", "amount_eur": "-1"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"kind", "amount_eur"}


# --- the pilot itself ----------------------------------------------------------------------------

def test_a_stale_version_is_409_with_the_current_pilot_and_nothing_changes(client, token_for,
                                                                            world):
    headers = token_for(world.coordinator)
    version = client.get(f"/api/v1/pilots/{world.pilot.id}", headers=headers).json["version"]
    first = client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=headers,
                         json={"version": version, "title": "Pirmā versija"})
    assert first.status_code == 200
    assert first.json["version"] == version + 1
    second = client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=token_for(world.member),
                          json={"version": version, "title": "Otrā versija"})
    assert second.status_code == 409
    assert second.mimetype == "application/problem+json"
    assert second.json["current"]["title"] == "Pirmā versija"
    assert second.json["current"]["version"] == version + 1
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).title == "Pirmā versija"


def test_end_before_start_is_refused_on_edit(client, token_for, world):
    response = client.patch(f"/api/v1/pilots/{world.pilot.id}",
                            headers=token_for(world.coordinator),
                            json={"end_date": (world.pilot.start_date
                                               - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert response.json["errors"]["end_date"] == ["The end date must be after the start date."]


def test_the_team_edits_title_and_summary_but_not_the_plans_frame(client, token_for, world):
    headers = token_for(world.member)
    ok = client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=headers,
                      json={"title": "Jauns nosaukums", "summary": "Īsāk."})
    assert ok.status_code == 200
    budget = client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=headers,
                          json={"budget_eur": "99999.00"})
    assert budget.status_code == 403
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).approved_budget_eur == Decimal("10000.00")
    # Sending an unchanged value back is fine.
    same = client.patch(f"/api/v1/pilots/{world.pilot.id}", headers=headers,
                        json={"budget_eur": "10000.00", "title": "Vēl jaunāks"})
    assert same.status_code == 200


def test_status_changes_follow_the_table_and_are_recorded(client, token_for):
    world = pilot_world(status="planned")
    url = f"/api/v1/pilots/{world.pilot.id}"
    member, coordinator = token_for(world.member), token_for(world.coordinator)
    assert client.patch(url, headers=coordinator, json={"status": "completed"}).status_code \
        == 409
    started = client.patch(url, headers=member, json={"status": "active",
                                                      "status_reason": "Līgums parakstīts"})
    assert started.status_code == 200
    assert started.json["status"] == "active"
    assert client.patch(url, headers=member, json={"status": "completed"}).status_code == 403
    done = client.patch(url, headers=coordinator, json={"status": "completed"})
    assert done.status_code == 200
    changes = done.json["status_changes"]
    assert [(c["from"], c["to"]) for c in changes] == [
        (None, "planned"), ("planned", "active"), ("active", "completed")]
    assert changes[1]["reason"] == "Līgums parakstīts"
    assert changes[1]["by"] == world.member.name
    assert client.patch(url, headers=coordinator, json={"status": "active"}).status_code == 409
    # The team cannot change an ended pilot any more; its coordinators still can.
    assert client.post(f"{url}/expenses", headers=member, json={
        "amount_eur": "1", "spent_on": _day(0), "description": "Vēlais rēķins"}).status_code \
        == 403
    assert client.post(f"{url}/expenses", headers=coordinator, json={
        "amount_eur": "1", "spent_on": _day(0), "description": "Vēlais rēķins"}).status_code \
        == 201


# --- verify, then publish -----------------------------------------------------------------

def test_a_public_report_appears_publicly_only_after_a_coordinator_approves_it(
        client, token_for, world, outbox):
    url = f"/api/v1/pilots/{world.pilot.id}"
    member = token_for(world.member)
    internal = client.post(f"{url}/updates", headers=member,
                           json={"body": "Iekšēja piezīme par iepirkumu.", "public": False})
    assert internal.status_code == 201 and internal.json["status"] == "internal"
    public = client.post(f"{url}/updates", headers=member,
                         json={"body": "Uzstādīti **120** skaitītāji.", "public": True})
    assert public.status_code == 201
    assert public.json["status"] == "submitted"

    def public_bodies():
        return [u["body"] for u in client.get(url).json["updates"]]

    assert public_bodies() == []  # nothing unchecked, nothing internal
    assert [u["body"] for u in client.get(url, headers=member).json["updates"]] == [
        "Uzstādīti **120** skaitītāji.", "Iekšēja piezīme par iepirkumu."]
    # The team cannot approve its own report.
    assert client.post(f"/api/v1/updates/{public.json['id']}/approve",
                       headers=member).status_code == 403
    approved = client.post(f"/api/v1/updates/{public.json['id']}/approve",
                           headers=token_for(world.coordinator))
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert public_bodies() == ["Uzstādīti **120** skaitītāji."]
    assert "<strong>120</strong>" in client.get(url).json["updates"][0]["body_html"]
    again = client.post(f"/api/v1/updates/{public.json['id']}/approve",
                        headers=token_for(world.coordinator))
    assert again.status_code == 409


def test_a_returned_report_goes_back_to_the_team_and_can_be_submitted_again(
        client, token_for, world, outbox):
    member = token_for(world.member)
    update = client.post(f"/api/v1/pilots/{world.pilot.id}/updates", headers=member,
                         json={"body": "Viss kārtībā.", "public": True}).json
    empty = client.post(f"/api/v1/updates/{update['id']}/return",
                        headers=token_for(world.coordinator), json={"note": " "})
    assert empty.status_code == 422
    returned = client.post(f"/api/v1/updates/{update['id']}/return",
                           headers=token_for(world.coordinator),
                           json={"note": "Lūdzu, pievienojiet skaitļus."})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    mails = outbox(world.member.email)
    assert mails and "Lūdzu, pievienojiet skaitļus." in mails[-1].body
    assert client.get(f"/api/v1/pilots/{world.pilot.id}").json["updates"] == []
    from app.pilots.reports import revise_update

    row = db.session.get(PilotUpdate, update["id"])
    revise_update(row, {"body": "Uzstādīti 120 skaitītāji."}, actor=world.member)
    db.session.commit()
    assert row.status.value == "submitted"


def test_a_coordinators_own_public_report_is_published_at_once(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/updates",
                           headers=token_for(world.coordinator),
                           json={"body": "Programmas vērtējums.", "public": True})
    assert response.status_code == 201
    assert response.json["status"] == "approved"
    assert len(client.get(f"/api/v1/pilots/{world.pilot.id}").json["updates"]) == 1


def test_a_report_cannot_be_dated_in_the_future_nor_be_empty(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/updates",
                           headers=token_for(world.member),
                           json={"body": "", "reported_on": _day(5)})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"body", "reported_on"}


# --- final evaluation and replication ------------------------------------------------------------

def test_the_final_evaluation_waits_for_the_end(client, token_for, world):
    url = f"/api/v1/pilots/{world.pilot.id}"
    evaluation = {"results": "Kļūdu skaits samazinājās uz pusi.",
                  "lessons": "Iepirkums jāsāk agrāk.", "recommendation": "scale_up"}
    assert client.put(f"{url}/evaluation", headers=token_for(world.member),
                      json=evaluation).status_code == 409
    client.patch(url, headers=token_for(world.coordinator), json={"status": "completed"})
    bad = client.put(f"{url}/evaluation", headers=token_for(world.member),
                     json={**evaluation, "recommendation": "celebrate"})
    assert bad.status_code == 422
    ok = client.put(f"{url}/evaluation", headers=token_for(world.member), json=evaluation)
    assert ok.status_code == 200
    assert client.get(url).json["evaluation"]["recommendation"] == "scale_up"


def test_replication_records_who_adopts_the_pilot(client, token_for, world):
    from tests.conftest import municipality

    url = f"/api/v1/pilots/{world.pilot.id}/replications"
    headers = token_for(world.member)
    valmiera = municipality("Valmieras novads")
    ok = client.post(url, headers=headers, json={"municipality_id": valmiera.id,
                                                 "status": "in_progress",
                                                 "started_on": _day(-10)})
    assert ok.status_code == 201, ok.json
    assert ok.json["replications"][0]["municipality"]["name"] == "Valmieras novads"
    again = client.post(url, headers=headers, json={"municipality_id": valmiera.id})
    assert again.status_code == 422
    lead = client.post(url, headers=headers,
                       json={"municipality_id": world.pilot.lead_municipality_id})
    assert lead.status_code == 422
    assert client.post(url, headers=token_for(world.outsider),
                       json={"municipality_id": municipality("Cēsu novads").id}
                       ).status_code == 403
    public = client.get(f"/api/v1/pilots/{world.pilot.id}").json
    assert public["replications"][0]["status"] == "in_progress"


def test_nothing_is_half_written_when_a_request_fails(client, token_for, world):
    """One request is one transaction: a refused edit leaves every value as it was."""
    before = make_pilot().id  # another pilot, to show the count is unchanged
    response = client.patch(f"/api/v1/pilots/{world.pilot.id}",
                            headers=token_for(world.coordinator),
                            json={"title": "Jauns", "end_date": "2000-01-01"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Pilot, world.pilot.id).title != "Jauns"
    assert db.session.get(Pilot, before) is not None
