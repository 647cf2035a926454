"""Judging pages: the jury, the coordinator's dashboard, a judge's reviews and the scoring
form, conflicts, winners, public results, the public vote and "how we rank".

Each view loads (404), checks access (403/404), reads the form and calls one
operation; the request pipeline (app/core/web.py) commits at the edge. The rules are in
the operations and the models.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.core.collation import sort_key
from app.core.errors import DomainError, Invalid, NotAllowed, WrongState
from app.core.pagination import clamp, paginate
from app.extensions import csrf, db, limiter
from app.hackathons import operations as hackathon_ops
from app.hackathons.forms import CriterionForm
from app.hackathons.models import Criterion, Hackathon, Phase
from app.hackathons.queries import load_hackathon
from app.hackathons.views import criterion_edit_page
from app.ideas import redaction as redacting
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import (
    assigning,
    deciding,
    errata,
    exclusion,
    queries,
    reminders,
    reviewing,
    scoring,
    voting,
)
from app.judging.forms import (
    ConflictForm,
    CorrectionForm,
    ExcludeForm,
    FinalRoundForm,
    JuryForm,
    ReopenForm,
    ReviewForm,
    VoteForm,
    WinnersForm,
)
from app.judging.models import (
    ASSIGNABLE,
    FINAL_ROUND,
    ConflictDeclaration,
    FinalRound,
    JuryMember,
    PublicVote,
    Review,
    ReviewStatus,
    reads_blind,
    results_published,
)
from app.public.cache import public_page

bp = Blueprint("judging", __name__)

def flag_label(flag: str) -> str:
    labels = {
        scoring.FLAG_INCOMPLETE_REVIEWS: _("Incomplete reviews"),
        scoring.FLAG_HIGH_DISAGREEMENT: _("High disagreement"),
        scoring.FLAG_CONFLICT_DECLARED: _("Conflict declared"),
        scoring.FLAG_JUDGE_NOT_NORMALISED: _("Judge not normalised"),
        queries.FLAG_TIED_AFTER_SUBMISSION: _("A review left out: conflict of interest"),
    }
    return labels.get(flag, flag)


def shortfall_text(item: dict) -> str:
    """“Idea X lacks 1 judge: every other judge is from Dobeles novads.”"""
    title = item.get("idea_title") or _("Untitled idea")
    missing = int(item.get("missing", 0))
    lacks = ngettext("“%(title)s” lacks %(num)d judge", "“%(title)s” lacks %(num)d judges",
                     missing, title=title)
    if item.get("reason") == "no_judges":
        return _("%(lacks)s: the jury is empty. Add judges, then build the assignments again.",
                 lacks=lacks)
    jury, already = item.get("jury_size", 0), item.get("reviewing", 0)
    same, declared = item.get("same_municipality", 0), item.get("declared_conflict", 0)
    places = ", ".join(item.get("municipalities") or [])
    others = jury - already
    if same and same == others and places:
        return _("%(lacks)s: every other judge is from %(places)s, the idea's own "
                 "municipality.", lacks=lacks, places=places)
    if declared and declared == others:
        return _("%(lacks)s: every other judge declared a conflict of interest on it.",
                 lacks=lacks)
    parts = [ngettext("%(num)d judge reviews it", "%(num)d judges review it",
                      already)]
    if same:
        parts.append(ngettext("%(num)d is from %(places)s", "%(num)d are from %(places)s",
                              same, places=places or _("its municipality")))
    if declared:
        parts.append(ngettext("%(num)d declared a conflict of interest",
                              "%(num)d declared a conflict of interest", declared))
    return _("%(lacks)s: the jury has %(jury)d members; %(why)s. Add judges from other "
             "municipalities, then build again.", lacks=lacks, jury=jury,
             why="; ".join(parts))


@bp.app_template_global()
def judging_nav_visible() -> bool:
    """base.html: show “My reviews” to signed-in users who sit on a jury."""
    if not current_user.is_authenticated:
        return False
    if "is_judge" not in g:  # asked once per request
        g.is_judge = bool(db.session.scalar(select(JuryMember.id).where(
            JuryMember.user_id == current_user.id).limit(1)))
    return g.is_judge


def has_endpoint(name: str) -> bool:
    """Templates link to other features' pages only when those pages exist."""
    return name in current_app.view_functions


@bp.app_template_global()
def final_round_for(hackathon: Hackathon) -> FinalRound | None:
    """The criteria page links to a final round's own criteria (one query)."""
    return queries.final_round_of(hackathon)


@bp.app_context_processor
def judging_helpers():
    return {"flag_label": flag_label, "shortfall_text": shortfall_text,
            "has_endpoint": has_endpoint}


# --- loading ----------------------------------------------------------------------------------

def _managed(slug: str) -> Hackathon:
    """The hackathon, if the signed-in coordinator may manage it (others: 404/403)."""
    return load_hackathon(slug, manage=True)


def _public(slug: str) -> Hackathon:
    return load_hackathon(slug)


def _review_for_judge(review_id: int) -> Review:
    """The review, only for its judge: anyone else gets 404 (it is not theirs to know)."""
    review = queries.load_review(review_id)
    access.require(review is not None and review.is_judge(current_user), hide=True)
    assert review is not None
    return review


def _first_reason(error: DomainError) -> str:
    return str(error.detail or next(iter(error.errors.values()))[0])


def _flash_refusal(error: DomainError, *, first_only: bool = False) -> None:
    """Why a button's operation was refused, as messages on the page the user goes back to."""
    if first_only or error.detail:
        flash(_first_reason(error), "error")
        return
    for messages in error.errors.values():
        for message in messages:
            flash(str(message), "error")


def _refused(run: Callable[[], object], *, first_only: bool = False) -> DomainError | None:
    """Run a button's one operation in a savepoint; if the state or the input refuses it
    (not a refusal of the user: that stays 403), say why and give the refusal."""
    try:
        web.attempt(run)
    except (Invalid, WrongState) as error:
        _flash_refusal(error, first_only=first_only)
        return error
    return None


# --- the jury ---------------------------------------------------------------------------------

def _jury_page(hackathon: Hackathon, form: JuryForm | None = None, status: int = 200):
    members = sorted(db.session.scalars(
        select(JuryMember).where(JuryMember.hackathon_id == hackathon.id)
        .options(joinedload(JuryMember.user))).all(),
        key=lambda m: (sort_key(m.user.name), m.id))
    ties = queries.conflicts_of_judges(
        hackathon, [(m.user_id, m.user.municipality_id) for m in members])
    form = form or JuryForm(formdata=None)
    now = now_utc()
    phase = hackathon.phase_at(now)
    return render_template(
        "judging/jury.html", h=hackathon, members=members, form=form, ties=ties,
        conflict_label=assigning.conflict_label, action_form=EmptyForm(),
        asks_reason=bool(form.conflict_reason.data or form.conflict_reason.errors),
        can_add=phase in (Phase.DRAFT, Phase.OPEN, Phase.JUDGING),
        can_remove=phase in (Phase.DRAFT, Phase.OPEN), phase=phase,
        warnings=redacting.blind_review_warnings(hackathon),
        field_labels=redacting.FIELD_LABELS,
    ), status


@bp.route("/hackathons/<slug>/jury")
@access.coordinator_only
def jury(slug: str):
    return _jury_page(_managed(slug))


@bp.route("/hackathons/<slug>/jury", methods=["POST"])
@access.coordinator_only
def add_judge(slug: str):
    hackathon = _managed(slug)
    form = JuryForm()
    return web.submit(
        form,
        run=lambda data: assigning.add_judge(hackathon, data["email"], actor=current_user,
                                       conflict_reason=data["conflict_reason"]),
        success=lambda member: web.done(
            _("%(name)s is now on the jury and has been told by e-mail.",
              name=member.user.name), url_for("judging.jury", slug=slug)),
        page=lambda status: _jury_page(hackathon, form, status))


@bp.route("/hackathons/<slug>/jury/<id:member_id>/remove", methods=["POST"])
@access.coordinator_only
def remove_judge(slug: str, member_id: int):
    hackathon = _managed(slug)
    member = web.load(JuryMember, member_id,
                      see=lambda found, _user: found.hackathon_id == hackathon.id)
    if EmptyForm().validate_on_submit():
        name = member.user.name
        if _refused(lambda: assigning.remove_judge(member, actor=current_user)) is None:
            flash(_("%(name)s is no longer on the jury.", name=name), "success")
    return redirect(url_for("judging.jury", slug=slug))


# --- assignments and the dashboard ------------------------------------------------------------

@bp.route("/hackathons/<slug>/assignments", methods=["POST"])
@access.coordinator_only
def build_assignments(slug: str):
    hackathon = _managed(slug)
    if EmptyForm().validate_on_submit():
        try:
            result = web.attempt(lambda: assigning.build_assignments(hackathon, actor=current_user))
        except WrongState as error:
            _flash_refusal(error)
            return redirect(url_for("judging.dashboard", slug=slug))
        flash(ngettext("%(num)d review assigned.", "%(num)d reviews assigned.",
                       len(result.created)), "success")
        for item in result.shortfalls[:20]:
            flash(shortfall_text(item), "error")
        if len(result.shortfalls) > 20:
            flash(_("… and %(n)d more ideas lack judges: see the list below.",
                    n=len(result.shortfalls) - 20), "error")
    return redirect(url_for("judging.dashboard", slug=slug) + "#assignments")


@bp.route("/hackathons/<slug>/judging")
@access.coordinator_only
def dashboard(slug: str):
    hackathon = _managed(slug)
    now = now_utc()
    assigning.ensure_assignments(hackathon, now=now)
    phase = hackathon.phase_at(now)
    ranking = queries.load_ranking(hackathon, breakdown=True)
    progress = reminders.judge_progress(hackathon, now=now)
    conflicts = db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.hackathon_id == hackathon.id)
        .options(joinedload(ConflictDeclaration.judge), joinedload(ConflictDeclaration.idea))
        .order_by(ConflictDeclaration.declared_at.desc())).unique().all()
    reviews = db.session.execute(
        select(Review.id, Review.idea_id, Review.judge_id, Review.status, Review.score,
               Review.round)
        .where(Review.hackathon_id == hackathon.id).order_by(Review.id)).all()
    judge_names = {p.user.id: p.user.name for p in progress}
    tied = list(queries.tied_reviews(hackathon).values())
    reviews_of: dict[tuple[int, int], list] = {}
    for r in reviews:
        reviews_of.setdefault((r.round, r.idea_id), []).append(r)
    total = sum(p.total for p in progress)
    done = sum(p.done for p in progress)
    final = queries.final_round_of(hackathon)
    final_ranking = (queries.load_ranking(hackathon, breakdown=True, round_=FINAL_ROUND,
                                          idea_ids=final.idea_ids, final=final)
                     if final else None)
    return render_template(
        "judging/dashboard.html", h=hackathon, phase=phase, ranking=ranking,
        final=final, final_ranking=final_ranking, final_form=FinalRoundForm(formdata=None),
        can_open_final=final is not None and final.can_open_scoring(current_user, now),
        can_start_final=(phase == Phase.JUDGING and final is None
                         and not results_published(hackathon.id)
                         and sum(1 for r in ranking.rows if r.ranked.rank) >= 2),
        progress=progress, conflicts=conflicts, run=queries.latest_run(hackathon),
        reviews_of=reviews_of, judge_names=judge_names, total=total, done=done, tied=tied,
        titles={row.idea.id: row.idea.title for row in ranking.rows},
        conflict_label=assigning.conflict_label,
        behind=[p for p in progress if p.behind and not p.reminded_today],
        can_build=phase in ASSIGNABLE and not results_published(hackathon.id),
        decision=queries.published_decision(hackathon), action_form=EmptyForm(),
        disagreement=scoring.DISAGREEMENT_THRESHOLD,
        warnings=redacting.blind_review_warnings(hackathon),
        field_labels=redacting.FIELD_LABELS,
    )


@bp.route("/hackathons/<slug>/final-round", methods=["POST"])
@access.coordinator_only
def start_final_round(slug: str):
    hackathon = _managed(slug)
    form = FinalRoundForm()
    if form.validate_on_submit():
        try:
            final = web.attempt(lambda: deciding.start_final_round(
                hackathon, form.size.data, actor=current_user, note=form.note.data,
                criteria=form.criteria.data))
        except (Invalid, WrongState) as error:
            _flash_refusal(error)
            return redirect(url_for("judging.dashboard", slug=slug) + "#final-round")
        if final.own_criteria:
            flash(ngettext("%(num)d idea goes to the final round. Now set the final round’s "
                           "criteria, then open its scoring: the judges are told then.",
                           "%(num)d ideas go to the final round. Now set the final round’s "
                           "criteria, then open its scoring: the judges are told then.",
                           len(final.idea_ids)), "success")
            return redirect(url_for("judging.final_criteria", slug=slug))
        flash(ngettext("%(num)d idea goes to the final round; the judges have been told.",
                       "%(num)d ideas go to the final round; the judges have been told.",
                       len(final.idea_ids)), "success")
    else:
        flash(_("Enter how many ideas go to the final round."), "error")
    return redirect(url_for("judging.dashboard", slug=slug) + "#final-round")


@bp.route("/hackathons/<slug>/final-round/open", methods=["POST"])
@access.coordinator_only
def open_final_scoring(slug: str):
    hackathon = _managed(slug)
    if EmptyForm().validate_on_submit():
        if _refused(lambda: deciding.open_final_scoring(hackathon, actor=current_user)):
            return redirect(url_for("judging.final_criteria", slug=slug))
        flash(_("The final round’s scoring is open and its criteria are frozen; the judges "
                "have been told."), "success")
    return redirect(url_for("judging.dashboard", slug=slug) + "#final-round")


# --- a final round's own criteria: the criteria pages' form and rules, for round 2 ------------

def _final_with_own_criteria(hackathon: Hackathon) -> FinalRound:
    """The hackathon's final round, if it has its own criteria (else 404)."""
    final = queries.final_round_of(hackathon)
    if final is None or not final.own_criteria:
        abort(404)
    return final


def _final_criterion(hackathon: Hackathon, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.hackathon_id != hackathon.id \
            or criterion.round != FINAL_ROUND:
        abort(404)
    return criterion


def _final_criteria_page(hackathon: Hackathon, final: FinalRound, form: CriterionForm,
                         status: int = 200):
    now = now_utc()
    criteria = list(hackathon.final_criteria)
    return render_template(
        "judging/final_criteria.html", h=hackathon, final=final, form=form, criteria=criteria,
        editable=final.criteria_editable(now),
        can_open=bool(criteria) and final.can_open_scoring(current_user, now),
        delete_form=EmptyForm(), action_form=EmptyForm()), status


@bp.route("/hackathons/<slug>/final-round/criteria", methods=["GET", "POST"])
@access.coordinator_only
def final_criteria(slug: str):
    hackathon = _managed(slug)
    final = _final_with_own_criteria(hackathon)
    form = CriterionForm()
    return web.submit(
        form,
        run=lambda data: hackathon_ops.add_criterion(hackathon, data | {"round": FINAL_ROUND},
                                                     actor=current_user),
        success=lambda _criterion: web.done(_("The criterion has been added."),
                                            url_for("judging.final_criteria", slug=slug)),
        page=lambda status: _final_criteria_page(hackathon, final, form, status))


@bp.route("/hackathons/<slug>/final-round/criteria/<id:criterion_id>",
          methods=["GET", "POST"])
@access.coordinator_only
def final_criterion_edit(slug: str, criterion_id: int):
    hackathon = _managed(slug)
    final = _final_with_own_criteria(hackathon)
    criterion = _final_criterion(hackathon, criterion_id)
    return criterion_edit_page(
        hackathon, criterion, back_url=url_for("judging.final_criteria", slug=slug),
        editable=final.criteria_editable(now_utc()),
        back_label=_("Criteria of the final round"),
        frozen_text=_("The final round’s criteria are frozen: its scoring has started, and "
                      "every finalist must be judged against the same criteria."))


@bp.route("/hackathons/<slug>/final-round/criteria/<id:criterion_id>/delete",
          methods=["POST"])
@access.coordinator_only
def final_criterion_delete(slug: str, criterion_id: int):
    hackathon = _managed(slug)
    _final_with_own_criteria(hackathon)
    criterion = _final_criterion(hackathon, criterion_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if _refused(lambda: hackathon_ops.delete_criterion(criterion, actor=current_user)) is None:
        flash(_("The criterion has been deleted."), "success")
    return redirect(url_for("judging.final_criteria", slug=slug))


@bp.route("/hackathons/<slug>/judging/reminders", methods=["POST"])
@access.coordinator_only
def remind_judges(slug: str):
    hackathon = _managed(slug)
    if EmptyForm().validate_on_submit():
        try:
            reminded = web.attempt(lambda: reminders.send_judge_reminders(hackathon,
                                                                    actor=current_user))
        except WrongState as error:
            _flash_refusal(error)
            return redirect(url_for("judging.dashboard", slug=slug))
        if reminded:
            flash(ngettext("A reminder has been sent to %(num)d judge.",
                           "Reminders have been sent to %(num)d judges.", len(reminded)),
                  "success")
        else:
            flash(_("Nobody needed a reminder: no judge is behind, or each was reminded "
                    "today already."), "info")
    return redirect(url_for("judging.dashboard", slug=slug) + "#judges")


@bp.route("/hackathons/<slug>/judging/scores.csv")
@access.coordinator_only
def scores_csv(slug: str):
    hackathon = _managed(slug)
    body = "\ufeff" + queries.scores_csv(hackathon)  # BOM: spreadsheets read UTF-8 as such
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{hackathon.slug}-scores.csv"',
        "X-Content-Type-Options": "nosniff"})


@bp.route("/hackathons/<slug>/judging/audit")
@access.coordinator_only
def audit(slug: str):
    hackathon = _managed(slug)
    review_ids = select(cast(Review.id, String)).where(Review.hackathon_id == hackathon.id)
    idea_ids = select(cast(Idea.id, String)).where(Idea.hackathon_id == hackathon.id)
    query = select(AuditEntry).where(or_(
        (AuditEntry.object_type == "hackathon") & (AuditEntry.object_id == str(hackathon.id)),
        (AuditEntry.object_type == "review") & AuditEntry.object_id.in_(review_ids),
        (AuditEntry.object_type == "idea") & AuditEntry.object_id.in_(idea_ids),
    )).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    excluded = db.session.scalars(
        select(Review).where(Review.hackathon_id == hackathon.id,
                             Review.status == ReviewStatus.EXCLUDED)
        .options(joinedload(Review.idea), joinedload(Review.excluded_by))
        .order_by(Review.excluded_at.desc(), Review.id.desc())).all()
    return render_template("judging/audit.html", h=hackathon, excluded=excluded,
                           page=paginate(query, page, per_page))


# --- a judge's reviews ------------------------------------------------------------------------

@bp.route("/reviews")
@access.signed_in
def my_reviews():
    assigning.ensure_assignments_for_judge(current_user)
    reviews = queries.my_reviews(current_user)
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
    found = queries.load_review(review_id)
    access.require(found is not None and found.can_read(current_user), hide=True)
    assert found is not None
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
        if _refused(lambda: reviewing.reopen_review(found, actor=current_user,
                                              reason=form.reason.data), first_only=True):
            return redirect(url_for("judging.review", review_id=review_id))
        flash(_("The review is open again; the judge has been told by e-mail."), "success")
    return redirect(url_for("judging.dashboard", slug=found.hackathon.slug))


@bp.route("/reviews/<id:review_id>/conflict", methods=["GET", "POST"])
@access.signed_in
def declare_conflict(review_id: int):
    found = _review_for_judge(review_id)
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


# --- winners and results ----------------------------------------------------------------------

@bp.route("/hackathons/<slug>/winners", methods=["GET", "POST"])
@access.coordinator_only
def winners(slug: str):
    hackathon = _managed(slug)
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
    hackathon = _public(slug)
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
    hackathon = _managed(slug)
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
    hackathon = _public(slug)
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
        .order_by(Idea.title, Idea.id)).all()
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
    hackathon = _public(slug)
    if not hackathon.public_voting or hackathon.phase_at(now_utc()) in (Phase.DRAFT,
                                                                         Phase.OPEN):
        abort(404)
    return _vote_page(hackathon)


@bp.route("/hackathons/<slug>/vote", methods=["POST"])
@access.signed_in
def cast_vote(slug: str):
    hackathon = _public(slug)
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
        return _vote_page(hackathon, error.status, _first_reason(error))
    flash(message, "success")
    return redirect(url_for("judging.vote", slug=slug))
