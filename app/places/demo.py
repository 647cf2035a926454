"""Demo e-mail domains of municipalities' staff (made up, under example.lv); safe to run again."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.places.models import Municipality, MunicipalityDomain

DEMO_DOMAINS = {
    "Dobeles novads": ("dobele.example.lv",),
    "Jelgava": ("jelgava.example.lv",),
    "Jelgavas novads": ("jelgavasnovads.example.lv",),
    "Kuldīgas novads": ("kuldiga.example.lv",),
    "Rēzekne": ("rezekne.example.lv",),
    "Tukuma novads": ("tukums.example.lv",),
    "Madonas novads": ("madona.example.lv",),
    "Valmieras novads": ("valmiera.example.lv",),
}


def seed_demo_domains() -> None:
    """Give the demo municipalities their staff's e-mail domains, where no admin set any."""
    taken = set(db.session.scalars(select(MunicipalityDomain.domain)))
    for name, domains in DEMO_DOMAINS.items():
        municipality = db.session.scalar(select(Municipality).where(Municipality.name == name))
        if municipality is None or municipality.email_domains:
            continue
        for domain in domains:
            if domain not in taken:
                municipality.email_domains.append(MunicipalityDomain(domain=domain))
    db.session.flush()
