"""Demo pilots: every status and health, a year of measurements, seeded once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.states import PilotStatus


def test_demo_pilots_cover_every_status_and_health_and_seed_only_once(app):
    from app.demo import seed_demo
    from app.pilots.demo import seed_demo_pilots

    seed_demo()  # from the command line: no request context
    db.session.commit()
    count = len(db.session.scalars(select(Pilot)).all())
    seed_demo()
    assert seed_demo_pilots() == []
    db.session.commit()
    pilots = db.session.scalars(select(Pilot)).all()
    assert len(pilots) == count
    assert set(Counter(p.status for p in pilots)) == set(PilotStatus)
    today = today_riga()
    assert {p.health(today).level for p in pilots} == {"green", "amber", "red"}
    for pilot in pilots:
        assert pilot.idea.status.value == "winner"
        if pilot.status != PilotStatus.PLANNED:
            assert pilot.milestones and pilot.expenses and pilot.updates
            measurements = pilot.indicators[0].measurements
            assert len(measurements) >= 6
    year = [p for p in pilots if len(p.indicators[0].measurements) >= 12]
    assert year, "an indicator with a year of measurements"
    ended = [p for p in pilots if p.has_ended]
    assert all(p.evaluation is not None for p in ended)
    assert any(p.replications for p in ended)
    assert any(u.awaits_approval for p in pilots for u in p.updates)


def test_the_demo_pilot_pages_render(app, client):
    from app.demo import seed_demo
    from tests.conftest import login

    seed_demo()
    db.session.commit()
    from app.accounts.operations import find_user_by_email

    login(client, find_user_by_email("koordinators@varam.gov.lv"), "talka-demo-parole-2026")
    portfolio = client.get("/pilots/portfolio")
    assert portfolio.status_code == 200
    for pilot in db.session.scalars(select(Pilot)):
        assert client.get(f"/pilots/{pilot.id}").status_code == 200
        assert client.get(f"/api/v1/pilots/{pilot.id}").status_code == 200
