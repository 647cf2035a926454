"""A judge's review: saving and submitting its scores and comments, a coordinator
reopening a submitted review, the status moves on record,
and the text kept for a judge whose session ended while scoring.

Operations validate, flush and never commit: the request pipeline commits at the edge.
The input is read by review_input.py; scores are checked by the pure review_scores.py.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.formatting import fmt_datetime
from app.core.kept import discard, keep, offered
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Criterion, Phase
from app.ideas.status import IdeaStatus
from app.judging import conflicts, review_scores
from app.judging.guards import check_manager, check_not_frozen, clean_text
from app.judging.models_reviews import (
    COMMENT_MAX,
    REASON_MAX,
    Review,
    ReviewScore,
    ReviewStatus,
    can_move,
)
from app.judging.queries import conflict_facts
from app.judging.review_input import read_review_input
from app.mail.operations import queue_mail


def move_review(review: Review, to: ReviewStatus, *, actor, now: datetime, **extra) -> None:
    """Change a review's status along TRANSITIONS and put the change on record."""
    if not can_move(review.status, to):
        raise WrongState(_l("A review that is %(status)s cannot become %(to)s.",
                            status=review.status.label, to=to.label))
    before = review.status
    review.status = to
    review.updated_at = now
    record_audit("review.status", actor=actor, object_type="review", object_id=review.id,
                 before={"status": before, "idea_id": review.idea_id,
                         "judge_id": review.judge_id},
                 after={"status": to, **extra}, now=now)


# --- scoring ----------------------------------------------------------------------------------

class StaleReview(StaleVersion):
    """A save based on an older version of the review; `review` is the stored one (None if
    it was deleted meanwhile)."""

    def __init__(self, review: Review | None, posted: dict | None = None):
        super().__init__(_l("This review was saved in another tab or window after you opened "
                            "it. Compare the two, then save again."))
        self.review = review
        self.posted = posted or {}


def criterion_specs(criteria: list[Criterion]) -> list[review_scores.CriterionSpec]:
    return [review_scores.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria]


def _check_scoring_allowed(review: Review, actor, now: datetime) -> None:
    if not review.is_judge(actor):
        raise NotAllowed()
    if review.is_conflict:
        raise WrongState(_l("You declared a conflict of interest on this idea, so you do not "
                            "score it."))
    if review.is_submitted:
        raise WrongState(_l("This review is submitted and final. The coordinator can reopen "
                            "it if something must change."))
    if review.is_excluded:
        raise WrongState(_l("The coordinator excluded this review: it no longer counts."))
    if judge_is_tied(review, actor):
        raise WrongState(_l("You are tied to this idea (on its team now or before, invited to "
                            "it or inviting, its author, or from its municipality), so you do "
                            "not score it. The jury page shows the coordinator this tie."))
    hackathon = review.hackathon
    phase = hackathon.phase_at(now)
    if phase in (Phase.DRAFT, Phase.OPEN):
        raise WrongState(_l("Scoring starts when judging starts, after the submission deadline "
                            "(%(when)s).", when=fmt_datetime(hackathon.submission_closes_at)))
    if phase != Phase.JUDGING:
        raise WrongState(_l("Judging is over: reviews can no longer change."))
    check_not_frozen(hackathon)
    if review.idea.status != IdeaStatus.SUBMITTED:
        raise WrongState(_l("This idea is no longer in the competition (%(status)s): it is "
                            "not scored.", status=review.idea.status.label))


def judge_is_tied(review: Review, judge) -> bool:
    """The conflict rule, asked about a review's judge now (ties can arise after assigning)."""
    found = conflict_facts(review.hackathon, idea_ids=[review.idea_id]).get(review.idea_id)
    return found is not None and conflicts.in_conflict(
        conflicts.JudgeFacts(judge.id, judge.municipality_id), found)


def save_review(review: Review, data: dict, *, actor, now: datetime | None = None) -> Review:
    """Save the judge's scores and comments (as often as they like); with submit, make it final.

    `data`: scores {criterion_id: number or None}, comments {criterion_id: text},
    comment, version (optional; a stale one raises StaleReview and changes
    nothing), submit (bool; every criterion must then be scored).
    """
    now = now or now_utc()
    _check_scoring_allowed(review, actor, now)
    version = data.get("version")
    if version is not None and version != review.version:
        raise StaleReview(review, data)
    submit = bool(data.get("submit"))
    criteria = review.criteria  # its round's: a final round may have its own
    read = read_review_input(review, data, submit=submit, criteria=criteria)
    scores, comments, comment = read.scores, read.comments, read.comment

    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for criterion in criteria:
        row = review.score_for(criterion.id)
        new_score = scores.get(criterion.id)
        new_comment = comments.get(criterion.id, row.comment if row else "")
        if row is None:
            if new_score is None and not new_comment:
                continue
            row = ReviewScore(criterion_id=criterion.id, comment="")
            review.scores.append(row)
        if row.score != new_score:
            before[str(criterion.id)] = row.score
            after[str(criterion.id)] = new_score
            row.score = new_score
        row.comment = new_comment
    review.comment = comment
    review.updated_at = now
    if submit:
        review.score = Decimal(str(review_scores.review_score(
            {k: v for k, v in scores.items() if v is not None}, criterion_specs(criteria))))
        review.submitted_at = now
    try:
        db.session.flush()
    except StaleDataError:
        # Saved by another request meanwhile. The caller's savepoint (`web.attempt`) undoes
        # this save; the caller then reads the review as it is stored now.
        raise StaleReview(review, data) from None
    if after:
        record_audit("review.scores", actor=actor, object_type="review", object_id=review.id,
                     before={"idea_id": review.idea_id, "scores": before},
                     after={"scores": after}, now=now)
    if submit:
        move_review(review, ReviewStatus.SUBMITTED, actor=actor, now=now, score=review.score)
        db.session.flush()
    return review


def reopen_review(review: Review, *, actor, reason: Any = "",
                  now: datetime | None = None) -> Review:
    """A coordinator reopens a submitted review so its judge can change it; the judge is told."""
    now = now or now_utc()
    check_manager(review.hackathon, actor)
    if not review.is_submitted:
        raise WrongState(_l("Only a submitted review can be reopened."))
    if review.hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("Reviews can be reopened only while the hackathon is judging."))
    check_not_frozen(review.hackathon)
    text = clean_text(reason) or ""
    if len(text) > REASON_MAX:
        raise Invalid(errors={"reason": [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=REASON_MAX, m=len(text))]})
    move_review(review, ReviewStatus.PENDING, actor=actor, now=now, reason=text,
          previous_score=review.score)
    review.score = None
    review.submitted_at = None
    db.session.flush()
    judge = review.judge
    queue_mail(judge.email, "judging_reopened", locale=judge.locale,
               kind=f"judging-reopened:{review.id}:{now.isoformat()}", user=judge,
               review=review, hackathon=review.hackathon, reason=text,
               url=url_for("judging.review", review_id=review.id, _external=True))
    return review


# --- nothing lost: a scoring form posted after the session ended ------------------------------

KEEP_DAYS = 7


def keep_review_text(review: Review, data: dict, *, now: datetime | None = None) -> None:
    """Keep what was posted to a review while signed out, for this browser only: offered
    back after sign-in if, and only if, the signed-in user is the review's judge."""
    from app.judging.models_reviews import KeptReview

    criteria = {str(c.id) for c in review.criteria}

    def clip(value, limit=COMMENT_MAX + 100):
        return value[:limit] if isinstance(value, str) else ""

    kept = {
        "scores": {k: clip(v, 20) for k, v in (data.get("scores") or {}).items()
                   if str(k) in criteria},
        "comments": {k: clip(v) for k, v in (data.get("comments") or {}).items()
                     if str(k) in criteria},
        "comment": clip(data.get("comment")),
        "version": data.get("version") if isinstance(data.get("version"), int) else None,
    }
    keep(KeptReview(review_id=review.id, data=kept), days=KEEP_DAYS, now=now)


def kept_review_for(review: Review, user, *, now: datetime | None = None):
    """The newest text this browser kept for the review, if `user` is its judge."""
    from app.judging.models_reviews import KeptReview

    found = offered(select(KeptReview).where(KeptReview.review_id == review.id),
                    allowed=lambda _row: review.is_judge(user), now=now)
    return found[0] if found else None


def use_kept_review(review: Review, user) -> None:
    """The judge saved the review: what this browser kept for it is never offered again."""
    from app.judging.models_reviews import KeptReview

    for row in offered(select(KeptReview).where(KeptReview.review_id == review.id),
                       allowed=lambda _row: review.is_judge(user)):
        discard(row)
