"""Demo teams: real municipalities, demo users as members, safe to seed twice."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.places.models import REGION_CODES
from app.teams.models import Team, TeamMember


def test_demo_teams_are_seeded_once_with_partners_and_one_lead_each(app):
    from app.demo import seed_demo
    from app.teams.demo import DEMO_TEAMS, seed_demo_teams

    with app.test_request_context():
        seed_demo()
        db.session.commit()
        seed_demo()
        teams = seed_demo_teams()
        db.session.commit()
    assert set(teams) == set(REGION_CODES)
    assert db.session.scalar(select(func.count(Team.id))) == len(REGION_CODES)
    for team in db.session.scalars(select(Team)):
        assert team.partner_municipalities
        assert team.municipality_id not in {m.id for m in team.partner_municipalities}
        assert sum(m.is_lead for m in team.members) == 1
    memberships = db.session.scalar(select(func.count(TeamMember.id)))
    assert memberships == sum(1 + len(demo.members) for demo in DEMO_TEAMS)
