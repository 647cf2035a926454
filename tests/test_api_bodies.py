"""An API body is read after who may ask is settled: what an outsider is refused for never
depends on what they sent, on any operation that takes a body."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.factories_public import person, public_world

BODIES = {"not an object": ["title"], "an unknown field": {"colour": "red"},
          "wrong types": {"title": 5, "reason": [], "scores": "all", "version": "x"},
          "not JSON": "{"}


def _first_ids() -> dict[str, int]:
    from app.accounts.models import Affiliation, User
    from app.hackathons.models import Criterion, Hackathon
    from app.ideas.models import Idea
    from app.ideas.models_attachments import Attachment
    from app.judging.models_reviews import Review
    from app.pilots.models import Pilot
    from app.pilots.models_plan import Indicator, Milestone
    from app.pilots.models_reports import PilotUpdate
    from app.programme.models import Instrument
    from app.teams.models import Team, TeamInvitation

    models = {"hackathon_id": Hackathon, "idea_id": Idea, "team_id": Team, "user_id": User,
              "invitation_id": TeamInvitation, "criterion_id": Criterion,
              "attachment_id": Attachment, "review_id": Review, "pilot_id": Pilot,
              "milestone_id": Milestone, "indicator_id": Indicator, "update_id": PilotUpdate,
              "instrument_id": Instrument, "affiliation_id": Affiliation}
    # An id of a kind the world lacks is one no one has: still a door to knock on.
    return {name: db.session.scalar(select(model.id).order_by(model.id)) or 999_999
            for name, model in models.items()}


def _operations_with_a_body(spec) -> list[tuple[str, str]]:
    return [(path, method) for path, item in spec["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "requestBody" in operation
            and "application/json" in operation["requestBody"]["content"]]


def _send(client, method: str, path: str, body, headers):
    if body == "{":  # malformed JSON, as a broken client sends it
        return client.open(path, method=method.upper(), data="{",
                           content_type="application/json", headers=headers)
    return client.open(path, method=method.upper(), json=body, headers=headers)


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_an_outsider_is_refused_for_who_they_are_whatever_the_body(app, client, token_for, who):
    """A signed-in member of no team here, or a coordinator of another region who judges a
    review in a hackathon she does not manage: every door that takes a body refuses them
    for who they are, whatever they send."""
    from tests.factories_judging import make_review, make_team_idea

    world = public_world()
    if who == "member":
        outsider = person("Cits Lietotājs", "Rēzekne")
    else:
        outsider = person("Cita Koordinatore", "Rēzekne", role="coordinator", region="latgale")
    # The first review is hers to read, in a hackathon that is not hers to manage.
    make_review(make_team_idea(world.open), outsider if who == "coordinator" else world.lead)
    headers = token_for(outsider)
    ids = _first_ids()
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = _operations_with_a_body(spec)
    assert len(operations) >= 35  # every door that takes a body, not a sample
    checked = 0
    for path, method in operations:
        url = path.format(**ids)
        refusal = _send(client, method, url, {}, headers).status_code
        if refusal not in (403, 404):
            continue  # theirs to do (their own team, a vote): the body's rules apply
        checked += 1
        for name, body in BODIES.items():
            status = _send(client, method, url, body, headers).status_code
            assert status == refusal, (method, path, name, status, refusal)
    assert checked >= 25


@pytest.mark.parametrize("body", [["title"], {"colour": "red"}])
def test_a_caller_who_may_ask_is_told_what_is_wrong_with_the_body(client, token_for, body):
    """The same bodies from the team's lead: 422, each message beside its field."""
    world = public_world()
    response = client.patch(f"/api/v1/teams/{world.team.id}", json=body,
                            headers=token_for(world.lead))
    assert response.status_code == 422
    assert set(response.json["errors"]) == ({"_"} if isinstance(body, list) else {"colour"})


def test_a_body_that_is_not_json_is_400_for_a_caller_who_may_ask(client, token_for):
    world = public_world()
    response = client.patch(f"/api/v1/teams/{world.team.id}", data="{",
                            content_type="application/json", headers=token_for(world.lead))
    assert response.status_code == 400
    assert "JSON" in response.json["detail"]


@pytest.mark.parametrize(("data", "status"), [("", 200), ("null", 422)])
def test_an_empty_body_changes_nothing_and_null_is_not_an_object(client, token_for, data,
                                                                  status):
    """No body is an empty one, as clients send for a change of nothing; `null` is JSON,
    but not the object of fields the operation takes."""
    world = public_world()
    response = client.patch(f"/api/v1/teams/{world.team.id}", data=data,
                            content_type="application/json", headers=token_for(world.lead))
    assert response.status_code == status, response.json
    if status == 200:
        assert response.json["name"] == world.team.name


def test_every_api_answer_is_dumped_by_a_schema():
    """The OpenAPI document is generated from the response schemas, so an answer built by
    hand could drift from it: the API's modules return objects for `@blp.response` to dump,
    or dump them with `answer` where the schema depends on the caller. Only that helper
    makes JSON itself."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "app"
    modules = [*sorted((root / "api").glob("*.py")), root / "bulk" / "api.py"]
    by_hand = [f"{path.relative_to(root)}:{number}"
               for path in modules if path.name != "schemas.py"
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if "jsonify(" in line or "json.dumps(" in line]
    assert by_hand == []
