"""Assessment instruments and answers for the tests: stored directly, as a municipality's
respondent would leave them."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import now_utc, today_riga
from app.extensions import db
from app.places.models import Municipality
from app.programme.models import (
    Answer,
    AssessmentResponse,
    AssessmentRound,
    Instrument,
    Question,
    RoundKind,
    Theme,
)

LEVELS = ["Nav", "Daļēji", "Pilnībā"]


def make_instrument(*, name="Labas pārvaldības pašnovērtējums",
                    themes=(("Atklātība", 2), ("Iedzīvotāju līdzdalība", 1)),
                    rounds=(RoundKind.BASELINE, RoundKind.FINAL)) -> Instrument:
    """An instrument with `themes` ((name, number of questions), ...) on a three-level
    scale, and a round of each kind: the baseline closed, the final open today."""
    instrument = Instrument(name=name)
    for position, (theme_name, count) in enumerate(themes, start=1):
        theme = Theme(name=theme_name, position=position)
        theme.questions = [Question(text=f"{theme_name}: jautājums {n}?", position=n,
                                    levels=list(LEVELS), asks_evidence=n == 1)
                           for n in range(1, count + 1)]
        instrument.themes.append(theme)
    today = today_riga()
    for kind in rounds:
        if kind == RoundKind.BASELINE:
            opens, closes = today - timedelta(days=400), today - timedelta(days=300)
        else:
            opens, closes = today - timedelta(days=1), today + timedelta(days=30)
        instrument.rounds.append(AssessmentRound(kind=kind, opens_on=opens, closes_on=closes))
    db.session.add(instrument)
    db.session.commit()
    return instrument


def municipalities_of(region: str, count: int) -> list[Municipality]:
    return list(db.session.scalars(db.select(Municipality).where(
        Municipality.region_code == region).order_by(Municipality.id)).all()[:count])


def answer_round(round_: AssessmentRound, levels: dict[Municipality, int], *,
                 submitted: bool = True) -> None:
    """Each municipality answers every question of the round at its level."""
    questions = [q for t in round_.instrument.themes for q in t.questions]
    for place, level in levels.items():
        response = AssessmentResponse(round_id=round_.id, municipality_id=place.id,
                                      submitted_at=now_utc() if submitted else None)
        response.answers = [Answer(question_id=q.id, level=level) for q in questions]
        db.session.add(response)
    db.session.commit()


def round_of(instrument: Instrument, kind: RoundKind) -> AssessmentRound:
    return next(r for r in instrument.rounds if r.kind == kind)
