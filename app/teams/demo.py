"""Demo teams from real municipalities, led and staffed by the demo users; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.affiliation import verify_by_operator
from app.accounts.operations import find_user_by_email
from app.extensions import db
from app.places.models import Municipality
from app.teams.models import Team, TeamMember
from app.teams.operations import create_team


@dataclass(frozen=True)
class DemoTeam:
    region: str  # the planning region whose hackathon the team is meant for
    name: str
    municipality: str
    partners: tuple[str, ...]
    lead: str  # e-mail of a demo user (app.demo.DEMO_USERS)
    members: tuple[str, ...] = ()


# Jury members (ilze.vitola@, edgars.krumins@) are kept out of teams on purpose.
DEMO_TEAMS = [
    DemoTeam("zemgale", "Dobeles un Bauskas drošas kopienas", "Dobeles novads",
             ("Bauskas novads", "Jelgavas novads"), "janis.berzins@dobele.lv",
             ("liga.kalnina@kuldiga.lv",)),
    DemoTeam("kurzeme", "Kurzemes jauniešu darba tīkls", "Kuldīgas novads",
             ("Talsu novads", "Saldus novads", "Ventspils novads"), "liga.kalnina@kuldiga.lv",
             ("janis.berzins@dobele.lv",)),
    DemoTeam("latgale", "Latgales būvatļauju vienas pieturas komanda", "Rēzekne",
             ("Rēzeknes novads", "Ludzas novads", "Preiļu novads"), "aivars.liepa@rezekne.lv"),
    DemoTeam("riga", "Pierīgas jauniešu uzvedības korekcijas komanda", "Tukuma novads",
             ("Jūrmala", "Dobeles novads"), "janis.berzins@dobele.lv",
             ("aivars.liepa@rezekne.lv",)),
    DemoTeam("vidzeme", "Vidzemes mazo uzņēmēju atbalsta punkts", "Madonas novads",
             ("Varakļānu novads", "Cēsu novads", "Rēzekne"), "aivars.liepa@rezekne.lv",
             ("liga.kalnina@kuldiga.lv",)),
]


def _municipality(name: str) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.name == name))
    if found is None:
        raise LookupError(f"reference data has no municipality {name!r}")
    return found


def seed_demo_teams() -> dict[str, Team]:
    """Create the demo teams and memberships that are missing; {region code: team}."""
    teams: dict[str, Team] = {}
    for demo in DEMO_TEAMS:
        lead = find_user_by_email(demo.lead)
        if lead is None:
            continue  # the demo accounts are made first (app.demo.seed_demo)
        municipality = _municipality(demo.municipality)
        team = db.session.scalar(select(Team).where(Team.name == demo.name,
                                                    Team.municipality_id == municipality.id))
        if team is None:
            if not lead.is_verified_member(municipality.id):
                # The demo's people work with neighbouring municipalities too; the operator
                # who seeds the demo vouches for them.
                verify_by_operator(lead, municipality)
            team = create_team({"name": demo.name, "municipality_id": municipality.id,
                                "partner_municipality_ids": [_municipality(p).id
                                                             for p in demo.partners]},
                               actor=lead)
        for email in demo.members:
            user = find_user_by_email(email)
            if user is not None and not team.is_member(user):
                team.members.append(TeamMember(user_id=user.id, user=user, is_lead=False))
        teams[demo.region] = team
    db.session.flush()
    return teams
