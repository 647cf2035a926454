"""An idea's pages: my ideas, the idea page, withdrawing, ruling out, the judges'
redacted version, history and the differences between revisions."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import gettext as _
from app.ideas import kept_texts, loading, queries
from app.ideas import operations as ops
from app.ideas import redaction as redacting
from app.ideas.diff import diff_revisions
from app.ideas.forms import IneligibleForm, RedactionForm
from app.ideas.models import MARKDOWN_FIELDS, Idea
from app.ideas.models_redaction import REDACTABLE_FIELDS
from app.ideas.views.blueprint import bp
from app.public.cache import public_page

DIFF_FIELDS = ["title", "summary", "problem", "solution", "target_group", "expected_impact",
               "indicators", "budget_eur", "duration_months", "partners", "attachments"]


@bp.route("/ideas")
@access.signed_in
def my_ideas():
    now = now_utc()
    ideas = queries.ideas_of_user(current_user)
    open_hackathons = queries.hackathons_taking_ideas(now)
    return render_template("ideas/mine.html", ideas=ideas, open_hackathons=open_hackathons,
                           now=now)


@bp.route("/ideas/<id:idea_id>")
@public_page  # anonymous visitors see winners' public fields: cached, conditional GET
@access.public
def idea(idea_id: int):
    idea = loading.any_idea(idea_id)
    now = now_utc()
    access.require(idea.can_view(current_user, now), hide=True)
    private = idea.can_view_private(current_user)
    text = idea.text_for(current_user, now)  # a blind review's judge: the redacted version
    html = {name: idea.html(name) if text is idea or name == "partners" else text.html(name)
            for name in MARKDOWN_FIELDS}
    return render_template(
        "ideas/idea.html", idea=idea, h=idea.hackathon, private=private, html=html, now=now,
        text=text,
        redaction_warnings=(redacting.mentions_in(idea) if idea.hackathon.blind_review
                            and idea.hackathon.can_manage(current_user) else []),
        can_redact=idea.can_redact(current_user, now),
        redaction_labels=redacting.FIELD_LABELS,
        blind=idea.hides_team_from(current_user, now),
        can_see_history=idea.can_see_history(current_user),
        can_edit=idea.can_edit(current_user, now),
        can_submit=idea.can_submit(current_user, now),
        can_withdraw=idea.can_withdraw(current_user, now),
        can_mark_ineligible=idea.can_mark_ineligible(current_user),
        missing=ops.missing_for_submit(idea) if idea.is_draft and private else {},
        kept=kept_texts.kept_texts_for(idea, current_user, now) if private else [],
        empty_form=EmptyForm(formdata=None), ineligible_form=IneligibleForm(formdata=None),
        field_labels=ops.FIELD_LABELS,
    )


def _redaction_page(idea: Idea, form: RedactionForm, items: dict, status: int = 200):
    return render_template(
        "ideas/redaction.html", idea=idea, h=idea.hackathon, form=form,
        fields=REDACTABLE_FIELDS, field_labels=redacting.FIELD_LABELS,
        mentions=redacting.mentions_in(idea), items=items,
        original={name: getattr(idea, name) for name in REDACTABLE_FIELDS}), status


@bp.route("/ideas/<id:idea_id>/redaction", methods=["GET", "POST"])
@access.coordinator_only
def redaction(idea_id: int):
    idea = web.load(Idea, idea_id, see=Idea.can_view_private,
                    may=lambda found, user: found.can_redact(user))
    form = RedactionForm()
    if request.method == "GET":
        form.process(data=redacting.suggested_redaction(idea))
        items = redacting.suggested_items(idea)
    else:
        items = redacting.items_from_form(idea, request.form)
    return web.submit(
        form, run=lambda data: redacting.redact_idea(idea, {**data, **items},
                                                     actor=current_user),
        success=lambda _done: web.done(
            _("The judges now read the redacted version; the team’s text stays as written."),
            url_for("ideas.idea", idea_id=idea.id)),
        page=lambda status: _redaction_page(idea, form, items, status))


@bp.route("/ideas/<id:idea_id>/withdraw", methods=["GET", "POST"])
@access.signed_in
def withdraw(idea_id: int):
    """Withdrawing is final, so it is asked for on a page of its own that says what follows."""
    idea = loading.team_idea(idea_id)
    back = url_for("ideas.idea", idea_id=idea.id)
    form = EmptyForm()
    if request.method == "GET":
        return render_template("ideas/withdraw.html", idea=idea, h=idea.hackathon, form=form,
                               may=idea.can_withdraw(current_user, now_utc()))
    if not form.validate_on_submit():
        abort(400)
    return web.act(lambda: ops.withdraw_idea(idea, actor=current_user), back=back,
                   success=lambda _idea: web.done(
                       _("The idea has been withdrawn. It will not be judged."), back))


@bp.route("/ideas/<id:idea_id>/ineligible", methods=["POST"])
@access.coordinator_only
def ineligible(idea_id: int):
    idea = loading.readable(idea_id)
    access.require(idea.hackathon.can_manage(current_user), hide=True)
    form = IneligibleForm()
    back = url_for("ideas.idea", idea_id=idea.id)
    if not form.validate_on_submit():
        return redirect(back)
    try:
        web.attempt(lambda: ops.mark_ineligible(idea, form.reason.data, actor=current_user))
    except (Invalid, WrongState, NotAllowed) as error:
        messages = [m for msgs in error.errors.values() for m in msgs] or [error.detail]
        return web.done(" ".join(str(m) for m in messages), back, "error")
    return web.done(_("The idea has been marked ineligible; the team has been told why."),
                    back)


@bp.route("/ideas/<id:idea_id>/history")
@access.signed_in
def history(idea_id: int):
    idea = loading.with_history(idea_id)
    revisions = list(reversed(idea.revisions))
    return render_template("ideas/history.html", idea=idea, h=idea.hackathon,
                           revisions=revisions)


@bp.route("/ideas/<id:idea_id>/diff")
@access.signed_in
def diff(idea_id: int):
    idea = loading.with_history(idea_id)
    revisions = {r.number: r for r in idea.revisions}
    if not revisions:
        abort(404)
    newest = max(revisions)
    new_no = request.args.get("to", type=int) or newest
    old_no = request.args.get("from", type=int) or max(1, new_no - 1)
    if old_no not in revisions or new_no not in revisions:
        abort(404)
    old, new = revisions[old_no], revisions[new_no]
    fields = diff_revisions(old.data, new.data, DIFF_FIELDS)
    labels = {**ops.FIELD_LABELS, "attachments": _("Attachments")}
    return render_template("ideas/diff.html", idea=idea, h=idea.hackathon, old=old, new=new,
                           fields=fields, labels=labels,
                           numbers=sorted(revisions, reverse=True))
