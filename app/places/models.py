"""Planning regions and the 43 municipalities of the 2021 reform."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.collation import latvian
from app.extensions import Model

REGION_CODES = ("riga", "kurzeme", "latgale", "vidzeme", "zemgale")


class MunicipalityKind(enum.StrEnum):
    STATE_CITY = "state_city"
    COUNTY = "county"


class Region(Model):
    """A planning region (plānošanas reģions)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_lv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    service_direction_lv: Mapped[str] = mapped_column(String(300), default="")
    service_direction_en: Mapped[str] = mapped_column(String(300), default="")
    # The programme's indicative envelope per region, and the VAT on top (PRODUCT.md).
    envelope_eur: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    vat_envelope_eur: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="region", order_by=lambda: in_latvian_order()
    )

    def name(self, locale: str = "lv") -> str:
        return self.name_en if locale == "en" else self.name_lv

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Municipality(Model):
    """A municipality (pašvaldība): a state city or a county."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[MunicipalityKind] = mapped_column(
        Enum(MunicipalityKind, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e])
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")
    email_domains: Mapped[list[MunicipalityDomain]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan",
        order_by="MunicipalityDomain.domain")

    @property
    def domain_names(self) -> list[str]:
        return [d.domain for d in self.email_domains]

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


class MunicipalityDomain(Model):
    """An e-mail domain of a municipality's staff: a confirmed address there verifies its
    owner as working for the municipality. A domain belongs to one municipality."""

    __tablename__ = "municipality_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    municipality: Mapped[Municipality] = relationship(back_populates="email_domains")

    def __repr__(self) -> str:
        return f"<MunicipalityDomain {self.domain}>"


def in_latvian_order() -> latvian:
    """Municipalities in Latvian alphabetical order of their names, by the database (the
    order of every relationship that lists them)."""
    return latvian(Municipality.name)
