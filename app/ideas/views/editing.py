"""Writing an idea: the new-idea and edit forms, save (version-checked), submit.

Nothing a team typed is lost: an expired session, an expired form token, a stale version
and a late post each keep the text (see form.keep_and_sign_in, _expired_form, the
conflict page and the late branch of _save_and_maybe_submit)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import Invalid, StaleVersion, WrongState
from app.core.forms import apply_errors
from app.core.translation import gettext as _
from app.extensions import csrf, db, limiter
from app.hackathons.models import Hackathon
from app.hackathons.queries import load_hackathon
from app.ideas import kept_texts, loading, queries
from app.ideas import operations as ops
from app.ideas.forms import IdeaForm
from app.ideas.models import Idea
from app.ideas.views.blueprint import bp
from app.ideas.views.form import (
    conflict_view,
    form_data,
    form_page,
    initial_values,
    keep_and_sign_in,
    kept_page,
    kept_row,
    posted_data,
    submitted,
)


def _save_and_maybe_submit(idea: Idea, form: IdeaForm, now):
    """After a successful save: submit when asked; a failed submit keeps the saved draft
    (the submission alone is undone, and the request commits the draft)."""
    kept_texts.use_kept_text(kept_row(), now)
    back = url_for("ideas.idea", idea_id=idea.id)
    if request.form.get("action") != "submit" or not idea.is_draft:
        return web.done(_("The idea has been saved.") if idea.is_draft else
                        _("Your changes have been saved; the idea stays submitted."), back)
    try:
        web.attempt(lambda: ops.submit_idea(idea, actor=current_user, now=now))
    except Invalid as error:
        apply_errors(form, error)
        form.version.data = str(idea.version)
        return form_page(form, idea=idea, hackathon=idea.hackathon, status=422, saved=True,
                         notice=_("Your draft has been saved, but it was not submitted: "
                                   "fill in the fields marked below, then submit again."))
    except WrongState as error:
        return web.done(_("%(reason)s Your text has been saved as a draft.",
                          reason=error.detail), back, "error")
    return submitted(idea)


def _token_refused() -> CSRFError | None:
    """The form's security token, checked in the idea form's views rather than before them
    (they are exempt), so that an expired form keeps its text and the edge commits it."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    try:
        csrf.protect()
    except CSRFError as error:
        return error
    return None


def _expired_form(error: CSRFError, *, idea: Idea | None, hackathon: Hackathon | None):
    """An idea form whose security token expired keeps its text instead of a bare 400;
    what the user may not know about answers the bare 400 alike."""
    if hackathon is None or not hackathon.is_visible_to(current_user):
        raise error
    if not current_user.is_authenticated:
        return keep_and_sign_in(idea=idea, hackathon=hackathon)
    if idea is not None and not idea.is_team_member(current_user):
        raise error
    form = IdeaForm()
    form.form_errors.clear()
    notice = _("The form had expired, so nothing was saved yet. Your text is below: check "
               "it and save again.")
    return form_page(form, idea=idea, hackathon=hackathon, status=400, notice=notice)


@bp.route("/hackathons/<slug>/ideas/new", methods=["GET"])
@access.signed_in
def new(slug: str):
    hackathon = load_hackathon(slug, page=True)
    now = now_utc()
    if not hackathon.takes_new_ideas(now):
        flash(_("This hackathon does not take ideas now."), "error")
        return redirect(url_for("hackathons.detail", slug=hackathon.slug))
    form = IdeaForm(formdata=None)
    teams = ops.teams_for(current_user, hackathon)
    if len(teams) == 1:
        form.team_id.data = str(teams[0].id)
    return form_page(form, hackathon=hackathon)


def _signed_in() -> bool:
    return current_user.is_authenticated


# Anonymous posts only keep text (see keep_and_sign_in); they are limited so that
# nobody can fill the table with them.
KEEP_LIMIT = limiter.limit("60 per hour", exempt_when=_signed_in, scope="ideas-keep")


# Declared public so that a post from an expired session reaches this view and its
# text can be kept (see keep_and_sign_in); it requires a signed-in user inside.
@bp.route("/hackathons/<slug>/ideas/new", methods=["POST"])
@KEEP_LIMIT
@csrf.exempt  # checked below, so that an expired form keeps its text
@access.public
def create(slug: str):
    token_error = _token_refused()
    if token_error is not None:
        found = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
        return _expired_form(token_error, idea=None, hackathon=found)
    if not current_user.is_authenticated:
        # Signed out: a real and an unknown hackathon answer alike (kept, then sign in).
        found = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
        return keep_and_sign_in(
            hackathon=found if found is not None and found.is_visible_to(None) else None)
    hackathon = load_hackathon(slug, page=True)
    form = IdeaForm()
    if not form.validate_on_submit():
        return form_page(form, hackathon=hackathon, status=422)
    team = queries.team_by_id(form.team_id.data)
    now = now_utc()
    try:
        idea = web.attempt(lambda: ops.create_idea(hackathon, team, form_data(form),
                                                   actor=current_user, now=now))
    except Invalid as error:
        apply_errors(form, error)
        return form_page(form, hackathon=hackathon, status=422)
    except WrongState as error:
        kept = kept_texts.keep_text(posted_data(), reason="late", hackathon=hackathon,
                             user=current_user, now=now)
        return kept_page(kept, hackathon=hackathon, reason=str(error.detail), status=409)
    return _save_and_maybe_submit(idea, form, now)


@bp.route("/ideas/<id:idea_id>/edit", methods=["GET"])
@access.signed_in
def edit(idea_id: int):
    idea = loading.team_idea(idea_id)
    now = now_utc()
    if not idea.can_edit(current_user, now):
        flash(ops._not_editable_message(idea, now), "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    form = IdeaForm(formdata=None, data=initial_values(idea))
    return form_page(form, idea=idea, hackathon=idea.hackathon)


# Declared public so that a post from an expired session reaches this view and its
# text can be kept (see keep_and_sign_in); it requires a team member inside.
@bp.route("/ideas/<id:idea_id>/edit", methods=["POST"])
@KEEP_LIMIT
@csrf.exempt  # checked below, so that an expired form keeps its text
@access.public
def save(idea_id: int):
    token_error = _token_refused()
    if token_error is not None:
        found = queries.idea_by_id(idea_id)
        if found is None:
            raise token_error
        return _expired_form(token_error, idea=found, hackathon=found.hackathon)
    if not current_user.is_authenticated:
        # Signed out: a real and a made-up idea answer alike (kept, then sign in).
        return keep_and_sign_in(idea=queries.idea_by_id(idea_id))
    idea = loading.team_idea(idea_id)
    form = IdeaForm()
    if not form.validate_on_submit():
        return form_page(form, idea=idea, hackathon=idea.hackathon, status=422)
    version = form.version.data
    # A page form always carries its version; without one it is treated as stale.
    expected = int(version) if version and version.isdigit() and len(version) < 10 else 0
    now = now_utc()
    try:
        web.attempt(lambda: ops.save_idea(idea, form_data(form), actor=current_user,
                                          expected_version=expected, now=now))
    except StaleVersion:
        # `idea` now holds the stored version: both texts side by side.
        conflict = conflict_view(idea, form)
        return form_page(form, idea=idea, hackathon=idea.hackathon, status=409,
                         conflict=conflict)
    except Invalid as error:
        apply_errors(form, error)
        return form_page(form, idea=idea, hackathon=idea.hackathon, status=422)
    except WrongState as error:
        # Too late for this idea (e.g. a submitted idea after the deadline): keep the text.
        kept = kept_texts.keep_text(posted_data(), reason="late", idea=idea, user=current_user,
                             now=now)
        return kept_page(kept, idea=idea, hackathon=idea.hackathon, reason=str(error.detail),
                         status=409)
    return _save_and_maybe_submit(idea, form, now)


@bp.route("/ideas/<id:idea_id>/submit", methods=["POST"])
@access.signed_in
def submit(idea_id: int):
    idea = loading.team_idea(idea_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        web.attempt(lambda: ops.submit_idea(idea, actor=current_user))
    except Invalid as error:
        return web.done(str(error.detail), url_for("ideas.edit", idea_id=idea.id), "error")
    except WrongState as error:
        return web.done(str(error.detail), url_for("ideas.idea", idea_id=idea.id), "error")
    return submitted(idea)
