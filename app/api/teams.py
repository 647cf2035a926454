"""Teams: create, read, edit, invite, accept, remove members, hand over the lead.

Thin adapters over app.teams.operations, the same ones the pages call; the answers are
dumped by app.teams.schemas.
"""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from app.api.schemas import PageArgs, json_body, page_schema
from app.core import access, web
from app.core.pagination import paginate
from app.extensions import limiter
from app.teams import operations as ops
from app.teams.models import Team, select_teams
from app.teams.schemas import (
    AcceptInput,
    HandOverInput,
    InvitationOut,
    InviteInput,
    TeamInput,
    TeamOut,
)

blp = Blueprint("api_teams", __name__, description="Municipal teams and their members")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
TeamPage = page_schema(TeamOut, "TeamPage")


def _visible_team(team_id: int) -> Team:
    return web.load(select_teams(invitations=True), team_id, see=Team.can_view)


def _managed_team(team_id: int) -> Team:
    return web.load(select_teams(invitations=True), team_id, see=Team.can_view,
                    may=Team.can_manage)


@blp.route("/teams", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, TeamPage)
@blp.doc(security=SECURITY)
@access.signed_in
def list_my_teams(args):
    """The caller's teams, by name."""
    return paginate(select_teams(member_id=current_user.id, invitations=True),
                    args["page"], args["per_page"])


@blp.route("/teams", methods=["POST"])
@json_body(TeamInput(), load=True)
@blp.response(201, TeamOut)
@blp.doc(security=SECURITY)
@access.signed_in
def create_team(data):
    """Create a team; the caller becomes its lead."""
    return ops.create_team(data, actor=current_user)


@blp.route("/teams/<id:team_id>", methods=["GET"])
@blp.response(200, TeamOut)
@blp.doc(security=SECURITY)
@access.signed_in
def get_team(team_id: int):
    """A team: for its members, coordinators and administrators (404 for anyone else)."""
    return _visible_team(team_id)


@blp.route("/teams/<id:team_id>", methods=["PATCH"])
@json_body(TeamInput(partial=True), load=True)
@blp.response(200, TeamOut)
@blp.doc(security=SECURITY)
@access.signed_in
def update_team(data, team_id: int):
    """Rename the team or change its municipalities (the lead)."""
    return ops.update_team(_managed_team(team_id), data, actor=current_user)


@blp.route("/teams/<id:team_id>/members", methods=["POST"])
@limiter.limit("60 per hour", scope="team-invite")
@json_body(InviteInput(), load=True)
@blp.response(201, InvitationOut)
@blp.doc(security=SECURITY)
@access.signed_in
def invite_member(data, team_id: int):
    """Invite someone by e-mail (the lead); they get a link valid once, for 7 days."""
    return ops.invite_member(_managed_team(team_id), data["email"], actor=current_user)


@blp.route("/teams/<id:team_id>/members/<id:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.signed_in
def remove_member(team_id: int, user_id: int):
    """The lead removes a member; a member removing themself leaves the team."""
    team = _visible_team(team_id)
    member_user = team.member_user(user_id)
    web.check_found(member_user)
    ops.remove_member(team, member_user, actor=current_user)


@blp.route("/teams/<id:team_id>/lead", methods=["POST"])
@json_body(HandOverInput(), load=True)
@blp.response(200, TeamOut)
@blp.doc(security=SECURITY)
@access.signed_in
def hand_over_lead(data, team_id: int):
    """The lead hands the lead over to another member and stays as a member."""
    team = _managed_team(team_id)
    ops.hand_over_lead(team, team.member_user(data["user_id"]), actor=current_user)
    return team


@blp.route("/teams/<id:team_id>/invitations/<id:invitation_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=SECURITY)
@access.signed_in
def revoke_invitation(team_id: int, invitation_id: int):
    """The lead withdraws a pending invitation; its link stops working."""
    invitation = web.check_found(_managed_team(team_id).invitation_by_id(invitation_id))
    ops.revoke_invitation(invitation, actor=current_user)


@blp.route("/teams/invitations/accept", methods=["POST"])
@json_body(AcceptInput(), load=True)
@blp.response(200, TeamOut)
@blp.doc(security=SECURITY)
@access.signed_in
def accept_invitation(data):
    """Accept an invitation addressed to the caller's e-mail address; a link works once."""
    web.check_found(ops.find_invitation(data["token"]))
    return ops.accept_invitation(data["token"], user=current_user).team
