"""Judging: the jury, assignments, reviews, conflicts, the ranking, winners and the public vote.

Thin adapters over the judging operations (assigning, reviewing, exclusion, deciding, voting),
the same ones the pages call.
"""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.api.schemas import PageArgs, page_body, page_schema
from app.core import access, web
from app.core.errors import WrongState
from app.core.pagination import Page
from app.core.schema import dumps
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import assigning, deciding, exclusion, queries, reviewing, voting
from app.judging.messages import shortfall_text
from app.judging.models import (
    COMMENT_MAX,
    JUSTIFICATION_MAX,
    REASON_MAX,
    JuryMember,
    Review,
    WinnerDecision,
    results_published,
)
from app.public.cache import public_page

blp = Blueprint("api_judging", __name__, description="Jury, reviews, ranking and winners")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
TEXT_LIMIT = 50_000  # the operations give the precise limits; this only stops giant bodies


# --- schemas ----------------------------------------------------------------------------------

class JudgeAddSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=1000))
    conflict_reason = fields.String(load_default="", validate=validate.Length(
        max=REASON_MAX + 1000), metadata={"description": (
            "Required when the user is tied to an idea of the hackathon (on its team now or "
            "before, an inviter or invitee, an author): why she judges anyway (422 without). "
            "She is never assigned those ideas.")})


class JudgeSchema(Schema):
    id = fields.Integer(metadata={"description": "The jury membership"})
    user_id = fields.Integer()
    name = fields.String(attribute="user.name")
    email = fields.String(attribute="user.email")
    municipality_id = fields.Integer(attribute="user.municipality_id", allow_none=True)
    added_at = fields.DateTime()
    conflict_reason = fields.String(metadata={
        "description": "Why a judge tied to an idea of the hackathon was added anyway"})


class ShortfallSchema(Schema):
    idea_id = fields.Integer()
    idea_title = fields.String()
    missing = fields.Integer(metadata={"description": "How many more judges the idea needs"})
    reason = fields.String(metadata={"enum": ["no_judges", "too_few_eligible_judges"]})
    jury_size = fields.Integer()
    reviewing = fields.Integer(metadata={"description": "Judges who review it after this building"})
    same_municipality = fields.Integer()
    declared_conflict = fields.Integer()
    municipalities = fields.List(fields.String(), metadata={
        "description": "The judges' municipalities that are the idea's own"})
    message = fields.String(metadata={"description": "The shortfall in words"})


class AssignmentsSchema(Schema):
    created = fields.Integer(metadata={"description": "Reviews added by this building"})
    shortfalls = fields.List(fields.Nested(ShortfallSchema))


class RankedSchema(Schema):
    idea_id = fields.Integer()
    title = fields.String()
    rank = fields.Integer(allow_none=True, metadata={"description": "None: no submitted review"})
    score = fields.Float(allow_none=True)
    normalized_score = fields.Float(allow_none=True)
    reviews = fields.Integer(metadata={"description": "Submitted reviews that count"})
    median = fields.Float(allow_none=True)
    stdev = fields.Float(allow_none=True)
    flags = fields.List(fields.String(), metadata={"description": (
        "incomplete_reviews, high_disagreement, conflict_declared, judge_not_normalised, "
        "conflict_after_submission (a review left out: its judge became tied to the idea "
        "after submitting it)")})
    round = fields.Integer(metadata={"description": "2: a finalist, ranked by the final round"})


class WinnersArgs(Schema):
    idea_ids = fields.List(fields.Raw(), required=True, validate=validate.Length(max=1000))
    justification = fields.String(load_default="",
                                  validate=validate.Length(max=JUSTIFICATION_MAX + 1000))


class DecisionSchema(Schema):
    hackathon_id = fields.Integer()
    idea_ids = fields.List(fields.Integer())
    justification = fields.String()
    departs_from_ranking = fields.Boolean()
    ranking_order = fields.String()
    published_at = fields.DateTime()


class CorrectionArgs(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=REASON_MAX + 1000),
                           metadata={"description": "What was wrong and why it is corrected "
                                                    "(required; published)"})
    exclude_review_ids = fields.List(fields.Raw(), load_default=list,
                                     validate=validate.Length(max=1000), metadata={
                                         "description": "Submitted reviews that no longer "
                                                        "count; the ranking is computed again"})
    idea_ids = fields.List(fields.Raw(), load_default=None, allow_none=True,
                           validate=validate.Length(max=1000), metadata={
                               "description": "The winners after the correction; absent: "
                                              "unchanged"})
    justification = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=JUSTIFICATION_MAX + 1000),
                                  metadata={"description": "Absent: unchanged; required when "
                                                           "the winners are not the top of the "
                                                           "corrected ranking"})


class CorrectionChangesSchema(Schema):
    excluded_reviews = fields.List(fields.Dict(), metadata={
        "description": "[{review_id, idea_id}] no longer counted"})
    winners_added = fields.List(fields.Integer())
    winners_removed = fields.List(fields.Integer())
    justification_changed = fields.Boolean()


class PublishedResultsSchema(Schema):
    """Published results as they stood at one moment (the original ones, or before a
    correction)."""

    idea_ids = fields.List(fields.Integer(), metadata={"description": "The winners"})
    ranking = fields.List(fields.Nested(RankedSchema))
    justification = fields.String()
    departs_from_ranking = fields.Boolean()
    ranking_order = fields.String()


class CorrectionSchema(Schema):
    """A documented correction of published results (an erratum)."""

    number = fields.Integer(metadata={"description": "1 for the first correction, then 2 …"})
    corrected_at = fields.DateTime()
    reason = fields.String(metadata={"description": "What was wrong and why"})
    changes = fields.Nested(CorrectionChangesSchema)
    before = fields.Nested(PublishedResultsSchema, metadata={
        "description": "The results just before this correction"})


class ResultsSchema(DecisionSchema):
    """A hackathon's published results: the current (corrected) winners and ranking, each
    correction, and the results as originally published."""

    ranking = fields.List(fields.Nested(RankedSchema))
    corrected = fields.Boolean(attribute="is_corrected")
    corrections = fields.List(fields.Nested(CorrectionSchema))
    original = fields.Nested(PublishedResultsSchema, metadata={
        "description": "The results as first published (the same as now if never corrected)"})


class MyReviewSchema(Schema):
    id = fields.Integer()
    idea_id = fields.Integer()
    hackathon_id = fields.Integer()
    status = fields.Function(lambda r: r.status.value,
                             metadata={"enum": ["pending", "submitted", "conflict", "excluded"]})
    idea_title = fields.Function(lambda r: r.idea.text_for(current_user).title, metadata={
        "description": "In a blind review, the coordinator's redacted title if there is one"})
    version = fields.Integer()
    round = fields.Integer(metadata={"description": "1: the jury round; 2: the final round"})


class CriterionRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    weight = fields.Decimal(as_string=True, metadata={"type": "string", "example": "1.00"})
    max_score = fields.Integer()
    round = fields.Integer(metadata={"description": "1: the jury round's; 2: a final round's own"})


@dumps(Review)
class ReviewSchema(Schema):
    """A review as its judge and the hackathon's coordinators read it."""

    id = fields.Integer()
    idea_id = fields.Integer()
    hackathon_id = fields.Integer()
    status = fields.Function(lambda r: r.status.value, metadata={
        "enum": ["pending", "submitted", "conflict", "excluded"]})
    version = fields.Integer()
    scores = fields.Method("_scores", metadata={
        "type": "object", "description": "{criterion_id: score or null}"})
    comments = fields.Method("_comments", metadata={"type": "object"})
    comment = fields.String()
    score = fields.Float(allow_none=True, metadata={"description": "0–100, once submitted"})
    submitted_at = fields.DateTime(allow_none=True)
    round = fields.Integer(metadata={"description": "1: the jury round; 2: the final round"})
    criteria = fields.List(fields.Nested(CriterionRefSchema), metadata={
        "description": "The criteria this review is scored on: its round's (a final round "
                       "may have its own)"})
    excluded_at = fields.DateTime(allow_none=True, metadata={
        "description": "When a coordinator excluded it from the ranking"})
    exclusion_reason = fields.String(metadata={"description": "Why it was excluded"})
    conflict_since_submitted = fields.Method("_tie", metadata={
        "type": "array", "items": {"type": "string"}, "description": (
            "Set when the judge has become tied to the idea since submitting (reasons: "
            "same_municipality, team_member, invitation, author): until the results are "
            "published the review no longer counts in the ranking; empty otherwise")})

    def _tie(self, review: Review) -> list[str]:
        if not review.is_submitted:
            return []
        tie = queries.tied_reviews(review.hackathon).get(review.id)
        return list(tie.reasons) if tie else []

    def _scores(self, review: Review) -> dict[str, float | None]:
        return {str(c.id): float(row.score) if (row := review.score_for(c.id))
                and row.score is not None else None for c in review.criteria}

    def _comments(self, review: Review) -> dict[str, str]:
        return {str(c.id): row.comment if (row := review.score_for(c.id)) else ""
                for c in review.criteria}


class ExcludeArgs(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=REASON_MAX + 1000),
                           metadata={"description": "Why the review is excluded (required; "
                                                    "kept on record)"})


class ReviewUpdateSchema(Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.Length(max=20)),
                         values=fields.Raw(allow_none=True), load_default=dict,
                         validate=validate.Length(max=200))
    comments = fields.Dict(keys=fields.String(validate=validate.Length(max=20)),
                           values=fields.Raw(allow_none=True), load_default=dict,
                           validate=validate.Length(max=200))
    comment = fields.String(validate=validate.Length(max=COMMENT_MAX + 1000))
    submit = fields.Boolean(load_default=False)
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31),
                             metadata={"description": "The version you read; stale → 409"})


class ConflictArgs(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=REASON_MAX + 1000))


class ConflictResultSchema(Schema):
    review = fields.Nested(ReviewSchema)
    reassigned = fields.Integer(metadata={"description": "Reviews given to other judges"})
    shortfalls = fields.List(fields.Nested(ShortfallSchema))


class ReopenArgs(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=REASON_MAX + 1000))


class WinnerSchema(Schema):
    idea_id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    municipality = fields.String()
    hackathon_id = fields.Integer()
    hackathon_slug = fields.String()
    hackathon_title = fields.String()
    rank = fields.Integer(allow_none=True)
    score = fields.Float(allow_none=True)
    normalized_score = fields.Float(allow_none=True)
    published_at = fields.DateTime()


WinnerPageSchema = page_schema(WinnerSchema, "WinnerPage")


class VoteArgs(Schema):
    idea_id = fields.Integer(required=True, strict=True)


class VoteSchema(Schema):
    hackathon_id = fields.Integer()
    idea_id = fields.Integer()
    changed_at = fields.DateTime()


class VoteCountSchema(Schema):
    idea_id = fields.Integer()
    votes = fields.Integer()


# --- helpers ----------------------------------------------------------------------------------

def _hackathon(hackathon_id: int) -> Hackathon:
    hackathon = db.session.get(Hackathon, hackathon_id)
    access.require(hackathon is not None and hackathon.is_visible_to(current_user), hide=True)
    assert hackathon is not None
    return hackathon


def _managed(hackathon_id: int) -> Hackathon:
    hackathon = _hackathon(hackathon_id)
    access.require(hackathon.can_manage(current_user))
    return hackathon


def _shortfalls(items: list[dict]) -> list[dict]:
    return [item | {"message": shortfall_text(item)} for item in items]


def _own_review(review_id: int) -> Review:
    """The caller's own review; anyone else's is 404."""
    review = queries.load_review(review_id)
    access.require(review is not None and review.is_judge(current_user), hide=True)
    assert review is not None
    return review


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
@blp.arguments(JudgeAddSchema)
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


class FinalRoundArgs(Schema):
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**6))
    note = fields.String(load_default="", validate=validate.Length(max=REASON_MAX + 1000))
    criteria = fields.Raw(load_default="same", metadata={
        "type": "string", "enum": ["same", "own"], "default": "same",
        "description": "same: scored on the jury round's criteria, scoring opens at once; "
                       "own: add the final round's criteria (POST …/criteria with round 2), "
                       "then open its scoring (POST …/final-round/open)"})


class FinalRoundSchema(Schema):
    hackathon_id = fields.Integer()
    size = fields.Integer()
    idea_ids = fields.List(fields.Integer(), metadata={"description": "The finalists"})
    note = fields.String()
    criteria = fields.Function(lambda f: "own" if f.own_criteria else "same",
                               metadata={"enum": ["same", "own"]})
    scoring_opened_at = fields.DateTime(allow_none=True, metadata={
        "description": "When the finalists went to the judges; null: own criteria still "
                       "being set"})
    created_at = fields.DateTime()


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
@blp.arguments(FinalRoundArgs)
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
@blp.arguments(WinnersArgs)
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
@blp.arguments(CorrectionArgs)
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
    from app.teams.models import Team

    base = (select(Idea, WinnerDecision)
            .join(WinnerDecision, WinnerDecision.hackathon_id == Idea.hackathon_id)
            .where(Idea.status == IdeaStatus.WINNER, WinnerDecision.published_at.is_not(None)))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(
        base.options(joinedload(Idea.hackathon), joinedload(Idea.team)
                     .joinedload(Team.municipality))
        .order_by(WinnerDecision.published_at.desc(), Idea.id)
        .limit(per_page).offset((page - 1) * per_page)).unique().all()
    items = []
    for idea, decision in rows:
        ranked = next((r for r in decision.ranking if r.get("idea_id") == idea.id), {})
        items.append({"idea_id": idea.id, "title": idea.title, "summary": idea.summary,
                      "municipality": idea.team.municipality.name,
                      "hackathon_id": idea.hackathon_id, "hackathon_slug": idea.hackathon.slug,
                      "hackathon_title": idea.hackathon.title, "rank": ranked.get("rank"),
                      "score": ranked.get("score"),
                      "normalized_score": ranked.get("normalized_score"),
                      "published_at": decision.published_at})
    return page_body(Page(items, page, per_page, total or 0))


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
    review = queries.load_review(review_id)
    access.require(review is not None and review.can_read(current_user), hide=True)
    assert review is not None
    return review


@blp.route("/reviews/<id:review_id>", methods=["PUT"])
@blp.arguments(ReviewUpdateSchema)
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
@blp.arguments(ConflictArgs)
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
@blp.arguments(ReopenArgs)
@blp.response(200, ReviewSchema)
@blp.doc(security=SECURITY)
@access.coordinator_only
def reopen_review(data, review_id: int):
    """A coordinator reopens a submitted review so that its judge can change it."""
    review = queries.load_review(review_id)
    access.require(review is not None and review.can_read(current_user), hide=True)
    assert review is not None
    reviewing.reopen_review(review, actor=current_user, reason=data["reason"])
    return review


@blp.route("/reviews/<id:review_id>/exclude", methods=["POST"])
@blp.arguments(ExcludeArgs)
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
@blp.arguments(VoteArgs)
@blp.response(200, VoteSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def cast_vote(data, hackathon_id: int):
    """Vote for one idea (confirmed e-mail needed); voting again changes the vote."""
    hackathon = _hackathon(hackathon_id)
    vote = voting.cast_vote(hackathon, data["idea_id"], actor=current_user)
    return vote


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

