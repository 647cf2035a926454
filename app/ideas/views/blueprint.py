"""The ideas blueprint and how its views load a hackathon: 404 for what the user may not
know about (an idea is loaded by app.ideas.loading, as the API loads it)."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from app.core import web
from app.hackathons.models import Hackathon
from app.ideas import rows

bp = Blueprint("ideas", __name__)
bp.add_app_template_global(rows.idea_rows)


def hackathon_or_404(slug: str) -> Hackathon:
    return web.load(select(Hackathon).where(Hackathon.slug == slug),
                    see=Hackathon.is_visible_to)
