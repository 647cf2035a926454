"""Teams: create, read, edit, invite, accept, remove members, hand over the lead.

Thin adapters over app.teams.operations, the same ones the pages call.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import PageArgs, page_body, page_schema
from app.core import access
from app.core.pagination import paginate
from app.extensions import db, limiter
from app.teams import operations as ops
from app.teams.models import NAME_MAX, Team, select_teams

blp = Blueprint("api_teams", __name__, description="Municipal teams and their members")
SECURITY = [{"bearerAuth": []}]


# --- schemas ---------------------------------------------------------------------------

class TeamCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(max=1000))
    municipality_id = fields.Integer(required=True, strict=True,
                                     metadata={"description": "The lead municipality"})
    partner_municipality_ids = fields.List(fields.Integer(strict=True), load_default=list,
                                           validate=validate.Length(max=43))


class TeamUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(max=1000))
    municipality_id = fields.Integer(strict=True)
    partner_municipality_ids = fields.List(fields.Integer(strict=True),
                                           validate=validate.Length(max=43))


class InviteSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=1000))


class AcceptSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(max=200),
                          metadata={"description": "The token from the invitation link"})


class HandOverSchema(Schema):
    user_id = fields.Integer(required=True, strict=True,
                             metadata={"description": "A member of the team"})


class MunicipalityRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    region = fields.String(attribute="region_code")


class MemberSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    email = fields.String(metadata={"description": "Only for members and coordinators"})
    is_lead = fields.Boolean()
    joined_at = fields.DateTime()


class InvitationSchema(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    email = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class TeamSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": f"1–{NAME_MAX} characters"})
    municipality = fields.Nested(MunicipalityRefSchema, metadata={"description": "The lead"})
    municipality_id = fields.Integer()
    partner_municipalities = fields.List(fields.Nested(MunicipalityRefSchema))
    partner_municipality_ids = fields.List(fields.Integer())
    members = fields.List(fields.Nested(MemberSchema))
    pending_invitations = fields.List(fields.Nested(InvitationSchema),
                                      metadata={"description": "Only for the team lead"})
    created_at = fields.DateTime()


TeamPageSchema = page_schema(TeamSchema, "TeamPage")


def team_body(team: Team, user) -> dict:
    """A team as the caller may see it: e-mail addresses only for members and coordinators."""
    contacts = team.can_see_contacts(user)
    members = []
    for m in team.members:
        member = {"user_id": m.user_id, "name": m.user.name, "is_lead": m.is_lead,
                  "joined_at": m.joined_at}
        if contacts:
            member["email"] = m.user.email
        members.append(member)
    body = {
        "id": team.id, "name": team.name, "municipality": team.municipality,
        "municipality_id": team.municipality_id,
        "partner_municipalities": list(team.partner_municipalities),
        "partner_municipality_ids": [m.id for m in team.partner_municipalities],
        "members": members, "created_at": team.created_at,
    }
    if team.can_see_invitations(user):
        body["pending_invitations"] = team.pending_invitations()
    return body


def _visible_team(team_id: int) -> Team:
    """The team, or 404 for a caller who may not know it exists."""
    team = db.session.scalar(select_teams(invitations=True).where(Team.id == team_id))
    access.require(team is not None and team.can_view(current_user), hide=True)
    return team


def _managed_team(team_id: int) -> Team:
    team = _visible_team(team_id)
    access.require(team.can_manage(current_user))
    return team


# --- endpoints -------------------------------------------------------------------------

@blp.route("/teams", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, TeamPageSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def list_my_teams(args):
    """The caller's teams, by name."""
    page = paginate(select_teams(member_id=current_user.id, invitations=True),
                    args["page"], args["per_page"])
    page.items = [team_body(t, current_user) for t in page.items]
    return page_body(page)


@blp.route("/teams", methods=["POST"])
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def create_team(data):
    """Create a team; the caller becomes its lead."""
    team = ops.create_team(data, actor=current_user)
    db.session.commit()
    return team_body(team, current_user)


@blp.route("/teams/<id:team_id>", methods=["GET"])
@blp.response(200, TeamSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def get_team(team_id: int):
    """A team: for its members, coordinators and administrators (404 for anyone else)."""
    return team_body(_visible_team(team_id), current_user)


@blp.route("/teams/<id:team_id>", methods=["PATCH"])
@blp.arguments(TeamUpdateSchema)
@blp.response(200, TeamSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def update_team(data, team_id: int):
    """Rename the team or change its municipalities (the lead)."""
    team = _managed_team(team_id)
    merged = {"name": team.name, "municipality_id": team.municipality_id,
              "partner_municipality_ids": [m.id for m in team.partner_municipalities], **data}
    ops.update_team(team, merged, actor=current_user)
    db.session.commit()
    return team_body(team, current_user)


@blp.route("/teams/<id:team_id>/members", methods=["POST"])
@limiter.limit("60 per hour", scope="team-invite")
@blp.arguments(InviteSchema)
@blp.response(201, InvitationSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def invite_member(data, team_id: int):
    """Invite someone by e-mail (the lead); they get a link valid once, for 7 days."""
    team = _managed_team(team_id)
    invitation = ops.invite_member(team, data["email"], actor=current_user)
    db.session.commit()
    return invitation


@blp.route("/teams/<id:team_id>/members/<id:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.signed_in
def remove_member(team_id: int, user_id: int):
    """The lead removes a member; a member removing themself leaves the team."""
    team = _visible_team(team_id)
    member_user = team.member_user(user_id)
    if member_user is None:
        abort(404)
    ops.remove_member(team, member_user, actor=current_user)  # NotAllowed → 403
    db.session.commit()


@blp.route("/teams/<id:team_id>/lead", methods=["POST"])
@blp.arguments(HandOverSchema)
@blp.response(200, TeamSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def hand_over_lead(data, team_id: int):
    """The lead hands the lead over to another member and stays as a member."""
    team = _managed_team(team_id)
    ops.hand_over_lead(team, team.member_user(data["user_id"]), actor=current_user)
    db.session.commit()
    return team_body(team, current_user)


@blp.route("/teams/<id:team_id>/invitations/<id:invitation_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.signed_in
def revoke_invitation(team_id: int, invitation_id: int):
    """The lead withdraws a pending invitation; its link stops working."""
    team = _managed_team(team_id)
    invitation = team.invitation_by_id(invitation_id)
    if invitation is None:
        abort(404)
    ops.revoke_invitation(invitation, actor=current_user)
    db.session.commit()


@blp.route("/teams/invitations/accept", methods=["POST"])
@blp.arguments(AcceptSchema)
@blp.response(200, TeamSchema)
@blp.doc(security=SECURITY)
@access.signed_in
def accept_invitation(data):
    """Accept an invitation addressed to the caller's e-mail address; a link works once."""
    if ops.find_invitation(data["token"]) is None:
        abort(404)
    member = ops.accept_invitation(data["token"], user=current_user)
    db.session.commit()
    return team_body(member.team, current_user)
