"""The winners' cards and the rows of a published ranking on the public pages, rendered
once per change of public data and per language (app/public/fragments.py).

A card is keyed by the winner's whole row (`WinnerRow`, frozen: every value it shows) and
the heading level it is shown at, a ranking's row by its whole row (`PublishedPlace`), so
whatever list they came from (every winner, a filtered page, a municipality's newest)
they read the same, and none is ever shown with values other than its row's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from app.judging.messages import flag_label
from app.public.fragments import fragment
from app.public.queries.winners import PublishedPlace, WinnerRow


@fragment("public/_winner_card.html")
def _winner_card(row: WinnerRow, level: int) -> dict[str, Any]:
    return {"w": row, "level": level}


def winner_card_items(rows: Iterable[WinnerRow], level: int = 3) -> Markup:
    """The `<li>` cards of `rows`, their titles at heading `level`."""
    return _winner_card.join((row, int(level)) for row in rows)


@fragment("public/_ranking_row.html")
def _ranking_row(row: PublishedPlace) -> dict[str, Any]:
    return {"row": row, "flag_label": flag_label}


def published_ranking_rows(rows: Iterable[PublishedPlace]) -> Markup:
    """The rows of a hackathon's published ranking."""
    return _ranking_row.join((row,) for row in rows)
