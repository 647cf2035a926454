"""Public pilot lists: filtered pages, those in progress, a municipality's pilots and the
count by region and municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from app.core.clock import today_riga
from app.core.collation import collated
from app.core.pagination import Page, paginate
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.states import PilotStatus
from app.places.models import REGION_CODES, Municipality, Region
from app.public.queries.common import HOME_LIMIT


def pilot_rows(query: Select, today: date | None = None) -> list:
    """Pilots with progress, health and money computed: four queries whatever their number
    (the pilots, their partners and milestones, then spending and reports in bulk)."""
    from app.pilots import queries as pilot_queries

    today = today or today_riga()
    pilots = db.session.scalars(query.options(*pilot_queries.table_options())).unique().all()
    if not pilots:
        return []
    figures = pilot_queries.load_figures(Pilot.id.in_([p.id for p in pilots]))
    return pilot_queries.summarize_all(pilots, figures, today)


@dataclass
class PilotFilters:
    region: str = ""
    status: str = ""
    health: str = ""
    municipality: int | None = None

    @classmethod
    def from_args(cls, args) -> PilotFilters:
        """Filters from the query string; anything unknown or malformed is dropped."""
        from app.pilots.health import LEVELS

        value = (args.get("municipality") or "").strip()
        region, status, health = (args.get(n) or "" for n in ("region", "status", "health"))
        return cls(region=region if region in REGION_CODES else "",
                   status=status if status in {s.value for s in PilotStatus} else "",
                   health=health if health in LEVELS else "",
                   municipality=int(value) if value.isdigit() and len(value) <= 9 else None)

    def as_args(self) -> dict[str, Any]:
        return {k: v for k, v in (("region", self.region), ("status", self.status),
                                  ("health", self.health), ("municipality", self.municipality))
                if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def pilots_query(filters: PilotFilters) -> Select:
    """Every pilot (its public fields are public), the most recently started first."""
    from app.pilots.queries import municipality_condition

    query = select(Pilot).order_by(Pilot.start_date.desc(), Pilot.id.desc())
    if filters.region:
        query = query.where(Pilot.region_code == filters.region)
    if filters.status:
        query = query.where(Pilot.status == PilotStatus(filters.status))
    if filters.municipality:
        query = query.where(municipality_condition(filters.municipality))
    return query


def pilots_page(filters: PilotFilters, page: int, per_page: int,
                today: date | None = None) -> Page:
    """One page of pilots with health and progress. Health is computed, not stored, so a
    health filter computes it for every pilot that passes the other filters; either way the
    number of queries is fixed (six)."""
    from app.pilots import queries as pilot_queries

    today = today or today_riga()
    query = pilots_query(filters)
    if not filters.health:
        result = paginate(query.options(*pilot_queries.table_options()), page, per_page)
        figures = pilot_queries.load_figures(Pilot.id.in_([p.id for p in result.items])) \
            if result.items else {}
        result.items = pilot_queries.summarize_all(result.items, figures, today)
        return result
    rows = [r for r in pilot_rows(query, today) if r.level == filters.health]
    start = (page - 1) * per_page
    return Page(items=rows[start:start + per_page], page=page, per_page=per_page,
                total=len(rows))


def pilots_in_progress(limit: int = HOME_LIMIT, today: date | None = None) -> list:
    """Active pilots, the most recently started first."""
    query = (select(Pilot).where(Pilot.status == PilotStatus.ACTIVE)
             .order_by(Pilot.start_date.desc(), Pilot.id.desc()).limit(limit))
    return pilot_rows(query, today)


@dataclass
class PlaceCount:
    municipality: Municipality
    led: int
    partner: int


@dataclass
class RegionOverview:
    region: Region
    pilots: int
    active: int
    places: list[PlaceCount]


def pilot_overview() -> list[RegionOverview]:
    """How many pilots each planning region has, and each municipality leads or joins as a
    partner: three aggregate queries, whatever the number of pilots."""
    from app.pilots.models import pilot_partner

    per_region = {code: (total, active) for code, total, active in db.session.execute(
        select(Pilot.region_code, func.count(Pilot.id),
               func.count(Pilot.id).filter(Pilot.status == PilotStatus.ACTIVE))
        .group_by(Pilot.region_code))}
    led = dict(db.session.execute(select(Pilot.lead_municipality_id, func.count(Pilot.id))
                                  .group_by(Pilot.lead_municipality_id)).tuples().all())
    partner = dict(db.session.execute(
        select(pilot_partner.c.municipality_id, func.count(pilot_partner.c.pilot_id))
        .group_by(pilot_partner.c.municipality_id)).tuples().all())
    regions = db.session.scalars(select(Region).order_by(Region.code)).all()
    places = collated(db.session.scalars(select(Municipality)), key=lambda m: m.name)
    return [RegionOverview(
        region=region, pilots=per_region.get(region.code, (0, 0))[0],
        active=per_region.get(region.code, (0, 0))[1],
        places=[PlaceCount(m, led.get(m.id, 0), partner.get(m.id, 0)) for m in places
                if m.region_code == region.code and (led.get(m.id) or partner.get(m.id))])
        for region in regions]
