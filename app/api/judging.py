"""Judging: the jury, assignments, reviews, conflicts, the ranking, winners and the public vote.

Thin adapters over the judging operations (assigning, reviewing, exclusion, deciding, voting),
the same ones the pages call.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.api.schemas import PageArgs, json_body, page_body, page_schema
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import Hackathon
from app.judging import assigning, deciding, exclusion, queries, reviewing, voting
from app.judging.messages import shortfall_text
from app.judging.models import JuryMember
from app.judging.models_results import results_published
from app.judging.models_reviews import Review
from app.judging.schemas import (
    AssignmentsSchema,
    ConflictArgs,
    ConflictResultSchema,
    CorrectionArgs,
    CorrectionSchema,
    DecisionSchema,
    ExcludeArgs,
    FinalRoundArgs,
    FinalRoundSchema,
    JudgeAddSchema,
    JudgeSchema,
    MyReviewSchema,
    RankedSchema,
    ReopenArgs,
    ResultsSchema,
    ReviewSchema,
    ReviewUpdateSchema,
    VoteArgs,
    VoteCountSchema,
    VoteSchema,
    WinnersArgs,
    WinnerSchema,
)
from app.public.cache import public_page
from app.public.queries.winners import published_winners_page

blp = Blueprint("api_judging", __name__, description="Jury, reviews, ranking and winners")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


WinnerPageSchema = page_schema(WinnerSchema, "WinnerPage")


# --- helpers ----------------------------------------------------------------------------------

def _hackathon(hackathon_id: int) -> Hackathon:
    return web.load(Hackathon, hackathon_id, see=Hackathon.is_visible_to)


def _managed(hackathon_id: int) -> Hackathon:
    return web.load(Hackathon, hackathon_id, see=Hackathon.is_visible_to,
                    may=Hackathon.can_manage)


def _shortfalls(items: list[dict]) -> list[dict]:
    return [item | {"message": shortfall_text(item)} for item in items]


def _own_review(review_id: int) -> Review:
    """The caller's own review; anyone else's is 404."""
    return web.load(queries.select_review(), review_id, see=Review.is_judge)


# --- the jury and assignments -----------------------------------------------------------------

@blp.route("/hackathons/<id:hackathon_id>/jury", methods=["GET"])
@blp.response(200, JudgeSchema(many=True))
@blp.doc(security=SECURITY)
@access.coordinator_only
def list_jury(hackathon_id: int):
    """The hackathon's judges (its coordinators)."""
    hackathon = _managed(hackathon_id)
    return db.session.scalars(
        select(JuryMember).where(JuryMember.hackathon_id == hackathon.id)
        .options(joinedload(JuryMember.user)).order_by(JuryMember.added_at, JuryMember.id)
    ).all()


@blp.route("/hackathons/<id:hackathon_id>/jury", methods=["POST"])
@json_body(JudgeAddSchema(), load=True)
@blp.response(201, JudgeSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def add_judge(data, hackathon_id: int):
    """Add a registered user, by e-mail, as a judge; they are told by e-mail."""
    hackathon = _managed(hackathon_id)
    return assigning.add_judge(hackathon, data["email"], actor=current_user,
                         conflict_reason=data["conflict_reason"])


@blp.route("/hackathons/<id:hackathon_id>/jury/<id:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.coordinator_only
def remove_judge(hackathon_id: int, user_id: int):
    """Remove a judge before judging starts (409 after)."""
    hackathon = _managed(hackathon_id)
    member = db.session.scalar(select(JuryMember).where(
        JuryMember.hackathon_id == hackathon.id, JuryMember.user_id == user_id))
    if member is None:
        abort(404)
    assigning.remove_judge(member, actor=current_user)


@blp.route("/hackathons/<id:hackathon_id>/assignments", methods=["POST"])
@blp.response(200, AssignmentsSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def build_assignments(hackathon_id: int):
    """Build the review assignments, adding only what is missing; say exactly what cannot be met."""
    hackathon = _managed(hackathon_id)
    result = assigning.build_assignments(hackathon, actor=current_user)
    return {"created": len(result.created), "shortfalls": _shortfalls(result.shortfalls)}


# --- ranking and winners ----------------------------------------------------------------------

@blp.route("/hackathons/<id:hackathon_id>/ranking", methods=["GET"])
@public_page
@blp.response(200, RankedSchema(many=True))
@access.public
def ranking(hackathon_id: int):
    """The ranking, best first: for coordinators always, for anyone once results are published."""
    hackathon = _hackathon(hackathon_id)
    decision = queries.published_decision(hackathon)
    if decision is not None:
        return decision.ranking
    if not current_user.is_authenticated:
        access.refuse(401, reason="not_signed_in")
    access.require(hackathon.can_manage(current_user))
    result = queries.final_ranking(hackathon)
    return [queries.ranked_body(row.ranked) | {"title": row.idea.title, "round": row.round}
            for row in result.rows]


@blp.route("/hackathons/<id:hackathon_id>/final-round", methods=["GET"])
@blp.response(200, FinalRoundSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def get_final_round(hackathon_id: int):
    """The hackathon's final round (its coordinators); 404 when it has none."""
    final = queries.final_round_of(_managed(hackathon_id))
    if final is None:
        abort(404)
    return final


@blp.route("/hackathons/<id:hackathon_id>/final-round", methods=["POST"])
@json_body(FinalRoundArgs(), load=True)
@blp.response(201, FinalRoundSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def start_final_round(data, hackathon_id: int):
    """Shortlist the top N for a final round on the same criteria or its own (phase judging;
    once)."""
    hackathon = _managed(hackathon_id)
    final = deciding.start_final_round(hackathon, data["size"], actor=current_user,
                                  note=data["note"], criteria=data["criteria"])
    return final


@blp.route("/hackathons/<id:hackathon_id>/final-round/open", methods=["POST"])
@blp.response(200, FinalRoundSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def open_final_scoring(hackathon_id: int):
    """Open the scoring of a final round on its own criteria: the finalists go to the judges,
    who are told, and the final round's criteria are frozen (409 if already open)."""
    hackathon = _managed(hackathon_id)
    final = deciding.open_final_scoring(hackathon, actor=current_user)
    return final


@blp.route("/hackathons/<id:hackathon_id>/winners", methods=["POST"])
@json_body(WinnersArgs(), load=True)
@blp.response(201, DecisionSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def publish_winners(data, hackathon_id: int):
    """Record and publish the winners (phase results); a second call answers 409."""
    hackathon = _managed(hackathon_id)
    decision = deciding.publish_results(hackathon, data, actor=current_user)
    return decision


@blp.route("/hackathons/<id:hackathon_id>/winners", methods=["GET"])
@public_page
@blp.response(200, ResultsSchema)
@blp.alt_response(404, description="No such hackathon, or its results are not published")
@access.public
def get_results(hackathon_id: int):
    """The published results: winners, ranking, justification, every correction with its
    reason, and the results as originally published."""
    decision = queries.published_decision(_hackathon(hackathon_id))
    access.require(decision is not None, hide=True)
    return decision


@blp.route("/hackathons/<id:hackathon_id>/winners/corrections", methods=["POST"])
@json_body(CorrectionArgs(), load=True)
@blp.response(201, CorrectionSchema)
@blp.alt_response(403, description="Not a coordinator of the hackathon's region")
@blp.alt_response(409, description="The results are not published")
@blp.alt_response(422, description="No reason, nothing to change, or a review or idea that "
                                   "cannot be part of the correction")
@blp.doc(security=SECURITY)
@access.coordinator_only
def correct_results(data, hackathon_id: int):
    """Publish a correction of the published results (an erratum): the reason is published,
    excluded reviews stop counting, the ranking is computed again and the winners change as
    given; the results as first published stay readable."""
    from app.judging import errata

    hackathon = _managed(hackathon_id)
    return errata.correct_results(hackathon, data, actor=current_user)


@blp.route("/winners", methods=["GET"])
@public_page
@blp.arguments(PageArgs, location="query")
@blp.response(200, WinnerPageSchema)
@access.public
def list_winners(args):
    """All published winners, newest first."""
    return page_body(published_winners_page(args["page"], args["per_page"]))


# --- reviews ----------------------------------------------------------------------------------

@blp.route("/me/reviews", methods=["GET"])
@blp.response(200, MyReviewSchema(many=True))
@blp.doc(security=SECURITY)
@access.signed_in
def my_reviews():
    """The caller's reviews as a judge (of ideas still in the competition)."""
    assigning.ensure_assignments_for_judge(current_user)
    return queries.my_reviews(current_user)


@blp.route("/reviews/<id:review_id>", methods=["GET"])
@blp.response(200, ReviewSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def get_review(review_id: int):
    """A review: for its judge and the hackathon's coordinators (404 for anyone else)."""
    return web.load(queries.select_review(), review_id, see=Review.can_read)


@blp.route("/reviews/<id:review_id>", methods=["PUT"])
@json_body(ReviewUpdateSchema(), load=True)
@blp.response(200, ReviewSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def save_review(data, review_id: int):
    """Save scores and comments (as often as you like); `submit: true` makes the review final.

    Scores are 0 … the criterion's maximum in whole or half points. Submitting
    needs every criterion (all missing ones are listed at once, 422). A stale
    `version` answers 409 with the stored review as `current`.
    """
    review = _own_review(review_id)
    try:
        return web.attempt(lambda: reviewing.save_review(review, data, actor=current_user))
    except reviewing.StaleReview as stale:
        # The savepoint undid this save: the client gets the review as it is stored now.
        stale.current = ReviewSchema().dump(db.session.get(Review, review_id))
        raise


@blp.route("/reviews/<id:review_id>/conflict", methods=["POST"])
@json_body(ConflictArgs(), load=True)
@blp.response(200, ConflictResultSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def declare_conflict(data, review_id: int):
    """Declare a conflict of interest with a reason: kept on record; the idea goes to another
    judge."""
    review = _own_review(review_id)
    result = assigning.declare_conflict(review, data["reason"], actor=current_user)
    return {"review": review, "reassigned": len(result.created),
            "shortfalls": _shortfalls(result.shortfalls)}


@blp.route("/reviews/<id:review_id>/reopen", methods=["POST"])
@json_body(ReopenArgs(), load=True)
@blp.response(200, ReviewSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def reopen_review(data, review_id: int):
    """A coordinator reopens a submitted review so that its judge can change it."""
    review = web.load(queries.select_review(), review_id, see=Review.can_read,
                      may=lambda found, user: found.hackathon.can_manage(user))
    reviewing.reopen_review(review, actor=current_user, reason=data["reason"])
    return review


@blp.route("/reviews/<id:review_id>/exclude", methods=["POST"])
@json_body(ExcludeArgs(), load=True)
@blp.response(200, ReviewSchema)
@blp.alt_response(403, description="Not a coordinator of the hackathon")
@blp.alt_response(404, description="No such review, or not one of your hackathons")
@blp.alt_response(409, description="The results are published, or the review is not "
                                   "submitted")
@blp.alt_response(422, description="No reason given")
@blp.doc(security=SECURITY)
@access.coordinator_only
def exclude_review(data, review_id: int):
    """Exclude a submitted review from the ranking, with a reason that is kept on record;
    another judge is assigned while judging runs. Until the results are published."""
    review = web.load(queries.select_review(), review_id, see=Review.can_read,
                      may=lambda found, user: found.hackathon.can_manage(user))
    return exclusion.exclude_review(review, data, actor=current_user).review


# --- the public vote --------------------------------------------------------------------------

@blp.route("/hackathons/<id:hackathon_id>/vote", methods=["PUT"])
@json_body(VoteArgs(), load=True)
@blp.response(200, VoteSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def cast_vote(data, hackathon_id: int):
    """Vote for one idea (confirmed e-mail needed); voting again changes the vote."""
    hackathon = _hackathon(hackathon_id)
    now = now_utc()
    voting.check_may_vote(hackathon, current_user, now)  # before the body is read
    return voting.cast_vote(hackathon, data["idea_id"], actor=current_user, now=now)


@blp.route("/hackathons/<id:hackathon_id>/votes", methods=["GET"])
@blp.response(200, VoteCountSchema(many=True))
@access.public
def vote_counts(hackathon_id: int):
    """Votes per idea, once the results are published (kept apart from the jury's ranking)."""
    hackathon = _hackathon(hackathon_id)
    if not hackathon.public_voting:
        abort(404)
    if not results_published(hackathon.id):
        raise WrongState(_l("The count of the public vote is hidden until the results."))
    counts = voting.vote_counts(hackathon)
    return [{"idea_id": i, "votes": n} for i, n in sorted(counts.items(),
                                                          key=lambda kv: (-kv[1], kv[0]))]

