"""The coordinator's judging pages: the jury, building the assignments, the dashboard, the
final round and its own criteria, reminders, the scores export and the audit trail."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.forms import ButtonForm, EmptyForm
from app.core import access, web
from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.core.collation import sort_key
from app.core.errors import Invalid, WrongState
from app.core.pagination import clamp, page_of, paginate
from app.core.translation import gettext as _
from app.core.translation import ngettext
from app.extensions import db
from app.hackathons import operations as hackathon_ops
from app.hackathons.forms import CriterionForm
from app.hackathons.models import FINAL_ROUND, Criterion, Hackathon, Phase
from app.hackathons.queries import load_hackathon
from app.hackathons.views import criterion_edit_page
from app.ideas import redaction as redacting
from app.ideas.models import Idea
from app.judging import assigning, deciding, kept_board, queries, reminders, reports, scoring
from app.judging.blueprint import bp, flash_refusal, managed_hackathon, refused
from app.judging.forms import FinalRoundForm, JuryForm
from app.judging.messages import shortfall_text
from app.judging.models import ASSIGNABLE, JuryMember
from app.judging.models_results import FinalRound
from app.judging.models_reviews import Review, ReviewStatus
from app.public.cache import judging_state

RANKING_PER_PAGE = 50  # rows of the dashboard's ranking on one page


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
    return _jury_page(managed_hackathon(slug))


@bp.route("/hackathons/<slug>/jury", methods=["POST"])
@access.coordinator_only
def add_judge(slug: str):
    hackathon = managed_hackathon(slug)
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
    hackathon = managed_hackathon(slug)
    member = web.load(JuryMember, member_id,
                      see=lambda found, _user: found.hackathon_id == hackathon.id)
    if EmptyForm().validate_on_submit():
        name = member.user.name
        if refused(lambda: assigning.remove_judge(member, actor=current_user)) is None:
            flash(_("%(name)s is no longer on the jury.", name=name), "success")
    return redirect(url_for("judging.jury", slug=slug))


# --- assignments and the dashboard ------------------------------------------------------------

@bp.route("/hackathons/<slug>/assignments", methods=["POST"])
@access.coordinator_only
def build_assignments(slug: str):
    hackathon = managed_hackathon(slug)
    if EmptyForm().validate_on_submit():
        try:
            result = web.attempt(lambda: assigning.build_assignments(hackathon, actor=current_user))
        except WrongState as error:
            flash_refusal(error)
            return redirect(url_for("judging.dashboard", slug=slug))
        flash(ngettext("%(num)d review assigned.", "%(num)d reviews assigned.",
                       len(result.created)), "success")
        for item in result.shortfalls[:20]:
            flash(shortfall_text(item), "error")
        if len(result.shortfalls) > 20:
            flash(ngettext("… and %(num)d more idea lacks judges: see the list below.",
                           "… and %(num)d more ideas lack judges: see the list below.",
                           len(result.shortfalls) - 20), "error")
    return redirect(url_for("judging.dashboard", slug=slug) + "#assignments")


@bp.route("/hackathons/<slug>/judging")
@access.coordinator_only
def dashboard(slug: str):
    # Read before the hackathon: nothing worked out under it is older than it.
    state = judging_state()
    # Its criteria come with the ranking, and its eligible regions are not shown here.
    hackathon = load_hackathon(slug, manage=True, page=True)
    now = now_utc()
    assigning.ensure_assignments(hackathon, now=now)
    phase = hackathon.phase_at(now)
    board = kept_board.board(hackathon, state)
    ranking = board.ranking
    progress = reminders.standing(board.jury, hackathon, now)
    # The ranking is worked out whole (a rank depends on every idea), but shown a page at a
    # time: a national hackathon's thousands of ideas, each with its reviews, would make a
    # page of megabytes. The scores' CSV holds all of it.
    page, _per_page = clamp(request.args.get("page", 1), RANKING_PER_PAGE, RANKING_PER_PAGE)
    pages = max(1, -(-len(board.lines) // RANKING_PER_PAGE))
    ranking_page = page_of(board.lines, min(page, pages), RANKING_PER_PAGE)
    # The board knows whether there is a final round (under the same state): only then is
    # it loaded, for its own predicates.
    final = queries.final_round_of(hackathon) if board.final_ranking is not None else None
    can_start_final = (phase == Phase.JUDGING and final is None and not board.published
                       and sum(1 for r in ranking.rows if r.ranked.rank) >= 2)
    return render_template(
        "judging/dashboard.html", h=hackathon, phase=phase, ranking=ranking,
        ranking_page=ranking_page,
        final=final, final_ranking=board.final_ranking, final_lines=board.final_lines,
        final_form=FinalRoundForm(formdata=None) if can_start_final else None,
        can_open_final=final is not None and final.can_open_scoring(current_user, now),
        can_start_final=can_start_final,
        progress=progress, conflicts=board.declared, run=board.last_run,
        judge_names={p.user_id: p.name for p in progress},
        total=sum(p.total for p in progress), done=sum(p.done for p in progress),
        tied=list(board.tied.values()), titles=board.titles,
        conflict_label=assigning.conflict_label,
        behind=[p for p in progress if p.behind and not p.reminded_today],
        can_build=phase in ASSIGNABLE and not board.published,
        decision=board.decision, action_form=ButtonForm(),
        disagreement=scoring.DISAGREEMENT_THRESHOLD,
        warnings=redacting.blind_review_warnings(hackathon),
        field_labels=redacting.FIELD_LABELS,
    )


@bp.route("/hackathons/<slug>/final-round", methods=["POST"])
@access.coordinator_only
def start_final_round(slug: str):
    hackathon = managed_hackathon(slug)
    form = FinalRoundForm()
    if form.validate_on_submit():
        try:
            final = web.attempt(lambda: deciding.start_final_round(
                hackathon, form.size.data, actor=current_user, note=form.note.data,
                criteria=form.criteria.data))
        except (Invalid, WrongState) as error:
            flash_refusal(error)
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
    hackathon = managed_hackathon(slug)
    if EmptyForm().validate_on_submit():
        if refused(lambda: deciding.open_final_scoring(hackathon, actor=current_user)):
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
    hackathon = managed_hackathon(slug)
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
    hackathon = managed_hackathon(slug)
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
    hackathon = managed_hackathon(slug)
    _final_with_own_criteria(hackathon)
    criterion = _final_criterion(hackathon, criterion_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if refused(lambda: hackathon_ops.delete_criterion(criterion, actor=current_user)) is None:
        flash(_("The criterion has been deleted."), "success")
    return redirect(url_for("judging.final_criteria", slug=slug))


@bp.route("/hackathons/<slug>/judging/reminders", methods=["POST"])
@access.coordinator_only
def remind_judges(slug: str):
    hackathon = managed_hackathon(slug)
    if EmptyForm().validate_on_submit():
        try:
            reminded = web.attempt(lambda: reminders.send_judge_reminders(hackathon,
                                                                    actor=current_user))
        except WrongState as error:
            flash_refusal(error)
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
    hackathon = managed_hackathon(slug)
    body = "\ufeff" + reports.scores_csv(hackathon)  # BOM: spreadsheets read UTF-8 as such
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{hackathon.slug}-scores.csv"',
        "X-Content-Type-Options": "nosniff"})


@bp.route("/hackathons/<slug>/judging/audit")
@access.coordinator_only
def audit(slug: str):
    hackathon = managed_hackathon(slug)
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
