"""The judging API: jury, assignments, reviews, conflicts, ranking, winners, votes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import now_utc
from app.extensions import db
from app.judging.models import AssignmentRun
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewStatus
from tests.factories_judging import (
    judging_world,
    make_review,
    make_team_idea,
    make_user_in,
)


@pytest.fixture
def w(db):
    world = judging_world(judges=3, ideas=2, reviews_per_idea=2, criteria=2)
    world.impact, world.feasibility = world.hackathon.criteria
    # As if judging had started with an empty jury: no automatic building in these tests.
    db.session.add(AssignmentRun(hackathon_id=world.hackathon.id, trigger="judging_started"))
    db.session.commit()
    return world


def test_jury_is_listed_and_added_by_email(client, w, token_for, outbox):
    headers = token_for(w.coordinator)
    url = f"/api/v1/hackathons/{w.hackathon.id}/jury"
    listed = client.get(url, headers=headers).get_json()
    assert [j["user_id"] for j in listed] == [j.id for j in w.judges]
    newcomer = make_user_in("Cēsu novads")
    response = client.post(url, json={"email": newcomer.email}, headers=headers)
    assert response.status_code == 201 and response.get_json()["user_id"] == newcomer.id
    bad = client.post(url, json={"email": "neviens@example.lv"}, headers=headers)
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    assert client.post(url, json={}, headers=headers).status_code == 422
    assert client.post(url, data="{", headers={**headers, "Content-Type": "application/json"}
                       ).status_code == 400


def test_only_its_coordinators_use_the_jury_and_assignments(client, w, token_for):
    judge_headers = token_for(w.judges[0])
    other = token_for(make_user_in(None, role="coordinator", region="latgale"))
    for headers, status in ((judge_headers, 403), (other, 403), ({}, 401)):
        assert client.get(f"/api/v1/hackathons/{w.hackathon.id}/jury",
                          headers=headers).status_code == status
        assert client.post(f"/api/v1/hackathons/{w.hackathon.id}/assignments",
                           headers=headers).status_code == status
    assert client.get("/api/v1/hackathons/999999/jury",
                      headers=token_for(w.coordinator)).status_code == 404


def test_assignments_answer_created_and_exact_shortfalls(client, w, token_for):
    headers = token_for(w.coordinator)
    body = client.post(f"/api/v1/hackathons/{w.hackathon.id}/assignments",
                       headers=headers).get_json()
    assert body == {"created": 4, "shortfalls": []}
    again = client.post(f"/api/v1/hackathons/{w.hackathon.id}/assignments",
                        headers=headers).get_json()
    assert again["created"] == 0
    empty = judging_world(judges=0, ideas=1)
    body = client.post(f"/api/v1/hackathons/{empty.hackathon.id}/assignments",
                       headers=token_for(empty.coordinator)).get_json()
    assert body["created"] == 0
    [short] = body["shortfalls"]
    assert short["missing"] == 3 and short["reason"] == "no_judges"
    assert "the jury is empty" in short["message"]


def test_a_judge_reads_and_scores_their_review(client, w, token_for):
    review = make_review(w.ideas[0], w.judges[0])
    headers = token_for(w.judges[0])
    mine = client.get("/api/v1/me/reviews", headers=headers).get_json()
    assert mine == [{"id": review.id, "idea_id": w.ideas[0].id,
                     "hackathon_id": w.hackathon.id, "status": "pending",
                     "idea_title": w.ideas[0].title, "version": 1, "round": 1}]
    body = client.get(f"/api/v1/reviews/{review.id}", headers=headers).get_json()
    assert body["scores"] == {str(w.impact.id): None, str(w.feasibility.id): None}
    response = client.put(f"/api/v1/reviews/{review.id}", headers=headers, json={
        "scores": {str(w.impact.id): 7.5}, "comments": {str(w.impact.id): "Labi"},
        "comment": "Kopumā labi", "version": 1})
    assert response.status_code == 200
    body = response.get_json()
    assert body["scores"][str(w.impact.id)] == 7.5 and body["version"] == 2
    response = client.put(f"/api/v1/reviews/{review.id}", headers=headers, json={
        "scores": {str(w.feasibility.id): 10}, "submit": True})
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "submitted"
    assert body["score"] == 87.5  # (7.5/10 + 10/10) / 2 × 100


@pytest.mark.parametrize("key, value", [
    ("IMPACT", 11),
    ("IMPACT", -0.5),
    ("IMPACT", 2.25),
    ("IMPACT", "daudz"),
    ("IMPACT", True),
    ("999999", 5),
])
def test_bad_scores_are_422_and_change_nothing(client, w, token_for, key, value):
    review = make_review(w.ideas[0], w.judges[0])
    key = str(w.impact.id) if key == "IMPACT" else key
    response = client.put(f"/api/v1/reviews/{review.id}", headers=token_for(w.judges[0]),
                          json={"scores": {key: value}})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert f"scores.{key}" in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Review, review.id).scores == []


def test_submit_lists_every_missing_criterion(client, w, token_for):
    review = make_review(w.ideas[0], w.judges[0])
    response = client.put(f"/api/v1/reviews/{review.id}", headers=token_for(w.judges[0]),
                          json={"scores": {}, "submit": True})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {f"scores.{w.impact.id}",
                                                  f"scores.{w.feasibility.id}"}


def test_a_stale_version_is_409_with_the_current_review(client, w, token_for):
    review = make_review(w.ideas[0], w.judges[0])
    headers = token_for(w.judges[0])
    client.put(f"/api/v1/reviews/{review.id}", headers=headers,
               json={"scores": {str(w.impact.id): 3}, "version": 1})
    response = client.put(f"/api/v1/reviews/{review.id}", headers=headers,
                          json={"scores": {str(w.impact.id): 9}, "version": 1})
    assert response.status_code == 409
    assert response.get_json()["current"]["scores"][str(w.impact.id)] == 3.0


def test_someone_elses_review_is_404_and_a_conflicted_one_409(client, w, token_for):
    review = make_review(w.ideas[0], w.judges[0])
    headers = token_for(w.judges[1])
    assert client.get(f"/api/v1/reviews/{review.id}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/reviews/{review.id}", headers=headers,
                      json={"scores": {}}).status_code == 404
    assert client.post(f"/api/v1/reviews/{review.id}/conflict", headers=headers,
                       json={"reason": "x"}).status_code == 404
    conflicted = make_review(w.ideas[1], w.judges[1], status="conflict")
    response = client.put(f"/api/v1/reviews/{conflicted.id}", headers=headers,
                          json={"scores": {str(w.impact.id): 5}})
    assert response.status_code == 409


def test_declaring_a_conflict_moves_the_idea(client, w, token_for):
    review = make_review(w.ideas[0], w.judges[0])
    response = client.post(f"/api/v1/reviews/{review.id}/conflict",
                           headers=token_for(w.judges[0]), json={"reason": "Radinieks"})
    body = response.get_json()
    assert response.status_code == 200 and body["review"]["status"] == "conflict"
    assert body["reassigned"] == 4  # this idea's two judges, and the other idea's two
    db.session.expire_all()
    judges = {r.judge_id for r in db.session.query(Review).filter_by(
        idea_id=w.ideas[0].id, status=ReviewStatus.PENDING)}
    assert w.judges[0].id not in judges and len(judges) == 2
    again = client.post(f"/api/v1/reviews/{review.id}/conflict",
                        headers=token_for(w.judges[0]), json={"reason": "Radinieks"})
    assert again.status_code == 409


def test_ranking_is_for_coordinators_until_results_then_for_everyone(client, w, token_for):
    make_review(w.ideas[0], w.judges[0], status="submitted", scores={0: 9, 1: 9})
    make_review(w.ideas[1], w.judges[0], status="submitted", scores={0: 2, 1: 1})
    url = f"/api/v1/hackathons/{w.hackathon.id}/ranking"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=token_for(w.judges[0])).status_code == 403
    body = client.get(url, headers=token_for(w.coordinator)).get_json()
    assert [(r["idea_id"], r["rank"]) for r in body] == [(w.ideas[0].id, 1), (w.ideas[1].id, 2)]
    first = body[0]
    assert set(first) >= {"idea_id", "rank", "score", "normalized_score", "reviews", "flags"}
    assert first["score"] == 90.0 and first["flags"] == ["incomplete_reviews",
                                                        "judge_not_normalised"]


def test_winners_are_published_once(client, w, token_for):
    make_review(w.ideas[0], w.judges[0], status="submitted", scores={0: 9, 1: 9})
    make_review(w.ideas[1], w.judges[0], status="submitted", scores={0: 2, 1: 1})
    headers = token_for(w.coordinator)
    url = f"/api/v1/hackathons/{w.hackathon.id}/winners"
    assert client.post(url, headers=headers, json={"idea_ids": [w.ideas[0].id]}
                       ).status_code == 409  # still judging
    w.hackathon.phase = "results"
    db.session.commit()
    withdrawn = make_team_idea(w.hackathon, status="withdrawn")
    response = client.post(url, headers=headers, json={"idea_ids": [withdrawn.id]})
    assert response.status_code == 422 and "idea_ids" in response.get_json()["errors"]
    response = client.post(url, headers=headers, json={"idea_ids": [w.ideas[1].id]})
    assert response.status_code == 422 and "justification" in response.get_json()["errors"]
    response = client.post(url, headers=headers, json={"idea_ids": [w.ideas[0].id]})
    assert response.status_code == 201
    assert response.get_json()["idea_ids"] == [w.ideas[0].id]
    again = client.post(url, headers=headers, json={"idea_ids": [w.ideas[0].id]})
    assert again.status_code == 409
    assert db.session.query(WinnerDecision).count() == 1
    public = client.get(f"/api/v1/hackathons/{w.hackathon.id}/ranking").get_json()
    assert public[0]["idea_id"] == w.ideas[0].id


def test_winners_list_is_public_and_newest_first(client, token_for):
    older = judging_world(judges=1, ideas=1, phase="results")
    newer = judging_world(judges=1, ideas=1, phase="results")
    for world, days in ((older, 3), (newer, 1)):
        make_review(world.ideas[0], world.judges[0], status="submitted", scores={0: 5, 1: 5})
        db.session.add(WinnerDecision(hackathon_id=world.hackathon.id,
                                      idea_ids=[world.ideas[0].id], ranking=[],
                                      published_at=now_utc() - timedelta(days=days)))
        world.ideas[0].status = "winner"
    db.session.commit()
    body = client.get("/api/v1/winners").get_json()
    assert [i["idea_id"] for i in body["items"]] == [newer.ideas[0].id, older.ideas[0].id]
    assert body["total"] == 2 and "email" not in str(body)


def test_the_public_vote(client, token_for):
    world = judging_world(judges=0, ideas=2, public_voting=True)
    voter = make_user_in("Rēzekne")
    unconfirmed = make_user_in("Rēzekne", confirmed=False)
    url = f"/api/v1/hackathons/{world.hackathon.id}/vote"
    first, second = world.ideas
    assert client.put(url, json={"idea_id": first.id}).status_code == 401
    assert client.put(url, json={"idea_id": first.id},
                      headers=token_for(unconfirmed)).status_code == 403
    headers = token_for(voter)
    assert client.put(url, json={"idea_id": first.id}, headers=headers).status_code == 200
    assert client.put(url, json={"idea_id": second.id}, headers=headers
                      ).get_json()["idea_id"] == second.id  # changed, not doubled
    assert client.get(f"/api/v1/hackathons/{world.hackathon.id}/votes").status_code == 409
    db.session.add(WinnerDecision(hackathon_id=world.hackathon.id, idea_ids=[first.id],
                                  ranking=[], published_at=now_utc()))
    world.hackathon.phase = "results"
    db.session.commit()
    assert client.get(f"/api/v1/hackathons/{world.hackathon.id}/votes").get_json() == [
        {"idea_id": second.id, "votes": 1}]
    assert client.put(url, json={"idea_id": first.id}, headers=headers).status_code == 409
