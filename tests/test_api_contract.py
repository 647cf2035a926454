"""Every endpoint of the API contract (API.md) is in the generated OpenAPI document."""

import re

import pytest

CONTRACT = [
    ("GET", "/api/v1/regions"), ("GET", "/api/v1/municipalities"),
    ("GET", "/api/v1/hackathons"), ("POST", "/api/v1/hackathons"),
    ("GET", "/api/v1/hackathons/{}"), ("PATCH", "/api/v1/hackathons/{}"),
    ("POST", "/api/v1/hackathons/{}/transition"),
    ("GET", "/api/v1/hackathons/{}/criteria"), ("POST", "/api/v1/hackathons/{}/criteria"),
    ("GET", "/api/v1/hackathons/{}/jury"), ("POST", "/api/v1/hackathons/{}/jury"),
    ("POST", "/api/v1/hackathons/{}/assignments"), ("GET", "/api/v1/hackathons/{}/ranking"),
    ("POST", "/api/v1/hackathons/{}/winners"),
    ("POST", "/api/v1/teams"), ("GET", "/api/v1/teams/{}"), ("POST", "/api/v1/teams/{}/members"),
    ("GET", "/api/v1/hackathons/{}/ideas"), ("POST", "/api/v1/hackathons/{}/ideas"),
    ("GET", "/api/v1/ideas/{}"), ("PATCH", "/api/v1/ideas/{}"),
    ("POST", "/api/v1/ideas/{}/submit"), ("POST", "/api/v1/ideas/{}/withdraw"),
    ("GET", "/api/v1/me/reviews"), ("GET", "/api/v1/reviews/{}"), ("PUT", "/api/v1/reviews/{}"),
    ("POST", "/api/v1/reviews/{}/conflict"),
    ("POST", "/api/v1/ideas/{}/pilot"), ("GET", "/api/v1/pilots"),
    ("GET", "/api/v1/pilots/{}"), ("PATCH", "/api/v1/pilots/{}"),
    ("POST", "/api/v1/pilots/{}/milestones"), ("PATCH", "/api/v1/milestones/{}"),
    ("POST", "/api/v1/pilots/{}/indicators"), ("POST", "/api/v1/indicators/{}/measurements"),
    ("POST", "/api/v1/pilots/{}/expenses"), ("POST", "/api/v1/pilots/{}/updates"),
    ("GET", "/api/v1/winners"),
]


@pytest.fixture(scope="module")
def documented(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    found = set()
    for path, operations in spec["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                found.add((method.upper(), re.sub(r"\{[^}]+\}", "{}", path)))
    return found


@pytest.mark.parametrize(("method", "path"), CONTRACT)
def test_contract_endpoint_is_documented(documented, method, path):
    assert (method, path) in documented


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
