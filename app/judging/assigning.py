"""The jury and who reviews what: adding and removing judges, building the assignments
(the plan comes from the pure assignment.py), the final round's panel, and a judge's
declared conflict of interest, after which the idea goes to another judge.

Operations validate, flush and never commit: the request pipeline commits at the edge.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.operations import find_user_by_email, normalise_email
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, FIRST_ROUND, Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import assignment, conflicts
from app.judging.guards import check_manager, check_not_frozen, clean_text
from app.judging.models import (
    ASSIGNABLE,
    JURY_EDITABLE,
    AssignmentRun,
    ConflictDeclaration,
    JuryMember,
)
from app.judging.models_results import results_published
from app.judging.models_reviews import REASON_MAX, Review, ReviewStatus
from app.judging.queries import conflict_facts, conflicts_of_judges
from app.judging.reviewing import move_review
from app.mail.operations import queue_mail

# --- the jury ---------------------------------------------------------------------------------

def add_judge(hackathon: Hackathon, email: Any, *, actor, now: datetime | None = None,
              notify: bool = True, conflict_reason: Any = None) -> JuryMember:
    """Add a registered user, found by e-mail, to the hackathon's jury; tell them.

    A user tied in person to an idea of the hackathon (on its team now or before, an inviter
    or invitee, an author) is added only with `conflict_reason`, which is kept on record;
    she is never assigned those ideas whatever the reason.
    """
    now = now or now_utc()
    check_manager(hackathon, actor)
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
    reason = clean_text(conflict_reason) or ""
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
    check_manager(hackathon, actor)
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
        check_manager(hackathon, actor)
    phase = hackathon.phase_at(now)
    if phase not in ASSIGNABLE:
        raise WrongState(_l("Reviews are assigned while the hackathon is open or judging; "
                            "it is now in the phase “%(phase)s”.", phase=phase.label))
    check_not_frozen(hackathon)
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
        tell_judges_of_new_reviews(hackathon, created, run)
    return BuildResult(created=created, shortfalls=shortfalls, run=run)


def tell_judges_of_new_reviews(hackathon: Hackathon, created: list[Review],
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
    hackathons = db.session.scalars(_juries_to_assign(), {"user_id": user.id, "now": now}).all()
    for hackathon in hackathons:
        ensure_assignments(hackathon, now=now)


@functools.cache
def _juries_to_assign() -> Any:
    """The hackathons judging now, with no assignment run yet, on whose jury a user sits.
    Asked on every read of a judge's list, and nearly always empty: built once per process
    (building it cost more than running it), the user and the time bound parameters."""
    now: Any = bindparam("now")
    return (select(Hackathon).join(JuryMember, JuryMember.hackathon_id == Hackathon.id)
            .where(JuryMember.user_id == bindparam("user_id"),
                   Hackathon.effective_phase_is(Phase.JUDGING, now),
                   ~exists().where(AssignmentRun.hackathon_id == Hackathon.id,
                                   AssignmentRun.trigger == "judging_started")))


# --- conflicts of interest --------------------------------------------------------------------

def declare_conflict(review: Review, reason: Any, *, actor,
                     now: datetime | None = None) -> BuildResult:
    """The judge declares a conflict of interest: kept on record, the idea goes to another judge."""
    now = now or now_utc()
    if not review.is_judge(actor):
        raise NotAllowed()
    text = clean_text(reason)
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
    check_not_frozen(hackathon)
    db.session.add(ConflictDeclaration(hackathon_id=hackathon.id, review_id=review.id,
                                       idea_id=review.idea_id, judge_id=review.judge_id,
                                       reason=text, declared_at=now))
    move_review(review, ReviewStatus.CONFLICT, actor=actor, now=now, reason=text)
    db.session.flush()
    if review.round != FIRST_ROUND:  # the whole jury scores the finalists: nobody to add
        return BuildResult(created=[], shortfalls=[])
    return build_assignments(hackathon, actor=None, now=now, trigger="conflict")


def assign_final_round(hackathon: Hackathon, finalists: list[int], now: datetime
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
