"""Hackathon pages: the public list and page, and the coordinator's management pages.

Each view names its object, its predicate and its one operation; app.core.web does the rest
(load, check, validate, commit at the edge, answer). The rules are in operations.py and models.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.forms import EmptyForm
from app.core import access, web
from app.core.clock import now_utc
from app.core.errors import StaleVersion
from app.core.pagination import clamp
from app.core.translation import gettext as _
from app.extensions import db
from app.hackathons import operations as ops
from app.hackathons.cards import hackathon_cards
from app.hackathons.countdown import countdown_text
from app.hackathons.forms import (
    CriterionForm,
    HackathonForm,
    TransitionForm,
    criterion_initial,
    hackathon_initial,
)
from app.hackathons.models import (
    FIRST_ROUND,
    Criterion,
    Hackathon,
    PhaseChange,
    may_create_hackathon,
    weight_shares,
)
from app.hackathons.phases import ORDER, Phase
from app.hackathons.queries import card_page, load_hackathon
from app.hackathons.sections import hackathon_sections
from app.hackathons.timeline import timeline
from app.places import kept as kept_places
from app.places.models import REGION_CODES
from app.public.cache import public_page

bp = Blueprint("hackathons", __name__)
bp.add_app_template_global(weight_shares)

# Operation field names that the form shows under another name.
FIELD_MAP = {"region_code": "region", "eligible_region_codes": "eligible_regions"}


def _locale() -> str:
    return str(get_locale() or "lv")


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
    result = card_page(current_user, region=region or None, phase=phase or None, q=q or None,
                       now=now, page=page, per_page=per_page)
    return render_template(
        "hackathons/index.html", page=result, regions=kept_places.regions(), phases=ORDER,
        region=region, phase=phase, q=q, now=now, hackathon_cards=hackathon_cards,
        can_create=may_create_hackathon(current_user),
    )


@bp.route("/<slug>")
@public_page(per_minute=True)  # the countdown is in minutes
@access.public
def detail(slug: str):
    from app.public import queries as public_queries

    hackathon = load_hackathon(slug, page=True)
    now = now_utc()
    # The results, rules and criteria are the same for every reader of the page: kept
    # rendered (app/hackathons/sections.py). Of the results, the timeline needs only the
    # day they were published.
    decision = public_queries.published_results(hackathon)
    return render_template(
        "hackathons/detail.html", h=hackathon, now=now, phase=hackathon.phase_at(now),
        countdown=countdown_text(hackathon, now), can_manage=hackathon.can_manage(current_user),
        hackathon_sections=hackathon_sections,
        steps=timeline(hackathon, now, decision.published_at if decision else None),
    )


@bp.route("/<slug>/all-ideas")
@public_page
@access.public
def all_ideas(slug: str):
    """Every judged idea of the hackathon with its status, once the results are out."""
    from app.ideas.queries import published_ideas

    hackathon = load_hackathon(slug)
    published = hackathon.phase_at(now_utc()) in (Phase.RESULTS, Phase.CLOSED)
    return render_template("hackathons/all_ideas.html", h=hackathon, published=published,
                           ideas=published_ideas(hackathon) if published else [])


# --- creating and editing ---------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@access.coordinator_only
def create():
    form = HackathonForm(actor=current_user, locale=_locale())
    return web.submit(
        form, run=lambda data: ops.create_hackathon(data, actor=current_user),
        field_map=FIELD_MAP,
        success=lambda hackathon: web.done(
            _("The hackathon has been saved as a draft. Add its judging criteria, then open it."),
            url_for("hackathons.criteria", slug=hackathon.slug)),
        page=lambda status: (render_template("hackathons/form.html", form=form, h=None,
                                             frozen=()), status))


def _frozen_form_fields(hackathon: Hackathon, now) -> tuple[str, ...]:
    return tuple(FIELD_MAP.get(name, name) for name in ops.frozen_fields(hackathon, now))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@access.coordinator_only
def edit(slug: str):
    hackathon = load_hackathon(slug, manage=True)
    now = now_utc()
    frozen = _frozen_form_fields(hackathon, now)
    if request.method == "POST":
        form = HackathonForm(actor=current_user, locale=_locale(),
                             current_region=hackathon.region_code)
    else:
        form = HackathonForm(data=hackathon_initial(hackathon), actor=current_user,
                             locale=_locale(), current_region=hackathon.region_code)

    def page(status: int, conflict: Hackathon | None = None):
        return render_template("hackathons/form.html", form=form, h=hackathon, frozen=frozen,
                               conflict=conflict, phase=hackathon.phase_at(now)), status

    def stale(error: StaleVersion):
        # Keep what the user typed; show what is saved now; the next save replaces it.
        conflict = error.current or hackathon
        form.version.data = str(conflict.version)
        return page(409, conflict)

    return web.submit(
        form, field_map=FIELD_MAP, stale=stale, page=page,
        run=lambda data: ops.update_hackathon(
            hackathon, {k: v for k, v in data.items() if k not in frozen},
            actor=current_user, now=now),
        success=lambda _result: web.done(_("The changes have been saved."),
                                         url_for("hackathons.detail", slug=hackathon.slug)))


# --- criteria -------------------------------------------------------------------------------

def _criteria_page(hackathon: Hackathon, form: CriterionForm, status: int = 200):
    now = now_utc()
    return render_template("hackathons/criteria.html", h=hackathon, form=form,
                           editable=hackathon.criteria_editable(now),
                           phase=hackathon.phase_at(now), delete_form=EmptyForm()), status


@bp.route("/<slug>/criteria", methods=["GET", "POST"])
@access.coordinator_only
def criteria(slug: str):
    hackathon = load_hackathon(slug, manage=True)
    form = CriterionForm(formdata=None if request.method == "GET" else request.form)
    return web.submit(
        form, run=lambda data: ops.add_criterion(hackathon, data, actor=current_user),
        success=lambda _criterion: web.done(
            _("The criterion has been added."),
            url_for("hackathons.criteria", slug=hackathon.slug)),
        page=lambda status: _criteria_page(hackathon, form, status))


def _criterion_of_first_round(hackathon: Hackathon, criterion_id: int) -> Criterion:
    """A criterion of the jury's round (a final round's own are edited on its own page)."""
    return web.load(Criterion, criterion_id,
                    see=lambda c, _user: (c.hackathon_id == hackathon.id
                                          and c.round == FIRST_ROUND))


@bp.route("/<slug>/criteria/<id:criterion_id>", methods=["GET", "POST"])
@access.coordinator_only
def criterion_edit(slug: str, criterion_id: int):
    hackathon = load_hackathon(slug, manage=True)
    criterion = _criterion_of_first_round(hackathon, criterion_id)
    now = now_utc()
    return criterion_edit_page(hackathon, criterion,
                               back_url=url_for("hackathons.criteria", slug=hackathon.slug),
                               editable=hackathon.criteria_editable(now), now=now)


def criterion_edit_page(hackathon: Hackathon, criterion: Criterion, *, back_url: str,
                        editable: bool, now=None, **shown):
    """The page that edits one criterion, of either round: on a valid POST the criterion is
    saved through the one service rule and the coordinator goes back to `back_url`."""
    if request.method == "POST":
        form = CriterionForm()
    else:
        form = CriterionForm(data=criterion_initial(criterion))
    return web.submit(
        form, run=lambda data: ops.update_criterion(criterion, data, actor=current_user, now=now),
        success=lambda _result: web.done(_("The criterion has been saved."), back_url),
        page=lambda status: (render_template(
            "hackathons/criterion_form.html", h=hackathon, criterion=criterion, form=form,
            editable=editable, back_url=back_url, **shown), status))


@bp.route("/<slug>/criteria/<id:criterion_id>/delete", methods=["POST"])
@access.coordinator_only
def criterion_delete(slug: str, criterion_id: int):
    hackathon = load_hackathon(slug, manage=True)
    criterion = _criterion_of_first_round(hackathon, criterion_id)
    back = url_for("hackathons.criteria", slug=hackathon.slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return web.act(lambda: ops.delete_criterion(criterion, actor=current_user),
                   success=lambda _result: web.done(_("The criterion has been deleted."), back),
                   back=back)


# --- phases -----------------------------------------------------------------------------------

@bp.route("/<slug>/phase", methods=["GET", "POST"])
@access.coordinator_only
def phase(slug: str):
    hackathon = load_hackathon(slug, manage=True)
    form = TransitionForm()

    def page(status: int):
        now = now_utc()
        history = db.session.scalars(
            select(PhaseChange).where(PhaseChange.hackathon_id == hackathon.id)
            .options(selectinload(PhaseChange.actor))
            .order_by(PhaseChange.at, PhaseChange.id)
        ).all()
        upcoming = hackathon.allowed_transitions(now)
        problems = (ops.readiness_problems(hackathon, now) if Phase.OPEN in upcoming else {})
        return render_template("hackathons/phase.html", h=hackathon, form=form, now=now,
                               current=hackathon.phase_at(now), upcoming=upcoming,
                               history=history, problems=problems,
                               lags=hackathon.phase_lags(now)), status

    return web.submit(
        form, page=page,
        run=lambda data: ops.transition_hackathon(hackathon, data["to"], actor=current_user,
                                                  reason=data["reason"]),
        success=lambda _result: web.done(
            _("The hackathon is now in the phase “%(phase)s”.", phase=hackathon.phase.label),
            url_for("hackathons.phase", slug=hackathon.slug)))
