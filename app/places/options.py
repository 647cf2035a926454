"""The options of every filter by municipality (the public lists of pilots and winners, the
portfolio, a hackathon's ideas, the users' list), rendered once per change of public data
and per language (app/public/fragments.py): forty-odd options on each of those pages."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from app.places import kept as kept_places
from app.public.fragments import fragment, with_selected


@fragment("_options.html")
def _municipality_options() -> dict[str, Any]:
    return {"options": [(m.id, m.name) for m in kept_places.municipalities()]}


def municipality_options(chosen: int | None = None) -> Markup:
    """Every municipality as an `<option>`, in the order of `kept_places.municipalities`,
    the one with the id `chosen` selected."""
    return with_selected(_municipality_options(), chosen)
