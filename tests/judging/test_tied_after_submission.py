"""A judge who becomes tied to an idea after submitting her review of it (she joins the
team, say): until the results are published the review stops counting at once, the
coordinator sees it flagged with the reason, excluding it brings another judge, and
publishing puts the exclusion on record; after publishing it is only flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.hackathons.phases import Phase
from app.judging.models import AssignmentRun
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewStatus
from app.teams.models import TeamMember
from tests.factories_judging import judging_world, make_review, make_user_in, sign_in

REASON = "Vērtētāja pievienojās idejas komandai."


@pytest.fixture
def w(db):
    """Three judges, one idea wanting two: judges 0 and 1 submitted, judge 2 is free."""
    world = judging_world(judges=3, ideas=1, reviews_per_idea=2, criteria=2)
    db.session.add(AssignmentRun(hackathon_id=world.hackathon.id, trigger="judging_started"))
    db.session.commit()
    world.idea = world.ideas[0]
    world.tied = make_review(world.idea, world.judges[0], status="submitted",
                             scores={0: 1, 1: 1})
    world.good = make_review(world.idea, world.judges[1], status="submitted",
                             scores={0: 8, 1: 4})
    return world


def join_team(w, judge) -> None:
    w.idea.team.members.append(TeamMember(user_id=judge.id, user=judge, is_lead=False))
    db.session.commit()


def ranking_row(client, w, headers):
    rows = client.get(f"/api/v1/hackathons/{w.hackathon.id}/ranking",
                      headers=headers).get_json()
    return next(r for r in rows if r["idea_id"] == w.idea.id)


def test_a_judge_who_joins_the_team_no_longer_counts_and_the_coordinator_sees_why(
        client, w, token_for):
    headers = token_for(w.coordinator)
    assert ranking_row(client, w, headers)["reviews"] == 2
    join_team(w, w.judges[0])
    row = ranking_row(client, w, headers)
    assert row["reviews"] == 1
    assert row["score"] == pytest.approx(float(w.good.score))
    assert "conflict_after_submission" in row["flags"]
    review = client.get(f"/api/v1/reviews/{w.tied.id}", headers=headers).get_json()
    assert review["status"] == "submitted"  # nothing is changed on record by itself
    assert review["conflict_since_submitted"] == ["team_member"]
    assert client.get(f"/api/v1/reviews/{w.good.id}",
                      headers=headers).get_json()["conflict_since_submitted"] == []

    sign_in(client, w.coordinator)
    page = client.get(f"/hackathons/{w.hackathon.slug}/judging").get_data(as_text=True)
    assert "Conflicts of interest after a review was submitted" in page
    assert w.judges[0].name in page and "is or was on its team" in page
    assert "left out" in page
    review_page = client.get(f"/reviews/{w.tied.id}").get_data(as_text=True)
    assert "does not count in the ranking" in review_page


def test_excluding_the_tied_review_assigns_another_judge(client, w, token_for):
    join_team(w, w.judges[0])
    response = client.post(f"/api/v1/reviews/{w.tied.id}/exclude", json={"reason": REASON},
                           headers=token_for(w.coordinator))
    assert response.status_code == 200
    db.session.expire_all()
    replacement = db.session.scalar(select(Review).where(
        Review.idea_id == w.idea.id, Review.judge_id == w.judges[2].id))
    assert replacement is not None and replacement.status == ReviewStatus.PENDING
    sign_in(client, w.coordinator)
    page = client.get(f"/hackathons/{w.hackathon.slug}/judging").get_data(as_text=True)
    assert "Conflicts of interest after a review was submitted" not in page


def test_a_judge_who_comes_to_work_for_the_ideas_municipality_is_tied_too(
        client, w, token_for):
    from app.places.models import Municipality

    w.judges[1].municipality_id = db.session.scalar(select(Municipality.id).where(
        Municipality.name == "Dobeles novads"))
    db.session.commit()
    row = ranking_row(client, w, token_for(w.coordinator))
    assert row["reviews"] == 1 and row["score"] == pytest.approx(float(w.tied.score))


def test_publishing_puts_the_exclusion_on_record_with_the_tie_as_reason(client, w):
    join_team(w, w.judges[0])
    w.hackathon.phase = Phase.RESULTS
    db.session.commit()
    sign_in(client, w.coordinator)
    response = client.post(f"/hackathons/{w.hackathon.slug}/winners",
                           data={"idea_ids": [str(w.idea.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.get(Review, w.tied.id)
    assert review.status == ReviewStatus.EXCLUDED
    assert "is or was on its team" in review.exclusion_reason
    assert review.excluded_by_id == w.coordinator.id
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "review.exclude", AuditEntry.object_id == str(w.tied.id)))
    assert entry.after["conflict"] == ["team_member"]
    decision = db.session.scalar(select(WinnerDecision))
    assert decision.ranking[0]["reviews"] == 1


def test_after_publishing_a_new_tie_is_flagged_but_the_published_ranking_stands(
        client, w, token_for):
    w.hackathon.phase = Phase.RESULTS
    db.session.commit()
    sign_in(client, w.coordinator)
    assert client.post(f"/hackathons/{w.hackathon.slug}/winners",
                       data={"idea_ids": [str(w.idea.id)]}).status_code == 302
    join_team(w, w.judges[0])
    headers = token_for(w.coordinator)
    assert ranking_row(client, w, headers)["reviews"] == 2
    from app.judging.queries import load_ranking

    assert load_ranking(w.hackathon).rows[0].ranked.reviews == 2  # teams' feedback too
    review = client.get(f"/api/v1/reviews/{w.tied.id}", headers=headers).get_json()
    assert review["status"] == "submitted"
    assert review["conflict_since_submitted"] == ["team_member"]
    page = client.get(f"/hackathons/{w.hackathon.slug}/judging").get_data(as_text=True)
    assert "counted (published)" in page


def test_the_tied_judge_herself_and_strangers_learn_nothing_new(client, w, token_for):
    join_team(w, w.judges[0])
    stranger = make_user_in(None)
    assert client.get(f"/api/v1/reviews/{w.tied.id}",
                      headers=token_for(stranger)).status_code == 404
    sign_in(client, w.judges[0])
    # A judge is signed in but no coordinator: the dashboard refuses her.
    assert client.get(f"/hackathons/{w.hackathon.slug}/judging").status_code == 403
