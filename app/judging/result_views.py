"""Winners and results: choosing and publishing the winners, the public results (and their
corrections), "how we rank" and the public vote."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import access, web
from app.core.clock import now_utc
from app.core.collation import latvian
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.translation import gettext as _
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import deciding, errata, queries, scoring, voting
from app.judging.blueprint import bp, first_reason, managed_hackathon, public_hackathon
from app.judging.forms import CorrectionForm, VoteForm, WinnersForm
from app.judging.models_results import PublicVote, results_published
from app.judging.models_reviews import Review, ReviewStatus
from app.public.cache import public_page

# --- winners and results ----------------------------------------------------------------------

@bp.route("/hackathons/<slug>/winners", methods=["GET", "POST"])
@access.coordinator_only
def winners(slug: str):
    hackathon = managed_hackathon(slug)
    decision = queries.published_decision(hackathon)
    if decision is not None:
        return redirect(url_for("judging.results", slug=slug))
    form = WinnersForm()
    chosen = [str(i) for i in WinnersForm.chosen_ids(request.form)]
    status = 200
    errors: dict = {}
    if form.validate_on_submit():
        try:
            web.attempt(lambda: deciding.publish_results(
                hackathon, {"idea_ids": chosen, "justification": form.justification.data},
                actor=current_user))
        except Invalid as error:
            # The chosen ideas' errors are shown beside the table by the template.
            form.justification.errors = [str(m) for m in error.errors.get("justification", [])]
            if error.detail:
                form.form_errors.append(str(error.detail))
            errors = error.errors
            status = 422
        except WrongState as error:
            form.form_errors.append(str(error.detail))
            status = 409
        else:
            flash(_("The results are published. Every team has been sent its scores and the "
                    "judges' comments."), "success")
            return redirect(url_for("judging.results", slug=slug))
    elif form.is_submitted():
        status = 422
    ranking = queries.final_ranking(hackathon)
    return render_template("judging/winners.html", h=hackathon, form=form, ranking=ranking,
                           chosen=set(chosen), errors=errors,
                           phase=hackathon.phase_at(now_utc())), status


@bp.route("/hackathons/<slug>/results")
@public_page(per_minute=True)  # before publishing, the phase moves on by the clock
@access.public
def results(slug: str):
    hackathon = public_hackathon(slug)
    decision = queries.published_decision(hackathon)
    if decision is None:
        now = now_utc()
        if hackathon.phase_at(now) not in (Phase.JUDGING, Phase.RESULTS):
            abort(404)
        expected = hackathon.judging_closes_at
        return render_template("judging/results_pending.html", h=hackathon,
                               expected=expected if expected and expected > now else None)
    votes = voting.vote_counts(hackathon) if hackathon.public_voting else {}
    titles = {row["idea_id"]: row for row in decision.ranking}
    vote_rows = sorted(((titles[i], n) for i, n in votes.items() if i in titles),
                       key=lambda pair: (-pair[1], pair[0]["idea_id"]))
    final = queries.final_round_of(hackathon)
    return render_template("judging/results.html", h=hackathon, decision=decision,
                           can_correct=decision.can_correct(current_user),
                           winners=[titles[i] for i in decision.idea_ids if i in titles],
                           vote_rows=vote_rows, votes_total=sum(votes.values()), final=final,
                           final_criteria=(list(hackathon.final_criteria)
                                           if final and final.own_criteria else []))


def _correction_page(hackathon: Hackathon, decision, form: CorrectionForm, status: int = 200):
    from app.accounts.models import User

    reviews = db.session.execute(
        select(Review.id, Review.idea_id, Review.score, Review.round, User.name)
        .join(User, User.id == Review.judge_id)
        .where(Review.hackathon_id == hackathon.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(Review.idea_id, Review.round, Review.id)).all()
    reviews_of: dict[int, list] = {}
    for row in reviews:
        reviews_of.setdefault(row.idea_id, []).append(row)
    posted = request.method == "POST"
    chosen = ({int(i) for i in request.form.getlist("idea_ids") if i.isdigit()} if posted
              else set(decision.idea_ids))
    excluded = {int(i) for i in request.form.getlist("exclude_review_ids") if i.isdigit()}
    return render_template("judging/correct.html", h=hackathon, decision=decision, form=form,
                           reviews_of=reviews_of, chosen=chosen, excluded=excluded), status


@bp.route("/hackathons/<slug>/results/correct", methods=["GET", "POST"])
@access.coordinator_only
def correct_results(slug: str):
    hackathon = managed_hackathon(slug)
    decision = web.check_found(queries.published_decision(hackathon))
    web.check(decision.can_correct(current_user))
    form = CorrectionForm()
    if request.method == "GET":
        form.justification.data = decision.justification
    return web.submit(
        form, run=lambda data: errata.correct_results(hackathon, data, actor=current_user),
        success=lambda correction: web.done(
            _("The correction is published beside the results; the original ranking stays "
              "readable."), url_for("judging.results", slug=slug)),
        page=lambda status: _correction_page(hackathon, decision, form, status))


@bp.route("/hackathons/<slug>/results/original")
@public_page
@access.public
def original_results(slug: str):
    """The results as first published, kept after a correction."""
    hackathon = public_hackathon(slug)
    decision = web.check_found(queries.published_decision(hackathon))
    return render_template("judging/results_original.html", h=hackathon, decision=decision,
                           original=decision.original)


@bp.route("/how-we-rank")
@access.public
def how_we_rank():
    return render_template("judging/how_we_rank.html",
                           threshold=scoring.DISAGREEMENT_THRESHOLD,
                           min_reviews=scoring.MIN_REVIEWS_TO_NORMALISE)


# --- the public vote --------------------------------------------------------------------------

def _vote_page(hackathon: Hackathon, status: int = 200, error: str | None = None):
    now = now_utc()
    ideas = db.session.scalars(
        select(Idea).where(Idea.hackathon_id == hackathon.id,
                           Idea.status.in_([IdeaStatus.SUBMITTED, IdeaStatus.WINNER,
                                            IdeaStatus.NOT_SELECTED]))
        .options(selectinload(Idea.redaction))
        .order_by(latvian(Idea.title), Idea.id)).all()
    mine = None
    if current_user.is_authenticated:
        mine = db.session.scalar(select(PublicVote.idea_id).where(
            PublicVote.hackathon_id == hackathon.id, PublicVote.user_id == current_user.id))
    return render_template("judging/vote.html", h=hackathon, ideas=ideas, mine=mine,
                           open=voting.voting_open(hackathon, now), form=VoteForm(),
                           window=voting.vote_window(hackathon), error=error,
                           published=results_published(hackathon.id)), status


@bp.route("/hackathons/<slug>/vote")
@access.public
def vote(slug: str):
    hackathon = public_hackathon(slug)
    if not hackathon.public_voting or hackathon.phase_at(now_utc()) in (Phase.DRAFT,
                                                                         Phase.OPEN):
        abort(404)
    return _vote_page(hackathon)


@bp.route("/hackathons/<slug>/vote", methods=["POST"])
@access.signed_in
def cast_vote(slug: str):
    hackathon = public_hackathon(slug)
    if not hackathon.public_voting:
        abort(404)
    form = VoteForm()
    if not form.validate_on_submit():
        return _vote_page(hackathon, 400, _("The form has expired. Send it again."))
    try:
        if request.form.get("action") == "withdraw":
            web.attempt(lambda: voting.withdraw_vote(hackathon, actor=current_user))
            message = _("Your vote has been taken back.")
        else:
            web.attempt(lambda: voting.cast_vote(hackathon, request.form.get("idea_id"),
                                              actor=current_user))
            message = _("Thank you: your vote is counted. You can change it until the vote "
                        "closes.")
    except (Invalid, WrongState, NotAllowed) as error:
        return _vote_page(hackathon, error.status, first_reason(error))
    flash(message, "success")
    return redirect(url_for("judging.vote", slug=slug))
