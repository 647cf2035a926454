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


def programme_world(coordinator_email: str, respondent_email: str) -> dict:
    """What the programme's pages show, around two people of a browser world: an event
    with attendance (and a likely duplicate) in the coordinator's region; an instrument whose
    initial round the respondent's municipality and three others of its region answered,
    and whose final round (open today) holds the respondent's draft. The ids made."""
    from app.accounts.models import User
    from app.programme.models import Attendance, Event, EventFormat, EventKind, Person

    coordinator = db.session.scalar(db.select(User).where(User.email == coordinator_email))
    respondent = db.session.scalar(db.select(User).where(User.email == respondent_email))
    region = next(r.region_code for r in coordinator.roles if r.region_code)
    today = today_riga()
    event = Event(title="Pakalpojumu dizaina darbnīca pašvaldību speciālistiem",
                  kind=EventKind.WORKSHOP, format=EventFormat.IN_PERSON, region_code=region,
                  theme="Pakalpojumu dizains", starts_on=today - timedelta(days=14),
                  ends_on=today - timedelta(days=13), place="Jelgava, Lielā iela 11",
                  organiser="Plānošanas reģions", created_by_id=coordinator.id)
    places = municipalities_of(region, 2)
    people = [Person(name="Aija Bērziņa", email="aija.berzina@example.lv",
                     municipality_id=places[0].id, region_code=region),
              Person(name="Aija Bērziņa", municipality_id=places[0].id, region_code=region),
              Person(name="Kristaps Ābeltiņš-Ozoliņš", email="kristaps@example.lv",
                     municipality_id=places[1].id, region_code=region)]
    event.attendances = [Attendance(person=p, municipality_id=p.municipality_id,
                                    region_code=region, source="dalibnieki.csv")
                         for p in people]
    db.session.add(event)
    db.session.commit()

    instrument = make_instrument(name="Labas pārvaldības pašnovērtējums (pārskats)")
    own = respondent.municipality
    others = [m for m in municipalities_of(own.region_code, 4) if m.id != own.id][:3]
    answer_round(round_of(instrument, RoundKind.BASELINE),
                 {own: 2, **dict.fromkeys(others, 3)})
    final = round_of(instrument, RoundKind.FINAL)
    draft = AssessmentResponse(round_id=final.id, municipality_id=own.id,
                               respondent_id=respondent.id)
    question = instrument.themes[0].questions[0]
    draft.answers = [Answer(question_id=question.id, level=2, evidence="Publicēts tīmekļvietnē.")]
    db.session.add(draft)
    db.session.commit()
    return {"event": event.id, "instrument": instrument.id, "final_round": final.id}


def on_live_server(live_server, *, coordinator: str, respondent: str) -> dict:
    """`programme_world` made in a browser journey's server database, in its own process
    (as tests/browser/scenarios.py makes its worlds)."""
    import json
    import subprocess  # nosec B404 - runs this module with fixed arguments
    import sys
    from pathlib import Path

    result = subprocess.run(  # nosec B603 - our own module, fixed arguments
        [sys.executable, "-m", "tests.factories_programme", coordinator, respondent],
        cwd=Path(__file__).resolve().parents[1], env=live_server.env, capture_output=True,
        text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the programme world failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import json
    import sys

    from app import create_app

    with create_app().app_context():
        print(json.dumps(programme_world(sys.argv[1], sys.argv[2])))
