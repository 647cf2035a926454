"""The rows of the coordinators' table of a hackathon's ideas, each rendered once per
language and kept (app/public/fragments.py).

A row is keyed by its whole value (`queries.IdeaRow`: every value it shows), so it is never
shown with values other than its own; who may see a hackathon's ideas, and which of them,
is decided before the rows are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from app.ideas.queries import IdeaRow
from app.public.fragments import fragment


@fragment("ideas/_idea_row.html")
def _idea_row(idea: IdeaRow) -> dict[str, Any]:
    return {"idea": idea}


def idea_rows(ideas: Iterable[IdeaRow]) -> Markup:
    """The table rows of `ideas`."""
    return _idea_row.join((idea,) for idea in ideas)
