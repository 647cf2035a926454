"""Demo programme: three and a half years of capacity-building events in every planning
region, with attendance that reaches the 260-person target in some regions and not in
others, so that the indicator page shows both. Names are made up for the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from app.core.folding import fold
from app.extensions import db
from app.places.models import Municipality
from app.programme.models import Attendance, Event, EventFormat, EventKind, Person

# Unique people per region by the programme's end: three reach 260, two do not.
PEOPLE = {"riga": 305, "kurzeme": 281, "vidzeme": 266, "zemgale": 231, "latgale": 188}
FIRST = ["Anna", "Ilze", "Līga", "Inese", "Sandra", "Kristīne", "Dace", "Zane", "Ieva", "Laura",
         "Jānis", "Andris", "Māris", "Edgars", "Aivars", "Pēteris", "Raivis", "Kaspars",
         "Gints", "Artūrs", "Agnese", "Baiba", "Rūta", "Evija", "Normunds", "Uldis"]
LAST = ["Bērziņ", "Kalniņ", "Ozoliņ", "Liep", "Krūmiņ", "Vītol", "Jansons", "Zariņ", "Kļaviņ",
        "Egl", "Siliņ", "Pētersons", "Balod", "Strazd", "Grīnberg", "Āboliņ", "Lapiņ", "Cīrul"]
THEMES = ["Digitālie pakalpojumi iedzīvotājiem", "Datos balstīta pārvaldība",
          "Pakalpojumu dizains", "Sociālie pakalpojumi un sadarbība", "Publiskie iepirkumi",
          "Klientu apkalpošanas centri", "Mobilitāte un transports reģionā"]
REGION_NAMES = {"riga": "Rīgas", "kurzeme": "Kurzemes", "latgale": "Latgales",
                "vidzeme": "Vidzemes", "zemgale": "Zemgales"}


KIND_WORDS = {EventKind.REGIONAL_TRAINING: "mācības", EventKind.WORKSHOP: "darbnīca",
              EventKind.EXCHANGE_VISIT: "pieredzes apmaiņas vizīte"}


def _surname(stem: str, female: bool) -> str:
    """A Latvian surname in the person's gender, from the demo's stems."""
    if stem.endswith("iņ"):
        return stem + ("a" if female else "š")
    if stem.endswith("s"):  # Jansons, Pētersons
        return stem[:-1] + "e" if female else stem
    return stem + ("a" if female else "s")


def seed_demo_programme() -> None:
    """Idempotent: does nothing once any event exists."""
    if db.session.scalar(select(func.count(Event.id))):
        return
    rng = random.Random(2023)  # noqa: S311  # nosec B311 - demo data
    places: dict[str, list[Municipality]] = {}
    for municipality in db.session.scalars(select(Municipality).order_by(Municipality.id)):
        places.setdefault(municipality.region_code, []).append(municipality)
    people: dict[str, list[tuple[Person, Municipality]]] = {}
    used: set[str] = set()
    for region, count in PEOPLE.items():
        pool: list[tuple[Person, Municipality]] = []
        while len(pool) < count:
            first = rng.choice(FIRST)
            female = first[-1] in "aeē"
            name = f"{first} {_surname(rng.choice(LAST), female)}"
            where = rng.choice(places[region])
            key = f"{fold(name)}|{where.id}"
            if key in used:
                continue
            used.add(key)
            email = (f"{fold(name).replace(' ', '.')}.{len(pool)}@{where.slug}.example.lv"
                     if rng.random() < 0.7 else None)
            person = Person(name=name, email=email, municipality=where, region_code=region)
            pool.append((person, where))
        people[region] = pool
        db.session.add_all(p for p, _m in pool)
    start, end = date(2023, 2, 1), date(2026, 6, 30)
    for region, pool in people.items():
        order = list(pool)
        rng.shuffle(order)
        newcomers = iter(order)
        trained: list[tuple[Person, Municipality]] = []
        day = start + timedelta(days=rng.randrange(0, 30))
        while day < end:
            kind = rng.choice([EventKind.REGIONAL_TRAINING, EventKind.WORKSHOP,
                               EventKind.WORKSHOP, EventKind.EXCHANGE_VISIT])
            fmt = rng.choice([EventFormat.IN_PERSON, EventFormat.IN_PERSON, EventFormat.ONLINE,
                              EventFormat.SELF_PACED])
            theme = rng.choice(THEMES)
            event = Event(title=f"{REGION_NAMES[region]} reģiona {KIND_WORDS[kind]}: {theme}",
                          kind=kind, format=fmt, region_code=region, theme=theme, starts_on=day,
                          ends_on=day + timedelta(days=1 if fmt == EventFormat.IN_PERSON else 0),
                          place="" if fmt != EventFormat.IN_PERSON else rng.choice(
                              places[region]).name,
                          organiser=f"{REGION_NAMES[region]} plānošanas reģions")
            picked = []
            for _ in range(rng.randrange(6, 18)):
                # Most seats go to people new to the programme, some to those coming back.
                fresh = next(newcomers, None) if not trained or rng.random() < 0.62 else None
                picked.append(fresh or rng.choice(trained or pool))
                if fresh:
                    trained.append(fresh)
            attendees = {id(p): (p, m) for p, m in picked}
            for person, where in attendees.values():
                event.attendances.append(Attendance(person=person, municipality=where,
                                                    region_code=region, source="demo"))
            db.session.add(event)
            day += timedelta(days=rng.randrange(20, 45))
    for year, title in ((2023, "Programmas atklāšanas konference"),
                        (2025, "Pašvaldību pakalpojumu konference")):
        event = Event(title=title, kind=EventKind.CONFERENCE, format=EventFormat.IN_PERSON,
                      region_code=None, theme="Publisko pakalpojumu attīstība",
                      starts_on=date(year, 10, 12), ends_on=date(year, 10, 12), place="Rīga",
                      organiser="Viedās administrācijas un reģionālās attīstības ministrija")
        for region, pool in people.items():
            for person, where in rng.sample(pool, 12):
                event.attendances.append(Attendance(person=person, municipality=where,
                                                    region_code=region, source="demo"))
        db.session.add(event)
    db.session.flush()
