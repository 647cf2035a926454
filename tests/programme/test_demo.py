"""The demo programme shows the indicator both ways: targets reached and missed."""

from __future__ import annotations

from datetime import date

from app.demo.programme import seed_demo_programme
from app.extensions import db
from app.programme.models import Event, Instrument
from app.programme.queries import indicator


def test_the_demo_reaches_the_target_in_some_regions_and_not_in_others(app):
    seed_demo_programme()
    seed_demo_programme()  # idempotent
    db.session.commit()
    figure = indicator(date(2026, 12, 5))
    reached = {r.code for r in figure.regions if r.reached}
    assert reached and reached != {r.code for r in figure.regions}
    assert set(figure.by_year) >= {2023, 2024, 2025}
    assert {e.region_code for e in db.session.scalars(db.select(Event))} >= {
        "riga", "kurzeme", "latgale", "vidzeme", "zemgale", None}


def test_the_demo_assessment_has_two_rounds_and_results_by_region(client, app):
    from app.demo.assessments import seed_demo_assessments

    seed_demo_assessments()
    seed_demo_assessments()
    db.session.commit()
    instrument = db.session.scalar(db.select(Instrument))
    assert [r.kind.value for r in instrument.rounds] == ["baseline", "final"]
    page = client.get(f"/programme/assessments/{instrument.id}/results")
    assert page.status_code == 200
