"""The hackathon API: shapes, bad input, phases, criteria, versions, drafts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from app.core.clock import now_utc
from app.hackathons.models import Hackathon, Phase
from tests.factories_hackathons import make_hackathon

OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+0[23]:00$")


@pytest.fixture
def coordinator(make_user, token_for):
    user = make_user(role="coordinator", region="zemgale")
    return user, token_for(user)


def _body(**changes):
    now = now_utc()
    body = {
        "title": "Drošas apkaimes",
        "description": "Noteikumi <script>alert(1)</script> **treknrakstā**.",
        "region": "zemgale",
        "theme": "Komunālie un sabiedriskās drošības pakalpojumi",
        "submission_opens_at": (now + timedelta(days=1)).isoformat(),
        "submission_closes_at": (now + timedelta(days=20)).isoformat(),
        "judging_closes_at": (now + timedelta(days=40)).isoformat(),
        "reviews_per_idea": 4,
        "blind_review": True,
        "public_voting": False,
    }
    body.update(changes)
    return body


def test_create_answers_201_with_id_slug_and_phase(client, coordinator):
    _user, headers = coordinator
    response = client.post("/api/v1/hackathons", json=_body(), headers=headers)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["slug"] == "drosas-apkaimes" and data["phase"] == "draft"
    assert isinstance(data["id"], int) and data["version"] == 1
    assert data["region"] == "zemgale" and data["reviews_per_idea"] == 4
    assert data["blind_review"] is True and data["eligible_regions"] == []
    assert "<script>" not in data["description_html"]
    assert "<strong>treknrakstā</strong>" in data["description_html"]
    for key in ("submission_opens_at", "submission_closes_at", "judging_closes_at",
                "created_at"):
        assert OFFSET.match(data[key]), data[key]


def test_a_national_hackathon_has_region_null(client, make_user, token_for):
    headers = token_for(make_user(role="coordinator", region=None))
    response = client.post("/api/v1/hackathons", json=_body(region=None), headers=headers)
    assert response.status_code == 201 and response.json["region"] is None


def test_every_bad_field_is_reported_at_once_as_problem_json(client, coordinator):
    _user, headers = coordinator
    now = now_utc()
    response = client.post("/api/v1/hackathons", headers=headers, json=_body(
        title="x" * 201, theme="y" * 201, region="atlantida", reviews_per_idea=0,
        submission_opens_at=(now + timedelta(days=10)).isoformat(),
        submission_closes_at=(now + timedelta(days=5)).isoformat(),
        judging_closes_at=(now + timedelta(days=2)).isoformat()))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"title", "theme", "region", "reviews_per_idea",
                                            "submission_closes_at", "judging_closes_at"}
    assert client.get("/api/v1/hackathons", headers=headers).json["total"] == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"reviews_per_idea": 11}, "reviews_per_idea"),
    ({"reviews_per_idea": "seši"}, "reviews_per_idea"),
    ({"submission_closes_at": "nav datums"}, "submission_closes_at"),
    ({"eligible_regions": ["marss"]}, "eligible_regions"),
    ({"unknown_field": 1}, "unknown_field"),
])
def test_bad_fields_answer_422_never_500(client, coordinator, changes, field):
    _user, headers = coordinator
    response = client.post("/api/v1/hackathons", json=_body(**changes), headers=headers)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_malformed_json_is_400(client, coordinator):
    _user, headers = coordinator
    response = client.post("/api/v1/hackathons", data="{title:", headers={
        **headers, "Content-Type": "application/json"})
    assert response.status_code == 400


def test_list_is_paginated_and_filtered_by_region_and_effective_phase(client):
    past = now_utc() - timedelta(hours=1)
    open_one = make_hackathon(region="zemgale")
    after_deadline = make_hackathon(region="kurzeme", opens_at=past - timedelta(days=3),
                                    closes_at=past)
    make_hackathon(region="zemgale", phase="results")
    make_hackathon(region=None, phase="closed")
    make_hackathon(region="zemgale", phase="draft")  # never listed to the public

    everything = client.get("/api/v1/hackathons").json
    assert set(everything) == {"items", "page", "per_page", "total"}
    assert (everything["total"], everything["page"], everything["per_page"]) == (4, 1, 20)

    page = client.get("/api/v1/hackathons?per_page=3&page=2").json
    assert (page["total"], len(page["items"]), page["page"]) == (4, 1, 2)

    zemgale = client.get("/api/v1/hackathons?region=zemgale").json
    assert zemgale["total"] == 2
    opened = client.get("/api/v1/hackathons?phase=open").json
    assert [h["id"] for h in opened["items"]] == [open_one.id]
    judging = client.get("/api/v1/hackathons?phase=judging").json
    assert [(h["id"], h["phase"]) for h in judging["items"]] == [(after_deadline.id, "judging")]
    national = client.get("/api/v1/hackathons?region=national").json
    assert national["total"] == 1


@pytest.mark.parametrize("query", ["region=atlantida", "phase=finished", "per_page=101",
                                   "page=0"])
def test_bad_list_filters_are_422(client, query):
    assert client.get(f"/api/v1/hackathons?{query}").status_code == 422


def test_drafts_are_listed_only_to_those_who_may_manage_them(client, make_user, token_for):
    draft = make_hackathon(region="zemgale", phase="draft")
    make_hackathon(region="zemgale")

    def total(user):
        headers = token_for(user) if user else {}
        return client.get("/api/v1/hackathons", headers=headers).json["total"]

    assert total(None) == 1
    assert total(make_user()) == 1
    assert total(make_user(role="coordinator", region="kurzeme")) == 1
    assert total(make_user(role="coordinator", region="zemgale")) == 2
    assert total(make_user(role="coordinator", region=None)) == 2
    assert total(make_user(role="admin")) == 2
    assert client.get(f"/api/v1/hackathons/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/hackathons/{draft.id}/criteria").status_code == 404


def test_get_one_and_its_criteria(client):
    h = make_hackathon(criteria=3)
    data = client.get(f"/api/v1/hackathons/{h.id}").json
    assert (data["id"], data["slug"], data["phase"], data["accepts_submissions"]) == (
        h.id, h.slug, "open", True)
    criteria = client.get(f"/api/v1/hackathons/{h.id}/criteria").json
    assert [c["position"] for c in criteria] == [1, 2, 3]
    assert set(criteria[0]) >= {"id", "hackathon_id", "name", "description", "weight",
                                "max_score", "low_description", "mid_description",
                                "high_description", "position"}
    assert criteria[0]["weight"] == 1.0 and criteria[0]["max_score"] == 10
    assert client.get("/api/v1/hackathons/99999").status_code == 404
    assert client.get("/api/v1/hackathons/99999999999999999999999").status_code == 404


def test_patch_with_the_current_version_saves_and_a_stale_one_gets_409_with_current(
        client, coordinator):
    _user, headers = coordinator
    h = make_hackathon(region="zemgale")
    first = client.patch(f"/api/v1/hackathons/{h.id}", headers=headers,
                         json={"title": "Pirmais", "version": 1})
    assert first.status_code == 200 and first.json["version"] == 2
    stale = client.patch(f"/api/v1/hackathons/{h.id}", headers=headers,
                         json={"title": "Otrais", "version": 1})
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert stale.json["current"]["title"] == "Pirmais"
    assert stale.json["current"]["version"] == 2
    assert client.get(f"/api/v1/hackathons/{h.id}").json["title"] == "Pirmais"
    # Without a version the caller accepts the risk; the save goes through.
    assert client.patch(f"/api/v1/hackathons/{h.id}", headers=headers,
                        json={"theme": "Jauna tēma"}).json["version"] == 3


def test_patch_bad_input_is_422_and_frozen_fields_409(client, coordinator):
    _user, headers = coordinator
    h = make_hackathon(region="zemgale")
    bad = client.patch(f"/api/v1/hackathons/{h.id}", headers=headers,
                       json={"reviews_per_idea": 0, "title": ""})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"reviews_per_idea", "title"}
    frozen = client.patch(f"/api/v1/hackathons/{h.id}", headers=headers,
                          json={"region": "kurzeme"})
    assert frozen.status_code == 409 and "region" in frozen.json["errors"]


def test_transition_forward_records_the_reason_and_backward_is_409(client, coordinator):
    user, headers = coordinator
    h = make_hackathon(region="zemgale", phase="draft")
    opened = client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                         json={"to": "open", "reason": "Gatavs"})
    assert opened.status_code == 200 and opened.json["phase"] == "open"
    back = client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                       json={"to": "draft"})
    assert back.status_code == 409 and back.mimetype == "application/problem+json"
    skip = client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                       json={"to": "results"})
    assert skip.status_code == 409
    unknown = client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                          json={"to": "finished"})
    assert unknown.status_code == 422
    history = client.get(f"/api/v1/hackathons/{h.id}/phase-changes", headers=headers).json
    assert [(c["from_phase"], c["to_phase"], c["actor_id"], c["reason"]) for c in history] == [
        ("draft", "open", user.id, "Gatavs")]
    assert OFFSET.match(history[0]["at"])


def test_opening_without_criteria_is_409_with_what_is_missing(client, coordinator):
    _user, headers = coordinator
    h = make_hackathon(region="zemgale", phase="draft", criteria=0)
    response = client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                           json={"to": "open"})
    assert response.status_code == 409 and "criteria" in response.json["errors"]


def test_criteria_post_and_frozen_409(client, coordinator):
    _user, headers = coordinator
    h = make_hackathon(region="zemgale", criteria=0)
    created = client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers, json={
        "name": "Ietekme", "description": "Cik daudz iedzīvotāju ieguvums", "weight": 1.5,
        "max_score": 10, "low_description": "Maz", "mid_description": "Vidēji",
        "high_description": "Daudz"})
    assert created.status_code == 201, created.json
    assert (created.json["weight"], created.json["max_score"], created.json["position"]) == (
        1.5, 10, 1)
    bad = client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers,
                      json={"name": "", "weight": 0, "max_score": 0})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"name", "weight",
                                                                  "max_score"}
    criterion_id = created.json["id"]
    patched = client.patch(f"/api/v1/criteria/{criterion_id}", headers=headers,
                           json={"weight": "2"})
    assert patched.status_code == 200 and patched.json["weight"] == 2.0

    client.post(f"/api/v1/hackathons/{h.id}/transition", headers=headers,
                json={"to": "judging"})
    frozen = client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers,
                         json={"name": "Vēlāk", "weight": 1, "max_score": 5})
    with force_locale("lv"):  # the coordinator's language
        expected = gettext("The criteria are frozen: judging has started, and every idea "
                           "must be judged against the same criteria.")
    assert frozen.status_code == 409 and frozen.json["detail"] == expected
    assert client.patch(f"/api/v1/criteria/{criterion_id}", headers=headers,
                        json={"weight": 3}).status_code == 409
    assert client.delete(f"/api/v1/criteria/{criterion_id}", headers=headers).status_code == 409
    assert [c["weight"] for c in client.get(f"/api/v1/hackathons/{h.id}/criteria").json] == [2.0]


def test_criteria_delete_before_judging(client, coordinator):
    _user, headers = coordinator
    h = make_hackathon(region="zemgale", criteria=2)
    response = client.delete(f"/api/v1/criteria/{h.criteria[0].id}", headers=headers)
    assert response.status_code == 204
    assert len(client.get(f"/api/v1/hackathons/{h.id}/criteria").json) == 1


def test_the_openapi_document_lists_every_hackathon_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/hackathons"]) >= {"get", "post"}
    assert set(paths["/api/v1/hackathons/{hackathon_id}"]) >= {"get", "patch"}
    assert "post" in paths["/api/v1/hackathons/{hackathon_id}/transition"]
    assert set(paths["/api/v1/hackathons/{hackathon_id}/criteria"]) >= {"get", "post"}
    assert set(paths["/api/v1/criteria/{criterion_id}"]) >= {"patch", "delete"}
    assert "get" in paths["/api/v1/hackathons/{hackathon_id}/phase-changes"]


def test_the_stored_phase_is_not_changed_by_reading(client):
    past = now_utc() - timedelta(minutes=1)
    h = make_hackathon(opens_at=past - timedelta(days=1), closes_at=past)
    assert client.get(f"/api/v1/hackathons/{h.id}").json["phase"] == "judging"
    from app.extensions import db

    db.session.expire_all()
    assert db.session.get(Hackathon, h.id).phase == Phase.OPEN
