"""Answering an assessment: a municipality's named respondent keeps a draft and submits it.

Operations flush and never commit; the request pipeline commits at the edge.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.core.audit import record_audit
from app.core.clock import now_utc, today_riga
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.programme.benchmark import Answered, region_medians, theme_scores
from app.programme.models import (
    Answer,
    AssessmentResponse,
    AssessmentRound,
    Instrument,
    RoundKind,
)

EVIDENCE_MAX = 2000


def response_for(round_: AssessmentRound, user: Any, *, today: date | None = None,
                 now: datetime | None = None) -> AssessmentResponse:
    """The user's municipality's response in this round; the first to open it becomes its
    named respondent. Others of the municipality learn who that is."""
    municipality = getattr(user, "municipality", None)
    if municipality is None:
        raise NotAllowed(_l("Add your municipality in your account: each municipality "
                            "answers through one named respondent."))
    found = db.session.scalar(select(AssessmentResponse).where(
        AssessmentResponse.round_id == round_.id,
        AssessmentResponse.municipality_id == municipality.id))
    if found is not None:
        return found
    if not round_.is_open(today or today_riga()):
        raise WrongState(_l("This assessment round is not open."))
    if not user.is_verified_member(municipality.id):
        # The respondent is the municipality's named contact to other municipalities.
        raise NotAllowed(_l("Only staff verified as working for %(municipality)s answer for "
                            "it. Ask the coordinator of your planning region to verify you: "
                            "“My account” → “Verification”.", municipality=municipality.name))
    found = AssessmentResponse(round_id=round_.id, municipality_id=municipality.id,
                     respondent_id=user.id, updated_at=now or now_utc())
    db.session.add(found)
    db.session.flush()
    record_audit("assessment.respondent", actor=user, object_type="assessment_response",
                 object_id=found.id, after={"municipality_id": municipality.id}, now=now)
    return found


def save_answers(response: AssessmentResponse, data: dict, *, submit: bool, actor: Any,
                 today: date | None = None, now: datetime | None = None) -> AssessmentResponse:
    """Store the answers given (a draft keeps whatever is there); submitting needs every
    question answered, and then the response is final."""
    now = now or now_utc()
    if not response.can_answer(actor):
        raise NotAllowed(_l("Only the municipality's named respondent may answer, until the "
                            "answers are submitted."))
    if not response.round.is_open(today or today_riga()):
        raise WrongState(_l("This assessment round is closed; the answers are kept as they "
                            "were."))
    errors: dict[str, list] = {}
    existing = {a.question_id: a for a in response.answers}
    questions = [q for t in response.round.instrument.themes for q in t.questions]
    for question in questions:
        raw = data.get(f"q{question.id}")
        level = None
        if raw not in (None, ""):
            try:
                level = int(raw)
            except (TypeError, ValueError):
                level = 0
            if not 1 <= level <= question.scale_max:
                errors[f"q{question.id}"] = [_l("Choose one of the levels offered.")]
                continue
        evidence = str(data.get(f"e{question.id}") or "").strip()[:EVIDENCE_MAX + 1]
        if len(evidence) > EVIDENCE_MAX:
            errors[f"e{question.id}"] = [_l("Use at most %(n)d characters.", n=EVIDENCE_MAX)]
            continue
        answer = existing.get(question.id)
        if answer is None:
            answer = Answer(question_id=question.id)
            response.answers.append(answer)
        answer.level, answer.evidence = level, evidence
    response.shares_contact = bool(data.get("shares_contact"))
    if submit and not errors:
        missing = [q for q in questions
                   if next((a.level for a in response.answers if a.question_id == q.id),
                           None) is None]
        for question in missing:
            errors[f"q{question.id}"] = [_l("Answer this question before submitting.")]
    if errors:
        raise Invalid(_l("Some answers need attention; your other answers are kept."),
                      errors=errors)
    response.updated_at = now
    if submit:
        response.submitted_at = now
    db.session.flush()
    record_audit("assessment.submit" if submit else "assessment.save", actor=actor,
                 object_type="assessment_response", object_id=response.id, now=now)
    return response


def answered(round_id: int) -> list[Answered]:
    """Every answer of the round's submitted responses, as the comparisons count them."""
    from app.places.models import Municipality
    from app.programme.models import Question, Theme

    rows = db.session.execute(
        select(AssessmentResponse.municipality_id, Municipality.region_code, Question.theme_id,
               Answer.level, Question.levels)
        .join(Answer, Answer.response_id == AssessmentResponse.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Theme, Theme.id == Question.theme_id)
        .join(Municipality, Municipality.id == AssessmentResponse.municipality_id)
        .where(AssessmentResponse.round_id == round_id,
               AssessmentResponse.submitted_at.is_not(None), Answer.level.is_not(None)))
    return [Answered(r.municipality_id, r.region_code, r.theme_id, r.level, len(r.levels))
            for r in rows]


def regions_of_municipalities() -> dict[int, str]:
    from app.places.models import Municipality

    return {m: r for m, r in db.session.execute(
        select(Municipality.id, Municipality.region_code))}


def round_medians(instrument: Instrument) -> tuple[dict, dict]:
    """{(region, theme): median or None} at the baseline and at the final round."""
    theme_ids = [t.id for t in instrument.themes]
    region_of = regions_of_municipalities()
    medians = []
    for kind in (RoundKind.BASELINE, RoundKind.FINAL):
        round_ = next((r for r in instrument.rounds if r.kind == kind), None)
        medians.append(region_medians(region_of, theme_scores(answered(round_.id)), theme_ids)
                       if round_ is not None else {})
    return medians[0], medians[1]


def answered_by_round() -> dict[int, list[Answered]]:
    """Every submitted answer of every round, by round: one query, for the open data."""
    from app.places.models import Municipality
    from app.programme.models import Question

    found: dict[int, list[Answered]] = {}
    rows = db.session.execute(
        select(AssessmentResponse.round_id, AssessmentResponse.municipality_id,
               Municipality.region_code, Question.theme_id, Answer.level, Question.levels)
        .join(Answer, Answer.response_id == AssessmentResponse.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Municipality, Municipality.id == AssessmentResponse.municipality_id)
        .where(AssessmentResponse.submitted_at.is_not(None), Answer.level.is_not(None)))
    for r in rows:
        found.setdefault(r.round_id, []).append(
            Answered(r.municipality_id, r.region_code, r.theme_id, r.level, len(r.levels)))
    return found
