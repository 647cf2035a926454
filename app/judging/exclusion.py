"""Reviews that no longer count: a coordinator's exclusion with its reason (another judge
is assigned), and the reviews whose judge became tied to the idea after submitting.

Operations validate, flush and never commit: the request pipeline commits at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import FIRST_ROUND, Hackathon, Phase
from app.judging.assigning import build_assignments, conflict_label
from app.judging.guards import check_manager, clean_text
from app.judging.models import ASSIGNABLE
from app.judging.models_results import results_published
from app.judging.models_reviews import REASON_MAX, Review, ReviewStatus
from app.judging.queries import tied_reviews
from app.judging.reviewing import move_review


def record_exclusion(review: Review, reason: str, *, actor, now: datetime,
                     correction: int | None = None, conflict: list[str] | None = None) -> None:
    """Put a submitted review's exclusion on record, whichever way it came (a coordinator's
    decision, a tie found at publishing, a correction of published results): who, when and
    why on the review, its status change, and the audit entry."""
    previous = review.score
    review.excluded_at = now
    review.excluded_by_id = actor.id
    review.exclusion_reason = reason
    numbered = {} if correction is None else {"correction": correction}
    move_review(review, ReviewStatus.EXCLUDED, actor=actor, now=now, reason=reason, **numbered)
    after: dict = {"reason": reason, **numbered}
    if conflict is not None:
        after["conflict"] = conflict
    record_audit("review.exclude", actor=actor, object_type="review", object_id=review.id,
                 before={"idea_id": review.idea_id, "judge_id": review.judge_id,
                         "score": previous},
                 after=after, now=now)


@dataclass
class Exclusion:
    """An excluded review, and the reviews given to other judges in its place."""

    review: Review
    replacements: list[Review]


def exclude_review(review: Review, data: dict, *, actor,
                   now: datetime | None = None) -> Exclusion:
    """A coordinator excludes a submitted review with a reason (required, on record): it no
    longer counts in the ranking, and while reviews are assigned another judge takes the
    idea. Allowed until the results are published."""
    now = now or now_utc()
    check_manager(review.hackathon, actor)
    text = clean_text(data.get("reason"))
    if not text:
        raise Invalid(errors={"reason": [_l("Say why the review is excluded: the reason is "
                                            "kept on record.")]})
    if len(text) > REASON_MAX:
        raise Invalid(errors={"reason": [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=REASON_MAX, m=len(text))]})
    if results_published(review.hackathon_id):
        # Published results change only by a documented correction (app/judging/errata.py),
        # which can exclude this review and says so in public.
        raise WrongState(_l("The results are published: to rule out a review now, publish a "
                            "correction of the results, which states the reason."))
    if not review.is_submitted:
        raise WrongState(_l("Only a submitted review can be excluded."))
    phase = review.hackathon.phase_at(now)
    if phase not in (Phase.JUDGING, Phase.RESULTS):
        raise WrongState(_l("Reviews can be excluded while the hackathon is judging or in "
                            "results, before they are published."))
    record_exclusion(review, text, actor=actor, now=now)
    db.session.flush()
    replacements: list[Review] = []
    if review.round == FIRST_ROUND and phase in ASSIGNABLE:
        built = build_assignments(review.hackathon, actor=None, now=now, trigger="exclusion")
        replacements = [r for r in built.created if r.idea_id == review.idea_id]
    return Exclusion(review=review, replacements=replacements)


def exclude_tied_reviews(hackathon: Hackathon, *, actor, now: datetime | None = None
                         ) -> list[Review]:
    """Before the results are published: put on record the exclusion of every submitted
    review whose judge has become tied to its idea since (the ranking already leaves it
    out), the tie as the reason, so that the published ranking and every later reading of
    the reviews agree."""
    now = now or now_utc()
    tied = {t.review_id: t for t in tied_reviews(hackathon).values() if not t.counts}
    if not tied:
        return []
    reviews = list(db.session.scalars(select(Review).where(Review.id.in_(sorted(tied)))))
    for review in reviews:
        reasons = tied[review.id].reasons
        text = str(_l("Conflict of interest after the review was submitted: the judge "
                      "%(reasons)s.", reasons=", ".join(str(conflict_label(r))
                                                        for r in reasons)))
        record_exclusion(review, text, actor=actor, now=now, conflict=list(reasons))
    db.session.flush()
    return reviews
