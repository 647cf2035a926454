"""What the feeds and the sitemap list: published results, approved public updates, and
every public address."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select

from app.core.models import UTCDateTime
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.ideas.models import Idea
from app.judging.models_results import WinnerDecision
from app.pilots.models import Pilot
from app.pilots.models_reports import PilotUpdate
from app.pilots.states import UpdateStatus
from app.places.models import Municipality
from app.public.queries.common import decided_at, public_winner_condition
from app.public.queries.winners import WinnerRow, winner_row, winners_query


@dataclass
class ResultsEntry:
    """A hackathon's published results, as a feed entry."""

    hackathon_id: int
    slug: str
    title: str
    published: datetime
    winners: list[WinnerRow] = field(default_factory=list)


def recent_results(limit: int = 30) -> list[ResultsEntry]:
    """The newest published results with their winners: two queries."""
    when = decided_at().label("when")
    latest = db.session.execute(
        select(Hackathon.id, Hackathon.slug, Hackathon.title, func.max(when))
        .select_from(Idea).join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .outerjoin(WinnerDecision, and_(WinnerDecision.hackathon_id == Idea.hackathon_id,
                                        WinnerDecision.published_at.is_not(None)))
        .where(public_winner_condition())
        .group_by(Hackathon.id, Hackathon.slug, Hackathon.title)
        .order_by(func.max(when).desc(), Hackathon.id.desc()).limit(limit)).all()
    entries = {row[0]: ResultsEntry(row[0], row[1], row[2], row[3]) for row in latest}
    if entries:
        for row in db.session.execute(
                winners_query().where(Idea.hackathon_id.in_(list(entries)))):
            winner = winner_row(row)
            entries[winner.hackathon_id].winners.append(winner)
    return list(entries.values())


@dataclass(frozen=True)
class UpdateEntry:
    """An approved public progress report, as a feed entry (the pilot and its place only)."""

    id: int
    pilot_id: int
    pilot_title: str
    municipality: str
    reported_on: date
    published: datetime
    body_html: str  # sanitised when saved


def published_updates_condition():
    return and_(PilotUpdate.public.is_(True), PilotUpdate.status == UpdateStatus.APPROVED)


def recent_updates(limit: int = 30, *, pilot_id: int | None = None) -> list[UpdateEntry]:
    """The newest approved public progress reports: one query."""
    published = func.coalesce(PilotUpdate.reviewed_at, PilotUpdate.created_at,
                              type_=UTCDateTime())
    query = (select(PilotUpdate.id, Pilot.id, Pilot.title, Municipality.name,
                    PilotUpdate.reported_on, published, PilotUpdate.body_html)
             .join(Pilot, Pilot.id == PilotUpdate.pilot_id)
             .join(Municipality, Municipality.id == Pilot.lead_municipality_id)
             .where(published_updates_condition())
             .order_by(published.desc(), PilotUpdate.id.desc()).limit(limit))
    if pilot_id is not None:
        query = query.where(Pilot.id == pilot_id)
    return [UpdateEntry(*row) for row in db.session.execute(query)]


@dataclass
class SitemapData:
    hackathons: list[tuple[str, datetime | None]]
    winners: list[tuple[int, datetime | None]]
    pilots: list[tuple[int, datetime | None]]
    municipalities: list[int]


def sitemap_data() -> SitemapData:
    """Every public page's address and last change: four narrow queries."""
    hackathons = db.session.execute(
        select(Hackathon.slug, Hackathon.updated_at).where(Hackathon.phase != Phase.DRAFT)
        .order_by(Hackathon.id)).all()
    winners = db.session.execute(
        select(Idea.id, Idea.updated_at).join(Hackathon, Hackathon.id == Idea.hackathon_id)
        .where(public_winner_condition()).order_by(Idea.id)).all()
    pilots = db.session.execute(select(Pilot.id, Pilot.updated_at).order_by(Pilot.id)).all()
    municipalities = db.session.scalars(select(Municipality.id).order_by(Municipality.id)).all()
    return SitemapData(hackathons=[tuple(r) for r in hackathons],
                       winners=[tuple(r) for r in winners], pilots=[tuple(r) for r in pilots],
                       municipalities=list(municipalities))
