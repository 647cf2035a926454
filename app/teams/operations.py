"""Team operations: create and edit teams, invite, accept, remove, leave, hand over the lead.

Operations validate, flush and never commit; the view or API endpoint commits.
Every change of membership is written to the audit trail.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import url_for
from sqlalchemy import CursorResult, select, text, update

from app import MAX_ID
from app.accounts.affiliation import check_verified
from app.accounts.models import User, token_digest
from app.accounts.operations import find_user_by_email, normalise_email
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.collation import collated
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.formatting import fmt_datetime
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.mail.operations import queue_mail
from app.places.models import Municipality
from app.teams.models import (
    INVITATION_DAYS,
    FormerTeamMember,
    Team,
    TeamInvitation,
    TeamMember,
)
from app.teams.schemas import CHOOSE_LEAD, CHOOSE_PARTNERS, JoinRequestInput, TeamInput

NOT_A_MEMBER = _l("Choose a member of the team.")
INVITATION_LINK_INVALID = _l("This invitation link is not valid. Copy the whole link from the "
                             "e-mail, or ask the team lead for a new invitation.")


# --- validation -----------------------------------------------------------------------

def as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def _check_team(data: dict) -> dict:
    """The team's fields loaded by its schema, with the municipalities they name (one query);
    Invalid with every field's message otherwise."""
    values = load(TeamInput, data)
    lead_id = values["municipality_id"]
    partner_ids = list(dict.fromkeys(values["partner_municipality_ids"]))  # once each
    found = {m.id: m for m in db.session.scalars(
        select(Municipality).where(Municipality.id.in_({lead_id, *partner_ids})))}
    errors: dict[str, list] = {}
    if lead_id not in found:
        errors["municipality_id"] = [CHOOSE_LEAD]
    if any(i not in found for i in partner_ids):
        errors.setdefault("partner_municipality_ids", []).append(CHOOSE_PARTNERS)
    if lead_id in partner_ids:
        errors.setdefault("partner_municipality_ids", []).append(
            _l("The lead municipality cannot also be a partner."))
    if errors:
        raise Invalid(errors=errors)
    partners = collated((found[i] for i in partner_ids), key=lambda m: m.name)
    return {"name": values["name"], "municipality": found[lead_id], "partners": partners}


def _snapshot(team: Team) -> dict:
    return {"name": team.name, "municipality_id": team.municipality_id,
            "partner_municipality_ids": sorted(m.id for m in team.partner_municipalities)}


def _member_ids(team: Team) -> list[int]:
    return sorted(m.user_id for m in team.members)


# --- teams ------------------------------------------------------------------------------

def create_team(data: dict, *, actor: User, now: datetime | None = None) -> Team:
    """Create a team; the actor becomes its lead member."""
    now = now or now_utc()
    values = _check_team(data)
    check_verified(actor, values["municipality"], "municipality_id")
    team = Team(name=values["name"], municipality=values["municipality"],
                partner_municipalities=values["partners"], created_at=now,
                created_by_id=actor.id)
    team.members.append(TeamMember(user_id=actor.id, user=actor, is_lead=True, joined_at=now))
    db.session.add(team)
    db.session.flush()
    record_audit("team.create", actor=actor, object_type="team", object_id=team.id,
                 after={**_snapshot(team), "lead_user_id": actor.id}, now=now)
    return team


def update_team(team: Team, data: dict, *, actor: User, now: datetime | None = None) -> Team:
    """Rename the team or change its municipalities (the lead only); fields not sent stay."""
    if not team.can_manage(actor):
        raise NotAllowed(_l("Only the team lead can change the team."))
    values = _check_team({**_snapshot(team), **data})
    if values["municipality"].id != team.municipality_id:
        check_verified(actor, values["municipality"], "municipality_id")
    before = _snapshot(team)
    team.name = values["name"]
    team.municipality = values["municipality"]
    team.partner_municipalities = values["partners"]
    db.session.flush()
    after = _snapshot(team)
    if after != before:
        record_audit("team.update", actor=actor, object_type="team", object_id=team.id,
                     before=before, after=after, now=now)
    return team


# --- invitations -----------------------------------------------------------------------

def invite_member(team: Team, email: str, *, actor: User,
                  now: datetime | None = None) -> TeamInvitation:
    """Invite an e-mail address to the team and e-mail it a single-use link valid for 7 days.

    A new invitation to the same address replaces a pending one (so "send again" works).
    The returned invitation carries the raw token in `.token`, for this request only.
    """
    if not team.can_manage(actor):
        raise NotAllowed(_l("Only the team lead can invite members."))
    now = now or now_utc()
    address = normalise_email(email)
    if address is None:
        raise Invalid(errors={"email": [_l("Enter an e-mail address like name@example.lv.")]})
    if any(m.user.email.lower() == address for m in team.members):
        raise Invalid(errors={"email": [_l("This person is already a member of the team.")]})
    for earlier in team.invitations:
        if earlier.email == address and earlier.is_pending(now):
            earlier.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = TeamInvitation(team=team, email=address, token_hash=token_digest(token),
                                invited_by_id=actor.id, created_at=now,
                                expires_at=now + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    invitation.token = token
    invitee = find_user_by_email(address)
    queue_mail(address, "team_invitation", locale=invitee.locale if invitee else "lv",
               kind=f"team-invitation:{invitation.id}", team=team, inviter=actor,
               invitee=invitee, expires_at=invitation.expires_at,
               url=url_for("teams.invitation", token=token, _external=True))
    record_audit("team.invite", actor=actor, object_type="team", object_id=team.id,
                 after={"invitation_id": invitation.id, "email": address}, now=now)
    return invitation


def find_invitation(token: str | None) -> TeamInvitation | None:
    """The invitation behind a link's token, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(TeamInvitation).where(TeamInvitation.token_hash == token_digest(token))
    )


def check_invitation(invitation: TeamInvitation | None, *,
                     now: datetime | None = None) -> TeamInvitation:
    """The invitation if it can still be accepted; else WrongState with a message to act on."""
    now = now or now_utc()
    if invitation is None:
        raise WrongState(INVITATION_LINK_INVALID)
    if invitation.accepted_at is not None:
        raise WrongState(_l("This invitation has already been used. If you accepted it, the "
                            "team is on your “My teams” page; otherwise ask the team lead for "
                            "a new invitation."))
    if invitation.revoked_at is not None:
        raise WrongState(_l("This invitation has been withdrawn or replaced by a newer one. "
                            "Use the link in the latest e-mail, or ask the team lead for a "
                            "new invitation."))
    if invitation.is_expired(now):
        raise WrongState(_l("This invitation expired on %(when)s. Ask the team lead to invite "
                            "you again.", when=fmt_datetime(invitation.expires_at)))
    return invitation


def accept_invitation(token: str, *, user: User, now: datetime | None = None) -> TeamMember:
    """Join the team of a valid invitation addressed to the user's e-mail address; works once."""
    now = now or now_utc()
    invitation = check_invitation(find_invitation(token), now=now)
    if not invitation.is_for(user):
        # The link is addressed to one person: a forwarded or leaked link must not
        # let someone else into the team.
        raise NotAllowed(_l("This invitation was sent to a different e-mail address. Sign in "
                            "with the address the invitation was sent to."))
    # Claim the invitation with one conditional UPDATE, so that of two requests accepting
    # the same link at once (a double click, a second tab) exactly one gets it; the
    # other sees it already used. A check-then-set in Python would let both through.
    # An UPDATE answers a CursorResult (with rowcount); execute() is typed for any statement.
    claimed = cast(CursorResult[Any], db.session.execute(
        update(TeamInvitation)
        .where(TeamInvitation.id == invitation.id, TeamInvitation.accepted_at.is_(None),
               TeamInvitation.revoked_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )).rowcount
    db.session.expire(invitation)  # read back what the database now holds
    if claimed != 1:
        check_invitation(invitation, now=now)  # raises "already used" or "withdrawn"
        raise WrongState(INVITATION_LINK_INVALID)
    team = invitation.team
    member = team.membership(user)  # already a member: the link is used, nothing else changes
    if member is None:
        member = TeamMember(team=team, user_id=user.id, user=user, is_lead=False, joined_at=now)
        db.session.add(member)
        db.session.flush()
        record_audit("team.member_join", actor=user, object_type="team", object_id=team.id,
                     after={"user_id": user.id, "invitation_id": invitation.id,
                            "members": _member_ids(team)}, now=now)
    return member


def revoke_invitation(invitation: TeamInvitation, *, actor: User,
                      now: datetime | None = None) -> None:
    """Withdraw a pending invitation (the lead only); its link stops working."""
    team = invitation.team
    if not team.can_manage(actor):
        raise NotAllowed(_l("Only the team lead can withdraw invitations."))
    now = now or now_utc()
    if not invitation.is_pending(now):
        raise WrongState(_l("This invitation is no longer pending."))
    invitation.revoked_at = now
    db.session.flush()
    record_audit("team.invitation_revoke", actor=actor, object_type="team", object_id=team.id,
                 before={"invitation_id": invitation.id, "email": invitation.email}, now=now)


# --- membership ------------------------------------------------------------------------

def remove_member(team: Team, member_user: User, *, actor: User,
                  now: datetime | None = None) -> None:
    """The lead removes a member; a member removing themself leaves the team.

    The lead can neither be removed nor leave while lead: the lead is handed over first.
    This is Team.can_remove, checked step by step to say why a removal is refused.
    """
    leaving = member_user.id == actor.id
    if not leaving and not team.can_manage(actor):
        raise NotAllowed(_l("Only the team lead can remove members."))
    member = team.membership(member_user)
    if member is None:
        raise WrongState(_l("This person is not a member of the team."))
    if member.is_lead:
        raise WrongState(_l("Hand over the lead to another member before you leave the team.")
                         if leaving else _l("The team lead cannot be removed."))
    before = _member_ids(team)
    team.members.remove(member)
    db.session.add(FormerTeamMember(team_id=team.id, user_id=member_user.id,
                                    joined_at=member.joined_at, left_at=now or now_utc()))
    db.session.flush()
    record_audit("team.member_leave" if leaving else "team.member_remove", actor=actor,
                 object_type="team", object_id=team.id,
                 before={"members": before, "user_id": member_user.id},
                 after={"members": _member_ids(team)}, now=now)


def leave_team(team: Team, *, user: User, now: datetime | None = None) -> None:
    """A member leaves the team (not the lead, who hands over the lead first)."""
    remove_member(team, user, actor=user, now=now)


def _lock_team(team: Team) -> None:
    """Hold the team until the transaction ends: PostgreSQL locks its row; SQLite has no row
    locks, so a no-op write takes the database's write lock at once."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE team SET id = id WHERE id = :id"), {"id": team.id})
    else:
        db.session.execute(select(Team.id).where(Team.id == team.id).with_for_update())


def hand_over_lead(team: Team, new_lead_user: User | None, *, actor: User,
                   now: datetime | None = None) -> None:
    """The lead makes another member the lead and stays on as a member.

    `new_lead_user` None (an unknown or malformed id) is refused like a non-member.
    """
    # Two hand-overs at once: the second waits for the first and then reads who leads now,
    # so it is refused clearly instead of breaking the one-lead index (a 500).
    _lock_team(team)
    db.session.refresh(team, attribute_names=["members"])
    for member in team.members:
        db.session.refresh(member, attribute_names=["is_lead"])
    if not team.can_manage(actor):
        raise NotAllowed(_l("Only the team lead can hand over the lead."))
    new_lead = team.membership(new_lead_user)
    if new_lead is None:
        raise Invalid(errors={"user_id": [NOT_A_MEMBER]})
    old_lead = team.lead
    assert old_lead is not None  # the actor leads: can_manage above
    if new_lead is old_lead:
        raise Invalid(errors={"user_id": [_l("You lead the team already; choose another member.")]})
    if not new_lead.user.is_verified_member(team.municipality_id):
        raise Invalid(errors={"user_id": [_l(
            "%(name)s is not yet verified as working for %(municipality)s and so cannot lead "
            "the team. They can ask to be verified on their account page.",
            name=new_lead.user.name, municipality=team.municipality.name)]})
    old_lead.is_lead = False
    db.session.flush()  # first step down: the database allows one lead per team
    new_lead.is_lead = True
    db.session.flush()
    record_audit("team.lead_handover", actor=actor, object_type="team", object_id=team.id,
                 before={"lead_user_id": old_lead.user_id},
                 after={"lead_user_id": new_lead.user_id}, now=now)


def ask_to_join(team: Team, data: dict, *, actor: User, now: datetime | None = None) -> None:
    """E-mail the team's lead that `actor` would like to join; the lead decides by inviting
    her as usual. The lead learns the asker's name, e-mail and municipality, which the form
    says before it is sent."""
    now = now or now_utc()
    values = load(JoinRequestInput, data)
    if team.is_member(actor):
        raise WrongState(_l("You are already a member of this team."))
    lead = team.lead
    if lead is None:  # pragma: no cover - the database keeps exactly one lead
        raise WrongState(_l("This team has no lead to ask."))
    queue_mail(lead.user.email, "team_join_request", locale=lead.user.locale,
               kind=f"team-join-request:{team.id}:{actor.id}:{now.date().isoformat()}",
               team=team, lead=lead.user, asker=actor, message=values["message"],
               url=url_for("teams.team", team_id=team.id, _external=True))
    record_audit("team.join_request", actor=actor, object_type="team", object_id=team.id,
                 after={"user_id": actor.id}, now=now)
