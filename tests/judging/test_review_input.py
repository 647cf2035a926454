"""A judge's posted scores and comments, read by the one schema both doors use."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import Invalid
from app.judging.review_input import parse_score, read_review_input

CRITERIA = [SimpleNamespace(id=1, name="Ietekme", weight=Decimal("1"), max_score=10),
            SimpleNamespace(id=2, name="Īstenojamība", weight=Decimal("1"), max_score=5)]


def _review(kept: dict[int, Decimal] | None = None, comment: str = "") -> SimpleNamespace:
    kept = kept or {}
    return SimpleNamespace(
        comment=comment,
        score_for=lambda cid: SimpleNamespace(score=kept[cid]) if cid in kept else None)


def _errors(data, *, submit=False, review=None):
    with pytest.raises(Invalid) as refused:
        read_review_input(review or _review(), data, submit=submit, criteria=CRITERIA)
    return refused.value


def test_a_draft_keeps_the_scores_it_does_not_send_and_reads_a_decimal_comma(app):
    with app.test_request_context("/en/"):
        read = read_review_input(_review({2: Decimal("4")}, comment="Agrāk"),
                                 {"scores": {"1": "7,5"}, "comments": {"1": " Labi \r\n"}},
                                 submit=False, criteria=CRITERIA)
    assert read.scores == {1: Decimal("7.5"), 2: Decimal("4")}
    assert read.comments == {1: "Labi"}
    assert read.comment == "Agrāk"  # not sent: the review's own stays


def test_every_problem_is_listed_under_its_criterion(app):
    with app.test_request_context("/en/"):
        problem = _errors({"scores": {"1": "11", "2": "seven", "9": 1},
                           "comments": {"x": "?"}, "comment": 5})
        errors = {key: [str(m) for m in messages] for key, messages in problem.errors.items()}
    assert errors == {
        "scores.1": ["The maximum for this criterion is 10."],
        "scores.2": ["Enter a number from 0 to 5, e.g. 7 or 7.5."],
        "scores.9": ["This is not a criterion of the hackathon."],
        "comments.x": ["This is not a criterion of the hackathon."],
        "comment": ["A comment is text."],
    }


def test_submitting_needs_every_score_and_names_the_criteria_to_check(app):
    with app.test_request_context("/en/"):
        problem = _errors({"scores": {"1": 8}}, submit=True)
        assert [str(m) for m in problem.errors["scores.2"]] == [
            "Give a score from 0 to 5 before submitting."]
        assert "Īstenojamība" in str(problem.detail) and "Ietekme" not in str(problem.detail)


def test_scores_and_comments_must_be_objects(app):
    with app.test_request_context("/en/"):
        problem = _errors({"scores": [7, 8]})
        assert [str(m) for m in problem.errors["scores"]] == [
            "Send the scores as an object {criterion_id: number}."]


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False))
def test_a_score_reads_the_same_with_a_comma_or_a_point(number):
    text = f"{number:.2f}"
    assert parse_score(text) == parse_score(text.replace(".", ",")) == (Decimal(text), True)
