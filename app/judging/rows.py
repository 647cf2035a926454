"""The lines of the coordinators' ranking table, each rendered once per language and kept
(app/public/fragments.py).

A line is keyed by its whole value (`kept_board.RankingLine`, frozen: every number, name
and review link it shows, already written out) and the number of reviews each idea is
meant to have, so a line is never shown with values other than its own, whichever board
it came from; who may see a hackathon's lines is decided before they are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from markupsafe import Markup

from app.judging.kept_board import RankingLine
from app.judging.messages import flag_label
from app.public.fragments import fragment


@fragment("judging/_ranking_line.html")
def _ranking_line(line: RankingLine, expected: int) -> dict[str, Any]:
    return {"line": line, "expected": expected, "flag_label": flag_label,
            "idea_page": "ideas.idea" in current_app.view_functions}


def ranking_lines(lines: Iterable[RankingLine], expected: int) -> Markup:
    """The table rows of `lines`, each idea meant to have `expected` reviews."""
    return _ranking_line.join((line, int(expected)) for line in lines)
