"""The ideas API: the same rules as the pages, answered as JSON and problem+json."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import Phase
from tests.factories_ideas import complete_fields, make_idea


def test_create_then_submit_a_complete_idea(client, world, token_for, outbox):
    headers = token_for(world.member)
    created = client.post(f"/api/v1/hackathons/{world.hackathon.id}/ideas", headers=headers,
                          json={"team_id": world.team.id, **complete_fields(budget_eur=1500.5)})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["status"] == "draft" and body["version"] == 1
    assert body["budget_eur"] == "1500.50" and body["duration_months"] == 12
    assert body["problem_html"] == "<p>Iedzīvotāji rādījumus iesniedz <strong>novēloti</strong>; " \
        "kļūdu labošana aizņem laiku.</p>"
    assert body["indicators"] == [complete_fields()["indicators"][0]]
    assert body["team"]["municipality"]["name"] == "Dobeles novads"
    submitted = client.post(f"/api/v1/ideas/{body['id']}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    assert len(outbox()) == 2


def test_submit_answers_422_with_every_missing_field(client, world, token_for):
    headers = token_for(world.member)
    created = client.post(f"/api/v1/hackathons/{world.hackathon.id}/ideas", headers=headers,
                          json={"team_id": world.team.id, "title": "Tikai nosaukums"})
    response = client.post(f"/api/v1/ideas/{created.json['id']}/submit", headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"summary", "problem", "solution", "target_group",
                                            "expected_impact", "budget_eur",
                                            "duration_months", "indicators"}


def test_bad_input_is_422_never_500(client, world, token_for):
    idea = make_idea(world.hackathon, world.team)
    headers = token_for(world.member)
    for body, field in [({"budget_eur": "-1"}, "budget_eur"), ({"budget_eur": "daudz"},
                        "budget_eur"), ({"duration_months": 0}, "duration_months"),
                        ({"summary": "x" * 301}, "summary"), ({"title": 5}, "title"),
                        ({"indicators": [{"baseline": "1"}]}, "indicators"),
                        ({"version": "x"}, "version")]:
        response = client.patch(f"/api/v1/ideas/{idea.id}", json=body, headers=headers)
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["errors"], (body, response.json)
    response = client.patch(f"/api/v1/ideas/{idea.id}", data="{not json", headers={
        **headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    db.session.expire_all()
    assert idea.version == 1


def test_ids_out_of_range_are_not_found_never_500(client, world, token_for):
    huge = 2 ** 40
    created = client.post(f"/api/v1/hackathons/{world.hackathon.id}/ideas",
                          json={"team_id": huge}, headers=token_for(world.member))
    assert created.status_code == 422 and "team_id" in created.json["errors"]
    listed = client.get(f"/api/v1/hackathons/{world.hackathon.id}/ideas?municipality={huge}",
                        headers=token_for(world.coordinator))
    assert listed.status_code == 422


def test_submit_and_withdraw_after_the_deadline_answer_409(client, world, token_for):
    draft = make_idea(world.hackathon, world.team)
    submitted = make_idea(world.hackathon, world.team, status="submitted")
    world.hackathon.submission_closes_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    headers = token_for(world.member)
    assert client.post(f"/api/v1/ideas/{draft.id}/submit", headers=headers).status_code == 409
    late = client.post(f"/api/v1/ideas/{submitted.id}/withdraw", headers=headers)
    assert late.status_code == 409 and "deadline" in late.json["detail"]
    edit = client.patch(f"/api/v1/ideas/{submitted.id}", json={"title": "x"}, headers=headers)
    assert edit.status_code == 409


def test_withdraw_before_the_deadline(client, world, token_for):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    response = client.post(f"/api/v1/ideas/{idea.id}/withdraw", headers=token_for(world.member))
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    again = client.post(f"/api/v1/ideas/{idea.id}/withdraw", headers=token_for(world.member))
    assert again.status_code == 409


def test_coordinators_mark_ideas_ineligible_over_the_api(client, world, token_for):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    url = f"/api/v1/ideas/{idea.id}/ineligible"
    assert client.post(url, json={"reason": "x"},
                       headers=token_for(world.other_coordinator)).status_code == 404
    assert client.post(url, json={"reason": ""},
                       headers=token_for(world.coordinator)).status_code == 422
    done = client.post(url, json={"reason": "Neatbilst tēmai."},
                       headers=token_for(world.coordinator))
    assert done.status_code == 200 and done.json["ineligible_reason"] == "Neatbilst tēmai."


def test_the_public_reads_only_published_winners_and_only_public_fields(client, world):
    winner = make_idea(world.hackathon, world.team, status="winner", title="Uzvarētāja")
    make_idea(world.hackathon, world.team, status="not_selected", title="Neizvēlēta")
    url = f"/api/v1/hackathons/{world.hackathon.id}/ideas"
    assert client.get(url).json["items"] == []
    assert client.get(f"/api/v1/ideas/{winner.id}").status_code == 404
    world.hackathon.phase = Phase.RESULTS
    db.session.commit()
    items = client.get(url).json["items"]
    assert [i["title"] for i in items] == ["Uzvarētāja"]
    public = client.get(f"/api/v1/ideas/{winner.id}").json
    assert public["title"] == "Uzvarētāja" and public["problem_html"]
    for private in ("partners", "attachments", "version", "ineligible_reason", "team_id"):
        assert private not in public
    assert "members" not in public["team"] and "@" not in str(public)


def test_the_openapi_document_lists_the_idea_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/hackathons/{hackathon_id}/ideas", "/api/v1/ideas/{idea_id}",
                 "/api/v1/ideas/{idea_id}/submit", "/api/v1/ideas/{idea_id}/withdraw"):
        assert path in paths, path
    assert set(paths["/api/v1/ideas/{idea_id}"]) >= {"get", "patch"}


def test_a_draft_hackathon_is_not_found_for_teams(client, world, token_for):
    from tests.factories_hackathons import make_hackathon

    hidden = make_hackathon(region="zemgale", phase="draft")
    response = client.post(f"/api/v1/hackathons/{hidden.id}/ideas",
                           json={"team_id": world.team.id}, headers=token_for(world.member))
    assert response.status_code == 404
