"""Demo ideas: in good Latvian, in every status, seeded once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus


def test_demo_ideas_cover_every_status_and_seed_only_once(app, outbox):
    from app.demo import seed_demo
    from app.ideas.demo import DEMO_IDEAS, seed_demo_ideas

    seed_demo()  # from the command line: no request context
    db.session.commit()
    seed_demo()
    assert seed_demo_ideas() == []
    db.session.commit()
    titles = [d.title for d in DEMO_IDEAS]  # other features' demos add ideas of their own
    ideas = db.session.scalars(select(Idea).where(Idea.title.in_(titles))).all()
    assert len(ideas) == len(DEMO_IDEAS)
    assert set(Counter(i.status for i in ideas)) == set(IdeaStatus)
    for idea in ideas:
        assert idea.hackathon.municipality_may_take_part(idea.team.municipality)
        assert idea.revisions
        if idea.status != IdeaStatus.DRAFT:
            assert idea.submitted_at is not None
            assert idea.submitted_at < idea.hackathon.submission_closes_at
    ineligible = next(i for i in ideas if i.status == IdeaStatus.INELIGIBLE)
    assert "30 000 EUR" in ineligible.ineligible_reason
    assert any("/ideas/" in m.body for m in outbox())  # confirmations with a link


def test_demo_ideas_wait_for_the_other_demos(app):
    from app.ideas.demo import seed_demo_ideas

    assert seed_demo_ideas() == []
    assert db.session.scalar(select(func.count(Idea.id))) == 0
