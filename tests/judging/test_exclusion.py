"""A coordinator excludes a bad review with a recorded reason: the ranking is recomputed
without it, another judge takes the idea, and the audit shows it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.extensions import db
from app.judging.models import AssignmentRun
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewStatus
from tests.factories_judging import judging_world, make_review, make_user_in, sign_in

REASON = "Vērtētājs vērtēja citu ideju, ne šo."


@pytest.fixture
def w(db):
    """Three judges, one idea wanting two: judges 0 and 1 submitted, judge 2 is free."""
    world = judging_world(judges=3, ideas=1, reviews_per_idea=2, criteria=2)
    db.session.add(AssignmentRun(hackathon_id=world.hackathon.id, trigger="judging_started"))
    db.session.commit()
    world.idea = world.ideas[0]
    world.bad = make_review(world.idea, world.judges[0], status="submitted",
                            scores={0: 1, 1: 1})
    world.good = make_review(world.idea, world.judges[1], status="submitted",
                             scores={0: 8, 1: 4})
    return world


def ranking_row(client, w, headers):
    rows = client.get(f"/api/v1/hackathons/{w.hackathon.id}/ranking", headers=headers).get_json()
    return next(r for r in rows if r["idea_id"] == w.idea.id)


def test_excluding_a_review_recomputes_the_ranking_and_assigns_another_judge(
        client, w, token_for):
    headers = token_for(w.coordinator)
    before = ranking_row(client, w, headers)
    assert before["reviews"] == 2
    response = client.post(f"/api/v1/reviews/{w.bad.id}/exclude", json={"reason": REASON},
                           headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == w.bad.id and body["status"] == "excluded"
    assert body["exclusion_reason"] == REASON
    after = ranking_row(client, w, headers)
    assert after["reviews"] == 1
    assert after["score"] == pytest.approx(w.good.score)  # only the good review counts now
    db.session.expire_all()
    replacement = db.session.scalar(select(Review).where(
        Review.idea_id == w.idea.id, Review.judge_id == w.judges[2].id))
    assert replacement is not None and replacement.status == ReviewStatus.PENDING
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.object_type == "review", AuditEntry.object_id == str(w.bad.id),
        AuditEntry.action == "review.exclude"))
    assert entry.after["reason"] == REASON and entry.actor_id == w.coordinator.id


def test_an_exclusion_needs_a_reason(client, w, token_for):
    headers = token_for(w.coordinator)
    for body in ({}, {"reason": "   "}):
        response = client.post(f"/api/v1/reviews/{w.bad.id}/exclude", json=body,
                               headers=headers)
        assert response.status_code == 422
        assert "reason" in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Review, w.bad.id).status == ReviewStatus.SUBMITTED


def test_only_the_hackathons_coordinators_exclude(client, w, token_for):
    url = f"/api/v1/reviews/{w.bad.id}/exclude"
    judge = client.post(url, json={"reason": REASON}, headers=token_for(w.judges[0]))
    assert judge.status_code == 403
    stranger = client.post(url, json={"reason": REASON},
                           headers=token_for(make_user_in(None)))
    assert stranger.status_code == 403
    latgale = make_user_in(None, role="coordinator", region="latgale")
    hidden = client.post(url, json={"reason": REASON}, headers=token_for(latgale))
    assert hidden.status_code == 404
    made_up = client.post("/api/v1/reviews/987654/exclude", json={"reason": REASON},
                          headers=token_for(w.coordinator))
    assert made_up.status_code == 404
    db.session.expire_all()
    assert db.session.get(Review, w.bad.id).status == ReviewStatus.SUBMITTED


def test_a_review_cannot_be_excluded_once_results_are_published(client, w, token_for):
    db.session.add(WinnerDecision(hackathon_id=w.hackathon.id, idea_ids=[w.idea.id],
                                  ranking=[], published_at=now_utc()))
    w.hackathon.phase = "results"
    db.session.commit()
    response = client.post(f"/api/v1/reviews/{w.bad.id}/exclude", json={"reason": REASON},
                           headers=token_for(w.coordinator))
    assert response.status_code == 409


def test_a_review_can_be_excluded_in_results_before_publishing(client, w, token_for):
    w.hackathon.phase = "results"
    db.session.commit()
    response = client.post(f"/api/v1/reviews/{w.bad.id}/exclude", json={"reason": REASON},
                           headers=token_for(w.coordinator))
    assert response.status_code == 200
    assert ranking_row(client, w, token_for(w.coordinator))["reviews"] == 1


def test_the_exclude_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reviews/{review_id}/exclude"]["post"]
    assert {"200", "422"} <= set(operation["responses"])


def test_the_coordinator_excludes_on_the_review_page_and_the_audit_shows_it(client, w):
    sign_in(client, w.coordinator)
    page = client.get(f"/reviews/{w.bad.id}").get_data(as_text=True)
    assert f"/reviews/{w.bad.id}/exclude" in page
    refused = client.post(f"/reviews/{w.bad.id}/exclude", data={"reason": ""})
    assert refused.status_code == 422
    done = client.post(f"/reviews/{w.bad.id}/exclude", data={"reason": REASON})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Review, w.bad.id).status == ReviewStatus.EXCLUDED
    audit = client.get(f"/hackathons/{w.hackathon.slug}/judging/audit").get_data(as_text=True)
    assert REASON in audit and w.judges[0].name in audit


def test_an_excluded_review_no_longer_counts_as_the_judges_work(client, w):
    sign_in(client, w.coordinator)
    client.post(f"/reviews/{w.bad.id}/exclude", data={"reason": REASON})
    from app.judging.reminders import judge_progress

    progress = {p.user.id: p for p in judge_progress(w.hackathon)}
    assert progress[w.judges[0].id].total == 0
