"""Demo assessment: a good-governance self-assessment written for the demo, answered by most
municipalities at the start (2024) and at the end (2025), most of them a little better."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from sqlalchemy import func, select

from app.core.clock import RIGA
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

LEVELS = ["Nav ieviests", "Sākta ieviešana", "Daļēji ieviests", "Ieviests un lietots",
          "Ieviests, mērīts un pilnveidots"]
THEMES = {
    "Atklātība un iedzīvotāju iesaiste": [
        "Pašvaldība publicē lēmumu projektus pirms to pieņemšanas.",
        "Iedzīvotāji var sekot savu iesniegumu virzībai tiešsaistē.",
        "Pašvaldība regulāri rīko iedzīvotāju konsultācijas par pakalpojumu izmaiņām."],
    "Pakalpojumu kvalitāte": [
        "Pakalpojumu apraksti ir vienkāršā valodā un vienuviet.",
        "Pašvaldība mēra klientu apmierinātību ar pakalpojumiem.",
        "Pakalpojumus var pieteikt gan klātienē, gan tiešsaistē."],
    "Datos balstīta pārvaldība": [
        "Lēmumus par pakalpojumiem pamato ar datiem.",
        "Pašvaldība publicē datus atvērto datu formātā.",
        "Darbinieki ir apmācīti strādāt ar datiem."],
    "Sadarbība": [
        "Pašvaldība kopīgi ar kaimiņiem sniedz vismaz vienu pakalpojumu.",
        "Pašvaldība apmainās ar pieredzi plānošanas reģiona ietvaros."],
}


def seed_demo_assessments() -> None:
    """Idempotent: does nothing once an instrument exists."""
    if db.session.scalar(select(func.count(Instrument.id))):
        return
    rng = random.Random(2024)  # noqa: S311  # nosec B311 - demo data
    instrument = Instrument(
        name="Labas pārvaldības pašnovērtējums",
        description="Demonstrācijas anketa: pašvaldība novērtē, cik tālu ieviesta laba "
                    "pārvaldības prakse četrās jomās.")
    for position, (name, texts) in enumerate(THEMES.items(), start=1):
        theme = Theme(name=name, position=position)
        theme.questions = [Question(text=t, position=i, levels=LEVELS, asks_evidence=i == 1)
                           for i, t in enumerate(texts, start=1)]
        instrument.themes.append(theme)
    baseline = AssessmentRound(kind=RoundKind.BASELINE, opens_on=date(2024, 3, 1),
                               closes_on=date(2024, 5, 31))
    final = AssessmentRound(kind=RoundKind.FINAL, opens_on=date(2025, 9, 1),
                            closes_on=date(2025, 11, 30))
    instrument.rounds = [baseline, final]
    db.session.add(instrument)
    db.session.flush()
    questions = [q for t in instrument.themes for q in t.questions]
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
    start = {m.id: rng.randint(1, 3) for m in municipalities}
    for round_, share, gain in ((baseline, 0.85, 0), (final, 0.8, 1)):
        submitted = datetime.combine(round_.closes_on, time(12), tzinfo=RIGA)
        for municipality in municipalities:
            if rng.random() > share:
                continue
            response = AssessmentResponse(round_id=round_.id, municipality_id=municipality.id,
                                          shares_contact=rng.random() < 0.6,
                                          submitted_at=submitted, updated_at=submitted)
            for question in questions:
                level = start[municipality.id] + rng.choice([0, 0, 1]) + gain * rng.choice(
                    [0, 1, 1])
                response.answers.append(Answer(question_id=question.id,
                                               level=max(1, min(5, level))))
            db.session.add(response)
    db.session.flush()
