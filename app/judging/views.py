"""The judging pages, gathered on one blueprint (`bp`, in blueprint.py): importing the page
modules registers their routes, so the endpoints keep their names (`judging.review`)."""

from __future__ import annotations

from app.judging import coordinator_views, result_views, review_views
from app.judging.blueprint import bp

__all__ = ["bp", "coordinator_views", "result_views", "review_views"]
