"""The cards of the list of hackathons, each rendered once per change of public data,
language and link context (app/public/fragments.py), and joined on every read.

A card is keyed by its whole value (`PlainHackathon`: every value it shows), the phase the
page worked out for it and, while it takes ideas, its countdown as the page says it now (in
whole minutes: a card counting down is rendered again once a minute). A draft's card (for
those who may see drafts) reads the same as any other: who may see which hackathons is
decided before the cards are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from markupsafe import Markup

from app.hackathons.countdown import countdown_text
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.hackathons.queries import PlainHackathon
from app.places import kept as kept_places
from app.public.fragments import fragment


@fragment("hackathons/_card.html")
def _card(card: PlainHackathon, phase: Phase, left: str | None) -> dict[str, Any]:
    return {"h": card, "p": phase, "current_locale": str(get_locale() or "lv"), "left": left}


def hackathon_cards(items: Iterable[PlainHackathon | Hackathon], now: datetime) -> Markup:
    """The `<li>` cards of `items` (kept cards, or hackathons a search or a coordinator's
    list loaded), their phase and countdown worked out for `now`."""
    keys = []
    for item in items:
        card = item if isinstance(item, PlainHackathon) else plain(item)
        phase = card.phase_at(now)
        keys.append((card, phase, countdown_text(card, now) if phase == Phase.OPEN else None))
    return _card.join(keys)


def plain(hackathon: Hackathon) -> PlainHackathon:
    """A loaded hackathon as its card shows it."""
    code = hackathon.region_code
    return PlainHackathon(hackathon.id, hackathon.slug, hackathon.title, hackathon.theme, code,
                          kept_places.region_by_code().get(code) if code else None,
                          hackathon.phase, hackathon.submission_opens_at,
                          hackathon.submission_closes_at)
