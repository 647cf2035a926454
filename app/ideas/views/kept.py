"""Kept texts: after sign-in, the text a browser kept is offered back to its author."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.translation import gettext as _
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas import kept_texts, queries
from app.ideas import operations as ops
from app.ideas.forms import IdeaForm
from app.ideas.models import MARKDOWN_FIELDS
from app.ideas.views.blueprint import bp
from app.ideas.views.form import form_page, kept_page


@bp.route("/ideas/kept")
@access.signed_in
def latest_kept():
    """After signing in: the newest text this browser kept that the user may take back."""
    row = kept_texts.latest_kept_text(user=current_user)
    if row is None:
        flash(_("Nothing was kept in this browser for you."), "info")
        return redirect(url_for("ideas.my_ideas"))
    return redirect(url_for("ideas.kept", key=row.key))


@bp.route("/ideas/kept/<key>")
@access.signed_in
def kept(key: str):
    # The first signed-in opener of an anonymous kept text claims it.
    row = web.check_found(kept_texts.find_kept_text(key, user=current_user))
    now = now_utc()
    idea = queries.idea_by_id(row.idea_id) if row.idea_id else None
    hackathon = idea.hackathon if idea else db.session.get(Hackathon, row.hackathon_id or 0)
    if hackathon is None or (row.idea_id and idea is None):
        abort(404)
    if idea is not None:
        access.require(idea.is_team_member(current_user), hide=True)
    data = row.data
    initial = {k: data.get(k, "") for k in ("title", "summary", *MARKDOWN_FIELDS,
                                             "budget_eur", "duration_months", "team_id",
                                             "version")}
    initial["indicators"] = data.get("indicators") or []
    initial["kept"] = row.key
    notice = _("Your text was kept. Check it and save it.")
    if idea is not None and idea.can_edit(current_user, now) and row.reason != "late":
        return form_page(IdeaForm(formdata=None, data=initial), idea=idea,
                         hackathon=hackathon, notice=notice)
    if idea is None and ops.may_create_in(hackathon, now) and row.reason != "late" \
            and ops.teams_for(current_user, hackathon):
        return form_page(IdeaForm(formdata=None, data=initial), hackathon=hackathon,
                         notice=notice)
    return kept_page(row, idea=idea, hackathon=hackathon)


@bp.route("/ideas/kept/<key>/dismiss", methods=["POST"])
@access.signed_in
def kept_dismiss(key: str):
    row = web.check_found(kept_texts.find_kept_text(key, user=current_user))
    if EmptyForm().validate_on_submit():
        kept_texts.use_kept_text(row)
        flash(_("The kept text has been removed."), "success")
    if row.idea_id:
        return redirect(url_for("ideas.idea", idea_id=row.idea_id))
    return redirect(url_for("ideas.my_ideas"))
