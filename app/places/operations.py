"""Reference data: idempotent loading, and corrections by an admin."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import func, select

from app.core.audit import record_audit, snapshot
from app.core.errors import Invalid
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.places.models import Municipality, MunicipalityDomain, MunicipalityKind, Region

DATA_FILE = Path(__file__).parent / "data" / "places.json"


def load_reference_data(path: Path = DATA_FILE) -> dict[str, int]:
    """Insert the regions and municipalities that are missing; never overwrite.

    Existing rows are left as they are, so an admin's corrections survive
    every later `init-db`.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    known_regions = set(db.session.scalars(select(Region.code)))
    added = {"regions": 0, "municipalities": 0}
    for row in data["regions"]:
        if row["code"] in known_regions:
            continue
        db.session.add(
            Region(
                code=row["code"],
                name_lv=row["name_lv"],
                name_en=row["name_en"],
                service_direction_lv=row["service_direction_lv"],
                service_direction_en=row["service_direction_en"],
                envelope_eur=Decimal(row["envelope_eur"]),
                vat_envelope_eur=Decimal(row["vat_envelope_eur"]),
            )
        )
        added["regions"] += 1
    db.session.flush()
    known = set(db.session.scalars(select(Municipality.slug)))
    for row in data["municipalities"]:
        if row["slug"] in known:
            continue
        db.session.add(
            Municipality(
                slug=row["slug"],
                name=row["name"],
                kind=MunicipalityKind(row["kind"]),
                region_code=row["region"],
            )
        )
        added["municipalities"] += 1
    db.session.flush()
    return added


MUNICIPALITY_FIELDS = ["name", "kind", "region_code", "domain_names"]
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _domains(raw, municipality: Municipality, errors: dict) -> list[str] | None:
    """The domains typed (commas or spaces between, an "@" before each allowed), each once;
    None when one is not a domain or belongs to another municipality."""
    if raw is None:
        return None
    names = list(dict.fromkeys(
        d.strip().lstrip("@").lower() for d in re.split(r"[,;\s]+", str(raw)) if d.strip()))
    wrong = [d for d in names if not DOMAIN.match(d)]
    if wrong:
        errors["staff_domains"] = [_l("Not a domain: %(domains)s. Write domains like "
                                      "dobele.lv.", domains=", ".join(wrong))]
        return None
    taken = db.session.scalars(select(MunicipalityDomain).where(
        MunicipalityDomain.domain.in_(names),
        MunicipalityDomain.municipality_id != municipality.id)).all()
    if taken:
        errors["staff_domains"] = [_l("%(domain)s belongs to %(municipality)s already.",
                                      domain=taken[0].domain,
                                      municipality=taken[0].municipality.name)]
        return None
    return names
REGION_FIELDS = ["name_lv", "name_en", "service_direction_lv", "service_direction_en",
                 "envelope_eur", "vat_envelope_eur"]


def update_municipality(municipality: Municipality, data: dict, *, actor) -> Municipality:
    """Correct a municipality's name, kind or planning region, or set its staff's e-mail
    domains (admin)."""
    errors: dict[str, list] = {}
    name = (data.get("name") or "").strip()
    if not name or len(name) > 120:
        errors["name"] = [_l("Enter a name of at most 120 characters.")]
    elif db.session.scalar(
        select(func.count()).where(
            func.lower(Municipality.name) == name.lower(), Municipality.id != municipality.id
        )
    ):
        errors["name"] = [_l("Another municipality already has this name.")]
    try:
        kind = MunicipalityKind(data.get("kind") or "")  # none given: ValueError too
    except ValueError:
        errors["kind"] = [_l("Choose a state city or a county.")]
    if db.session.get(Region, data.get("region_code") or "") is None:
        errors["region_code"] = [_l("Choose a planning region.")]
    domains = _domains(data.get("staff_domains"), municipality, errors)
    if errors:
        raise Invalid(errors=errors)
    before = snapshot(municipality, MUNICIPALITY_FIELDS)
    municipality.name = name
    municipality.kind = kind
    municipality.region_code = data["region_code"]
    if domains is not None:
        kept = {d.domain: d for d in municipality.email_domains}
        municipality.email_domains = [kept.get(d) or MunicipalityDomain(domain=d)
                                      for d in domains]
    db.session.flush()
    record_audit("municipality.update", actor=actor, object_type="municipality",
                 object_id=municipality.id, before=before,
                 after=snapshot(municipality, MUNICIPALITY_FIELDS))
    return municipality


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = [_l("Enter an amount in euros, e.g. 366722.00.")]
        return None
    # is_finite first: comparing NaN raises InvalidOperation.
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        errors[field] = [_l("Enter an amount between 0 and 9 999 999 999.99.")]
        return None
    return amount.quantize(Decimal("0.01"))


def update_region(region: Region, data: dict, *, actor) -> Region:
    """Correct a planning region's names, service direction or money envelope (admin)."""
    errors: dict[str, list] = {}
    values = {}
    for field in ("name_lv", "name_en"):
        text = (data.get(field) or "").strip()
        if not text or len(text) > 120:
            errors[field] = [_l("Enter a name of at most 120 characters.")]
        values[field] = text
    for field in ("service_direction_lv", "service_direction_en"):
        text = (data.get(field) or "").strip()
        if len(text) > 300:
            errors[field] = [_l("At most 300 characters.")]
        values[field] = text
    for field in ("envelope_eur", "vat_envelope_eur"):
        values[field] = _money(data.get(field), field, errors)
    if errors:
        raise Invalid(errors=errors)
    before = snapshot(region, REGION_FIELDS)
    for field, value in values.items():
        setattr(region, field, value)
    db.session.flush()
    record_audit("region.update", actor=actor, object_type="region", object_id=region.code,
                 before=before, after=snapshot(region, REGION_FIELDS))
    return region
