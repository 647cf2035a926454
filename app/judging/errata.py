"""Errata: a documented correction of results already published.

Published results are frozen (nothing in judging changes them afterwards), so an error
found later is corrected here, in the open: the coordinator states what was wrong and why,
rules out reviews (the same exclusion as before publishing, now part of the correction)
and/or changes the winners; the ranking is computed again, the decision holds the corrected
result, and the correction keeps the results as they stood before it. What was first
published therefore stays readable, and every step is on the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging.deciding import departs_from_ranking
from app.judging.exclusion import record_exclusion
from app.judging.guards import clean_text as _text
from app.judging.guards import parse_id as _key
from app.judging.models_results import JUSTIFICATION_MAX, ResultsCorrection, WinnerDecision
from app.judging.models_reviews import REASON_MAX, Review
from app.mail.operations import queue_mail

DECIDED = (IdeaStatus.WINNER, IdeaStatus.NOT_SELECTED)


def _ids(value: Any, field: str) -> list[int]:
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        raise Invalid(errors={field: [_l("Send a list of ids.")]})
    ids: list[int] = []
    for item in value:
        key = _key(item)
        if key is None:
            raise Invalid(errors={field: [_l("Ids are whole numbers.")]})
        if key not in ids:
            ids.append(key)
    return ids


def snapshot(decision: WinnerDecision) -> dict[str, Any]:
    """The published results as they stand: what a correction keeps as `before`."""
    return {"idea_ids": list(decision.idea_ids), "ranking": list(decision.ranking),
            "justification": decision.justification,
            "departs_from_ranking": decision.departs_from_ranking,
            "ranking_order": decision.ranking_order,
            "published_at": decision.published_at.isoformat() if decision.published_at
            else None}


def correct_results(hackathon: Hackathon, data: dict, *, actor,
                    now: datetime | None = None) -> ResultsCorrection:
    """Publish a correction of the hackathon's published results.

    `data`: reason (required: what was wrong and why; published), exclude_review_ids
    (submitted reviews that no longer count), idea_ids (the winners after the correction;
    absent: unchanged), justification (absent: unchanged; required, as when publishing,
    when the winners are not the top of the corrected ranking).
    """
    from app.ideas.operations import correct_decision
    from app.judging.queries import final_ranking

    now = now or now_utc()
    # Locked (PostgreSQL), so that two corrections at once are made one after the other.
    decision = db.session.scalar(
        select(WinnerDecision).where(WinnerDecision.hackathon_id == hackathon.id,
                                     WinnerDecision.published_at.is_not(None))
        .with_for_update().execution_options(populate_existing=True))
    if not hackathon.can_manage(actor):
        raise NotAllowed(_l("Only the hackathon's coordinators can correct its results."))
    if decision is None:
        raise WrongState(_l("The results are not published yet: until they are, change the "
                            "reviews and the choice of winners directly."))
    if not decision.can_correct(actor, now):
        raise WrongState(_l("Results can be corrected in the phases “Results” and "
                            "“Closed”."))

    errors: dict[str, list] = {}
    reason = _text(data.get("reason")) or ""
    if not reason:
        errors["reason"] = [_l("Say what was wrong and why it is corrected: the reason is "
                               "published with the correction.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_l("Use at most %(n)d characters (now %(m)d).", n=REASON_MAX,
                               m=len(reason))]
    exclude_ids = _ids(data.get("exclude_review_ids"), "exclude_review_ids")
    winners = (None if data.get("idea_ids") is None
               else _ids(data.get("idea_ids"), "idea_ids"))
    justification = None
    if data.get("justification") is not None:
        justification = _text(data.get("justification"))
        if justification is None or len(justification) > JUSTIFICATION_MAX:
            errors["justification"] = [_l("Use at most %(n)d characters.",
                                          n=JUSTIFICATION_MAX)]

    reviews = db.session.scalars(select(Review).where(
        Review.hackathon_id == hackathon.id, Review.id.in_(exclude_ids))).all() \
        if exclude_ids else []
    by_id = {r.id: r for r in reviews}
    wrong = [i for i in exclude_ids if i not in by_id or not by_id[i].is_submitted]
    if wrong:
        errors["exclude_review_ids"] = [_l(
            "Only submitted reviews of this hackathon that still count can be excluded "
            "(not: %(ids)s).", ids=", ".join(str(i) for i in wrong))]
    ideas: dict[int, Idea] = {}
    if winners is not None:
        if not winners:
            errors.setdefault("idea_ids", []).append(_l("Choose at least one winning idea."))
        ideas = {i.id: i for i in db.session.scalars(select(Idea).where(
            Idea.hackathon_id == hackathon.id, Idea.status.in_(DECIDED)))}
        unknown = [i for i in winners if i not in ideas]
        if unknown:
            errors.setdefault("idea_ids", []).append(_l(
                "Only ideas judged in this hackathon can win (not: %(ids)s).",
                ids=", ".join(str(i) for i in unknown)))
    if errors:
        raise Invalid(errors=errors)

    before = snapshot(decision)
    chosen = list(winners) if winners is not None else list(decision.idea_ids)
    added = [i for i in chosen if i not in decision.idea_ids]
    removed = [i for i in decision.idea_ids if i not in chosen]
    new_justification = decision.justification if justification is None else justification
    if not (exclude_ids or added or removed or new_justification != decision.justification):
        raise Invalid(_l("Nothing would change: exclude a review, change the winners or the "
                         "justification."))
    for idea_id in removed:
        idea = ideas.get(idea_id) or db.session.get(Idea, idea_id)
        if idea is not None and getattr(idea, "pilot", None) is not None:
            raise WrongState(_l("“%(title)s” is already a pilot, so it cannot stop being a "
                                "winner by a correction.", title=idea.display_title))

    number = len(decision.corrections) + 1
    for review_id in exclude_ids:
        record_exclusion(by_id[review_id], reason, actor=actor, now=now, correction=number)
    db.session.flush()

    ranking = final_ranking(hackathon)
    departs = departs_from_ranking(set(chosen), ranking.ranked)
    if departs and not new_justification:
        raise Invalid(errors={"justification": [_l(
            "The winners are not the top of the corrected ranking. Explain why: the "
            "justification is published with the results.")]})
    rank_of = {r.idea_id: (r.rank or 10**9) for r in ranking.ranked}
    chosen.sort(key=lambda i: (rank_of.get(i, 10**9), i))
    decision.idea_ids = chosen
    decision.ranking = ranking.snapshot()
    decision.ranking_order = ranking.order_by
    decision.justification = new_justification
    decision.departs_from_ranking = departs
    changes = {"excluded_reviews": [{"review_id": i, "idea_id": by_id[i].idea_id}
                                    for i in exclude_ids],
               "winners_added": added, "winners_removed": removed,
               "justification_changed": new_justification != before["justification"]}
    correction = ResultsCorrection(hackathon_id=hackathon.id, decision_id=decision.id,
                                   number=number, reason=reason, changes=changes,
                                   before=before, corrected_by_id=actor.id, corrected_at=now)
    decision.corrections.append(correction)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # corrected in another tab a moment ago
        raise WrongState(_l("The results were just corrected by someone else. Reload the "
                            "page to see the correction.")) from None
    for idea_id in removed:
        idea = ideas.get(idea_id) or db.session.get(Idea, idea_id)
        assert idea is not None  # a winner of this decision: its idea exists
        correct_decision(idea, IdeaStatus.NOT_SELECTED, actor=actor, now=now)
    for idea_id in added:
        correct_decision(ideas[idea_id], IdeaStatus.WINNER, actor=actor, now=now)
    record_audit("results.correct", actor=actor, object_type="hackathon",
                 object_id=hackathon.id,
                 before={"winners": before["idea_ids"],
                         "justification": before["justification"]},
                 after={"number": number, "reason": reason, "winners": chosen,
                        "justification": new_justification, **changes}, now=now)
    _mail_correction(hackathon, correction, ideas)
    return correction


def _mail_correction(hackathon: Hackathon, correction: ResultsCorrection,
                     loaded: dict[int, Idea]) -> None:
    """Each team whose idea the correction touches (it won or stopped winning, or reviews
    of it no longer count) is told, in Latvian, what changed for it and why, with the public
    results. Through the outbox: the e-mail leaves only if the correction is committed."""
    changes = correction.changes
    excluded: dict[int, int] = {}
    for item in changes.get("excluded_reviews") or []:
        excluded[item["idea_id"]] = excluded.get(item["idea_id"], 0) + 1
    added, removed = changes.get("winners_added") or [], changes.get("winners_removed") or []
    with force_locale("lv"):  # the results page in Latvian, as the message is
        url = url_for("judging.results", slug=hackathon.slug, _external=True)
    for idea_id in sorted({*added, *removed, *excluded}):
        idea = loaded.get(idea_id) or db.session.get(Idea, idea_id)
        if idea is None or idea.team is None:
            continue
        for member in sorted(idea.team.members, key=lambda m: m.user_id):
            user = member.user
            queue_mail(user.email, "results_corrected", locale="lv",
                       kind=f"results-correction:{correction.decision_id}:"
                            f"{correction.number}:{idea.id}:{user.id}",
                       user=user, hackathon=hackathon, idea=idea, correction=correction,
                       won=idea_id in added, lost=idea_id in removed,
                       excluded=excluded.get(idea_id, 0), url=url)
