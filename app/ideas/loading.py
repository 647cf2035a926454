"""Loading an idea for a request, the same way for its pages and its API door.

Who learns what: someone who may not read the idea's private fields does not learn that it
exists (404); someone who may read them but is not in its team (a coordinator, a judge) is
refused plainly (403) when asking for what only the team may do.
"""

from __future__ import annotations

from flask_login import current_user

from app.core import access, web
from app.ideas import queries
from app.ideas.models import Idea


def any_idea(idea_id: int) -> Idea:
    """The idea, whoever asks (each page then decides what of it to show): 404 if none."""
    return web.check_found(queries.idea_by_id(idea_id))


def readable(idea_id: int) -> Idea:
    """The idea with its private fields: 404 for those who may not read them."""
    idea = any_idea(idea_id)
    access.require(idea.can_view_private(current_user), hide=True)
    return idea


def team_idea(idea_id: int) -> Idea:
    """The idea for a change only its team makes: 404 as `readable`, then 403 outside the
    team."""
    idea = readable(idea_id)
    access.require(idea.is_team_member(current_user))
    return idea


def with_history(idea_id: int) -> Idea:
    """The idea with its saved versions: 404 for those who may not see them."""
    idea = any_idea(idea_id)
    access.require(idea.can_see_history(current_user), hide=True)
    return idea
