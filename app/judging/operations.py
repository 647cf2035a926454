"""Judging operations: the jury, assignments, conflicts, scoring, reminders, winners, votes.

Operations validate, flush and never commit; the page view or the API endpoint
commits. Each takes `now` (default: the clock). The maths is not here: review
scores, the ranking and the assignment plan come from the pure modules
scoring.py and assignment.py; this module loads their input and stores their output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.accounts.operations import find_user_by_email, normalise_email
from app.core.audit import record_audit
from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.formatting import fmt_datetime
from app.core.kept import discard, keep, offered
from app.extensions import db
from app.hackathons.models import Criterion, Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import assignment, conflicts, scoring
from app.judging.models import (
    ASSIGNABLE,
    COMMENT_MAX,
    FINAL_ROUND,
    FIRST_ROUND,
    JURY_EDITABLE,
    JUSTIFICATION_MAX,
    REASON_MAX,
    AssignmentRun,
    ConflictDeclaration,
    FinalRound,
    JuryMember,
    PublicVote,
    Review,
    ReviewScore,
    ReviewStatus,
    WinnerDecision,
    can_move,
    results_published,
    round_criteria,
)
from app.mail.models import OutboxMessage
from app.mail.operations import queue_mail


def _text(value: Any) -> str | None:
    """User text with normalised line ends; None when it is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_manager(hackathon: Hackathon, actor) -> None:
    if not hackathon.can_manage(actor):
        raise NotAllowed(_l("Only the hackathon's coordinators can do this."))


def _check_not_frozen(hackathon: Hackathon) -> None:
    if results_published(hackathon.id):
        raise WrongState(_l("The results are published: scores and decisions are frozen."))


def _move(review: Review, to: ReviewStatus, *, actor, now: datetime, **extra) -> None:
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
    _move(review, ReviewStatus.EXCLUDED, actor=actor, now=now, reason=reason, **numbered)
    after: dict = {"reason": reason, **numbered}
    if conflict is not None:
        after["conflict"] = conflict
    record_audit("review.exclude", actor=actor, object_type="review", object_id=review.id,
                 before={"idea_id": review.idea_id, "judge_id": review.judge_id,
                         "score": previous},
                 after=after, now=now)


# --- the jury ---------------------------------------------------------------------------------

def add_judge(hackathon: Hackathon, email: Any, *, actor, now: datetime | None = None,
              notify: bool = True, conflict_reason: Any = None) -> JuryMember:
    """Add a registered user, found by e-mail, to the hackathon's jury; tell them.

    A user tied in person to an idea of the hackathon (on its team now or before, an inviter
    or invitee, an author) is added only with `conflict_reason`, which is kept on record;
    she is never assigned those ideas whatever the reason.
    """
    from app.judging.queries import conflicts_of_judges

    now = now or now_utc()
    _check_manager(hackathon, actor)
    if hackathon.phase_at(now) not in (*JURY_EDITABLE, Phase.JUDGING):
        raise WrongState(_l("Judging is over: the jury can no longer change."))
    if not isinstance(email, str) or normalise_email(email) is None:
        raise Invalid(errors={"email": [_l("Enter an e-mail address, e.g. "
                                           "vards.uzvards@pasvaldiba.lv.")]})
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        raise Invalid(errors={"email": [_l("No registered user has this e-mail address. Ask "
                                           "the judge to register on Talka first.")]})
    already = db.session.scalar(select(JuryMember).where(
        JuryMember.hackathon_id == hackathon.id, JuryMember.user_id == user.id))
    if already is not None:
        raise Invalid(errors={"email": [_l("%(name)s is already on the jury.",
                                           name=user.name)]})
    ties = conflicts_of_judges(hackathon, [(user.id, user.municipality_id)]).get(user.id, [])
    reason = _text(conflict_reason) or ""
    if ties and not reason:
        raise Invalid(errors={"conflict_reason": [_l(
            "%(name)s is tied to ideas of this hackathon: %(ideas)s. Judges are never assigned "
            "such ideas. To add %(name)s to the jury anyway, give the reason: it is kept on "
            "record.",
            name=user.name, ideas="; ".join(
                f"“{t.title or t.idea_id}” ({', '.join(str(conflict_label(r)) for r in t.reasons)})"
                for t in ties))]})
    if len(reason) > REASON_MAX:
        raise Invalid(errors={"conflict_reason": [_l(
            "Use at most %(n)d characters (now %(m)d).", n=REASON_MAX, m=len(reason))]})
    member = JuryMember(hackathon_id=hackathon.id, user_id=user.id, user=user,
                        hackathon=hackathon, added_by_id=getattr(actor, "id", None),
                        added_at=now, conflict_reason=reason if ties else "")
    db.session.add(member)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same judge added in another tab a moment ago
        raise Invalid(errors={"email": [_l("%(name)s is already on the jury.",
                                           name=user.name)]}) from None
    after: dict[str, Any] = {"user_id": user.id, "email": user.email}
    if ties:
        after |= {"conflicts": [{"idea_id": t.idea_id, "reasons": list(t.reasons)}
                                for t in ties], "conflict_reason": reason}
    record_audit("jury.add", actor=actor, object_type="hackathon", object_id=hackathon.id,
                 after=after, now=now)
    if notify:
        queue_mail(user.email, "judging_jury_added", locale=user.locale,
                   kind=f"judging-jury:{hackathon.id}:{user.id}", user=user,
                   hackathon=hackathon,
                   url=url_for("judging.my_reviews", _external=True))
    return member


def conflict_label(reason: str):
    """A conflict reason's code (app.judging.conflicts) in words."""
    return {
        conflicts.SAME_MUNICIPALITY: _l("works for its municipality"),
        conflicts.TEAM_MEMBER: _l("is or was on its team"),
        conflicts.INVITATION: _l("invited to its team or was invited"),
        conflicts.AUTHOR: _l("wrote or edited the idea"),
        conflicts.DECLARED: _l("declared a conflict of interest"),
    }.get(reason, reason)


def remove_judge(member: JuryMember, *, actor, now: datetime | None = None) -> None:
    """Remove a judge before judging starts; their (unstarted) reviews go with them."""
    now = now or now_utc()
    hackathon = member.hackathon
    _check_manager(hackathon, actor)
    if not member.can_be_removed(now):
        raise WrongState(_l("Judging has started: judges can no longer be removed. A judge "
                            "who cannot review an idea declares a conflict of interest, "
                            "and the idea goes to another judge."))
    removed = db.session.scalars(select(Review.id).where(
        Review.hackathon_id == hackathon.id, Review.judge_id == member.user_id,
        Review.status == ReviewStatus.PENDING)).all()
    if removed:
        db.session.execute(delete(Review).where(Review.id.in_(removed)))
    record_audit("jury.remove", actor=actor, object_type="hackathon", object_id=hackathon.id,
                 before={"user_id": member.user_id, "email": member.user.email,
                         "pending_reviews_removed": len(removed)}, now=now)
    db.session.delete(member)
    db.session.flush()


# --- assignments ------------------------------------------------------------------------------

@dataclass
class BuildResult:
    """What a building of the assignments added, and which ideas still lack judges."""

    created: list[Review]
    shortfalls: list[dict[str, Any]]
    run: AssignmentRun | None = None


def _assignment_input(hackathon: Hackathon):
    """Ideas, what the conflict rule needs about each (places and people), judges (with their
    municipality), existing reviews and declared conflicts: 5 queries."""
    from app.judging.queries import conflict_facts

    ideas = db.session.execute(
        select(Idea.id, Idea.team_id, Idea.title).where(
            Idea.hackathon_id == hackathon.id, Idea.status == IdeaStatus.SUBMITTED)
        .order_by(Idea.id)).all()
    facts = conflict_facts(hackathon, idea_ids=[row.id for row in ideas])
    judges = db.session.execute(
        select(JuryMember.user_id, User.municipality_id)
        .join(User, User.id == JuryMember.user_id)
        .where(JuryMember.hackathon_id == hackathon.id, User.disabled_at.is_(None))
        .order_by(JuryMember.user_id)).all()
    reviews = db.session.execute(
        select(Review.idea_id, Review.judge_id, Review.status).where(
            Review.hackathon_id == hackathon.id, Review.round == FIRST_ROUND)).all()
    declared = db.session.execute(
        select(ConflictDeclaration.idea_id, ConflictDeclaration.judge_id).where(
            ConflictDeclaration.hackathon_id == hackathon.id)).all()
    return ideas, facts, judges, reviews, declared


def _tied(pair: tuple[int, int], facts: dict, place_of: dict[int, int | None]) -> bool:
    """The conflict rule for one existing (idea, judge) pair (`place_of`: the jury's
    municipalities by user id)."""
    idea_id, judge_id = pair
    found = facts.get(idea_id)
    if found is None or judge_id not in place_of:
        return False
    return conflicts.in_conflict(conflicts.JudgeFacts(judge_id, place_of[judge_id]), found)


def _slot(idea_id: int, facts: dict, needed: int) -> assignment.IdeaSlot:
    found = facts.get(idea_id)
    if found is None:
        return assignment.IdeaSlot(idea_id, frozenset(), needed)
    return assignment.IdeaSlot(idea_id, found.municipality_ids, needed, found.ties)


def _plain_shortfall(short: assignment.Shortfall, idea_places: set[int],
                     judges, titles: dict[int, str], names: dict[int, str]) -> dict[str, Any]:
    blocking = sorted({names.get(j.municipality_id, "") for j in judges
                       if j.municipality_id in idea_places})
    return {"idea_id": short.idea_id, "idea_title": titles.get(short.idea_id, ""),
            "missing": short.missing, "reason": short.reason, "jury_size": short.jury_size,
            "reviewing": short.reviewing,
            "same_municipality": short.same_municipality,
            "declared_conflict": short.declared_conflict,
            "personal_conflict": short.personal_conflict,
            "municipalities": [name for name in blocking if name]}


def build_assignments(hackathon: Hackathon, *, actor, now: datetime | None = None,
                      trigger: str = "manual") -> BuildResult:
    """Give every submitted idea `reviews_per_idea` judges, adding only what is missing.

    The plan comes from assignment.assign_reviews: no judge gets an idea from their
    own municipality or one they declared a conflict on, loads differ as little as
    possible, existing reviews are never moved. What cannot be met is returned as
    shortfalls (and kept on the run for the dashboard). `actor` None = automatic.
    """
    from app.places.models import Municipality

    now = now or now_utc()
    if actor is not None:
        _check_manager(hackathon, actor)
    phase = hackathon.phase_at(now)
    if phase not in ASSIGNABLE:
        raise WrongState(_l("Reviews are assigned while the hackathon is open or judging; "
                            "it is now in the phase “%(phase)s”.", phase=phase.label))
    _check_not_frozen(hackathon)
    # One building at a time per hackathon (PostgreSQL row lock; SQLite has one writer), so
    # two coordinators pressing the button together cannot give an idea too many judges.
    db.session.execute(select(Hackathon.id).where(Hackathon.id == hackathon.id)
                       .with_for_update())
    ideas, facts, judges, reviews, declared = _assignment_input(hackathon)
    listed = {row.id for row in ideas}
    slots = [_slot(row.id, facts, hackathon.reviews_per_idea) for row in ideas]
    judge_slots = [assignment.JudgeSlot(row.user_id, row.municipality_id) for row in judges]
    # Reviews of ideas that were withdrawn or ruled out count for nobody's load.
    existing = [(r.idea_id, r.judge_id) for r in reviews if r.idea_id in listed]
    excluded = {(r.idea_id, r.judge_id) for r in reviews
                if r.status in (ReviewStatus.CONFLICT, ReviewStatus.EXCLUDED)}
    excluded.update((d.idea_id, d.judge_id) for d in declared)
    # A judge who became tied to an idea after it was assigned to her (she joined its team,
    # say) keeps the review on record, but it no longer counts: the idea gets another judge.
    place_of = {row.user_id: row.municipality_id for row in judges}
    excluded.update(pair for pair in existing if _tied(pair, facts, place_of))
    plan = assignment.assign_reviews(slots, judge_slots, existing, sorted(excluded))

    created = []
    for pair in plan.new:
        review = Review(hackathon_id=hackathon.id, idea_id=pair.idea_id,
                        judge_id=pair.judge_id, round=FIRST_ROUND,
                        status=ReviewStatus.PENDING, created_at=now, updated_at=now)
        db.session.add(review)
        created.append(review)

    shortfalls: list[dict[str, Any]] = []
    if plan.shortfalls:
        titles = {row.id: row.title for row in ideas}
        wanted = {m for row in judges if row.municipality_id for m in [row.municipality_id]}
        names = dict(db.session.execute(select(Municipality.id, Municipality.name)
                                        .where(Municipality.id.in_(sorted(wanted)))).tuples()
                     .all()) if wanted else {}
        shortfalls = [_plain_shortfall(s, set(_slot(s.idea_id, facts, 0).municipality_ids),
                                       judges, titles, names) for s in plan.shortfalls]
    run = AssignmentRun(hackathon_id=hackathon.id, at=now, actor_id=getattr(actor, "id", None),
                        trigger=trigger, created=len(created), shortfalls=shortfalls)
    db.session.add(run)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # built at the same moment in another request
        raise WrongState(_l("The assignments were just built by someone else. Reload the "
                            "page to see them.")) from None
    if created:
        record_audit("assignments.build", actor=actor, object_type="hackathon",
                     object_id=hackathon.id,
                     after={"trigger": trigger,
                            "created": [[r.idea_id, r.judge_id] for r in created],
                            "shortfalls": len(shortfalls)}, now=now)
        _tell_judges_of_new_reviews(hackathon, created, run)
    return BuildResult(created=created, shortfalls=shortfalls, run=run)


def _tell_judges_of_new_reviews(hackathon: Hackathon, created: list[Review],
                                run: AssignmentRun) -> None:
    counts: dict[int, int] = {}
    for review in created:
        counts[review.judge_id] = counts.get(review.judge_id, 0) + 1
    users = db.session.scalars(select(User).where(User.id.in_(sorted(counts)))).all()
    url = url_for("judging.my_reviews", _external=True)
    for user in users:
        queue_mail(user.email, "judging_assigned", locale=user.locale,
                   kind=f"judging-assigned:{hackathon.id}:{user.id}:{run.id}", user=user,
                   hackathon=hackathon, count=counts[user.id], url=url)


def ensure_assignments(hackathon: Hackathon, *, now: datetime | None = None
                       ) -> BuildResult | None:
    """Build the assignments once, automatically, when judging has started.

    Judging starts by a coordinator's button or simply when the deadline passes,
    so this is called wherever judging is looked at (a judge's list, the dashboard,
    the hourly reminders job) rather than from the phase change itself.
    """
    now = now or now_utc()
    if hackathon.phase_at(now) != Phase.JUDGING:
        return None
    started = db.session.scalar(select(exists().where(
        AssignmentRun.hackathon_id == hackathon.id,
        AssignmentRun.trigger == "judging_started")))
    if started or results_published(hackathon.id):
        return None
    try:
        return build_assignments(hackathon, actor=None, now=now, trigger="judging_started")
    except WrongState:  # another request built them at the same moment
        return None


def ensure_assignments_for_judge(user, *, now: datetime | None = None) -> None:
    """ensure_assignments for every judging hackathon on whose jury the user sits."""
    now = now or now_utc()
    hackathons = db.session.scalars(
        select(Hackathon).join(JuryMember, JuryMember.hackathon_id == Hackathon.id)
        .where(JuryMember.user_id == user.id,
               Hackathon.effective_phase_is(Phase.JUDGING, now),
               ~exists().where(AssignmentRun.hackathon_id == Hackathon.id,
                               AssignmentRun.trigger == "judging_started"))).all()
    for hackathon in hackathons:
        ensure_assignments(hackathon, now=now)


# --- conflicts of interest --------------------------------------------------------------------

def declare_conflict(review: Review, reason: Any, *, actor,
                     now: datetime | None = None) -> BuildResult:
    """The judge declares a conflict of interest: kept on record, the idea goes to another judge."""
    now = now or now_utc()
    if not review.is_judge(actor):
        raise NotAllowed()
    text = _text(reason)
    if not text:
        raise Invalid(errors={"reason": [_l("Say briefly why you have a conflict of interest, "
                                            "e.g. “I advised this team”.")]})
    if len(text) > REASON_MAX:
        raise Invalid(errors={"reason": [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=REASON_MAX, m=len(text))]})
    if review.is_conflict:
        raise WrongState(_l("You have already declared a conflict of interest on this idea."))
    if review.is_submitted:
        raise WrongState(_l("You have submitted this review. A submitted review is final; ask "
                            "the coordinator to reopen it if you have a conflict of interest."))
    hackathon = review.hackathon
    if hackathon.phase_at(now) not in ASSIGNABLE:
        raise WrongState(_l("Judging is over: conflicts can no longer be declared."))
    _check_not_frozen(hackathon)
    db.session.add(ConflictDeclaration(hackathon_id=hackathon.id, review_id=review.id,
                                       idea_id=review.idea_id, judge_id=review.judge_id,
                                       reason=text, declared_at=now))
    _move(review, ReviewStatus.CONFLICT, actor=actor, now=now, reason=text)
    db.session.flush()
    if review.round != FIRST_ROUND:  # the whole jury scores the finalists: nobody to add
        return BuildResult(created=[], shortfalls=[])
    return build_assignments(hackathon, actor=None, now=now, trigger="conflict")


# --- scoring ----------------------------------------------------------------------------------

class StaleReview(StaleVersion):
    """A save based on an older version of the review; `review` is the stored one (None if
    it was deleted meanwhile)."""

    def __init__(self, review: Review | None, posted: dict | None = None):
        super().__init__(_l("This review was saved in another tab or window after you opened "
                            "it. Compare the two, then save again."))
        self.review = review
        self.posted = posted or {}


def criterion_specs(criteria: list[Criterion]) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria]


def parse_score(value: Any) -> tuple[Decimal | None, bool]:
    """A score from a form or JSON: 7, 7.5, "7,5". Returns (value, ok); blank is (None, True)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and len(value) <= 20:
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None, False
    else:
        return None, False
    if not number.is_finite():
        return None, False
    return number, True


def _key(value: Any) -> int | None:
    """A criterion id given as a JSON key or form suffix ("12" or 12)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        return int(value)
    return None


def _score_message(code: str, criterion: Criterion | None):
    maximum = criterion.max_score if criterion else 0
    return {
        scoring.MISSING: _l("Give a score from 0 to %(max)d before submitting.", max=maximum),
        scoring.UNKNOWN_CRITERION: _l("This is not a criterion of the hackathon."),
        scoring.NOT_A_NUMBER: _l("Enter a number from 0 to %(max)d, e.g. 7 or 7.5.",
                                 max=maximum),
        scoring.NEGATIVE: _l("A score cannot be negative: use 0 to %(max)d.", max=maximum),
        scoring.ABOVE_MAXIMUM: _l("The maximum for this criterion is %(max)d.", max=maximum),
        scoring.NOT_HALF_POINT: _l("Use whole or half points, e.g. 7 or 7.5.", max=maximum),
    }[code]


def check_review_data(review: Review, data: dict, *, submit: bool,
                      criteria: list[Criterion] | None = None
                      ) -> tuple[dict[int, Decimal | None], dict[int, str], str]:
    """Read and check posted scores and comments; raise Invalid listing every problem.

    The criteria are those of the review's round (`criteria`, when already loaded).
    Errors are keyed `scores.<criterion id>`, `comments.<criterion id>` and `comment`.
    A draft may leave scores blank; submitting needs every criterion scored.
    """
    criteria = list(criteria if criteria is not None else review.criteria)
    by_id = {c.id: c for c in criteria}
    errors: dict[str, list] = {}
    raw_scores = data.get("scores") or {}
    raw_comments = data.get("comments") or {}
    if not isinstance(raw_scores, dict):
        raise Invalid(errors={"scores": [_l("Send the scores as an object "
                                            "{criterion_id: number}.")]})
    if not isinstance(raw_comments, dict):
        raise Invalid(errors={"comments": [_l("Send the comments as an object "
                                              "{criterion_id: text}.")]})
    scores: dict[int, Decimal | None] = {}
    for raw_key, raw_value in raw_scores.items():
        key = _key(raw_key)
        if key is None or key not in by_id:
            errors[f"scores.{raw_key}"] = [_score_message(scoring.UNKNOWN_CRITERION, None)]
            continue
        value, ok = parse_score(raw_value)
        if not ok:
            errors[f"scores.{key}"] = [_score_message(scoring.NOT_A_NUMBER, by_id[key])]
            continue
        scores[key] = value
    # What the review keeps for criteria the request leaves out: a PUT or a form may send
    # only some of them.
    merged = {c.id: (s.score if (s := review.score_for(c.id)) else None) for c in criteria}
    merged.update(scores)
    try:
        scoring.check_scores({k: v for k, v in merged.items() if v is not None},
                             criterion_specs(criteria), require_all=submit)
    except scoring.InvalidScores as problem:
        for cid, code in problem.problems.items():
            criterion = by_id.get(cid) if isinstance(cid, int) else None
            errors.setdefault(f"scores.{cid}", [_score_message(code, criterion)])
    comments: dict[int, str] = {}
    for raw_key, raw_value in raw_comments.items():
        key = _key(raw_key)
        text = _text(raw_value)
        if key is None or key not in by_id:
            errors[f"comments.{raw_key}"] = [_score_message(scoring.UNKNOWN_CRITERION, None)]
        elif text is None:
            errors[f"comments.{key}"] = [_l("A comment is text.")]
        elif len(text) > COMMENT_MAX:
            errors[f"comments.{key}"] = [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=COMMENT_MAX, m=len(text))]
        else:
            comments[key] = text
    comment = _text(data.get("comment")) if "comment" in data else review.comment
    if comment is None:
        errors["comment"] = [_l("A comment is text.")]
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = [_l("Use at most %(n)d characters (now %(m)d).",
                                n=COMMENT_MAX, m=len(comment))]
    if errors:
        named = [by_id[cid].name for cid in by_id if f"scores.{cid}" in errors]
        detail = (_l("The review was not saved. Check the scores of: %(names)s.",
                     names=", ".join(named)) if submit and named else None)
        raise Invalid(detail, errors=errors)
    return merged, comments, comment or ""


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
    _check_not_frozen(hackathon)
    if review.idea.status != IdeaStatus.SUBMITTED:
        raise WrongState(_l("This idea is no longer in the competition (%(status)s): it is "
                            "not scored.", status=review.idea.status.label))


def judge_is_tied(review: Review, judge) -> bool:
    """The conflict rule, asked about a review's judge now (ties can arise after assigning)."""
    from app.judging.queries import conflict_facts

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
    scores, comments, comment = check_review_data(review, data, submit=submit,
                                                  criteria=criteria)

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
        review.score = Decimal(str(scoring.review_score(
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
        _move(review, ReviewStatus.SUBMITTED, actor=actor, now=now, score=review.score)
        db.session.flush()
    return review


def reopen_review(review: Review, *, actor, reason: Any = "",
                  now: datetime | None = None) -> Review:
    """A coordinator reopens a submitted review so its judge can change it; the judge is told."""
    now = now or now_utc()
    _check_manager(review.hackathon, actor)
    if not review.is_submitted:
        raise WrongState(_l("Only a submitted review can be reopened."))
    if review.hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("Reviews can be reopened only while the hackathon is judging."))
    _check_not_frozen(review.hackathon)
    text = _text(reason) or ""
    if len(text) > REASON_MAX:
        raise Invalid(errors={"reason": [_l("Use at most %(n)d characters (now %(m)d).",
                                            n=REASON_MAX, m=len(text))]})
    _move(review, ReviewStatus.PENDING, actor=actor, now=now, reason=text,
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
    _check_manager(review.hackathon, actor)
    text = _text(data.get("reason"))
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
    from app.judging.queries import tied_reviews

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


# --- the optional final round --------------------------------------------------------------

SAME_CRITERIA = "same"
OWN_CRITERIA = "own"
CRITERIA_CHOICES = (SAME_CRITERIA, OWN_CRITERIA)


def start_final_round(hackathon: Hackathon, size: Any, *, actor, note: Any = "",
                      criteria: Any = SAME_CRITERIA,
                      now: datetime | None = None) -> FinalRound:
    """Shortlist the top `size` ideas of the first round for a final round (e.g. a pitch day):
    every judge who may (no own municipality, no declared conflict) scores every finalist,
    and the final ranking comes from this round. Ideas tied at the cut all go through.

    `criteria` "same": scored on the jury round's criteria, and scoring opens at once.
    "own": the coordinator sets the final round's criteria next (criteria of round 2) and
    then opens the scoring with open_final_scoring; until then nobody is assigned.
    """
    from app.judging.queries import final_round_of, load_ranking

    now = now or now_utc()
    _check_manager(hackathon, actor)
    if hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("A final round is held while the hackathon is judging."))
    _check_not_frozen(hackathon)
    if final_round_of(hackathon) is not None:
        raise WrongState(_l("This hackathon already has a final round."))
    ranked = [row for row in load_ranking(hackathon).rows if row.ranked.rank is not None]
    errors: dict[str, list] = {}
    number = _key(size)
    if number is None or not 1 <= number <= max(len(ranked) - 1, 0):
        errors["size"] = [_l(
            "Choose how many ideas go to the final round: from 1 to %(n)d (fewer than the "
            "%(all)d ideas with scores).", n=max(len(ranked) - 1, 0), all=len(ranked))]
    text = _text(note)
    if text is None or len(text) > REASON_MAX:
        errors["note"] = [_l("Use at most %(n)d characters.", n=REASON_MAX)]
    mode = SAME_CRITERIA if criteria in (None, "") else criteria
    if mode not in CRITERIA_CHOICES:
        errors["criteria"] = [_l("Choose the criteria of the final round: the same as the "
                                 "jury round's (“same”) or its own (“own”).")]
    if errors:
        raise Invalid(errors=errors)
    assert number is not None  # a missing size was among the errors raised above
    cut = ranked[number - 1].ranked.rank
    assert cut is not None  # `ranked` holds only ranked rows
    finalists = [row.idea.id for row in ranked
                 if row.ranked.rank is not None and row.ranked.rank <= cut]
    final = FinalRound(hackathon_id=hackathon.id, hackathon=hackathon, size=number,
                       idea_ids=finalists, note=text, own_criteria=mode == OWN_CRITERIA,
                       created_by_id=actor.id, created_at=now)
    db.session.add(final)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise WrongState(_l("This hackathon already has a final round.")) from None
    record_audit("final_round.start", actor=actor, object_type="hackathon",
                 object_id=hackathon.id,
                 after={"size": number, "finalists": finalists, "criteria": mode}, now=now)
    if mode == SAME_CRITERIA:
        _open_final_scoring(hackathon, final, actor=actor, now=now)
    return final


def check_final_criteria_editable(hackathon: Hackathon, now: datetime | None = None) -> None:
    """Raise WrongState unless the final round's own criteria may change now: they exist only
    in a final round with own criteria, and freeze when its scoring opens."""
    from app.judging.queries import final_round_of

    final = final_round_of(hackathon)
    if final is None or not final.own_criteria:
        raise WrongState(_l("Criteria of the final round are set after starting a final round "
                            "with its own criteria."))
    if final.scoring_open:
        raise WrongState(_l("The final round’s criteria are frozen: its scoring has started, "
                            "and every finalist must be judged against the same criteria."))
    if not final.criteria_editable(now):
        raise WrongState(_l("The final round’s criteria can change only while the hackathon "
                            "is judging, before the results."))


def open_final_scoring(hackathon: Hackathon, *, actor,
                       now: datetime | None = None) -> FinalRound:
    """Open the scoring of a final round on its own criteria: every eligible judge gets every
    finalist and is told; the final round's criteria are frozen from now on."""
    now = now or now_utc()
    _check_manager(hackathon, actor)
    # Locked (PostgreSQL) and read afresh, so two coordinators pressing at once open it once.
    final = db.session.scalar(
        select(FinalRound).where(FinalRound.hackathon_id == hackathon.id).with_for_update()
        .execution_options(populate_existing=True))
    if final is None:
        raise WrongState(_l("This hackathon has no final round."))
    if final.scoring_open:
        raise WrongState(_l("The final round’s scoring is already open."))
    if hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("A final round is held while the hackathon is judging."))
    _check_not_frozen(hackathon)
    if not hackathon.final_criteria:
        raise WrongState(_l("Add at least one criterion for the final round first."))
    _open_final_scoring(hackathon, final, actor=actor, now=now)
    return final


def _open_final_scoring(hackathon: Hackathon, final: FinalRound, *, actor,
                        now: datetime) -> list[Review]:
    """Assign every finalist to every eligible judge, tell them, and mark the scoring open."""
    final.scoring_opened_at = now
    created = _assign_final_round(hackathon, final.idea_ids, now)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # opened at the same moment in another request
        raise WrongState(_l("The final round’s scoring is already open.")) from None
    record_audit("final_round.open", actor=actor, object_type="hackathon",
                 object_id=hackathon.id,
                 after={"reviews": len(created), "criteria": [
                     c.id for c in round_criteria(hackathon, FINAL_ROUND, final)]}, now=now)
    if created:
        run = AssignmentRun(hackathon_id=hackathon.id, at=now, actor_id=actor.id,
                            trigger="final_round", created=len(created), shortfalls=[])
        db.session.add(run)
        db.session.flush()
        _tell_judges_of_new_reviews(hackathon, created, run)
    return created


def _assign_final_round(hackathon: Hackathon, finalists: list[int], now: datetime
                        ) -> list[Review]:
    """Every eligible judge reviews every finalist: assign_reviews with all judges needed."""
    ideas, facts, judges, _reviews, declared = _assignment_input(hackathon)
    listed = {row.id for row in ideas}
    slots = [_slot(i, facts, len(judges)) for i in finalists if i in listed]
    judge_slots = [assignment.JudgeSlot(row.user_id, row.municipality_id) for row in judges]
    existing = db.session.execute(select(Review.idea_id, Review.judge_id).where(
        Review.hackathon_id == hackathon.id, Review.round == FINAL_ROUND)).all()
    excluded = sorted({(d.idea_id, d.judge_id) for d in declared})
    plan = assignment.assign_reviews(slots, judge_slots, [tuple(p) for p in existing], excluded)
    created = []
    for pair in plan.new:
        review = Review(hackathon_id=hackathon.id, idea_id=pair.idea_id,
                        judge_id=pair.judge_id, round=FINAL_ROUND,
                        status=ReviewStatus.PENDING, created_at=now, updated_at=now)
        db.session.add(review)
        created.append(review)
    return created


# --- reminders --------------------------------------------------------------------------------

@dataclass
class JudgeProgress:
    """How far one judge is: reviews done (submitted) of those that count."""

    user: User
    done: int = 0
    total: int = 0
    conflicts: int = 0
    behind: bool = False
    reminded_today: bool = False

    @property
    def pending(self) -> int:
        return self.total - self.done


def expected_share(hackathon: Hackathon, now: datetime) -> float:
    """How much of the judging time has passed (0–1): a judge is behind below it."""
    start, end = hackathon.submission_closes_at, hackathon.judging_closes_at
    if start is None or end is None or end <= start:
        return 0.0
    return min(1.0, max(0.0, (now - start) / (end - start)))


def is_behind(progress: JudgeProgress, hackathon: Hackathon, now: datetime) -> bool:
    """Behind: reviews left, and a smaller share done than the share of judging time passed,
    or judging closes within two days."""
    if progress.pending <= 0:
        return False
    closes = hackathon.judging_closes_at
    if closes is not None and closes - now <= timedelta(days=2):
        return True
    return progress.done / progress.total < expected_share(hackathon, now)


def reminder_kind(hackathon: Hackathon, user_id: int, now: datetime) -> str:
    return f"judging-reminder:{hackathon.id}:{user_id}:{today_riga(now).isoformat()}"


def send_judge_reminders(hackathon: Hackathon, *, actor=None, now: datetime | None = None
                         ) -> list[User]:
    """E-mail each judge who is behind, never twice on the same day; return who was mailed."""
    from app.judging.queries import judge_progress

    now = now or now_utc()
    if actor is not None:
        _check_manager(hackathon, actor)
    if hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("Reminders go out only while the hackathon is judging."))
    reminded = []
    url = url_for("judging.my_reviews", _external=True)
    for progress in judge_progress(hackathon, now=now):
        if not progress.behind or progress.reminded_today:
            continue
        user = progress.user
        queue_mail(user.email, "judging_reminder", locale=user.locale,
                   kind=reminder_kind(hackathon, user.id, now), user=user,
                   hackathon=hackathon, done=progress.done, total=progress.total,
                   closes_at=hackathon.judging_closes_at, url=url)
        reminded.append(user)
    if reminded and actor is not None:
        record_audit("judging.remind", actor=actor, object_type="hackathon",
                     object_id=hackathon.id, after={"judges": [u.id for u in reminded]},
                     now=now)
    return reminded


def send_judging_reminders(now: datetime | None = None) -> int:
    """The hourly job (`send-reminders`): build the assignments where judging has begun and
    remind the judges who are behind; returns the number of e-mails queued."""
    now = now or now_utc()
    hackathons = db.session.scalars(
        select(Hackathon).where(Hackathon.effective_phase_is(Phase.JUDGING, now))
        .order_by(Hackathon.id)).all()
    queued = 0
    for hackathon in hackathons:
        result = ensure_assignments(hackathon, now=now)
        if result:
            queued += len({review.judge_id for review in result.created})
        queued += len(send_judge_reminders(hackathon, now=now))
    return queued


def reminded_today(hackathon: Hackathon, now: datetime) -> set[int]:
    """Ids of the judges already reminded today (Latvian date)."""
    prefix = f"judging-reminder:{hackathon.id}:"
    suffix = f":{today_riga(now).isoformat()}"
    kinds = db.session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.kind.like(prefix + "%" + suffix))).all()
    return {int(k[len(prefix):-len(suffix)]) for k in kinds
            if k[len(prefix):-len(suffix)].isdigit()}


# --- winners and results ----------------------------------------------------------------------

def departs_from_ranking(chosen: set[int], ranked: list[scoring.RankedIdea]) -> bool:
    """True when the choice is not the top of the ranking: a chosen idea is unranked, or an
    idea left out is ranked strictly better than one chosen (ties may go either way)."""
    rank_of = {r.idea_id: r.rank for r in ranked}
    chosen_ranks = [rank_of.get(i) for i in chosen]
    if any(r is None for r in chosen_ranks):
        return True
    worst = max((r for r in chosen_ranks if r is not None), default=0)
    return any(r.rank is not None and r.rank < worst and r.idea_id not in chosen
               for r in ranked)


def _clean_idea_ids(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(errors={"idea_ids": [_l("Choose at least one winning idea.")]})
    ids = []
    for item in value:
        key = _key(item)
        if key is None:
            raise Invalid(errors={"idea_ids": [_l("Idea ids are whole numbers.")]})
        if key not in ids:
            ids.append(key)
    return ids


def publish_results(hackathon: Hackathon, data: dict, *, actor,
                    now: datetime | None = None) -> WinnerDecision:
    """Record and publish the winners: chosen ideas become winners, the other submitted ones
    not selected; every team is e-mailed its own scores and comments; all is then frozen.

    Choosing other than the top of the ranking needs a justification, which is published.
    """
    from app.judging.queries import final_ranking

    now = now or now_utc()
    _check_manager(hackathon, actor)
    if results_published(hackathon.id):
        raise WrongState(_l("The results of this hackathon are already published."))
    phase = hackathon.phase_at(now)
    if phase != Phase.RESULTS:
        raise WrongState(_l("Winners are chosen in the phase “Results”; the hackathon is now "
                            "in “%(phase)s”.", phase=phase.label))
    ids = _clean_idea_ids(data.get("idea_ids"))
    justification = _text(data.get("justification"))
    if justification is None:
        raise Invalid(errors={"justification": [_l("The justification is text.")]})
    if len(justification) > JUSTIFICATION_MAX:
        raise Invalid(errors={"justification": [_l("Use at most %(n)d characters (now %(m)d).",
                                                   n=JUSTIFICATION_MAX,
                                                   m=len(justification))]})
    ideas = {i.id: i for i in db.session.scalars(
        select(Idea).where(Idea.hackathon_id == hackathon.id,
                           Idea.status.in_([IdeaStatus.SUBMITTED, IdeaStatus.WITHDRAWN,
                                            IdeaStatus.INELIGIBLE])))}
    problems = []
    for idea_id in ids:
        idea = ideas.get(idea_id)
        if idea is None:
            problems.append(_l("Idea %(id)d is not a submitted idea of this hackathon.",
                               id=idea_id))
        elif idea.status != IdeaStatus.SUBMITTED:
            problems.append(_l("“%(title)s” is %(status)s and cannot win.",
                               title=idea.display_title, status=idea.status.label))
    if problems:
        raise Invalid(errors={"idea_ids": problems})

    exclude_tied_reviews(hackathon, actor=actor, now=now)
    ranking = final_ranking(hackathon)
    departs = departs_from_ranking(set(ids), ranking.ranked)
    if departs and not justification:
        raise Invalid(errors={"justification": [_l(
            "The chosen ideas are not the top of the ranking. Explain why: the justification "
            "is published with the results.")]})
    rank_of = {r.idea_id: (r.rank or 10**9) for r in ranking.ranked}
    ids.sort(key=lambda i: (rank_of.get(i, 10**9), i))
    decision = WinnerDecision(
        hackathon_id=hackathon.id, idea_ids=ids, justification=justification,
        departs_from_ranking=departs, ranking=ranking.snapshot(),
        ranking_order=ranking.order_by, decided_by_id=actor.id, decided_at=now,
        published_at=now)
    db.session.add(decision)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # published in another tab a moment ago
        raise WrongState(_l("The results of this hackathon are already published.")) from None
    record_audit("results.publish", actor=actor, object_type="hackathon",
                 object_id=hackathon.id, before=None,
                 after={"winners": ids, "justification": justification,
                        "departs_from_ranking": departs}, now=now)
    from app.ideas.operations import record_decision

    chosen = set(ids)
    for idea in sorted((i for i in ideas.values() if i.status == IdeaStatus.SUBMITTED),
                       key=lambda i: i.id):
        record_decision(idea, IdeaStatus.WINNER if idea.id in chosen else
                        IdeaStatus.NOT_SELECTED, actor=actor, now=now)
    _mail_results(hackathon, ranking, chosen)
    return decision


def _mail_results(hackathon: Hackathon, ranking, chosen: set[int]) -> None:
    """Each team gets its own scores per criterion and the comments, without judges' names."""
    from app.judging.queries import team_feedback

    url = url_for("judging.results", slug=hackathon.slug, _external=True)
    for feedback in team_feedback(hackathon, ranking):
        for member in feedback.idea.team.members:
            user = member.user
            queue_mail(user.email, "judging_results", locale=user.locale,
                       kind=f"judging-results:{feedback.idea.id}:{user.id}", user=user,
                       hackathon=hackathon, feedback=feedback,
                       won=feedback.idea.id in chosen, url=url)


# --- the public vote --------------------------------------------------------------------------

@dataclass
class VoteWindow:
    opens_at: datetime | None
    closes_at: datetime | None


def vote_window(hackathon: Hackathon) -> VoteWindow:
    """The public vote runs while judging runs: from the submission deadline (when the ideas
    are final) until judging closes, or until the results phase if that comes first."""
    return VoteWindow(hackathon.submission_closes_at, hackathon.judging_closes_at)


def voting_open(hackathon: Hackathon, now: datetime | None = None) -> bool:
    now = now or now_utc()
    if not hackathon.public_voting or hackathon.phase_at(now) != Phase.JUDGING:
        return False
    closes = hackathon.judging_closes_at
    return closes is None or now < closes


def cast_vote(hackathon: Hackathon, idea_id: Any, *, actor,
              now: datetime | None = None) -> PublicVote:
    """One vote per signed-in, confirmed user per hackathon; a second vote changes the first."""
    now = now or now_utc()
    if not hackathon.public_voting:
        raise WrongState(_l("This hackathon has no public vote."))
    if not getattr(actor, "is_confirmed", False):
        raise NotAllowed(_l("Confirm your e-mail address first: the link is in the e-mail we "
                            "sent when you registered."))
    if not voting_open(hackathon, now):
        raise WrongState(_l("The public vote is not open now."))
    key = _key(idea_id)
    idea = db.session.get(Idea, key) if key else None
    if idea is None or idea.hackathon_id != hackathon.id or idea.status != IdeaStatus.SUBMITTED:
        raise Invalid(errors={"idea_id": [_l("Choose one of the ideas in the vote.")]})
    vote = db.session.scalar(select(PublicVote).where(PublicVote.hackathon_id == hackathon.id,
                                                      PublicVote.user_id == actor.id))
    if vote is None:
        vote = PublicVote(hackathon_id=hackathon.id, user_id=actor.id, idea_id=idea.id,
                          cast_at=now, changed_at=now)
        db.session.add(vote)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # a second tab voted first: change that vote instead
            vote = db.session.scalars(select(PublicVote).where(
                PublicVote.hackathon_id == hackathon.id, PublicVote.user_id == actor.id)).one()
            vote.idea_id, vote.changed_at = idea.id, now
    elif vote.idea_id != idea.id:
        vote.idea_id, vote.changed_at = idea.id, now
    db.session.flush()
    return vote


def withdraw_vote(hackathon: Hackathon, *, actor, now: datetime | None = None) -> None:
    """Take one's vote back while the vote is open."""
    now = now or now_utc()
    if not voting_open(hackathon, now):
        raise WrongState(_l("The public vote is not open now."))
    db.session.execute(delete(PublicVote).where(PublicVote.hackathon_id == hackathon.id,
                                                PublicVote.user_id == actor.id))
    db.session.flush()


def vote_counts(hackathon: Hackathon) -> dict[int, int]:
    """Votes per idea (one query). Callers show them only once results are published."""
    return dict(db.session.execute(
        select(PublicVote.idea_id, func.count(PublicVote.id))
        .where(PublicVote.hackathon_id == hackathon.id).group_by(PublicVote.idea_id)).tuples()
        .all())


# --- nothing lost: a scoring form posted after the session ended ------------------------------

KEEP_DAYS = 7


def keep_review_text(review: Review, data: dict, *, now: datetime | None = None) -> None:
    """Keep what was posted to a review while signed out, for this browser only: offered
    back after sign-in if, and only if, the signed-in user is the review's judge."""
    from app.judging.models import KeptReview

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
    from app.judging.models import KeptReview

    found = offered(select(KeptReview).where(KeptReview.review_id == review.id),
                    allowed=lambda _row: review.is_judge(user), now=now)
    return found[0] if found else None


def use_kept_review(review: Review, user) -> None:
    """The judge saved the review: what this browser kept for it is never offered again."""
    from app.judging.models import KeptReview

    for row in offered(select(KeptReview).where(KeptReview.review_id == review.id),
                       allowed=lambda _row: review.is_judge(user)):
        discard(row)
