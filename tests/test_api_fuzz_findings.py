"""What fuzzing the API against its OpenAPI document found (test_api_schemathesis.py), each
pinned as a plain story, so that it stays fixed even where the fuzzer's cases change."""

from __future__ import annotations

import pytest

from tests.factories_pilots import make_coord


@pytest.fixture
def coordinator_headers(token_for):
    return token_for(make_coord(None))


@pytest.mark.parametrize("moment", [
    "0001-01-01T00:00:00+05:00",  # overflowed on conversion to UTC: a 500
    "9999-12-31T23:59:59-05:00",  # the same at the other end
    "1900-01-01T10:00",  # was stored, and answered with Riga's mean-time offset +01:36:34
])
def test_hackathon_date_outside_any_plausible_year_is_a_field_error(
        client, coordinator_headers, moment):
    response = client.post("/api/v1/hackathons", headers=coordinator_headers,
                           json={"title": "Vēstures hakatons", "submission_opens_at": moment})

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["submission_opens_at"]


def test_hackathon_date_in_this_century_is_answered_with_a_minute_offset(
        client, coordinator_headers):
    response = client.post("/api/v1/hackathons", headers=coordinator_headers,
                           json={"title": "Vasaras hakatons",
                                 "submission_opens_at": "2099-06-01T10:00"})

    assert response.status_code == 201
    assert response.get_json()["submission_opens_at"] == "2099-06-01T10:00:00+03:00"


@pytest.mark.parametrize("query", ["municipality=22873428842293452800",
                                   "hackathon=99999999999999999999"])
def test_pilot_list_filter_by_an_impossible_id_is_a_field_error(client, query):
    response = client.get(f"/api/v1/pilots?{query}")

    assert response.status_code == 422  # was a 500: too large for the database's integer
    assert list(response.get_json()["errors"]) == [query.split("=")[0]]


def test_error_answers_are_documented_as_the_problem_json_they_are(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["components"]["responses"]

    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        content = responses[name]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"}
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert problem["properties"]["status"]["type"] == "integer"


def test_text_with_a_nul_character_is_a_field_error_on_every_database(
        client, coordinator_headers):
    # PostgreSQL refuses NUL in text, so this was a 500 there (and stored on SQLite).
    response = client.post("/api/v1/hackathons", headers=coordinator_headers,
                           json={"title": "Hakatons\x00", "theme": "Pakalpojumi"})

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "title": ["The text contains a NUL character, which cannot be stored."]}
    assert client.get("/api/v1/hackathons").get_json()["total"] == 0


@pytest.mark.parametrize("query", ["q=a%00b", "status=sub%00mitted"])
def test_a_nul_character_in_a_query_is_a_field_error(client, coordinator_headers, query):
    from tests.factories_hackathons import make_hackathon

    hackathon = make_hackathon()
    response = client.get(f"/api/v1/hackathons/{hackathon.id}/ideas?{query}",
                          headers=coordinator_headers)

    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [query.split("=")[0]]


def test_a_nul_character_in_an_uploaded_file_name_is_refused(client, token_for):
    from io import BytesIO

    from tests.factories_hackathons import make_hackathon
    from tests.factories_ideas import make_idea
    from tests.factories_pilots import make_user_in
    from tests.factories_teams import make_team

    lead = make_user_in("Dobeles novads")
    idea = make_idea(make_hackathon(), make_team(lead), status="draft")
    response = client.post(
        f"/api/v1/ideas/{idea.id}/attachments", headers=token_for(lead),
        data={"file": (BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "plāns\x00.png")})

    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["file"]
