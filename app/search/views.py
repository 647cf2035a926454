"""The search page: one form, results grouped by kind, each linking to its public page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.core import access
from app.extensions import limiter
from app.search.queries import LIMIT, QUERY_MAX, search

bp = Blueprint("search", __name__)


@bp.route("/search")
@limiter.limit("60 per minute", scope="search")
@access.public
def results() -> str:
    raw = request.args.get("q", "")
    found = search(raw) if raw.strip() else None
    return render_template("search/results.html", q=" ".join(raw.split())[:QUERY_MAX],
                           found=found, limit=LIMIT)
