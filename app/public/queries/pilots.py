"""Public pilot lists: filtered pages, those in progress, a municipality's pilots and the
count by region and municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.core.clock import today_riga
from app.core.pagination import Page, page_of
from app.extensions import db
from app.pilots.models import Pilot
from app.pilots.states import PilotStatus
from app.places import kept as kept_places
from app.places.kept import PlainMunicipality, PlainRegion
from app.places.models import REGION_CODES
from app.public.queries.common import HOME_LIMIT


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


def pilots_page(filters: PilotFilters, page: int, per_page: int,
                today: date | None = None) -> Page:
    """One page of pilots with health and progress, the most recently started first, read
    from every pilot's kept row (`plain.every_pilot`): health is worked out, not stored, so
    every filter, health's too, is a look over the kept rows."""
    from app.pilots.plain import matching

    return page_of(matching(today or today_riga(), **filters.as_args()), page, per_page)


def pilots_in_progress(limit: int = HOME_LIMIT, today: date | None = None) -> list:
    """Active pilots, the most recently started first."""
    from app.pilots.plain import matching

    return matching(today or today_riga(), status=PilotStatus.ACTIVE.value)[:limit]


@dataclass
class PlaceCount:
    municipality: PlainMunicipality
    led: int
    partner: int


@dataclass
class RegionOverview:
    region: PlainRegion
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
    regions, places = kept_places.regions(), kept_places.municipalities()
    return [RegionOverview(
        region=region, pilots=per_region.get(region.code, (0, 0))[0],
        active=per_region.get(region.code, (0, 0))[1],
        places=[PlaceCount(m, led.get(m.id, 0), partner.get(m.id, 0)) for m in places
                if m.region_code == region.code and (led.get(m.id) or partner.get(m.id))])
        for region in regions]
