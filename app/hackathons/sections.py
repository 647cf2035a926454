"""The parts of a hackathon's page that read the same for every reader who may see it: its
published results, its rules, who may take part, and its criteria. They are most of the
page, and change only with public data, so they are rendered once per change, language and
link context (app/public/fragments.py) and joined on every read. What moves with the clock
or the reader (the phase, the countdown, the timeline, the coordinators' links) is
rendered around them on each request.

Who may see the page (a draft only its coordinators) is decided before the sections are
asked for; nothing in them depends on who reads them.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from markupsafe import Markup

from app.core.sanitize import stored_html
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.queries import page_terms
from app.public.fragments import fragment

PARTS = ("results", "terms")  # above the timeline, and below it


@fragment("hackathons/_sections.html", most=1024)
def _sections(hackathon_id: int, part: str) -> dict[str, Any]:
    from app.public import queries as public_queries

    # Read again, not taken from the page's session: the page loaded it before the public
    # state was read, and what is kept under a state must be no older than it (a phase
    # published in between would otherwise be kept as the one before).
    hackathon = db.session.get(Hackathon, hackathon_id, populate_existing=True)
    terms = page_terms(hackathon_id)
    return {"part": part, "h": hackathon, "current_locale": str(get_locale() or "lv"),
            "description_html": stored_html(hackathon.description_html) if hackathon else "",
            "decision": public_queries.published_results(hackathon) if hackathon else None,
            "winners": public_queries.hackathon_winners(hackathon) if hackathon else [],
            "criteria": terms.criteria, "eligible_regions": terms.eligible_regions}


def hackathon_sections(hackathon: Hackathon, part: str) -> Markup:
    """The sections of `hackathon`'s page that every reader of it sees alike: its results
    (`part` "results") or its rules, who may take part and its criteria ("terms")."""
    if part not in PARTS:
        raise ValueError(part)
    return _sections(hackathon.id, part)
