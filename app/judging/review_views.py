"""A judge's pages: the list of reviews, the scoring form (nothing typed is lost: a stale
save, an expired form or an ended session keeps it), a declared conflict; and a
coordinator reading, reopening or excluding a review."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import gettext as _
from app.extensions import csrf, limiter
from app.hackathons.models import Phase
from app.judging import assigning, exclusion, queries, reviewing
from app.judging.blueprint import bp, refused, review_for_judge
from app.judging.forms import ConflictForm, ExcludeForm, ReopenForm, ReviewForm
from app.judging.models_reviews import Review, reads_blind

# --- a judge's reviews ------------------------------------------------------------------------

@bp.route("/reviews")
@access.signed_in
def my_reviews():
    assigning.ensure_assignments_for_judge(current_user)
    reviews = queries.my_reviews(current_user, listed=True)
    groups: list[dict] = []
    for review in reviews:
        if not groups or groups[-1]["hackathon"].id != review.hackathon_id:
            groups.append({"hackathon": review.hackathon, "reviews": [], "done": 0,
                           "total": 0})
        group = groups[-1]
        group["reviews"].append(review)
        if review.counts:
            group["total"] += 1
            group["done"] += review.is_submitted
    now = now_utc()
    for group in groups:
        group["phase"] = group["hackathon"].phase_at(now)
    return render_template("judging/my_reviews.html", groups=groups, Phase=Phase)


def _idea_fields(text) -> dict:
    """The idea's long texts as this judge reads them (`text`: Idea.text_for)."""
    return {name: text.html(name)
            for name in ("problem", "solution", "target_group", "expected_impact")}


def _review_page(review: Review, form: ReviewForm, *, values: dict | None = None,
                 errors: dict | None = None, notice: str | None = None, status: int = 200,
                 stale_posted: dict | None = None):
    idea = review.idea
    criteria = review.criteria  # its round's
    if values is None:
        values = {"scores": {str(c.id): _fmt_score(s.score) if (s := review.score_for(c.id))
                             else "" for c in criteria},
                  "comments": {str(c.id): s.comment if (s := review.score_for(c.id)) else ""
                               for c in criteria}}
    done, total = _progress_of(current_user, review.hackathon_id)
    return render_template(
        "judging/review.html", review=review, idea=idea, h=review.hackathon, criteria=criteria,
        form=form, values=values, errors=errors or {}, notice=notice,
        blind=reads_blind(idea, current_user), text=idea.text_for(current_user),
        fields=_idea_fields(idea.text_for(current_user)),
        can_score=review.can_score(current_user),
        can_declare=review.can_declare_conflict(current_user), done=done, total=total,
        stale_posted=stale_posted,
    ), status


def _fmt_score(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _progress_of(user, hackathon_id: int) -> tuple[int, int]:
    reviews = [r for r in queries.my_reviews(user, hackathon_id=hackathon_id) if r.counts]
    return sum(r.is_submitted for r in reviews), len(reviews)


@bp.route("/reviews/<id:review_id>")
@access.signed_in
def review(review_id: int):
    found = web.load(queries.select_review(), review_id, see=Review.can_read)
    if not found.is_judge(current_user):
        return _coordinator_review(found)
    form = ReviewForm(formdata=None, version=str(found.version), comment=found.comment)
    kept = reviewing.kept_review_for(found, current_user)
    if kept is not None:
        data = kept.data
        form.comment.data = data.get("comment", "")
        if data.get("version"):
            form.version.data = str(data["version"])
        notice = _("Your session had ended when you saved, so your scores and comments were "
                   "kept. They are filled in below: check them and save again.")
        return _review_page(found, form, values=data, notice=notice)
    return _review_page(found, form)


@bp.route("/reviews/<id:review_id>", methods=["POST"])
@limiter.limit("30 per hour", exempt_when=lambda: current_user.is_authenticated,
               scope="reviews-keep")


@csrf.exempt  # checked below, so that an expired form keeps what the judge typed
@access.public  # a judge whose session ended must not lose the text: see below
def save_review(review_id: int):
    token_ok = True
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            token_ok = False
    found = queries.load_review(review_id)
    if not current_user.is_authenticated:
        # Signed out: keep the text for this browser and send it to sign in. A real and a
        # made-up id answer alike, so nobody learns which reviews exist.
        if not token_ok:
            abort(400)
        if found is not None:
            reviewing.keep_review_text(found, ReviewForm().read(found.criteria, request.form))
        flash(_("Your session has ended. Sign in again: your scores and comments have been "
                "kept and will be filled in."), "info")
        return redirect(url_for("accounts.login", next=url_for("judging.review",
                                                               review_id=review_id)))
    if found is None:
        abort(404)
    form = ReviewForm()
    data = form.read(found.criteria, request.form)
    posted = {k: data[k] for k in ("scores", "comments", "comment")}
    access.require(found.is_judge(current_user), hide=True)
    if not token_ok:
        form = ReviewForm(formdata=None, version=str(found.version), comment=posted["comment"])
        return _review_page(found, form, values=posted, status=400, notice=_(
            "The form had expired, so nothing was saved yet. Your scores and comments are "
            "filled in below: check them and save again."))
    try:
        web.attempt(lambda: reviewing.save_review(found, data, actor=current_user))
    except reviewing.StaleReview as stale:
        # The savepoint undid this save; the review is read again as it is stored now.
        current = web.load(queries.select_review(), review_id)  # gone meanwhile: 404
        form = ReviewForm(formdata=None, version=str(current.version), comment=current.comment)
        return _review_page(current, form, values=posted, status=409, stale_posted=posted,
                            notice=str(stale.detail))
    except Invalid as error:
        again = web.load(queries.select_review(), review_id)  # gone meanwhile: 404
        # Score and comment errors are shown beside their criterion by the template.
        form.comment.errors = [str(m) for m in error.errors.get("comment", [])]
        if error.detail:
            form.form_errors.append(str(error.detail))
        return _review_page(again, form, values=posted, errors=error.errors, status=422)
    except WrongState as error:
        again = web.load(queries.select_review(), review_id)  # gone meanwhile: 404
        form = ReviewForm(formdata=None, version=str(again.version), comment=posted["comment"])
        form.form_errors.append(str(error.detail))
        return _review_page(again, form, values=posted, status=409)
    except NotAllowed:
        abort(404)
    reviewing.use_kept_review(found, current_user)
    if data["submit"]:
        flash(_("Your review of “%(title)s” is submitted. Thank you!",
                title=found.idea.display_title), "success")
        return redirect(_next_open_review(found))
    flash(_("Saved. You can come back and change it until you submit."), "success")
    if request.form.get("action") == "next":
        return redirect(_next_open_review(found))
    return redirect(url_for("judging.review", review_id=found.id))


def _next_open_review(done: Review) -> str:
    """Where a judge goes after a review: her next one of the same hackathon still to
    score, else her list."""
    following = next((r for r in queries.my_reviews(current_user,
                                                    hackathon_id=done.hackathon_id)
                      if r.id != done.id and r.can_score(current_user)), None)
    if following is None:
        return url_for("judging.my_reviews")
    return url_for("judging.review", review_id=following.id)


def _coordinator_review(review: Review, exclude_form: ExcludeForm | None = None,
                        status: int = 200):
    """A coordinator reads any review of their hackathon (and may reopen or exclude a
    submitted one)."""
    tie = queries.tied_reviews(review.hackathon).get(review.id)
    return render_template("judging/review_readonly.html", review=review, idea=review.idea,
                           h=review.hackathon, criteria=review.criteria, tie=tie,
                           tie_reasons=", ".join(str(assigning.conflict_label(r))
                                                 for r in (tie.reasons if tie else ())),
                           reopen_form=ReopenForm(formdata=None),
                           exclude_form=exclude_form or ExcludeForm(formdata=None),
                           can_reopen=review.can_reopen(current_user),
                           can_exclude=review.can_exclude(current_user)), status


@bp.route("/reviews/<id:review_id>/exclude", methods=["POST"])
@access.coordinator_only
def exclude_review(review_id: int):
    found = web.load(queries.select_review(), review_id, see=Review.can_read,
                     may=lambda review, user: review.hackathon.can_manage(user))
    form = ExcludeForm()

    def excluded(result: exclusion.Exclusion):
        message = _("The review no longer counts in the ranking; the reason is on record.")
        if result.replacements:
            message += " " + _("Another judge has been assigned.")
        return web.done(message, url_for("judging.dashboard", slug=found.hackathon.slug))

    return web.submit(form, run=lambda data: exclusion.exclude_review(found, data,
                                                                actor=current_user),
                      success=excluded,
                      page=lambda status: _coordinator_review(found, form, status))


@bp.route("/reviews/<id:review_id>/reopen", methods=["POST"])
@access.coordinator_only
def reopen_review(review_id: int):
    found = web.load(queries.select_review(), review_id, see=Review.can_read,
                     may=lambda review, user: review.hackathon.can_manage(user))
    form = ReopenForm()
    if form.validate_on_submit():
        if refused(lambda: reviewing.reopen_review(found, actor=current_user,
                                              reason=form.reason.data), first_only=True):
            return redirect(url_for("judging.review", review_id=review_id))
        flash(_("The review is open again; the judge has been told by e-mail."), "success")
    return redirect(url_for("judging.dashboard", slug=found.hackathon.slug))


@bp.route("/reviews/<id:review_id>/conflict", methods=["GET", "POST"])
@access.signed_in
def declare_conflict(review_id: int):
    found = review_for_judge(review_id)
    form = ConflictForm()

    def declared(result) -> ResponseReturnValue:
        message = _("Your conflict of interest is on record; the idea is no longer yours "
                    "to score.")
        if result.created:
            message += " " + _("Another judge has been assigned.")
        return web.done(message, url_for("judging.my_reviews"))

    return web.submit(
        form,
        run=lambda data: assigning.declare_conflict(found, data["reason"], actor=current_user),
        success=declared,
        page=lambda status: (render_template(
            "judging/conflict.html", review=found, idea=found.idea, h=found.hackathon,
            form=form, text=found.idea.text_for(current_user),
            blind=reads_blind(found.idea, current_user)), status))
