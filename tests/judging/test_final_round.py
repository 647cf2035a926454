"""The optional final round: shortlist the top N, score them again, rank from that round."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.errors import Invalid, WrongState
from app.extensions import db
from app.hackathons.models import FINAL_ROUND
from app.judging import deciding, review_scores
from app.judging.models_reviews import Review, ReviewScore, ReviewStatus
from app.judging.queries import final_ranking
from tests.factories_judging import make_judge, make_review, sign_in


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context("/"):
        yield


def final_reviews(hackathon):
    db.session.expire_all()
    return list(db.session.scalars(select(Review).where(
        Review.hackathon_id == hackathon.id, Review.round == FINAL_ROUND).order_by(Review.id)))


def test_the_top_n_go_to_the_final_round_and_every_eligible_judge_scores_them(ranked, outbox):
    dobele_judge = make_judge(ranked.hackathon, "Dobeles novads")  # the teams' municipality
    final = deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator,
                                  note="Prezentācijas 12. maijā")
    db.session.commit()
    assert final.idea_ids == [ranked.ideas[0].id, ranked.ideas[1].id]
    pairs = {(r.idea_id, r.judge_id) for r in final_reviews(ranked.hackathon)}
    assert pairs == {(i, j.id) for i in final.idea_ids for j in ranked.judges}
    assert all(j != dobele_judge.id for _, j in pairs)
    assert any("2 ideas to review" in m.subject for m in outbox(ranked.judges[0].email))


def test_ideas_tied_at_the_cut_all_go_through(ranked):
    twin = ranked.ideas[2]
    for review in db.session.scalars(select(Review).where(Review.idea_id == twin.id)):
        db.session.delete(review)
    db.session.commit()
    for judge in ranked.judges:
        make_review(twin, judge, status="submitted", scores={0: 7, 1: 7})
    final = deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator)
    assert set(final.idea_ids) == {ranked.ideas[0].id, ranked.ideas[1].id, twin.id}


def test_the_final_ranking_comes_from_the_final_round(client, ranked):
    a, b, c, d = ranked.ideas
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator)
    db.session.commit()
    sign_in(client, ranked.judges[0])
    page = client.get("/reviews").get_data(as_text=True)
    assert "final round" in page
    specs = [review_scores.CriterionSpec(c.id, c.weight, c.max_score)
             for c in ranked.hackathon.criteria]
    for review in final_reviews(ranked.hackathon):  # B wins the pitch day
        points = 10 if review.idea_id == b.id else 4
        for spec in specs:
            review.scores.append(ReviewScore(criterion_id=spec.id, score=points))
        review.score = review_scores.review_score({spec.id: points for spec in specs}, specs)
        review.status = ReviewStatus.SUBMITTED
    db.session.commit()
    ranking = final_ranking(ranked.hackathon)
    assert [(r.idea.id, r.ranked.rank, r.round) for r in ranking.rows] == [
        (b.id, 1, 2), (a.id, 2, 2), (c.id, 3, 1), (d.id, 4, 1)]
    ranked.hackathon.phase = "results"
    db.session.commit()
    decision = deciding.publish_results(ranked.hackathon, {"idea_ids": [b.id]},
                                   actor=ranked.coordinator)
    assert not decision.departs_from_ranking  # B tops the final ranking
    assert decision.ranking[0]["idea_id"] == b.id and decision.ranking[0]["round"] == 2


def test_a_judge_scores_a_finalist_on_the_scoring_page(client, ranked):
    deciding.start_final_round(ranked.hackathon, 1, actor=ranked.coordinator)
    db.session.commit()
    review = final_reviews(ranked.hackathon)[0]
    judge = next(j for j in ranked.judges if j.id == review.judge_id)
    sign_in(client, judge)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Final round" in page
    first, second = ranked.hackathon.criteria
    response = client.post(f"/reviews/{review.id}", data={
        f"score_{first.id}": "8", f"score_{second.id}": "6.5", "action": "submit"})
    assert response.status_code == 302
    assert final_reviews(ranked.hackathon)[0].status == "submitted"


def test_bad_final_rounds_are_refused(client, ranked, token_for):
    for size in (0, 4, "kādas", None):
        with pytest.raises(Invalid):
            deciding.start_final_round(ranked.hackathon, size, actor=ranked.coordinator)
    url = f"/api/v1/hackathons/{ranked.hackathon.id}/final-round"
    headers = token_for(ranked.coordinator)
    response = client.post(url, json={"size": 2}, headers=headers)
    assert response.status_code == 201 and len(response.get_json()["idea_ids"]) == 2
    assert client.post(url, json={"size": 2}, headers=headers).status_code == 409
    assert client.post(url, json={"size": 2}, headers=token_for(ranked.judges[0])
                       ).status_code == 403
    ranked.hackathon.phase = "results"
    db.session.commit()
    with pytest.raises(WrongState):
        deciding.start_final_round(ranked.hackathon, 1, actor=ranked.coordinator)


def test_the_dashboard_offers_and_shows_the_final_round(client, ranked):
    sign_in(client, ranked.coordinator)
    page = client.get(f"/hackathons/{ranked.hackathon.slug}/judging").get_data(as_text=True)
    assert "Start the final round" in page
    response = client.post(f"/hackathons/{ranked.hackathon.slug}/final-round",
                           data={"size": "2"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 ideas go to the final round" in page
    assert "Ranking of the first round" in page and "Ranking of the final round" in page
