"""A pilot's API bodies are read by the schemas the pages' forms are read by: the OpenAPI
document states those rules, the API applies them after deciding who may ask, and each
message names its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import today_riga
from app.extensions import db
from app.pilots import schemas
from app.pilots.models_plan import Milestone
from tests.factories_pilots import (
    add_expense,
    add_milestone,
    add_report,
    make_coord,
    make_winner,
    pilot_world,
)


@pytest.fixture
def world(db):
    world = pilot_world()
    world.report = add_report(world.pilot, public=True)  # submitted, waiting for approval
    db.session.commit()
    return world


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _documented_required(spec, path: str, method: str) -> set[str]:
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    return set(spec["components"]["schemas"][name].get("required", []))


# (documented path, method, the world's path, who sends it)
EMPTY_BODIES = [
    ("/api/v1/pilots/{pilot_id}/milestones", "post", "/api/v1/pilots/{pilot}/milestones",
     "lead"),
    ("/api/v1/pilots/{pilot_id}/indicators", "post", "/api/v1/pilots/{pilot}/indicators",
     "lead"),
    ("/api/v1/indicators/{indicator_id}/measurements", "post",
     "/api/v1/indicators/{indicator}/measurements", "lead"),
    ("/api/v1/pilots/{pilot_id}/expenses", "post", "/api/v1/pilots/{pilot}/expenses", "lead"),
    ("/api/v1/pilots/{pilot_id}/funding", "post", "/api/v1/pilots/{pilot}/funding",
     "coordinator"),
    ("/api/v1/pilots/{pilot_id}/updates", "post", "/api/v1/pilots/{pilot}/updates", "lead"),
    ("/api/v1/updates/{update_id}/return", "post", "/api/v1/updates/{report}/return",
     "coordinator"),
    ("/api/v1/pilots/{pilot_id}/replications", "post", "/api/v1/pilots/{pilot}/replications",
     "coordinator"),
]


@pytest.mark.parametrize(("documented", "method", "path", "who"), EMPTY_BODIES,
                         ids=[f"{m} {p}" for p, m, _, _ in EMPTY_BODIES])
def test_an_empty_body_is_refused_for_exactly_the_fields_the_document_requires(
        client, token_for, spec, world, documented, method, path, who):
    required = _documented_required(spec, documented, method)
    assert required, "every one of these bodies has a field that must be sent"
    url = path.format(pilot=world.pilot.id, indicator=world.pilot.indicators[0].id,
                      report=world.report.id)
    response = client.open(url, method=method.upper(), json={},
                           headers=token_for(getattr(world, who)))
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == required


def test_a_new_pilot_needs_only_its_dates_the_rest_comes_from_the_idea(
        client, token_for, spec):
    assert _documented_required(spec, "/api/v1/ideas/{idea_id}/pilot", "post") == {
        "start_date", "end_date"}
    idea = make_winner()
    headers = token_for(make_coord("zemgale"))
    refused = client.post(f"/api/v1/ideas/{idea.id}/pilot", json={}, headers=headers)
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"start_date", "end_date"}
    today = today_riga()
    made = client.post(f"/api/v1/ideas/{idea.id}/pilot", headers=headers, json={
        "start_date": (today + timedelta(days=7)).isoformat(),
        "end_date": (today + timedelta(days=200)).isoformat()})
    assert made.status_code == 201, made.json
    assert made.json["title"] == idea.title and made.json["budget_eur"] == "24500.00"


@pytest.mark.parametrize("body", [
    {"title": 5, "due_date": "vakar", "weight": True},  # no field could be saved
    {"title": "Starts", "due_date": "2027-03-01", "colour": "red"},  # a field no one takes
    ["title"],  # not an object at all
])
def test_who_may_ask_is_settled_before_the_body_is_read(client, token_for, world, body):
    """An outsider learns nothing from the rules: whatever the body, they are refused for
    who they are, on every door that takes one."""
    before = db.session.scalar(select(func.count(Milestone.id)))
    headers = token_for(world.outsider)
    for method, path, refused in (
            ("POST", f"/pilots/{world.pilot.id}/milestones", 403),
            ("PATCH", f"/pilots/{world.pilot.id}", 403),
            ("POST", f"/pilots/{world.pilot.id}/funding", 403),
            # A report waiting for approval is not public: it is not there for them.
            ("POST", f"/updates/{world.report.id}/return", 404)):
        response = client.open(f"/api/v1{path}", method=method, json=body, headers=headers)
        assert response.status_code == refused, (path, response.json)
    assert db.session.scalar(select(func.count(Milestone.id))) == before


def test_the_api_reads_a_field_as_the_form_does_and_says_what_is_wrong_in_latvian(
        client, token_for, world):
    world.lead.locale = "lv"
    db.session.commit()
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           json={"title": "Pilotu uzsāk", "due_date": "31.02.2027",
                                 "weight": "0"},
                           headers=token_for(world.lead))
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"due_date", "weight"}
    assert "datumu" in errors["due_date"][0]
    # The Latvian forms a person types are read through the API too.
    saved = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                        json={"title": "Pilotu uzsāk", "due_date": "1.3.2027.",
                              "weight": "1,5"},
                        headers=token_for(world.lead))
    assert saved.status_code == 201, saved.json
    assert saved.json["due_date"] == "2027-03-01" and saved.json["weight"] == "1.5"


def test_a_field_the_operation_does_not_know_is_refused_by_name(client, token_for, world):
    before = db.session.scalar(select(func.count(Milestone.id)))
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones",
                           json={"title": "Starts", "due_date": "2027-03-01",
                                 "colour": "red"},
                           headers=token_for(world.lead))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"colour"}
    assert db.session.scalar(select(func.count(Milestone.id))) == before


@pytest.mark.parametrize("body", [[], ["title"], "title", 7])
def test_a_body_that_is_not_an_object_is_refused(client, token_for, world, body):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/milestones", json=body,
                           headers=token_for(world.lead))
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_new_pilot_takes_at_most_twenty_funding_lines(client, token_for):
    idea = make_winner()
    today = today_riga()
    line = {"kind": "programme", "amount_eur": "100.00"}
    response = client.post(f"/api/v1/ideas/{idea.id}/pilot", headers=token_for(
        make_coord("zemgale")), json={
        "start_date": (today + timedelta(days=7)).isoformat(),
        "end_date": (today + timedelta(days=200)).isoformat(), "funding": [line] * 21})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"funding"}
    assert idea.pilot is None


def test_an_edit_names_the_version_it_started_from(client, token_for, world):
    headers = token_for(world.coordinator)
    url = f"/api/v1/pilots/{world.pilot.id}"
    version = world.pilot.version
    wrong = client.patch(url, json={"version": "pirmā", "title": "Cits"}, headers=headers)
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"version"}
    saved = client.patch(url, json={"version": version, "title": "Jauns nosaukums"},
                         headers=headers)
    assert saved.status_code == 200, saved.json
    assert saved.json["title"] == "Jauns nosaukums" and saved.json["version"] > version
    stale = client.patch(url, json={"version": version, "title": "Vecs"}, headers=headers)
    assert stale.status_code == 409
    assert stale.json["current"]["title"] == "Jauns nosaukums"


def test_money_may_be_sent_as_a_json_number(client, token_for, world):
    response = client.post(f"/api/v1/pilots/{world.pilot.id}/expenses",
                           json={"amount_eur": 1500.5, "spent_on": today_riga().isoformat(),
                                 "description": "Aprīkojums"},
                           headers=token_for(world.lead))
    assert response.status_code == 201, response.json
    assert response.json["amount_eur"] == "1500.50"


def _fields(schema) -> set[str]:
    return {field.data_key or name for name, field in schema().fields.items()}


def test_a_pilot_is_answered_with_exactly_the_fields_its_schema_documents(
        client, token_for, world, spec):
    """The answer is the pilot dumped by its schema: the team reads every field of the
    documented pilot, an outsider every field of its public part and nothing more, and each
    nested milestone, expense and report has the shape of that reader's schema."""
    add_milestone(world.pilot, title="Iepirkums pabeigts")
    add_expense(world.pilot, "1200.50")
    db.session.commit()
    whole = client.get(f"/api/v1/pilots/{world.pilot.id}", headers=token_for(world.lead)).json
    public = client.get(f"/api/v1/pilots/{world.pilot.id}",
                        headers=token_for(world.outsider)).json
    assert set(whole) == set(spec["components"]["schemas"]["Pilot"]["properties"])
    assert set(whole) == _fields(schemas.PilotSchema)
    assert set(public) == _fields(schemas.PilotDetailPublicSchema) < set(whole)
    assert set(whole["milestones"][0]) == _fields(schemas.MilestoneOut)
    assert set(public["milestones"][0]) == _fields(schemas.PublicMilestoneOut)
    assert set(whole["expenses"][0]) == _fields(schemas.ExpenseOut)
    assert set(public["public_expenses"][0]) == _fields(schemas.PublicExpenseOut)
    assert whole["updates"] and not public["updates"]  # the report waits for approval
    assert set(whole["updates"][0]) == _fields(schemas.UpdateOut)
    assert set(whole["status_changes"][0]) == {"from", "to", "at", "by", "reason"}
    assert public["public_expenses"][0]["amount_eur"] == "1200.50"
    assert whole["can_edit"] is True and whole["version"] == world.pilot.version
