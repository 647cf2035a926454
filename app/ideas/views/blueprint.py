"""The ideas blueprint and how its views load a hackathon: 404 for what the user may not
know about (an idea is loaded by app.ideas.loading, as the API loads it)."""

from __future__ import annotations

from flask import Blueprint

from app.hackathons.models import Hackathon
from app.hackathons.queries import load_hackathon
from app.ideas import rows

bp = Blueprint("ideas", __name__)
bp.add_app_template_global(rows.idea_rows)
bp.add_app_template_global(rows.my_idea_rows)
bp.add_app_template_global(rows.taking_ideas_items)


def hackathon_or_404(slug: str) -> Hackathon:
    # The hackathon and its region, by a statement built once per process.
    return load_hackathon(slug, page=True)
