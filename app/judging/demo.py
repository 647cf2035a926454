"""Demo judging: juries for the demo hackathons, reviews, and published results.

Safe to run again: nothing is added where a jury already exists. Runs after the
demo hackathons, teams and ideas. The hackathon in `judging` gets its assignments
through the operation (and a mix of submitted and unfinished reviews, Ilze
Vītola's left to do); the one in `results` gets complete reviews and its published
decision, stored directly because the clock cannot be turned back for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts import operations as account_ops
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import assigning, deciding, review_scores
from app.judging.models import JuryMember
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewScore, ReviewStatus

# The two demo jury members of app.demo, and two more judges made here.
JUDGES = [
    ("ilze.vitola@valmiera.lv", "Ilze Vītola", "Valmieras novads"),
    ("edgars.krumins@jelgava.lv", "Edgars Krūmiņš", "Jelgava"),
    ("juris.ozols@liepaja.lv", "Juris Ozols", "Liepāja"),
    ("anita.kalna@ogre.lv", "Anita Kalna", "Ogres novads"),
]
# The judge whose reviews stay to do, so that the demo can show scoring.
LEFT_TO_DO = "ilze.vitola@valmiera.lv"

COMMENTS = {
    "high": "Skaidri aprakstīta problēma un izmērāms ieguvums; plāns ir reāls.",
    "mid": "Laba ideja, bet budžets un atbildīgie jāprecizē.",
    "low": "Ieguvums iedzīvotājiem nav pietiekami pamatots.",
}


def _judges() -> list:
    from app.demo import DEMO_PASSWORD

    users = []
    for email, name, municipality in JUDGES:
        user = account_ops.find_user_by_email(email)
        if user is None:
            user = account_ops.create_user(email, name, DEMO_PASSWORD,
                                           municipality_name=municipality)
        users.append(user)
    db.session.flush()
    return users


def _score(review: Review, level: float, now: datetime, comment: str) -> None:
    """Fill in a review at `level` (0–1 of each maximum, rounded to half points) and submit."""
    criteria = list(review.hackathon.criteria)
    points = {}
    for n, criterion in enumerate(criteria):
        value = round(2 * criterion.max_score * min(1.0, level + 0.05 * (n % 2))) / 2
        points[criterion.id] = Decimal(str(value))
        review.scores.append(ReviewScore(criterion_id=criterion.id, score=points[criterion.id],
                                         comment=comment if n == 0 else ""))
    specs = [review_scores.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria]
    review.score = Decimal(str(review_scores.review_score(points, specs)))
    review.comment = comment
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = review.updated_at = now


def seed_demo_judging(now: datetime | None = None) -> None:
    """Juries, reviews and published results for the demo hackathons that need them."""
    from app.hackathons.demo import DEMO_HACKATHONS
    from app.hackathons.operations import slugify
    from app.ideas.demo import _request_context

    now = now or now_utc()
    judges = _judges()
    with _request_context():
        for demo in DEMO_HACKATHONS:
            hackathon = db.session.scalar(select(Hackathon).where(
                Hackathon.slug == slugify(demo.title)))
            if hackathon is None or db.session.scalar(select(JuryMember.id).where(
                    JuryMember.hackathon_id == hackathon.id).limit(1)):
                continue
            coordinator = account_ops.find_user_by_email(demo.coordinator)
            assert coordinator is not None  # seeded with the demo accounts
            phase = hackathon.phase_at(now)
            for judge in judges:
                if phase in (Phase.RESULTS, Phase.CLOSED):  # the jury as it was
                    db.session.add(JuryMember(hackathon_id=hackathon.id, user_id=judge.id,
                                              added_by_id=coordinator.id,
                                              added_at=hackathon.submission_opens_at or now))
                else:
                    assigning.add_judge(hackathon, judge.email, actor=coordinator, notify=False,
                                  now=now)
            if phase == Phase.JUDGING:
                _seed_judging(hackathon, now)
            elif phase in (Phase.RESULTS, Phase.CLOSED):
                _seed_results(hackathon, judges, coordinator, now)
    db.session.flush()


def _seed_judging(hackathon: Hackathon, now: datetime) -> None:
    assigning.ensure_assignments(hackathon, now=now)
    reviews = db.session.scalars(select(Review).where(Review.hackathon_id == hackathon.id)
                                 .order_by(Review.id)).all()
    for n, review in enumerate(reviews):
        if review.judge.email == LEFT_TO_DO:
            continue
        level = (0.85, 0.6, 0.7)[n % 3]
        _score(review, level, now - timedelta(days=1),
               COMMENTS["high" if level > 0.8 else "mid"])


def _seed_results(hackathon: Hackathon, judges: list, coordinator, now: datetime) -> None:
    from app.judging.queries import load_ranking

    ideas = db.session.scalars(select(Idea).where(
        Idea.hackathon_id == hackathon.id,
        Idea.status.in_([IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED, IdeaStatus.SUBMITTED]))
        .order_by(Idea.id)).all()
    judged_at = (hackathon.judging_closes_at or now) - timedelta(days=3)
    for idea in ideas:
        level = 0.85 if idea.status == IdeaStatus.WINNER else 0.55
        for k, judge in enumerate(judges[: hackathon.reviews_per_idea]):
            review = Review(hackathon_id=hackathon.id, idea_id=idea.id, judge_id=judge.id,
                            created_at=judged_at, updated_at=judged_at)
            review.hackathon, review.idea = hackathon, idea
            db.session.add(review)
            _score(review, level - 0.05 * k, judged_at,
                   COMMENTS["high" if level > 0.8 else "low" if k else "mid"])
    db.session.flush()
    ranking = load_ranking(hackathon)
    winners = [i.id for i in ideas if i.status == IdeaStatus.WINNER]
    published = hackathon.judging_closes_at or now
    db.session.add(WinnerDecision(
        hackathon_id=hackathon.id, idea_ids=winners, justification="",
        departs_from_ranking=deciding.departs_from_ranking(set(winners), ranking.ranked),
        ranking=ranking.snapshot(), ranking_order=ranking.order_by,
        decided_by_id=getattr(coordinator, "id", None), decided_at=published,
        published_at=published))
    record_audit("results.publish", actor=coordinator, object_type="hackathon",
                 object_id=hackathon.id, after={"winners": winners, "demo": True},
                 now=published)
