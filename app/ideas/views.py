"""Idea pages: my ideas, the idea form, the idea page, history and diff, attachments,
and the coordinator's list of a hackathon's ideas with its CSV export.

Each view loads (404), checks access (404 for what the user may not know about),
reads the form, calls one operation and commits. Nothing a team typed is lost:
an expired session, an expired form token, a stale version and a late post each
keep the text (see _keep_and_sign_in, csrf_expired, the conflict page and the
late branch of _save_and_maybe_submit).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app import MAX_ID
from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState, handle_http_exception
from app.core.forms import apply_errors
from app.core.pagination import clamp, paginate
from app.extensions import db, limiter
from app.hackathons.models import Hackathon
from app.ideas import attachments as files
from app.ideas import operations as ops
from app.ideas import queries
from app.ideas import redaction as redacting
from app.ideas.diff import diff_revisions
from app.ideas.forms import AttachmentForm, IdeaForm, IneligibleForm, RedactionForm
from app.ideas.models import (
    INDICATORS_MAX,
    MARKDOWN_FIELDS,
    REDACTABLE_FIELDS,
    Attachment,
    Idea,
)
from app.ideas.status import IdeaStatus
from app.places.models import REGION_CODES, Region
from app.public.cache import public_page

bp = Blueprint("ideas", __name__)

FORM_ENDPOINTS = ("ideas.create", "ideas.save")
DIFF_FIELDS = ["title", "summary", "problem", "solution", "target_group", "expected_impact",
               "indicators", "budget_eur", "duration_months", "partners", "attachments"]


# --- loading -----------------------------------------------------------------------------

def _idea_or_404(idea_id: int) -> Idea:
    idea = queries.idea_by_id(idea_id)
    if idea is None:
        abort(404)
    return idea


def _readable(idea_id: int) -> Idea:
    idea = _idea_or_404(idea_id)
    access.require(idea.can_view_private(current_user), hide=True)
    return idea


def _history_readable(idea_id: int) -> Idea:
    idea = _idea_or_404(idea_id)
    access.require(idea.can_see_history(current_user), hide=True)
    return idea


def _team_idea(idea_id: int) -> Idea:
    """The idea, if the signed-in user is in its team (others: 404, even coordinators)."""
    idea = _idea_or_404(idea_id)
    access.require(idea.is_team_member(current_user), hide=True)
    return idea


def _hackathon_or_404(slug: str) -> Hackathon:
    hackathon = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
    if hackathon is None:
        abort(404)
    access.require(hackathon.is_visible_to(current_user), hide=True)
    return hackathon


# --- the form -------------------------------------------------------------------------------

def form_data(form: IdeaForm) -> dict:
    """What the idea form posted, in the operations' field names."""
    data = {name: getattr(form, name).data or "" for name in
            ("title", "summary", *MARKDOWN_FIELDS, "budget_eur", "duration_months")}
    data["indicators"] = [
        {"name": entry.form.name.data or "", "baseline": entry.form.baseline.data or "",
         "target": entry.form.target.data or ""}
        for entry in form.indicators
    ]
    return data


def _posted_data() -> dict:
    """The idea fields of the current POST, read without the form machinery (for keeping)."""
    form = IdeaForm(meta={"csrf": False})
    data = form_data(form)
    data["team_id"] = request.form.get("team_id", "")
    data["version"] = request.form.get("version", "")
    data["action"] = request.form.get("action", "")
    return data


def _pad_indicators(form: IdeaForm) -> None:
    """Show the indicators plus two empty rows (no JavaScript needed to add one)."""
    filled = sum(1 for e in form.indicators if (e.form.name.data or e.form.baseline.data
                                                or e.form.target.data))
    wanted = min(INDICATORS_MAX, max(3, filled + 2))
    while len(form.indicators) < wanted:
        form.indicators.append_entry()


def _initial(idea: Idea) -> dict:
    """The stored idea as the form's starting values (the form ignores "attachments")."""
    data = ops.snapshot(idea)
    return {**data, "duration_months": str(data["duration_months"]),
            "version": str(idea.version), "team_id": str(idea.team_id)}


def _form_page(form: IdeaForm, *, idea: Idea | None = None, hackathon: Hackathon,
               status: int = 200, conflict: dict | None = None, notice: str | None = None,
               saved: bool = False):
    now = now_utc()
    _pad_indicators(form)
    if idea is None:
        form.team_id.choices = [(str(t.id), f"{t.name} ({t.municipality.name})")
                                for t in ops.teams_for(current_user, hackathon)]
    return render_template(
        "ideas/form.html", form=form, idea=idea, h=hackathon, conflict=conflict,
        notice=notice, saved=saved, now=now,
        can_submit=(idea.can_submit(current_user, now) if idea is not None
                    else hackathon.accepts_submissions(now)),
    ), status


def _conflict_view(idea: Idea, form: IdeaForm):
    """Both texts side by side: the user's (editable) and the stored one; the next save wins."""
    stored = ops.snapshot(idea)
    mine = form_data(form)
    differs = {}
    def same(text: object) -> str:
        # A browser sends CRLF and trailing blanks that the stored text does not have:
        # those are not a change anyone made.
        return "\n".join(line.rstrip() for line in str(text or "").replace("\r\n", "\n")
                         .split("\n")).strip()

    for name in ("title", "summary", *MARKDOWN_FIELDS, "budget_eur", "duration_months"):
        theirs = str(stored.get(name) or "")
        if same(mine.get(name)) != same(theirs):
            differs[name] = theirs
    mine_rows = [r for r in mine["indicators"] if any(r.values())]
    if mine_rows != stored["indicators"]:
        differs["indicators"] = stored["indicators"]
    form.version.data = str(idea.version)
    return {"fields": differs, "updated_at": idea.updated_at,
            "updated_by": idea.updated_by.name if idea.updated_by else ""}


def _keep_and_sign_in(*, idea: Idea | None = None, hackathon: Hackathon | None = None):
    """The session has ended: keep the posted text in this browser, and bring it back
    after sign-in (only here, and only to a member of the idea's team)."""
    if idea is not None or hackathon is not None:
        ops.keep_text(_posted_data(), reason="signed_out", idea=idea, hackathon=hackathon)
        # Committed here: this also runs from the CSRF error handler, after the request's
        # transaction was rolled back at the edge.
        db.session.commit()
    flash(_("Your session had ended, so the idea was not saved yet. Your text has been "
            "kept: sign in and it will be shown again for you to check and save."), "info")
    # The same answer whether or not the idea exists: the key never leaves the server.
    return redirect(url_for("accounts.login", next=url_for("ideas.latest_kept")))


def _kept_row():
    """The kept text this form came from, if it is the user's (to mark it used)."""
    key = request.form.get("kept")
    return ops.find_kept_text(key, user=current_user) if key else None


def _submitted(idea: Idea):
    flash(_("The idea has been submitted; its reference number is %(reference)s. Every team "
            "member gets a confirmation e-mail listing what was submitted. You can still "
            "change it until the deadline.", reference=idea.reference), "success")
    return redirect(url_for("ideas.idea", idea_id=idea.id))


def _save_and_maybe_submit(idea: Idea, form: IdeaForm):
    """After a successful save: submit when asked; a failed submit keeps the saved draft."""
    now = now_utc()
    kept = _kept_row()
    ops.use_kept_text(kept, now)
    if request.form.get("action") != "submit" or not idea.is_draft:
        db.session.commit()
        flash(_("The idea has been saved.") if idea.is_draft else
              _("Your changes have been saved; the idea stays submitted."), "success")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    try:
        ops.submit_idea(idea, actor=current_user, now=now)
    except Invalid as error:
        db.session.commit()  # the draft is saved; only the submission waits
        apply_errors(form, error)
        form.version.data = str(idea.version)
        return _form_page(form, idea=idea, hackathon=idea.hackathon, status=422, saved=True,
                          notice=_("Your draft has been saved, but it was not submitted: "
                                   "fill in the fields marked below, then submit again."))
    except WrongState as error:
        db.session.commit()
        flash(_("%(reason)s Your text has been saved as a draft.", reason=error.detail),
              "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    db.session.commit()
    return _submitted(idea)


@bp.errorhandler(CSRFError)
def csrf_expired(error):
    """An idea form whose security token expired keeps its text instead of a bare 400."""
    if request.endpoint not in FORM_ENDPOINTS or request.method != "POST":
        return handle_http_exception(error)
    args = request.view_args or {}
    idea = queries.idea_by_id(args["idea_id"]) if "idea_id" in args else None
    hackathon = (idea.hackathon if idea is not None else
                 db.session.scalar(select(Hackathon).where(Hackathon.slug == args.get("slug"))))
    if hackathon is None or (idea is None and "idea_id" in args) \
            or not hackathon.is_visible_to(current_user):
        return handle_http_exception(error)
    if not current_user.is_authenticated:
        return _keep_and_sign_in(idea=idea, hackathon=hackathon)
    if idea is not None and not idea.is_team_member(current_user):
        return handle_http_exception(error)
    form = IdeaForm()
    form.form_errors.clear()
    notice = _("The form had expired, so nothing was saved yet. Your text is below: check "
               "it and save again.")
    return _form_page(form, idea=idea, hackathon=hackathon, status=400, notice=notice)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the request limit: the attachments page again, with the reason.

    The idea's text is never lost here: it is saved by its own form, and the upload
    form carries only the file.
    """
    args = request.view_args or {}
    if request.endpoint != "ideas.upload" or not current_user.is_authenticated:
        return handle_http_exception(error)
    idea = queries.idea_by_id(args.get("idea_id", 0))
    if idea is None or not idea.is_team_member(current_user):
        return handle_http_exception(error)
    form = AttachmentForm(formdata=None)
    form.file.errors = [_("The file is too large: each file may have at most 10 MB. Nothing "
                          "else was changed.")]
    return _attachments_page(idea, form, status=413)


# --- my ideas ------------------------------------------------------------------------------

@bp.route("/ideas")
@access.signed_in
def my_ideas():
    now = now_utc()
    ideas = queries.ideas_of_user(current_user)
    open_hackathons = queries.hackathons_taking_ideas(now)
    return render_template("ideas/mine.html", ideas=ideas, open_hackathons=open_hackathons,
                           now=now)


# --- a new idea ---------------------------------------------------------------------------

@bp.route("/hackathons/<slug>/ideas/new", methods=["GET"])
@access.signed_in
def new(slug: str):
    hackathon = _hackathon_or_404(slug)
    now = now_utc()
    if not hackathon.takes_new_ideas(now):
        flash(_("This hackathon does not take ideas now."), "error")
        return redirect(url_for("hackathons.detail", slug=hackathon.slug))
    form = IdeaForm(formdata=None)
    teams = ops.teams_for(current_user, hackathon)
    if len(teams) == 1:
        form.team_id.data = str(teams[0].id)
    return _form_page(form, hackathon=hackathon)


def _signed_in() -> bool:
    return current_user.is_authenticated


# Anonymous posts only keep text (see _keep_and_sign_in); they are limited so that
# nobody can fill the table with them.
KEEP_LIMIT = limiter.limit("60 per hour", exempt_when=_signed_in, scope="ideas-keep")


# Declared public so that a post from an expired session reaches this view and its
# text can be kept (see _keep_and_sign_in); it requires a signed-in user inside.
@bp.route("/hackathons/<slug>/ideas/new", methods=["POST"])
@KEEP_LIMIT
@access.public
def create(slug: str):
    if not current_user.is_authenticated:
        # Signed out: a real and an unknown hackathon answer alike (kept, then sign in).
        found = db.session.scalar(select(Hackathon).where(Hackathon.slug == slug))
        return _keep_and_sign_in(
            hackathon=found if found is not None and found.is_visible_to(None) else None)
    hackathon = _hackathon_or_404(slug)
    form = IdeaForm()
    if not form.validate_on_submit():
        return _form_page(form, hackathon=hackathon, status=422)
    team = queries.team_by_id(form.team_id.data)
    now = now_utc()
    try:
        idea = ops.create_idea(hackathon, team, form_data(form), actor=current_user, now=now)
    except Invalid as error:
        apply_errors(form, error)
        return _form_page(form, hackathon=hackathon, status=422)
    except WrongState as error:
        kept = ops.keep_text(_posted_data(), reason="late", hackathon=hackathon,
                             user=current_user, now=now)
        db.session.commit()
        return _kept_page(kept, hackathon=hackathon, reason=str(error.detail), status=409)
    return _save_and_maybe_submit(idea, form)


# --- the idea page ----------------------------------------------------------------------------

@bp.route("/ideas/<id:idea_id>")
@public_page  # anonymous visitors see winners' public fields: cached, conditional GET
@access.public
def idea(idea_id: int):
    idea = _idea_or_404(idea_id)
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
        kept=ops.kept_texts_for(idea, current_user, now) if private else [],
        empty_form=EmptyForm(formdata=None), ineligible_form=IneligibleForm(formdata=None),
        field_labels=ops.FIELD_LABELS,
    )


# --- blind review: the judges' redacted version -----------------------------------------------

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


@bp.route("/ideas/<id:idea_id>/edit", methods=["GET"])
@access.signed_in
def edit(idea_id: int):
    idea = _team_idea(idea_id)
    now = now_utc()
    if not idea.can_edit(current_user, now):
        flash(ops._not_editable_message(idea, now), "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    form = IdeaForm(formdata=None, data=_initial(idea))
    return _form_page(form, idea=idea, hackathon=idea.hackathon)


# Declared public so that a post from an expired session reaches this view and its
# text can be kept (see _keep_and_sign_in); it requires a team member inside.
@bp.route("/ideas/<id:idea_id>/edit", methods=["POST"])
@KEEP_LIMIT
@access.public
def save(idea_id: int):
    if not current_user.is_authenticated:
        # Signed out: a real and a made-up idea answer alike (kept, then sign in).
        return _keep_and_sign_in(idea=queries.idea_by_id(idea_id))
    idea = _idea_or_404(idea_id)
    access.require(idea.is_team_member(current_user), hide=True)
    form = IdeaForm()
    if not form.validate_on_submit():
        return _form_page(form, idea=idea, hackathon=idea.hackathon, status=422)
    version = form.version.data
    # A page form always carries its version; without one it is treated as stale.
    expected = int(version) if version and version.isdigit() and len(version) < 10 else 0
    now = now_utc()
    try:
        ops.save_idea(idea, form_data(form), actor=current_user, expected_version=expected,
                      now=now)
    except ops.StaleIdea as error:
        conflict = _conflict_view(error.idea, form)
        return _form_page(form, idea=error.idea, hackathon=error.idea.hackathon, status=409,
                          conflict=conflict)
    except Invalid as error:
        apply_errors(form, error)
        return _form_page(form, idea=idea, hackathon=idea.hackathon, status=422)
    except WrongState as error:
        # Too late for this idea (e.g. a submitted idea after the deadline): keep the text.
        kept = ops.keep_text(_posted_data(), reason="late", idea=idea, user=current_user,
                             now=now)
        db.session.commit()
        return _kept_page(kept, idea=idea, hackathon=idea.hackathon, reason=str(error.detail),
                          status=409)
    return _save_and_maybe_submit(idea, form)


@bp.route("/ideas/<id:idea_id>/submit", methods=["POST"])
@access.signed_in
def submit(idea_id: int):
    idea = _team_idea(idea_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ops.submit_idea(idea, actor=current_user)
    except Invalid as error:
        flash(str(error.detail), "error")
        return redirect(url_for("ideas.edit", idea_id=idea.id))
    except WrongState as error:
        flash(str(error.detail), "error")
        return redirect(url_for("ideas.idea", idea_id=idea.id))
    db.session.commit()
    return _submitted(idea)


@bp.route("/ideas/<id:idea_id>/withdraw", methods=["GET", "POST"])
@access.signed_in
def withdraw(idea_id: int):
    """Withdrawing is final, so it is asked for on a page of its own that says what follows."""
    idea = _team_idea(idea_id)
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
    idea = _readable(idea_id)
    access.require(idea.hackathon.can_manage(current_user), hide=True)
    form = IneligibleForm()
    if form.validate_on_submit():
        try:
            ops.mark_ineligible(idea, form.reason.data, actor=current_user)
        except (Invalid, WrongState, NotAllowed) as error:
            messages = [m for msgs in error.errors.values() for m in msgs] or [error.detail]
            flash(" ".join(str(m) for m in messages), "error")
            return redirect(url_for("ideas.idea", idea_id=idea.id))
        db.session.commit()
        flash(_("The idea has been marked ineligible; the team has been told why."),
              "success")
    return redirect(url_for("ideas.idea", idea_id=idea.id))


# --- kept texts -----------------------------------------------------------------------------

def _kept_page(kept, *, hackathon, idea=None, reason=None, status=200):
    data = kept.data
    return render_template("ideas/kept.html", kept=kept, data=data, idea=idea, h=hackathon,
                           reason=reason, field_labels=ops.FIELD_LABELS,
                           fields=("title", "summary", *MARKDOWN_FIELDS, "budget_eur",
                                   "duration_months")), status


@bp.route("/ideas/kept")
@access.signed_in
def latest_kept():
    """After signing in: the newest text this browser kept that the user may take back."""
    row = ops.latest_kept_text(user=current_user)
    if row is None:
        flash(_("Nothing was kept in this browser for you."), "info")
        return redirect(url_for("ideas.my_ideas"))
    return redirect(url_for("ideas.kept", key=row.key))


@bp.route("/ideas/kept/<key>")
@access.signed_in
def kept(key: str):
    row = ops.find_kept_text(key, user=current_user)
    if row is None:
        abort(404)
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
    db.session.commit()  # the claim of an anonymous kept text
    notice = _("Your text was kept. Check it and save it.")
    if idea is not None and idea.can_edit(current_user, now) and row.reason != "late":
        return _form_page(IdeaForm(formdata=None, data=initial), idea=idea,
                          hackathon=hackathon, notice=notice)
    if idea is None and ops.may_create_in(hackathon, now) and row.reason != "late" \
            and ops.teams_for(current_user, hackathon):
        return _form_page(IdeaForm(formdata=None, data=initial), hackathon=hackathon,
                          notice=notice)
    return _kept_page(row, idea=idea, hackathon=hackathon)


@bp.route("/ideas/kept/<key>/dismiss", methods=["POST"])
@access.signed_in
def kept_dismiss(key: str):
    row = ops.find_kept_text(key, user=current_user)
    if row is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        ops.use_kept_text(row)
        db.session.commit()
        flash(_("The kept text has been removed."), "success")
    if row.idea_id:
        return redirect(url_for("ideas.idea", idea_id=row.idea_id))
    return redirect(url_for("ideas.my_ideas"))


# --- history and differences -----------------------------------------------------------------

@bp.route("/ideas/<id:idea_id>/history")
@access.signed_in
def history(idea_id: int):
    idea = _history_readable(idea_id)
    revisions = list(reversed(idea.revisions))
    return render_template("ideas/history.html", idea=idea, h=idea.hackathon,
                           revisions=revisions)


@bp.route("/ideas/<id:idea_id>/diff")
@access.signed_in
def diff(idea_id: int):
    idea = _history_readable(idea_id)
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


# --- attachments -------------------------------------------------------------------------------

def _attachments_page(idea: Idea, form: AttachmentForm | None = None, status: int = 200):
    now = now_utc()
    return render_template("ideas/attachments.html", idea=idea, h=idea.hackathon,
                           form=form or AttachmentForm(formdata=None),
                           can_edit=idea.can_edit(current_user, now),
                           blind=idea.hides_team_from(current_user, now),
                           text=idea.text_for(current_user, now),
                           empty_form=EmptyForm(formdata=None),
                           accept=files.ACCEPT_ATTRIBUTE,
                           max_files=files.MAX_FILES_PER_IDEA), status


@bp.route("/ideas/<id:idea_id>/attachments", methods=["GET"])
@access.signed_in
def attachments(idea_id: int):
    return _attachments_page(_readable(idea_id))


@bp.route("/ideas/<id:idea_id>/attachments", methods=["POST"])
@access.signed_in
def upload(idea_id: int):
    idea = _team_idea(idea_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _attachments_page(idea, form, 422)
    upload = form.file.data
    data = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
    try:
        attachment = ops.add_attachment(idea, getattr(upload, "filename", None), data,
                                        actor=current_user)
    except Invalid as error:
        apply_errors(form, error)
        return _attachments_page(idea, form, 422)
    except WrongState as error:
        form.form_errors.append(str(error.detail))
        return _attachments_page(idea, form, 409)
    db.session.commit()
    flash(_("The file “%(name)s” has been attached.", name=attachment.filename), "success")
    return redirect(url_for("ideas.attachments", idea_id=idea.id))


def _attachment_of(idea: Idea, attachment_id: int) -> Attachment:
    attachment = queries.attachment_of(idea, attachment_id)
    if attachment is None:
        abort(404)
    return attachment


@bp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>")
@access.public
def download(idea_id: int, attachment_id: int):
    idea = _idea_or_404(idea_id)
    # Attachments are never public: only those who may read every field of the idea.
    access.require(idea.can_view_private(current_user), hide=True)
    attachment = _attachment_of(idea, attachment_id)
    # A file the coordinator hid from a blind review's judges: for them it does not exist.
    access.require(not attachment.hidden_from(current_user), hide=True)
    return files.send_attachment(
        attachment, download_name=attachment.name_for(idea.hides_team_from(current_user)))


@bp.route("/ideas/<id:idea_id>/attachments/<id:attachment_id>/delete", methods=["POST"])
@access.signed_in
def remove_attachment(idea_id: int, attachment_id: int):
    idea = _team_idea(idea_id)
    attachment = _attachment_of(idea, attachment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = attachment.filename
    try:
        stored_name = ops.remove_attachment(attachment, actor=current_user)
    except WrongState as error:
        flash(str(error.detail), "error")
        return redirect(url_for("ideas.attachments", idea_id=idea.id))
    db.session.commit()
    files.delete_file(stored_name)
    flash(_("The file “%(name)s” has been removed.", name=name), "success")
    return redirect(url_for("ideas.attachments", idea_id=idea.id))


# --- the coordinator's list -----------------------------------------------------------------

def _list_filters() -> dict:
    status = request.args.get("status") or ""
    if status not in {s.value for s in IdeaStatus}:
        status = ""
    region = request.args.get("region") or ""
    if region not in REGION_CODES:
        region = ""
    municipality = request.args.get("municipality", type=int)
    if municipality is not None and not 0 < municipality <= MAX_ID:
        municipality = None
    q = " ".join((request.args.get("q") or "").split())[:100]
    return {"status": status, "region": region, "municipality": municipality, "q": q}


def _managed_hackathon(slug: str) -> Hackathon:
    hackathon = _hackathon_or_404(slug)
    access.require(hackathon.can_manage(current_user))
    return hackathon


@bp.route("/hackathons/<slug>/ideas")
@access.coordinator_only
def hackathon_ideas(slug: str):
    hackathon = _managed_hackathon(slug)
    filters = _list_filters()
    query = queries.hackathon_ideas_query(hackathon, current_user, **filters)
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 25), 25)
    result = paginate(query, page, per_page)
    from app.places.models import Municipality

    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    statuses = [s for s in IdeaStatus if current_user.is_admin or s != IdeaStatus.DRAFT]
    return render_template("ideas/hackathon_ideas.html", h=hackathon, page=result,
                           filters=filters, municipalities=municipalities, regions=regions,
                           statuses=statuses,
                           warnings=redacting.blind_review_warnings(hackathon),
                           field_labels=redacting.FIELD_LABELS)


@bp.route("/hackathons/<slug>/ideas.csv")
@access.coordinator_only
def hackathon_ideas_csv(slug: str):
    hackathon = _managed_hackathon(slug)
    filters = _list_filters()
    ideas = db.session.scalars(queries.hackathon_ideas_query(hackathon, current_user,
                                                             **filters)).unique().all()
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    body = queries.ideas_csv(ideas, delimiter=delimiter,
                             url=lambda i: url_for("ideas.idea", idea_id=i.id, _external=True))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = files.content_disposition(
        f"{hackathon.slug}-idejas.csv")
    return response
