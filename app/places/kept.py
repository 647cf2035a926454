"""The planning regions and the municipalities as plain values, kept under the public state.

Nearly every public page lists them (the filters of the lists, the home page, the comparison
of municipalities) and they change a few times a year: reading them as objects on every page
cost more than the rest of some pages' queries together. Both tables are public, so a
change to either is seen on the next read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.core.collation import collated
from app.extensions import db
from app.places.models import Municipality, MunicipalityKind, Region
from app.public.summaries import summary


@dataclass(frozen=True)
class PlainRegion:
    """A planning region as pages show it."""

    code: str
    name_lv: str
    name_en: str
    service_direction_lv: str
    service_direction_en: str
    envelope_eur: Decimal
    vat_envelope_eur: Decimal

    def name(self, locale: str = "lv") -> str:
        return self.name_en if locale == "en" else self.name_lv


@dataclass(frozen=True)
class PlainMunicipality:
    """A municipality as lists and filters show it."""

    id: int
    slug: str
    name: str
    region_code: str
    kind: MunicipalityKind


@summary
def regions() -> tuple[PlainRegion, ...]:
    """Every planning region, by code."""
    return tuple(PlainRegion(r.code, r.name_lv, r.name_en, r.service_direction_lv,
                             r.service_direction_en, r.envelope_eur, r.vat_envelope_eur)
                 for r in db.session.scalars(select(Region).order_by(Region.code)))


@summary
def municipalities() -> tuple[PlainMunicipality, ...]:
    """Every municipality, in Latvian alphabetical order."""
    rows = db.session.execute(select(Municipality.id, Municipality.slug, Municipality.name,
                                     Municipality.region_code, Municipality.kind))
    return tuple(collated((PlainMunicipality(*row) for row in rows), key=lambda m: m.name))


def municipality_choices() -> list[tuple[str, str]]:
    """Every municipality as a form's choice (its id, its name), in Latvian alphabetical
    order: "Ādažu novads" before "Aizkraukles novads"."""
    return [(str(m.id), m.name) for m in municipalities()]


@summary
def municipality_by_id() -> dict[int, PlainMunicipality]:
    """Every municipality by its id (pilots and places name theirs by id)."""
    return {m.id: m for m in municipalities()}


@summary
def region_by_code() -> dict[str, PlainRegion]:
    """Every planning region by its code."""
    return {r.code: r for r in regions()}
