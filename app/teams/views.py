"""Team pages: my teams, a new team, the team page with its member actions, invitation links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import EmptyForm
from app.core import access
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.forms import apply_errors
from app.extensions import db, limiter
from app.teams import operations as ops
from app.teams.forms import HandOverForm, InviteForm, TeamForm
from app.teams.models import Team, select_teams

bp = Blueprint("teams", __name__)


def _locale() -> str:
    return str(get_locale() or "lv")


def mask_email(address: str) -> str:
    """j•••@dobele.lv: enough for the invitee to recognise, little for anyone else."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _load_team(team_id: int) -> Team:
    """The team with what its page shows, or 404 for anyone who may not view it."""
    team = db.session.scalar(select_teams(invitations=True).where(Team.id == team_id))
    access.require(team is not None and team.can_view(current_user), hide=True)
    return team


def _managed_team(team_id: int) -> Team:
    """The team for a lead-only action: 404 if hidden from the user, 403 if only visible."""
    team = _load_team(team_id)
    access.require(team.can_manage(current_user))
    return team


def _team_page(team: Team, *, invite_form=None, hand_over_form=None, status: int = 200):
    return render_template(
        "teams/team.html", team=team,
        invite_form=invite_form or InviteForm(formdata=None),
        hand_over_form=hand_over_form or HandOverForm(formdata=None, team=team),
        action_form=EmptyForm(),
        pending=team.pending_invitations() if team.can_see_invitations(current_user) else [],
        can_manage=team.can_manage(current_user), can_leave=team.can_leave(current_user),
        can_see_contacts=team.can_see_contacts(current_user),
    ), status


@bp.route("/teams")
@access.signed_in
def my_teams():
    teams = db.session.scalars(select_teams(member_id=current_user.id)).all()
    return render_template("teams/list.html", teams=teams)


@bp.route("/teams/new", methods=["GET", "POST"])
@access.signed_in
def new_team():
    form = TeamForm(locale=_locale())
    if not form.is_submitted() and current_user.municipality_id:
        form.municipality_id.data = str(current_user.municipality_id)
    if form.validate_on_submit():
        try:
            team = ops.create_team(form.to_data(), actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("The team has been created. You are its lead: invite the members."),
                  "success")
            return redirect(url_for("teams.team", team_id=team.id))
    status = 422 if form.is_submitted() else 200
    return render_template("teams/form.html", form=form, team=None), status


@bp.route("/teams/<id:team_id>")
@access.signed_in
def team(team_id: int):
    return _team_page(_load_team(team_id))


@bp.route("/teams/<id:team_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_team(team_id: int):
    team = _managed_team(team_id)
    form = TeamForm(locale=_locale())
    if not form.is_submitted():
        form.name.data = team.name
        form.municipality_id.data = str(team.municipality_id)
        form.partner_municipality_ids.data = [str(m.id) for m in team.partner_municipalities]
    if form.validate_on_submit():
        try:
            ops.update_team(team, form.to_data(), actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("The team has been saved."), "success")
            return redirect(url_for("teams.team", team_id=team.id))
    status = 422 if form.is_submitted() else 200
    return render_template("teams/form.html", form=form, team=team), status


@bp.route("/teams/<id:team_id>/invitations", methods=["POST"])
@limiter.limit("60 per hour", scope="team-invite")
@access.signed_in
def invite(team_id: int):
    team = _managed_team(team_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = ops.invite_member(team, form.email.data, actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("An invitation has been sent to %(email)s.", email=invitation.email),
                  "success")
            return redirect(url_for("teams.team", team_id=team.id) + "#invitations")
    return _team_page(team, invite_form=form, status=422)


@bp.route("/teams/<id:team_id>/invitations/<id:invitation_id>/revoke", methods=["POST"])
@access.signed_in
def revoke_invitation(team_id: int, invitation_id: int):
    team = _managed_team(team_id)
    invitation = team.invitation_by_id(invitation_id)
    access.require(invitation is not None, hide=True)
    if EmptyForm().validate_on_submit():
        ops.revoke_invitation(invitation, actor=current_user)
        db.session.commit()
        flash(_("The invitation to %(email)s has been withdrawn.", email=invitation.email),
              "success")
    return redirect(url_for("teams.team", team_id=team.id) + "#invitations")


@bp.route("/teams/<id:team_id>/members/<id:user_id>/remove", methods=["POST"])
@access.signed_in
def remove_member(team_id: int, user_id: int):
    team = _managed_team(team_id)
    member_user = team.member_user(user_id)
    access.require(member_user is not None, hide=True)
    if EmptyForm().validate_on_submit():
        ops.remove_member(team, member_user, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is no longer a member of the team.", name=member_user.name), "success")
    return redirect(url_for("teams.team", team_id=team.id))


@bp.route("/teams/<id:team_id>/lead", methods=["POST"])
@access.signed_in
def hand_over_lead(team_id: int):
    team = _managed_team(team_id)
    form = HandOverForm(team=team)
    if form.validate_on_submit():
        new_lead = team.member_user(ops.as_id(form.user_id.data))
        try:
            ops.hand_over_lead(team, new_lead, actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s now leads the team.", name=new_lead.name), "success")
            return redirect(url_for("teams.team", team_id=team.id))
    return _team_page(team, hand_over_form=form, status=422)


@bp.route("/teams/<id:team_id>/leave", methods=["POST"])
@access.signed_in
def leave(team_id: int):
    team = _load_team(team_id)
    access.require(team.is_member(current_user))
    if EmptyForm().validate_on_submit():
        try:
            ops.leave_team(team, user=current_user)
        except WrongState as error:
            flash(str(error.detail), "error")
            return redirect(url_for("teams.team", team_id=team.id))
        db.session.commit()
        flash(_("You have left the team “%(name)s”.", name=team.name), "success")
    return redirect(url_for("teams.my_teams"))


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
        return render_template("teams/invitation_problem.html", detail=error.detail,
                               team=found.team if found and found.team.is_member(current_user)
                               else None), status
    here = url_for("teams.invitation", token=token)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=here))
        return render_template("teams/invitation.html", invitation=found, form=None,
                               masked=mask_email(found.email), here=here)
    if not found.is_for(current_user):
        return render_template("teams/invitation.html", invitation=found, form=None,
                               masked=mask_email(found.email), here=here,
                               wrong_address=True), 403
    form = EmptyForm()
    if form.validate_on_submit():
        already_member = found.team.is_member(current_user)
        try:
            ops.accept_invitation(token, user=current_user)
        except (WrongState, NotAllowed) as error:  # e.g. a second tab accepted it first
            db.session.rollback()
            return render_template("teams/invitation_problem.html", detail=error.detail,
                                   team=None), error.status
        db.session.commit()
        if already_member:
            flash(_("You are already a member of the team “%(name)s”.", name=found.team.name),
                  "info")
        else:
            flash(_("Welcome to the team “%(name)s”.", name=found.team.name), "success")
        return redirect(url_for("teams.team", team_id=found.team_id))
    return render_template("teams/invitation.html", invitation=found, form=form,
                           masked=mask_email(found.email), here=here)
