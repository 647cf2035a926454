"""Team pages: my teams, a new team, the team page with its member actions, invitation links.

Each view names its object, its predicate and its one operation; app.core.web does the rest.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.errors import NotAllowed, WrongState
from app.core.pagination import clamp, paginate
from app.core.translation import gettext as _
from app.extensions import db, limiter
from app.places.models import REGION_CODES, Region
from app.teams import operations as ops
from app.teams.forms import HandOverForm, InviteForm, JoinRequestForm, TeamForm
from app.teams.models import Team, directory_query, select_teams

bp = Blueprint("teams", __name__)


def _locale() -> str:
    return str(get_locale() or "lv")


def mask_email(address: str) -> str:
    """j•••@dobele.lv: enough for the invitee to recognise, little for anyone else."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _team(team_id: int) -> Team:
    """The team with what its page shows; 404 for anyone who may not view it."""
    return web.load(select_teams(invitations=True), team_id, see=Team.can_view)


def _managed_team(team_id: int) -> Team:
    """The team for a lead-only action: 404 if hidden from the user, 403 if only visible."""
    return web.load(select_teams(invitations=True), team_id, see=Team.can_view,
                    may=Team.can_manage)


def _team_url(team: Team, anchor: str = "") -> str:
    return url_for("teams.team", team_id=team.id) + anchor


def _team_page(team: Team, *, invite_form=None, hand_over_form=None, status: int = 200):
    return render_template(
        "teams/team.html", team=team,
        invite_form=invite_form or InviteForm(formdata=None),
        hand_over_form=hand_over_form or HandOverForm(formdata=None, team=team),
        action_form=EmptyForm(formdata=None),
        pending=team.pending_invitations() if team.can_see_invitations(current_user) else [],
        can_manage=team.can_manage(current_user), can_leave=team.can_leave(current_user),
        can_see_contacts=team.can_see_contacts(current_user),
    ), status


@bp.route("/teams")
@access.signed_in
def my_teams():
    teams = db.session.scalars(select_teams(member_id=current_user.id)).all()
    return render_template("teams/list.html", teams=teams)


@bp.route("/teams/directory")
@access.signed_in
def directory():
    """Every team, so that a person can find one to join and ask its lead; members are
    counted, not named."""
    region = request.args.get("region") or ""
    if region not in REGION_CODES:
        region = ""
    q = " ".join((request.args.get("q") or "").split())[:100]
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 20))
    result = paginate(directory_query(region=region or None, q=q or None), page, per_page)
    return render_template("teams/directory.html", page=result, q=q, region=region,
                           regions=db.session.scalars(select(Region).order_by(Region.code)).all(),
                           join_form=JoinRequestForm(formdata=None))


@bp.route("/teams/<id:team_id>/join-request", methods=["GET", "POST"])
@limiter.limit("20 per day", scope="team-join", methods=["POST"])
@access.signed_in
def ask_to_join(team_id: int):
    team = web.load(select_teams(), team_id)
    form = JoinRequestForm()
    return web.submit(
        form, run=lambda data: ops.ask_to_join(team, data, actor=current_user),
        success=lambda _none: web.done(
            _("Your request has been sent to the lead of “%(name)s”. If they agree, you "
              "will get an invitation by e-mail.", name=team.name),
            url_for("teams.directory")),
        page=lambda status: (render_template("teams/join_request.html", team=team,
                                             form=form), status))


@bp.route("/teams/new", methods=["GET", "POST"])
@access.signed_in
def new_team():
    form = TeamForm(locale=_locale())
    if not form.is_submitted() and current_user.municipality_id:
        form.municipality_id.data = str(current_user.municipality_id)
    return web.submit(
        form, run=lambda data: ops.create_team(data, actor=current_user),
        success=lambda team: web.done(
            _("The team has been created. You are its lead: invite the members."),
            _team_url(team)),
        page=lambda status: (render_template("teams/form.html", form=form, team=None), status))


@bp.route("/teams/<id:team_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_team(team_id: int):
    team = _managed_team(team_id)
    form = TeamForm(locale=_locale())
    if not form.is_submitted():
        form.name.data = team.name
        form.municipality_id.data = str(team.municipality_id)
        form.partner_municipality_ids.data = [str(m.id) for m in team.partner_municipalities]
    return web.submit(
        form, run=lambda data: ops.update_team(team, data, actor=current_user),
        success=lambda _team: web.done(_("The team has been saved."), _team_url(team)),
        page=lambda status: (render_template("teams/form.html", form=form, team=team), status))


@bp.route("/teams/<id:team_id>")
@access.signed_in
def team(team_id: int):
    return _team_page(_team(team_id))


@bp.route("/teams/<id:team_id>/invitations", methods=["POST"])
@limiter.limit("60 per hour", scope="team-invite")
@access.signed_in
def invite(team_id: int):
    team = _managed_team(team_id)
    form = InviteForm()
    return web.submit(
        form, run=lambda data: ops.invite_member(team, data["email"], actor=current_user),
        success=lambda invitation: web.done(
            _("An invitation has been sent to %(email)s.", email=invitation.email),
            _team_url(team, "#invitations")),
        page=lambda status: _team_page(team, invite_form=form, status=status))


@bp.route("/teams/<id:team_id>/invitations/<id:invitation_id>/revoke", methods=["POST"])
@access.signed_in
def revoke_invitation(team_id: int, invitation_id: int):
    team = _managed_team(team_id)
    invitation = web.check_found(team.invitation_by_id(invitation_id))
    return web.act(
        lambda: ops.revoke_invitation(invitation, actor=current_user),
        success=lambda _none: web.done(
            _("The invitation to %(email)s has been withdrawn.", email=invitation.email),
            _team_url(team, "#invitations")),
        back=_team_url(team, "#invitations"))


@bp.route("/teams/<id:team_id>/members/<id:user_id>/remove", methods=["POST"])
@access.signed_in
def remove_member(team_id: int, user_id: int):
    team = _managed_team(team_id)
    member_user = team.member_user(user_id)
    web.check_found(member_user)
    return web.act(
        lambda: ops.remove_member(team, member_user, actor=current_user),
        success=lambda _none: web.done(
            _("%(name)s is no longer a member of the team.", name=member_user.name),
            _team_url(team)),
        back=_team_url(team))


@bp.route("/teams/<id:team_id>/lead", methods=["POST"])
@access.signed_in
def hand_over_lead(team_id: int):
    team = _managed_team(team_id)
    form = HandOverForm(team=team)
    new_lead = team.member_user(ops.as_id(form.user_id.data))
    return web.submit(
        form, run=lambda _data: ops.hand_over_lead(team, new_lead, actor=current_user),
        success=lambda _none: web.done(
            _("%(name)s now leads the team.", name=new_lead.name), _team_url(team)),
        page=lambda status: _team_page(team, hand_over_form=form, status=status))


@bp.route("/teams/<id:team_id>/leave", methods=["POST"])
@access.signed_in
def leave(team_id: int):
    team = _team(team_id)
    web.check(team.is_member(current_user))
    return web.act(
        lambda: ops.leave_team(team, user=current_user),
        success=lambda _none: web.done(
            _("You have left the team “%(name)s”.", name=team.name),
            url_for("teams.my_teams")),
        back=_team_url(team))


@bp.route("/teams/invitations/<token>", methods=["GET", "POST"])
@access.public
def invitation(token: str):
    # Public, so that someone without an account yet learns how to accept. GET only
    # shows the invitation: mail scanners that open links must not accept it.
    found = ops.find_invitation(token)
    try:
        found = ops.check_invitation(found)
    except WrongState as error:
        status = 404 if found is None else 409
        return _invitation_problem(error, found, status)
    here = url_for("teams.invitation", token=token)
    shown = {"invitation": found, "masked": mask_email(found.email), "here": here}
    if not current_user.is_authenticated:
        if request.method == "POST":
            return web.done(None, url_for("accounts.login", next=here))
        return render_template("teams/invitation.html", form=None, **shown)
    if not found.is_for(current_user):
        return render_template("teams/invitation.html", form=None, wrong_address=True,
                               **shown), 403
    form = EmptyForm()
    already_member = found.team.is_member(current_user)
    try:
        return web.submit(
            form, run=lambda _data: ops.accept_invitation(token, user=current_user),
            success=lambda member: web.done(
                _("You are already a member of the team “%(name)s”.", name=member.team.name)
                if already_member else
                _("Welcome to the team “%(name)s”.", name=member.team.name),
                _team_url(member.team), "info" if already_member else "success"),
            page=lambda status: (render_template("teams/invitation.html", form=form,
                                                 **shown), status))
    except NotAllowed as error:
        return _invitation_problem(error, None, error.status)


def _invitation_problem(error, found, status: int):
    """Why the link cannot be used now, and the team's page if the reader is in it already."""
    team = found.team if found and found.team.is_member(current_user) else None
    return render_template("teams/invitation_problem.html", detail=error.detail,
                           team=team), status
