"""What the search finds: only what anyone may read, matched without regard to Latvian
diacritics or case ("cesis" finds Cēsis, "ĒRGĻI" finds Ērgļi; see app.core.folding)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from app.core.folding import contains, contains_folded, fold
from app.extensions import db
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase
from app.ideas.models import Idea
from app.ideas.status import PUBLIC_AFTER_RESULTS
from app.pilots.models import Pilot
from app.places.models import Municipality, in_latvian_order
from app.teams.models import Team

QUERY_MAX = 100
LIMIT = 20
RESULTS_PHASES = (Phase.RESULTS, Phase.CLOSED)


def _matches(term: str, *columns: Any) -> ColumnElement:
    return or_(*(contains_folded(c, term) for c in columns))


@dataclass
class Found:
    """One kind of result: the first `LIMIT` rows and how many there are in all."""

    rows: list
    total: int


@dataclass
class Results:
    query: str
    municipalities: Found
    hackathons: Found
    ideas: Found
    pilots: Found

    @property
    def total(self) -> int:
        return sum(f.total for f in (self.municipalities, self.hackathons, self.ideas,
                                     self.pilots))


def _found(statement: Any, order: Any) -> Found:
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db.session.execute(statement.order_by(*order).limit(LIMIT)).all() if total else []
    return Found(rows=list(rows), total=total)


def search(raw: str) -> Results:
    """Everything public whose name or text contains every word of `raw` (folded)."""
    query = " ".join(raw.split())[:QUERY_MAX]
    words = [w for w in fold(query).split() if w]

    def where(*columns: Any) -> list[ColumnElement]:
        return [_matches(w, *columns) for w in words]

    def stored(column: Any) -> list[ColumnElement]:
        """Words in a column that keeps its text folded already: a plain LIKE each."""
        return [contains(column, w) for w in words]

    places = select(Municipality.id, Municipality.name, Municipality.region_code).where(
        *where(Municipality.name))
    hackathons = select(Hackathon.slug, Hackathon.title, Hackathon.theme).where(
        Hackathon.phase != Phase.DRAFT, *stored(Hackathon.search_key))
    ideas = (select(Idea.id, Idea.title, Idea.status, Hackathon.title.label("hackathon"),
                    Municipality.name.label("municipality"))
             .join(Hackathon, Hackathon.id == Idea.hackathon_id)
             .join(Team, Team.id == Idea.team_id)
             .join(Municipality, Municipality.id == Team.municipality_id)
             .where(Idea.status.in_(PUBLIC_AFTER_RESULTS), Hackathon.phase.in_(RESULTS_PHASES),
                    *stored(Idea.search_key)))
    pilots = (select(Pilot.id, Pilot.title, Pilot.status, Municipality.name.label("municipality"))
              .join(Municipality, Municipality.id == Pilot.lead_municipality_id)
              .where(*stored(Pilot.search_key)))
    if not words:
        empty = Found(rows=[], total=0)
        return Results(query, empty, empty, empty, empty)
    return Results(
        query=query, municipalities=_found(places, (in_latvian_order(),)),
        hackathons=_found(hackathons, (Hackathon.submission_closes_at.desc(), Hackathon.id)),
        ideas=_found(ideas, (Idea.status, Idea.id.desc())),
        pilots=_found(pilots, (Pilot.start_date.desc(), Pilot.id.desc())),
    )
