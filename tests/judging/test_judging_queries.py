"""Query counts: the judge's list, the dashboard and the ranking cost the same at any size."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.judging.models import AssignmentRun
from app.judging.queries import load_ranking
from tests.factories_judging import (
    bulk_judged_hackathon,
    judging_world,
    make_review,
    make_team_idea,
    sign_in,
)


def _started(hackathon):
    db.session.add(AssignmentRun(hackathon_id=hackathon.id, trigger="judging_started"))
    db.session.commit()


def _queries(count_queries, client, url, **kwargs):
    client.get(url, **kwargs)  # warm up: caches, lazy one-off loads
    with count_queries() as counter:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.data[:300]
    return counter.count


def test_the_judges_list_costs_the_same_for_3_and_30_reviews(client, count_queries):
    counts = []
    for size in (3, 30):
        w = judging_world(judges=1, ideas=0)
        _started(w.hackathon)
        judge = w.judges[0]
        for n in range(size):
            idea = make_team_idea(w.hackathon, municipality="Dobeles novads",
                                  partners=("Jelgava",) if n % 2 else ())
            make_review(idea, judge, status="submitted" if n % 3 == 0 else "pending",
                        scores={0: 5, 1: 5} if n % 3 == 0 else None)
        sign_in(client, judge)
        counts.append(_queries(count_queries, client, "/reviews"))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


def test_the_scoring_page_costs_the_same_with_more_reviews(client, count_queries):
    counts = []
    for size in (2, 20):
        w = judging_world(judges=1, ideas=0, criteria=4)
        _started(w.hackathon)
        reviews = [make_review(make_team_idea(w.hackathon), w.judges[0], scores={0: 3})
                   for _ in range(size)]
        sign_in(client, w.judges[0])
        counts.append(_queries(count_queries, client, f"/reviews/{reviews[-1].id}"))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("path", ["/hackathons/{slug}/judging", "/hackathons/{slug}/winners",
                                  "/hackathons/{slug}/judging/scores.csv"])
def test_the_dashboard_costs_the_same_for_10_and_80_ideas(client, count_queries, path):
    counts = []
    for size in (10, 80):
        world = bulk_judged_hackathon(ideas=size, judges=5, criteria=6, phase="judging")
        _started(world.hackathon)
        from tests.factories_hackathons import make_coordinator

        coordinator = make_coordinator("zemgale")
        sign_in(client, coordinator)
        counts.append(_queries(count_queries, client, path.format(slug=world.hackathon.slug)))
    assert counts[0] == counts[1], counts


def test_the_ranking_api_costs_the_same_for_10_and_80_ideas(client, count_queries, token_for):
    counts = []
    for size in (10, 80):
        world = bulk_judged_hackathon(ideas=size, judges=5)
        from tests.factories_hackathons import make_coordinator

        headers = token_for(make_coordinator("zemgale"))
        counts.append(_queries(count_queries, client,
                               f"/api/v1/hackathons/{world.hackathon.id}/ranking",
                               headers=headers))
    assert counts[0] == counts[1], counts


def test_3000_ideas_with_3_reviews_of_6_criteria_rank_in_a_handful_of_queries(count_queries):
    world = bulk_judged_hackathon(ideas=3000, judges=12, reviews_per_idea=3, criteria=6)
    db.session.expire_all()
    hackathon = world.hackathon
    assert hackathon.reviews_per_idea == 3  # loaded before counting
    with count_queries() as counter:
        ranking = load_ranking(hackathon, breakdown=True)
    # criteria, ideas, reviews, scores; and for the conflict rule: published yet? who is tied?
    assert counter.count <= 6, counter.statements
    assert len(ranking.rows) == 3000
    assert all(row.ranked.reviews == 3 for row in ranking.rows)
    assert [row.ranked.rank for row in ranking.rows][:1] == [1]
    assert all(len(row.breakdown.criteria) == 6 for row in ranking.rows)
