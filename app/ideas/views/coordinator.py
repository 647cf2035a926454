"""The coordinator's list of a hackathon's ideas, with its CSV export."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import current_user

from app import MAX_ID
from app.core import access
from app.core.pagination import clamp
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.queries import load_hackathon
from app.ideas import attachments as files
from app.ideas import queries
from app.ideas import redaction as redacting
from app.ideas.status import IdeaStatus
from app.ideas.views.blueprint import bp
from app.places.models import REGION_CODES


def _list_filters() -> dict:
    status = request.args.get("status") or ""
    if status not in {s.value for s in IdeaStatus}:
        status = ""
    region = request.args.get("region") or ""
    if region not in REGION_CODES:
        region = ""
    municipality = request.args.get("municipality", type=int)
    if municipality is not None and not 0 < municipality <= MAX_ID:
        municipality = None
    q = " ".join((request.args.get("q") or "").split())[:100]
    return {"status": status, "region": region, "municipality": municipality, "q": q}


def _managed_hackathon(slug: str) -> Hackathon:
    hackathon = load_hackathon(slug, page=True)
    access.require(hackathon.can_manage(current_user))
    return hackathon


@bp.route("/hackathons/<slug>/ideas")
@access.coordinator_only
def hackathon_ideas(slug: str):
    hackathon = _managed_hackathon(slug)
    filters = _list_filters()
    page, per_page = clamp(request.args.get("page", 1), request.args.get("per_page", 25), 25)
    result = queries.table_rows(hackathon, current_user, page, per_page, **filters)
    from app.places import kept as kept_places

    statuses = [s for s in IdeaStatus if current_user.is_admin or s != IdeaStatus.DRAFT]
    return render_template("ideas/hackathon_ideas.html", h=hackathon, page=result,
                           filters=filters, regions=kept_places.regions(),
                           statuses=statuses,
                           warnings=redacting.blind_review_warnings(hackathon),
                           field_labels=redacting.FIELD_LABELS)


@bp.route("/hackathons/<slug>/ideas.csv")
@access.coordinator_only
def hackathon_ideas_csv(slug: str):
    hackathon = _managed_hackathon(slug)
    filters = _list_filters()
    ideas = db.session.scalars(queries.hackathon_ideas_query(hackathon, current_user,
                                                             **filters)).unique().all()
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    body = queries.ideas_csv(ideas, delimiter=delimiter,
                             url=lambda i: url_for("ideas.idea", idea_id=i.id, _external=True))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = files.content_disposition(
        f"{hackathon.slug}-idejas.csv")
    return response
