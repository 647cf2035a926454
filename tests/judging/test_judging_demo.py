"""seed-demo grows: juries, complete reviews and published results; safe to run again."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.operations import find_user_by_email
from app.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.judging.models import JuryMember
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewStatus


def counts():
    return (db.session.scalar(select(func.count(JuryMember.id))),
            db.session.scalar(select(func.count(Review.id))),
            db.session.scalar(select(func.count(WinnerDecision.id))))


def test_seed_demo_adds_juries_reviews_and_published_results(app, client):
    with app.test_request_context("/"):
        seed_demo()
        db.session.commit()
        first = counts()
        seed_demo()
        db.session.commit()
    assert counts() == first
    juries, reviews, decisions = first
    assert juries == 5 * 4 and reviews > 0 and decisions == 1
    decision = db.session.scalar(select(WinnerDecision))
    assert decision.published_at is not None and decision.ranking[0]["rank"] == 1
    assert decision.ranking[0]["idea_id"] in decision.idea_ids
    statuses = set(db.session.scalars(select(Review.status)))
    assert {ReviewStatus.SUBMITTED, ReviewStatus.PENDING} <= statuses
    winners = client.get("/api/v1/winners").get_json()
    assert winners["total"] >= 1
    slug = decision.hackathon.slug
    assert client.get(f"/hackathons/{slug}/results").status_code == 200
    ilze = find_user_by_email("ilze.vitola@valmiera.lv")
    ilze.locale = "en"
    db.session.commit()
    client.post("/login", data={"email": ilze.email, "password": DEMO_PASSWORD})
    # Her account is in English: the one language redirect takes her to /en/reviews.
    reviews = client.get("/reviews", follow_redirects=True)
    assert reviews.request.path == "/en/reviews"
    page = reviews.get_data(as_text=True)
    assert "0 of 1 done" in page  # the hackathon in judging: her review is left to do
