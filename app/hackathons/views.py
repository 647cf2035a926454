"""Hackathon pages: the public list and page, and the coordinator's management pages.

Each view loads (404), checks access (403/404), reads the form, calls one
operation and commits. The rules are in operations.py and models.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.forms import EmptyForm
from app.core import access
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.forms import apply_errors
from app.core.pagination import clamp, paginate
from app.core.sanitize import render_markdown
from app.extensions import db
from app.hackathons import operations as ops
from app.hackathons.countdown import countdown_text
from app.hackathons.forms import (
    CriterionForm,
    HackathonForm,
    TransitionForm,
    all_regions,
    criterion_initial,
    hackathon_initial,
)
from app.hackathons.models import (
    FIRST_ROUND,
    Criterion,
    Hackathon,
    PhaseChange,
    may_create_hackathon,
)
from app.hackathons.phases import ORDER, Phase
from app.hackathons.queries import hackathon_by_slug, hackathon_list_query
from app.places.models import REGION_CODES
from app.public.cache import public_page

bp = Blueprint("hackathons", __name__)

# Operation field names that the form shows under another name.
FIELD_MAP = {"region_code": "region", "eligible_region_codes": "eligible_regions"}


def _locale() -> str:
    return str(get_locale() or "lv")


def _visible_or_404(slug: str) -> Hackathon:
    hackathon = hackathon_by_slug(slug)
    if hackathon is None:
        abort(404)
    access.require(hackathon.is_visible_to(current_user), hide=True)
    return hackathon


def _manageable(slug: str) -> Hackathon:
    """The hackathon, if the signed-in coordinator may manage it (drafts hidden: 404)."""
    hackathon = _visible_or_404(slug)
    access.require(hackathon.can_manage(current_user))
    return hackathon


# --- public pages -------------------------------------------------------------------

@bp.route("/")
@public_page(per_minute=True)
@access.public
def index():
    now = now_utc()
    region = request.args.get("region") or ""
    if region not in (*REGION_CODES, "national"):
        region = ""
    phase = request.args.get("phase") or ""
    if phase not in {p.value for p in Phase}:
        phase = ""
    q = " ".join((request.args.get("q") or "").split())[:100]
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 20))
    query = hackathon_list_query(current_user, region=region or None, phase=phase or None,
                                 q=q or None, now=now)
    result = paginate(query, page, per_page)
    return render_template(
        "hackathons/index.html", page=result, regions=all_regions(), phases=ORDER,
        region=region, phase=phase, q=q, now=now, countdown_text=countdown_text,
        can_create=may_create_hackathon(current_user),
    )


@bp.route("/<slug>")
@public_page(per_minute=True)  # the countdown is in minutes
@access.public
def detail(slug: str):
    from app.public import queries as public_queries

    hackathon = _visible_or_404(slug)
    now = now_utc()
    # After the results: the winners, the published justification and the frozen ranking
    # (ideas and municipalities only; judges are never named).
    decision = public_queries.published_results(hackathon)
    return render_template(
        "hackathons/detail.html", h=hackathon, now=now, phase=hackathon.phase_at(now),
        countdown=countdown_text(hackathon, now), can_manage=hackathon.can_manage(current_user),
        description_html=render_markdown(hackathon.description),
        decision=decision, winners=public_queries.hackathon_winners(hackathon),
    )


# --- creating and editing ---------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@access.coordinator_only
def create():
    form = HackathonForm(actor=current_user, locale=_locale())
    status = 200
    if form.validate_on_submit():
        try:
            hackathon = ops.create_hackathon(form.to_data(), actor=current_user)
        except Invalid as error:
            apply_errors(form, error, FIELD_MAP)
            status = 422
        except NotAllowed as error:
            form.form_errors.append(str(error.detail))
            status = 403
        else:
            db.session.commit()
            flash(_("The hackathon has been saved as a draft. Add its judging criteria, "
                    "then open it."), "success")
            return redirect(url_for("hackathons.criteria", slug=hackathon.slug))
    elif form.is_submitted():
        status = 422
    return render_template("hackathons/form.html", form=form, h=None, frozen=()), status


def _frozen_form_fields(hackathon: Hackathon, now) -> tuple[str, ...]:
    return tuple(FIELD_MAP.get(name, name) for name in ops.frozen_fields(hackathon, now))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@access.coordinator_only
def edit(slug: str):
    hackathon = _manageable(slug)
    now = now_utc()
    frozen = _frozen_form_fields(hackathon, now)
    conflict = None
    status = 200
    if request.method == "POST":
        form = HackathonForm(actor=current_user, locale=_locale(),
                             current_region=hackathon.region_code)
        if form.validate_on_submit():
            data = {k: v for k, v in form.to_data().items() if k not in frozen}
            try:
                ops.update_hackathon(hackathon, data, actor=current_user, now=now)
            except StaleVersion as error:
                # Keep what the user typed; show what is saved now; the next save replaces it.
                conflict = error.current or hackathon
                form.version.data = str(conflict.version)
                status = 409
            except (Invalid, WrongState) as error:
                apply_errors(form, error, FIELD_MAP)
                status = 422 if isinstance(error, Invalid) else 409
            except NotAllowed as error:
                form.form_errors.append(str(error.detail or _("You may not do this.")))
                status = 403
            else:
                db.session.commit()
                flash(_("The changes have been saved."), "success")
                return redirect(url_for("hackathons.detail", slug=hackathon.slug))
        else:
            status = 422
    else:
        form = HackathonForm(data=hackathon_initial(hackathon), actor=current_user,
                             locale=_locale(), current_region=hackathon.region_code)
    return render_template("hackathons/form.html", form=form, h=hackathon, frozen=frozen,
                           conflict=conflict, phase=hackathon.phase_at(now)), status


# --- criteria -------------------------------------------------------------------------------

def _criteria_page(hackathon: Hackathon, form: CriterionForm, status: int = 200):
    now = now_utc()
    return render_template("hackathons/criteria.html", h=hackathon, form=form,
                           editable=hackathon.criteria_editable(now),
                           phase=hackathon.phase_at(now), delete_form=EmptyForm()), status


@bp.route("/<slug>/criteria", methods=["GET", "POST"])
@access.coordinator_only
def criteria(slug: str):
    hackathon = _manageable(slug)
    form = CriterionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _criteria_page(hackathon, form, 422)
        try:
            ops.add_criterion(hackathon, form.to_data(), actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
            return _criteria_page(hackathon, form, 422)
        except WrongState as error:
            form.form_errors.append(str(error.detail))
            return _criteria_page(hackathon, form, 409)
        db.session.commit()
        flash(_("The criterion has been added."), "success")
        return redirect(url_for("hackathons.criteria", slug=hackathon.slug))
    return _criteria_page(hackathon, CriterionForm(formdata=None))


def _criterion_or_404(hackathon: Hackathon, criterion_id: int) -> Criterion:
    """A criterion of the jury's round (a final round's own are edited on its own page)."""
    criterion = db.session.get(Criterion, criterion_id)
    if (criterion is None or criterion.hackathon_id != hackathon.id
            or criterion.round != FIRST_ROUND):
        abort(404)
    return criterion


@bp.route("/<slug>/criteria/<id:criterion_id>", methods=["GET", "POST"])
@access.coordinator_only
def criterion_edit(slug: str, criterion_id: int):
    hackathon = _manageable(slug)
    criterion = _criterion_or_404(hackathon, criterion_id)
    now = now_utc()
    return criterion_edit_page(hackathon, criterion,
                               back_url=url_for("hackathons.criteria", slug=hackathon.slug),
                               editable=hackathon.criteria_editable(now), now=now)


def criterion_edit_page(hackathon: Hackathon, criterion: Criterion, *, back_url: str,
                        editable: bool, now=None, **shown):
    """The page that edits one criterion, of either round: on a valid POST the criterion is
    saved through the one service rule and the coordinator goes back to `back_url`."""
    status = 200
    if request.method == "POST":
        form = CriterionForm()
        if form.validate_on_submit():
            try:
                ops.update_criterion(criterion, form.to_data(), actor=current_user, now=now)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            except WrongState as error:
                form.form_errors.append(str(error.detail))
                status = 409
            else:
                db.session.commit()
                flash(_("The criterion has been saved."), "success")
                return redirect(back_url)
        else:
            status = 422
    else:
        form = CriterionForm(data=criterion_initial(criterion))
    return render_template("hackathons/criterion_form.html", h=hackathon, criterion=criterion,
                           form=form, editable=editable, back_url=back_url, **shown), status


@bp.route("/<slug>/criteria/<id:criterion_id>/delete", methods=["POST"])
@access.coordinator_only
def criterion_delete(slug: str, criterion_id: int):
    hackathon = _manageable(slug)
    criterion = _criterion_or_404(hackathon, criterion_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.delete_criterion(criterion, actor=current_user)
    except WrongState as error:
        flash(str(error.detail), "error")
        return redirect(url_for("hackathons.criteria", slug=hackathon.slug))
    db.session.commit()
    flash(_("The criterion has been deleted."), "success")
    return redirect(url_for("hackathons.criteria", slug=hackathon.slug))


# --- phases -----------------------------------------------------------------------------------

@bp.route("/<slug>/phase", methods=["GET", "POST"])
@access.coordinator_only
def phase(slug: str):
    hackathon = _manageable(slug)
    form = TransitionForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                ops.transition_hackathon(hackathon, form.to.data, actor=current_user,
                                         reason=form.reason.data)
            except Invalid as error:
                apply_errors(form, error)
                status = 422
            except WrongState as error:
                form.form_errors.append(str(error.detail))
                form.form_errors.extend(str(m) for msgs in error.errors.values() for m in msgs)
                status = 409
            else:
                db.session.commit()
                flash(_("The hackathon is now in the phase “%(phase)s”.",
                        phase=hackathon.phase.label), "success")
                return redirect(url_for("hackathons.phase", slug=hackathon.slug))
        else:
            status = 422
    now = now_utc()
    history = db.session.scalars(
        select(PhaseChange).where(PhaseChange.hackathon_id == hackathon.id)
        .options(selectinload(PhaseChange.actor))
        .order_by(PhaseChange.at, PhaseChange.id)
    ).all()
    current = hackathon.phase_at(now)
    upcoming = hackathon.allowed_transitions(now)
    problems = (ops.readiness_problems(hackathon, now) if Phase.OPEN in upcoming else {})
    return render_template("hackathons/phase.html", h=hackathon, form=form, now=now,
                           current=current, upcoming=upcoming, history=history,
                           problems=problems, lags=hackathon.phase_lags(now)), status
