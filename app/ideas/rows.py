"""Rows of lists of ideas, each rendered once per language and link context and kept
(app/public/fragments.py): the coordinators' table of a hackathon's ideas, a team member's
own ideas, and the hackathons taking ideas beside them.

A row is keyed by its whole value (every value it shows), so it is never shown with values
other than its own, and holds nothing a reader could ask for without already having it:
who may see which ideas is decided before the rows are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from app.ideas.queries import IdeaRow
from app.ideas.status import IdeaStatus
from app.public.fragments import fragment


@fragment("ideas/_idea_row.html")
def _idea_row(idea: IdeaRow) -> dict[str, Any]:
    return {"idea": idea}


def idea_rows(ideas: Iterable[IdeaRow]) -> Markup:
    """The table rows of `ideas`."""
    return _idea_row.join((idea,) for idea in ideas)


@dataclass(frozen=True)
class MyIdeaRow:
    """An idea in the list of a team member's ideas: every value the row shows."""

    id: int
    title: str | None
    hackathon_title: str
    team_name: str
    status: IdeaStatus
    closes_at: datetime | None
    updated_at: datetime


@fragment("ideas/_my_idea_row.html")
def _my_idea_row(idea: MyIdeaRow) -> dict[str, Any]:
    return {"idea": idea}


def my_idea_rows(ideas: Iterable[Any]) -> Markup:
    """The table rows of a team member's `ideas` (loaded with their hackathon and team)."""
    return _my_idea_row.join((MyIdeaRow(
        idea.id, idea.title, idea.hackathon.title, idea.team.name, idea.status,
        idea.hackathon.submission_closes_at, idea.updated_at),) for idea in ideas)


@dataclass(frozen=True)
class TakingIdeas:
    """A hackathon taking ideas, as the list beside a team member's ideas shows it."""

    slug: str
    title: str
    closes_at: datetime | None


@fragment("ideas/_taking_ideas.html")
def _taking_ideas(hackathon: TakingIdeas) -> dict[str, Any]:
    return {"h": hackathon}


def taking_ideas_items(hackathons: Iterable[Any]) -> Markup:
    """The `<li>` items of `hackathons` (taking ideas now), each with its deadline."""
    return _taking_ideas.join((TakingIdeas(h.slug, h.title, h.submission_closes_at),)
                              for h in hackathons)
