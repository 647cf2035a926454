"""The judging API's marshmallow schemas: what it loads (`*Args`, `ReviewUpdateSchema`) and
what it answers (the jury, assignments, reviews, the ranking, decisions and their
corrections, the final round and the public vote). OpenAPI is generated from these."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from app.core.schema import dumps
from app.judging import queries
from app.judging.models_results import JUSTIFICATION_MAX
from app.judging.models_reviews import COMMENT_MAX, REASON_MAX, Review


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


class VoteArgs(Schema):
    idea_id = fields.Integer(required=True, strict=True)


class VoteSchema(Schema):
    hackathon_id = fields.Integer()
    idea_id = fields.Integer()
    changed_at = fields.DateTime()


class VoteCountSchema(Schema):
    idea_id = fields.Integer()
    votes = fields.Integer()


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
