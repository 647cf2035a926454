"""`flask --app wsgi seed-demo --ideas N`: realistic volume that every page can show."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.conftest import login


@pytest.fixture
def volume(db):
    """The demo, then a volume batch of 60 ideas."""
    from app.demo import seed_demo
    from app.demo.volume import seed_volume

    seed_demo()
    db.session.commit()
    report = seed_volume(60, seed=7)
    db.session.commit()
    return report


def volume_hackathons():
    from app.extensions import db
    from app.hackathons.models import Hackathon

    return db.session.scalars(select(Hackathon).where(Hackathon.slug.like("apjoms-%"))
                              .order_by(Hackathon.id)).all()


def test_the_volume_has_ideas_reviews_results_and_pilots(volume, db):
    from app.hackathons.models import Criterion
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus
    from app.judging.models_results import WinnerDecision
    from app.judging.models_reviews import Review, ReviewScore, ReviewStatus
    from app.pilots.models import Pilot
    from app.pilots.models_money import Expense
    from app.pilots.models_plan import Measurement, Milestone

    hackathons = volume_hackathons()
    ids = [h.id for h in hackathons]
    assert len(hackathons) == 5
    assert {h.region_code for h in hackathons} == {"riga", "kurzeme", "latgale", "vidzeme",
                                                    "zemgale"}
    assert {h.phase.value for h in hackathons} >= {"open", "judging", "closed"}
    ideas = db.session.scalars(select(Idea).where(Idea.hackathon_id.in_(ids))).all()
    assert len(ideas) == 60
    winners = [i for i in ideas if i.status == IdeaStatus.WINNER]
    assert 2 <= len(winners) <= 5  # about 5 %

    decided = [h for h in hackathons if h.phase.value in ("results", "closed")]
    for h in decided:
        judged = [i for i in ideas if i.hackathon_id == h.id
                  and i.status in (IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED)]
        reviews = db.session.scalars(select(Review).where(Review.hackathon_id == h.id)).all()
        assert len(reviews) == 3 * len(judged)
        assert all(r.status == ReviewStatus.SUBMITTED and r.score is not None for r in reviews)
        criteria = db.session.scalar(select(func.count(Criterion.id))
                                     .where(Criterion.hackathon_id == h.id))
        per_review = Counter(db.session.scalars(
            select(ReviewScore.review_id).where(ReviewScore.review_id.in_(
                [r.id for r in reviews]))))
        assert set(per_review.values()) == {criteria}  # every criterion scored
        decision = db.session.scalar(select(WinnerDecision)
                                     .where(WinnerDecision.hackathon_id == h.id))
        assert decision.published_at is not None
        assert sorted(decision.idea_ids) == sorted(i.id for i in judged
                                                   if i.status == IdeaStatus.WINNER)

    pilots = db.session.scalars(select(Pilot)).all()
    assert {p.idea_id for p in pilots} >= {w.id for w in winners}
    volume_pilots = [p for p in pilots if p.hackathon_id in ids]
    assert db.session.scalar(select(func.count(Milestone.id)).where(
        Milestone.pilot_id.in_([p.id for p in volume_pilots]))) == 5 * len(volume_pilots)
    started = [p for p in volume_pilots if p.status.value != "planned"]
    assert started, "some pilots run"
    assert db.session.scalar(select(func.count(Measurement.id))) > 0
    assert db.session.scalar(select(func.count(Expense.id))) > 0


def test_the_published_ranking_is_the_one_the_reviews_give(volume, db):
    from app.judging.models_results import WinnerDecision
    from app.judging.queries import load_ranking

    for h in volume_hackathons():
        decision = db.session.scalar(select(WinnerDecision)
                                     .where(WinnerDecision.hackathon_id == h.id))
        if decision is None:
            continue
        live = [(r.ranked.idea_id, r.ranked.rank, r.ranked.score)
                for r in load_ranking(h).rows]
        stored = [(r["idea_id"], r["rank"], r["score"]) for r in decision.ranking]
        assert stored == live


def test_public_pages_show_the_volume(volume, client, db):
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus
    from app.pilots.models import Pilot

    hackathons = volume_hackathons()
    winners = db.session.scalars(select(Idea.id).where(Idea.status == IdeaStatus.WINNER)).all()
    pilots = db.session.scalars(select(Pilot.id)).all()
    urls = ["/", "/hackathons/", "/winners", "/municipalities", "/how-we-rank", "/data",
            "/data/dictionary", "/data/pilots.csv", "/data/ranking.json", "/data/talka.sqlite",
            "/feed.atom", "/sitemap.xml", "/api/v1/hackathons", "/api/v1/pilots",
            "/api/v1/winners"]
    places = {p for (p,) in db.session.execute(select(Pilot.lead_municipality_id))}
    urls += [f"/municipalities/{p}" for p in sorted(places)]
    for h in hackathons:
        urls += [f"/hackathons/{h.slug}", f"/api/v1/hackathons/{h.id}"]
        if h.phase.value in ("results", "closed"):
            urls += [f"/hackathons/{h.slug}/results", f"/api/v1/hackathons/{h.id}/ranking"]
    urls += [f"/ideas/{i}" for i in winners]
    urls += [f"/api/v1/pilots/{p}" for p in pilots] + [f"/pilots/{p}/feed.atom" for p in pilots]
    failed = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert not failed


def test_coordinator_pages_show_the_volume(volume, client, db):
    from app.demo import DEMO_PASSWORD
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus
    from app.pilots.models import Pilot

    assert login(client, "koordinators@varam.gov.lv", DEMO_PASSWORD).status_code == 302
    urls = ["/pilots/portfolio", "/pilots/portfolio.csv"]
    urls += [f"/pilots/{p}" for p in db.session.scalars(select(Pilot.id))]
    for h in volume_hackathons():
        urls += [f"/hackathons/{h.slug}/{page}" for page in (
            "judging", "jury", "ideas", "ideas.csv", "criteria", "judging/audit",
            "judging/scores.csv", "winners")]
        some = db.session.scalars(select(Idea.id).where(  # drafts are the team's alone
            Idea.hackathon_id == h.id, Idea.status != IdeaStatus.DRAFT).limit(3)).all()
        urls += [f"/ideas/{i}" for i in some] + [f"/ideas/{i}/history" for i in some]
    failed = [(url, code) for url in urls
              if (code := client.get(url, follow_redirects=True).status_code) != 200]
    assert not failed


def test_a_judge_of_the_volume_sees_their_reviews(volume, client, db):
    from app.accounts.models import User
    from app.demo import DEMO_PASSWORD
    from app.judging.models_reviews import Review, ReviewStatus

    pending = db.session.scalar(select(Review).where(Review.status == ReviewStatus.PENDING)
                                .order_by(Review.id).limit(1))
    judge = db.session.get(User, pending.judge_id)
    assert login(client, judge.email, DEMO_PASSWORD).status_code == 302
    assert client.get("/reviews").status_code == 200
    page = client.get(f"/reviews/{pending.id}")
    assert page.status_code == 200


def test_running_it_again_adds_another_batch(volume, db):
    from app.demo.volume import seed_volume
    from app.ideas.models import Idea

    assert volume.batch == 1
    again = seed_volume(60, seed=8)
    db.session.commit()
    assert again.batch == 2
    slugs = [h.slug for h in volume_hackathons()]
    assert len(slugs) == len(set(slugs)) == 10
    assert sum(s.startswith("apjoms-2-") for s in slugs) == 5
    assert db.session.scalar(select(func.count(Idea.id)).where(
        Idea.title.is_not(None))) >= 120


def test_the_command_reports_the_batch_and_refuses_nonsense(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--ideas", "25"])
    assert result.exit_code == 0, result.output
    assert "Volume batch 1: 2 hackathon" in result.output  # 25 ideas: 2 hackathons
    assert "25 idea," in result.output
    refused = runner.invoke(args=["seed-demo", "--ideas", "0"])
    assert refused.exit_code != 0
    assert "--ideas" in refused.output


def test_the_volume_needs_the_demo_coordinators(db):
    from app.demo.volume import VolumeError, seed_volume

    with pytest.raises(VolumeError, match="demo coordinators"):
        seed_volume(10)


def test_the_volume_stores_the_html_of_its_markdown(volume, db):
    from app.core.sanitize import render_markdown
    from app.ideas.models import Idea

    ideas = db.session.scalars(select(Idea)).all()
    assert ideas
    for idea in ideas[:40]:
        for name in ("problem", "solution", "target_group", "expected_impact", "partners"):
            assert getattr(idea, f"{name}_html") == str(render_markdown(getattr(idea, name)))
