"""Reading a judge's posted scores and comments: one marshmallow schema for the page's form
and the API's body, built for the criteria of the review's round.

The rules of a score (not negative, not above the criterion's maximum, whole or half
points, every criterion scored before submitting) live in `review_scores.check_scores`;
this schema only reads the input and asks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validates_schema

from app.core.errors import Invalid
from app.core.translation import gettext as _
from app.core.translation import lazy_gettext as _l
from app.hackathons.models import Criterion
from app.judging import review_scores as scoring
from app.judging.guards import clean_text, parse_id
from app.judging.models_reviews import COMMENT_MAX, Review


@dataclass(frozen=True)
class ReviewData:
    """What a save changes: every criterion's score (kept ones merged in), the comments by
    criterion, and the overall comment."""

    scores: dict[int, Decimal | None]
    comments: dict[int, str]
    comment: str


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


def score_message(code: str, criterion: Criterion | None) -> Any:
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


def _too_long(text: str) -> Any:
    return _l("Use at most %(n)d characters (now %(m)d).", n=COMMENT_MAX, m=len(text))


class _ById(fields.Dict):
    """{criterion id: value}; a missing or null object is an empty one."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            # Raised as written: marshmallow's own would format the braces in it.
            raise ValidationError(self.error_messages["invalid"])
        return super()._deserialize(value, attr, data, **kwargs)


def review_input_schema(review: Review, criteria: list[Criterion], *, submit: bool) -> Schema:
    """The schema that reads a save of `review` scored on `criteria` (a draft may leave
    scores blank; `submit` needs them all). Errors are keyed `scores.<criterion id>`,
    `comments.<criterion id>` and `comment`."""
    by_id = {c.id: c for c in criteria}

    # Built for one request, so its type messages are translated now (marshmallow takes a
    # message that is not a str for a list of messages).
    class ReviewInput(Schema):
        class Meta:
            unknown = EXCLUDE

        scores = _ById(load_default=dict, allow_none=True, error_messages={
            "invalid": _("Send the scores as an object {criterion_id: number}.")})
        comments = _ById(load_default=dict, allow_none=True, error_messages={
            "invalid": _("Send the comments as an object {criterion_id: text}.")})
        comment = fields.Raw(allow_none=True)

        read: ReviewData | None = None

        @validates_schema(skip_on_field_errors=True)
        def _read(self, data: dict, **_kwargs: Any) -> None:
            errors: dict[str, list] = {}
            posted: dict[int, Decimal | None] = {}
            for raw_key, raw_value in data["scores"].items():
                key = parse_id(raw_key)
                if key is None or key not in by_id:
                    errors[f"scores.{raw_key}"] = [score_message(scoring.UNKNOWN_CRITERION,
                                                                 None)]
                    continue
                value, ok = parse_score(raw_value)
                if not ok:
                    errors[f"scores.{key}"] = [score_message(scoring.NOT_A_NUMBER, by_id[key])]
                    continue
                posted[key] = value
            # What the review keeps for criteria the request leaves out: a PUT or a form may
            # send only some of them.
            merged = {c.id: (s.score if (s := review.score_for(c.id)) else None)
                      for c in criteria}
            merged.update(posted)
            try:
                scoring.check_scores({k: v for k, v in merged.items() if v is not None},
                                     [scoring.CriterionSpec(c.id, c.weight, c.max_score)
                                      for c in criteria], require_all=submit)
            except scoring.InvalidScores as problem:
                for cid, code in problem.problems.items():
                    criterion = by_id.get(cid) if isinstance(cid, int) else None
                    errors.setdefault(f"scores.{cid}", [score_message(code, criterion)])
            comments: dict[int, str] = {}
            for raw_key, raw_value in data["comments"].items():
                key = parse_id(raw_key)
                text = clean_text(raw_value)
                if key is None or key not in by_id:
                    errors[f"comments.{raw_key}"] = [score_message(scoring.UNKNOWN_CRITERION,
                                                                   None)]
                elif text is None:
                    errors[f"comments.{key}"] = [_l("A comment is text.")]
                elif len(text) > COMMENT_MAX:
                    errors[f"comments.{key}"] = [_too_long(text)]
                else:
                    comments[key] = text
            comment = clean_text(data["comment"]) if "comment" in data else review.comment
            if comment is None:
                errors["comment"] = [_l("A comment is text.")]
            elif len(comment) > COMMENT_MAX:
                errors["comment"] = [_too_long(comment)]
            if errors:
                raise ValidationError(errors)
            self.read = ReviewData(merged, comments, comment or "")

        @post_load
        def _answer(self, _data: dict, **_kwargs: Any) -> ReviewData:
            assert self.read is not None
            return self.read

    return ReviewInput()


def read_review_input(review: Review, data: dict, *, submit: bool,
                      criteria: list[Criterion] | None = None) -> ReviewData:
    """Load a save through the schema; raise Invalid listing every problem (on submit, with
    a summary naming the criteria whose scores are wrong)."""
    criteria = list(criteria if criteria is not None else review.criteria)
    try:
        return review_input_schema(review, criteria, submit=submit).load(data or {})
    except ValidationError as problem:
        errors = problem.normalized_messages()
        named = [c.name for c in criteria if f"scores.{c.id}" in errors]
        detail = (_l("The review was not saved. Check the scores of: %(names)s.",
                     names=", ".join(named)) if submit and named else None)
        raise Invalid(detail, errors=errors) from None
