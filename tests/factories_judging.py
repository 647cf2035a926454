"""Factory helpers for judging (plain functions; the `db` fixture must be active).

They store rows directly, bypassing the operations' rules, so a test can start
from any state; the tests then drive the operations, pages and API.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import insert, select

from app.core.clock import now_utc
from app.extensions import db

_numbers = itertools.count(1)

# Municipalities far from Dobele, so that judges from them have no conflict with the
# default Dobele team.
JUDGE_PLACES = ("Valmieras novads", "Kuldīgas novads", "Rēzekne", "Jūrmala", "Cēsu novads",
                "Liepāja")


def make_judging_hackathon(*, phase="judging", criteria=2, **fields):
    """A hackathon whose submission deadline passed yesterday; judging closes in 14 days."""
    from tests.factories_hackathons import make_hackathon

    now = now_utc()
    fields.setdefault("opens_at", now - timedelta(days=20))
    fields.setdefault("closes_at", now - timedelta(days=1))
    fields.setdefault("judging_closes_at", now + timedelta(days=14))
    return make_hackathon(phase=phase, criteria=criteria, **fields)


def make_user_in(municipality: str | None, *, name=None, role=None, region=None,
                 locale="en", confirmed=True):
    """A committed user of `municipality` (English, so tests read the source texts)."""
    from app.accounts import operations as account_ops
    from app.accounts.models import Role

    n = next(_numbers)
    user = account_ops.create_user(f"vertetajs{n}@judging.example.lv", name or f"Vērtētājs {n}",
                                   "a long and quiet evening", municipality_name=municipality)
    user.locale = locale
    if not confirmed:
        user.email_confirmed_at = None
    if role:
        account_ops.grant_role(user, Role(role), region, actor=None)
    db.session.commit()
    return user


def make_judge(hackathon, municipality: str | None = "Valmieras novads", **kw):
    """A user of `municipality` on the hackathon's jury (committed)."""
    from app.judging.models import JuryMember

    user = make_user_in(municipality, **kw)
    db.session.add(JuryMember(hackathon_id=hackathon.id, user_id=user.id))
    db.session.commit()
    return user


def make_team_idea(hackathon, *, municipality="Dobeles novads", partners=(), status="submitted",
                   title=None, lead=None):
    """A team of `municipality` (lead user made too) with one idea in `status`."""
    from tests.factories_ideas import make_idea
    from tests.factories_teams import make_team

    n = next(_numbers)
    lead = lead or make_user_in(municipality, name=f"Komandas vadītājs {n}")
    team = make_team(lead, name=f"Komanda {n}", municipality=municipality, partners=partners)
    return make_idea(hackathon, team, status=status, title=title or f"Ideja {n}")


def make_review(idea, judge, *, status="pending", scores=None, comment="", round=1):
    """A review of `idea` by `judge` in `round`; `scores` maps the positions (0, 1, …) of the
    round's criteria to points. A submitted review gets its score from
    review_scores.review_score."""
    from app.judging import review_scores
    from app.judging.models_results import round_criteria
    from app.judging.models_reviews import Review, ReviewScore, ReviewStatus

    criteria = round_criteria(idea.hackathon, round)
    review = Review(hackathon_id=idea.hackathon_id, idea_id=idea.id, judge_id=judge.id,
                    status=ReviewStatus(status), comment=comment, round=round)
    for position, value in (scores or {}).items():
        review.scores.append(ReviewScore(criterion_id=criteria[position].id,
                                         score=Decimal(str(value)),
                                         comment=f"Komentārs {position + 1}"))
    if status == "submitted":
        specs = [review_scores.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria]
        review.score = Decimal(str(review_scores.review_score(
            {criteria[p].id: Decimal(str(v)) for p, v in scores.items()}, specs)))
        review.submitted_at = now_utc()
    db.session.add(review)
    db.session.commit()
    return review


def judging_world(*, ideas=3, judges=3, reviews_per_idea=3, criteria=2, **fields):
    """A judging hackathon with Dobele ideas, judges from elsewhere, and its coordinator."""
    from tests.factories_hackathons import make_coordinator

    coordinator = make_coordinator("zemgale")
    coordinator.locale = "en"
    db.session.commit()
    hackathon = make_judging_hackathon(criteria=criteria, reviews_per_idea=reviews_per_idea,
                                       created_by=coordinator, **fields)
    return SimpleNamespace(
        hackathon=hackathon, coordinator=coordinator,
        judges=[make_judge(hackathon, JUDGE_PLACES[i % len(JUDGE_PLACES)])
                for i in range(judges)],
        ideas=[make_team_idea(hackathon) for _ in range(ideas)],
    )


def bulk_judged_hackathon(*, ideas: int, judges: int = 6, reviews_per_idea: int = 3,
                          criteria: int = 6, phase: str = "judging"):
    """A hackathon with `ideas` submitted ideas, each with `reviews_per_idea` submitted
    reviews scored on every criterion: inserted in bulk (fast at thousands of rows)."""
    from app.hackathons.models import Criterion
    from app.ideas.models import Idea
    from app.ideas.status import IdeaStatus
    from app.judging import review_scores
    from app.judging.models import JuryMember
    from app.judging.models_reviews import Review, ReviewScore, ReviewStatus
    from app.places.models import Municipality
    from app.teams.models import Team

    hackathon = make_judging_hackathon(phase=phase, criteria=criteria,
                                       reviews_per_idea=reviews_per_idea)
    crit = list(db.session.scalars(select(Criterion).where(
        Criterion.hackathon_id == hackathon.id).order_by(Criterion.position)))
    judge_users = [make_user_in(JUDGE_PLACES[i % len(JUDGE_PLACES)]) for i in range(judges)]
    db.session.execute(insert(JuryMember), [
        {"hackathon_id": hackathon.id, "user_id": u.id, "added_at": now_utc()}
        for u in judge_users])
    dobele = db.session.scalar(select(Municipality.id).where(
        Municipality.name == "Dobeles novads"))
    team_id = db.session.execute(insert(Team).values(
        name="Lielā komanda", municipality_id=dobele, created_at=now_utc())
        .returning(Team.id)).scalar_one()
    now = now_utc()
    db.session.execute(insert(Idea), [
        {"hackathon_id": hackathon.id, "team_id": team_id, "title": f"Ideja {i}",
         "summary": "Īss apraksts.", "status": IdeaStatus.SUBMITTED, "version": 1,
         "created_at": now, "updated_at": now, "submitted_at": now}
        for i in range(ideas)])
    idea_ids = list(db.session.scalars(select(Idea.id).where(
        Idea.hackathon_id == hackathon.id).order_by(Idea.id)))
    specs = [review_scores.CriterionSpec(c.id, c.weight, c.max_score) for c in crit]
    review_rows, plan = [], []
    for n, idea_id in enumerate(idea_ids):
        for k in range(reviews_per_idea):
            judge = judge_users[(n + k) % judges]
            points = {c.id: Decimal((n * 7 + k * 3 + c.position) % (c.max_score * 2 + 1)) / 2
                      for c in crit}
            plan.append(points)
            review_rows.append({
                "hackathon_id": hackathon.id, "idea_id": idea_id, "judge_id": judge.id,
                "round": 1, "status": ReviewStatus.SUBMITTED, "comment": "", "version": 1,
                "score": Decimal(str(review_scores.review_score(points, specs))),
                "created_at": now, "updated_at": now, "submitted_at": now})
    db.session.execute(insert(Review), review_rows)
    review_ids = list(db.session.scalars(select(Review.id).where(
        Review.hackathon_id == hackathon.id).order_by(Review.id)))
    db.session.execute(insert(ReviewScore), [
        {"review_id": rid, "criterion_id": cid, "score": value, "comment": ""}
        for rid, points in zip(review_ids, plan, strict=True) for cid, value in points.items()])
    db.session.commit()
    return SimpleNamespace(hackathon=hackathon, judges=judge_users, idea_ids=idea_ids)


def sign_in(client, user):
    """Sign `client` in as `user` (signing out whoever was signed in); None = signed out."""
    from tests.conftest import login

    client.post("/logout")
    if user is not None:
        response = login(client, user)
        assert response.status_code == 302, response.data
