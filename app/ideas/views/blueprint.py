"""The ideas blueprint and its template globals. Its views load a hackathon with
app.hackathons.queries.load_hackathon (404 for a draft the user may not manage), an idea
with app.ideas.loading, as the API loads it."""

from __future__ import annotations

from flask import Blueprint

from app.ideas import rows

bp = Blueprint("ideas", __name__)
bp.add_app_template_global(rows.idea_rows)
bp.add_app_template_global(rows.my_idea_rows)
bp.add_app_template_global(rows.taking_ideas_items)
