"""The ideas blueprint and how its views load an idea or a hackathon: 404 for what the
user may not know about."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select

from app.core import access, web
from app.hackathons.models import Hackathon
from app.ideas import queries
from app.ideas.models import Idea

bp = Blueprint("ideas", __name__)


def idea_or_404(idea_id: int) -> Idea:
    return web.check_found(queries.idea_by_id(idea_id))


def readable(idea_id: int) -> Idea:
    idea = idea_or_404(idea_id)
    access.require(idea.can_view_private(current_user), hide=True)
    return idea


def history_readable(idea_id: int) -> Idea:
    idea = idea_or_404(idea_id)
    access.require(idea.can_see_history(current_user), hide=True)
    return idea


def team_idea(idea_id: int) -> Idea:
    """The idea, if the signed-in user is in its team (others: 404, even coordinators)."""
    idea = idea_or_404(idea_id)
    access.require(idea.is_team_member(current_user), hide=True)
    return idea


def hackathon_or_404(slug: str) -> Hackathon:
    return web.load(select(Hackathon).where(Hackathon.slug == slug),
                    see=Hackathon.is_visible_to)
