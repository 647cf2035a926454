"""The judging pages' blueprint, the helpers their templates call, and what every judging
page does first: load the hackathon or review (404/403) and say why a button was refused.

The pages register on `bp` in coordinator_views, review_views and result_views;
views.py gathers them. Each view loads (404), checks access (403/404), reads the form and
calls one operation; the request pipeline (app/core/web.py) commits at the edge.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash
from flask_login import current_user
from sqlalchemy import select

from app.core import web
from app.core.errors import DomainError, Invalid, WrongState
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.queries import load_hackathon
from app.judging import queries, rows
from app.judging.messages import flag_label, shortfall_text
from app.judging.models import JuryMember
from app.judging.models_results import FinalRound
from app.judging.models_reviews import Review

bp = Blueprint("judging", __name__)


@bp.app_template_global()
def judging_nav_visible() -> bool:
    """base.html: show “My reviews” to signed-in users who sit on a jury."""
    if not current_user.is_authenticated:
        return False
    if current_user.on_a_jury is None:  # not loaded with her session (asked once per request)
        current_user.on_a_jury = bool(db.session.scalar(select(JuryMember.id).where(
            JuryMember.user_id == current_user.id).limit(1)))
    return current_user.on_a_jury


def has_endpoint(name: str) -> bool:
    """Templates link to other features' pages only when those pages exist."""
    return name in current_app.view_functions


bp.add_app_template_global(rows.ranking_lines)


@bp.app_template_global()
def final_round_for(hackathon: Hackathon) -> FinalRound | None:
    """The criteria page links to a final round's own criteria (one query)."""
    return queries.final_round_of(hackathon)


@bp.app_context_processor
def judging_helpers():
    return {"flag_label": flag_label, "shortfall_text": shortfall_text,
            "has_endpoint": has_endpoint}


# --- loading ----------------------------------------------------------------------------------

def managed_hackathon(slug: str) -> Hackathon:
    """The hackathon, if the signed-in coordinator may manage it (others: 404/403)."""
    return load_hackathon(slug, manage=True)


def public_hackathon(slug: str) -> Hackathon:
    return load_hackathon(slug)


def review_for_judge(review_id: int) -> Review:
    """The review, only for its judge: anyone else gets 404 (it is not theirs to know)."""
    return web.load(queries.select_review(), review_id, see=Review.is_judge)


def first_reason(error: DomainError) -> str:
    return str(error.detail or next(iter(error.errors.values()))[0])


def flash_refusal(error: DomainError, *, first_only: bool = False) -> None:
    """Why a button's operation was refused, as messages on the page the user goes back to."""
    if first_only or error.detail:
        flash(first_reason(error), "error")
        return
    for messages in error.errors.values():
        for message in messages:
            flash(str(message), "error")


def refused(run: Callable[[], object], *, first_only: bool = False) -> DomainError | None:
    """Run a button's one operation in a savepoint; if the state or the input refuses it
    (not a refusal of the user: that stays 403), say why and give the refusal."""
    try:
        web.attempt(run)
    except (Invalid, WrongState) as error:
        flash_refusal(error, first_only=first_only)
        return error
    return None
