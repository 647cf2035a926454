"""Idea pages: my ideas, the idea form, the idea page, history and diff, attachments,
and the coordinator's list of a hackathon's ideas with its CSV export.

Each view loads (404), checks access (404 for what the user may not know about), reads the
form and calls one operation; the request's edge (app.core.web) commits. The blueprint and
its loaders are in `blueprint`; each module below adds the views of one part.
"""

from app.ideas.views import attachments, coordinator, editing, kept, pages  # noqa: F401
from app.ideas.views.blueprint import bp

__all__ = ["bp"]
