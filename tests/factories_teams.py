"""Factory helpers for teams (plain functions; the `db` fixture must be active)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db


def _municipality(name: str):
    from app.places.models import Municipality

    found = db.session.scalar(select(Municipality).where(Municipality.name == name))
    assert found is not None, f"no municipality named {name!r}"
    return found


def make_team(lead_user, *, name="Dobeles komanda", municipality="Dobeles novads",
              partners=(), members=()):
    """A committed team led by `lead_user`; `partners` are municipality names, `members` users."""
    from app.accounts.affiliation import verify_by_operator
    from app.teams.models import TeamMember
    from app.teams.operations import create_team

    lead_municipality = _municipality(municipality)
    if not lead_user.is_verified_member(lead_municipality.id):
        verify_by_operator(lead_user, lead_municipality)
    team = create_team(
        {"name": name, "municipality_id": lead_municipality.id,
         "partner_municipality_ids": [_municipality(p).id for p in partners]},
        actor=lead_user,
    )
    for user in members:
        if not team.is_member(user):
            team.members.append(TeamMember(user_id=user.id, user=user, is_lead=False))
    db.session.commit()
    return team


def invite(team, email, *, actor=None, now=None):
    """Invite `email` to `team` as its lead (committed); returns the invitation with .token."""
    from app.teams.operations import invite_member

    invitation = invite_member(team, email, actor=actor or team.lead.user, now=now)
    db.session.commit()
    return invitation
