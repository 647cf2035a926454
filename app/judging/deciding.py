"""The decision: the optional final round (its size, criteria and the opening of its
scoring) and the winners, published with the ranking and a justification when they
depart from it; every team is then sent its scores.

Operations validate, flush and never commit: the request pipeline commits at the edge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import FINAL_ROUND, Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import scoring
from app.judging.assigning import assign_final_round, tell_judges_of_new_reviews
from app.judging.exclusion import exclude_tied_reviews
from app.judging.guards import check_manager, check_not_frozen, clean_text, parse_id
from app.judging.models import AssignmentRun
from app.judging.models_results import (
    JUSTIFICATION_MAX,
    FinalRound,
    WinnerDecision,
    results_published,
    round_criteria,
)
from app.judging.models_reviews import REASON_MAX, Review
from app.judging.queries import final_ranking, final_round_of, load_ranking
from app.judging.reports import team_feedback
from app.mail.operations import queue_mail

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
    now = now or now_utc()
    check_manager(hackathon, actor)
    if hackathon.phase_at(now) != Phase.JUDGING:
        raise WrongState(_l("A final round is held while the hackathon is judging."))
    check_not_frozen(hackathon)
    if final_round_of(hackathon) is not None:
        raise WrongState(_l("This hackathon already has a final round."))
    ranked = [row for row in load_ranking(hackathon).rows if row.ranked.rank is not None]
    errors: dict[str, list] = {}
    number = parse_id(size)
    if number is None or not 1 <= number <= max(len(ranked) - 1, 0):
        errors["size"] = [_l(
            "Choose how many ideas go to the final round: from 1 to %(n)d (fewer than the "
            "%(all)d ideas with scores).", n=max(len(ranked) - 1, 0), all=len(ranked))]
    text = clean_text(note)
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
    check_manager(hackathon, actor)
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
    check_not_frozen(hackathon)
    if not hackathon.final_criteria:
        raise WrongState(_l("Add at least one criterion for the final round first."))
    _open_final_scoring(hackathon, final, actor=actor, now=now)
    return final


def _open_final_scoring(hackathon: Hackathon, final: FinalRound, *, actor,
                        now: datetime) -> list[Review]:
    """Assign every finalist to every eligible judge, tell them, and mark the scoring open."""
    final.scoring_opened_at = now
    created = assign_final_round(hackathon, final.idea_ids, now)
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
        tell_judges_of_new_reviews(hackathon, created, run)
    return created


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
        key = parse_id(item)
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
    now = now or now_utc()
    check_manager(hackathon, actor)
    if results_published(hackathon.id):
        raise WrongState(_l("The results of this hackathon are already published."))
    phase = hackathon.phase_at(now)
    if phase != Phase.RESULTS:
        raise WrongState(_l("Winners are chosen in the phase “Results”; the hackathon is now "
                            "in “%(phase)s”.", phase=phase.label))
    ids = _clean_idea_ids(data.get("idea_ids"))
    justification = clean_text(data.get("justification"))
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
    url = url_for("judging.results", slug=hackathon.slug, _external=True)
    for feedback in team_feedback(hackathon, ranking):
        for member in feedback.idea.team.members:
            user = member.user
            queue_mail(user.email, "judging_results", locale=user.locale,
                       kind=f"judging-results:{feedback.idea.id}:{user.id}", user=user,
                       hackathon=hackathon, feedback=feedback,
                       won=feedback.idea.id in chosen, url=url)
