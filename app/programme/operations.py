"""Recording events and attendance, importing a sign-in sheet, merging duplicate people.

Operations load their input with the schemas, check what needs the database, flush and
never commit; the request pipeline commits at the edge.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.accounts.operations import normalise_email
from app.core.audit import record_audit
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.core.folding import fold
from app.core.schema import load
from app.core.translation import lazy_gettext as _l
from app.extensions import db
from app.hackathons.models import may_manage_region
from app.places.models import Municipality, Region
from app.programme.models import Attendance, Event, EventFormat, EventKind, Person
from app.programme.schemas import AttendeeInput, EventInput

SHEET_MAX_BYTES = 1_000_000
SHEET_MAX_ROWS = 5_000
# Column names a sign-in sheet may use, in Latvian or English (folded, without diacritics).
COLUMNS = {"name": ("name", "vards", "vards, uzvards", "vards uzvards"),
           "email": ("email", "e-mail", "e-pasts", "epasts"),
           "municipality": ("municipality", "pasvaldiba"),
           "region": ("region", "planning region", "planosanas regions", "regions")}


def create_event(data: dict, *, actor: Any, now: datetime | None = None) -> Event:
    """Record an event for a region the actor coordinates (national: national coordinators)."""
    now = now or now_utc()
    values = load(EventInput, data)
    if not may_manage_region(actor, values["region"]):
        raise NotAllowed(_l("You may record events only for the planning region you "
                            "coordinate."))
    event = Event(title=values["title"], kind=EventKind(values["kind"]),
                  format=EventFormat(values["format"]), region_code=values["region"],
                  theme=values["theme"], starts_on=values["starts_on"],
                  ends_on=values["ends_on"] or values["starts_on"], place=values["place"],
                  organiser=values["organiser"], created_by_id=actor.id, created_at=now)
    db.session.add(event)
    db.session.flush()
    record_audit("programme.event.create", actor=actor, object_type="programme_event",
                 object_id=event.id, after={"title": event.title, "kind": event.kind,
                                            "region": event.region_code}, now=now)
    return event


@dataclass
class _Places:
    """Municipalities and regions by folded name, read once per import."""

    municipalities: dict[str, Municipality]
    regions: dict[str, Region]

    @classmethod
    def read(cls) -> _Places:
        regions: dict[str, Region] = {}
        for region in db.session.scalars(select(Region)):
            for key in (region.code, region.name_lv, region.name_en):
                regions[fold(key)] = region
        return cls({fold(m.name): m for m in db.session.scalars(select(Municipality))}, regions)


def _person_for(values: dict, places: _Places, pending: dict[str, Person]
                ) -> tuple[Person | None, Municipality | None, str | None, dict[str, list]]:
    """The person a row names (an existing one when the e-mail, or the name and
    municipality, match), with where they work now; or the row's errors."""
    errors: dict[str, list] = {}
    municipality = None
    if values["municipality"]:
        municipality = places.municipalities.get(fold(values["municipality"]))
        if municipality is None:
            errors["municipality"] = [_l("Unknown municipality “%(name)s”: use its official "
                                         "name, e.g. Dobeles novads.",
                                         name=values["municipality"])]
    region = None
    if values["region"]:
        found = places.regions.get(fold(values["region"]))
        if found is None:
            errors["region"] = [_l("Unknown planning region “%(name)s”.", name=values["region"])]
        region = found.code if found else None
    if municipality is not None:
        region = municipality.region_code
    if region is None and not errors:
        errors["municipality"] = [_l("Give the person's municipality, or the planning "
                                     "region for planning-region staff.")]
    email = None
    if values["email"]:
        email = normalise_email(values["email"])
        if email is None:
            errors["email"] = [_l("Enter an e-mail address like name@example.lv.")]
    if errors or region is None:
        return None, None, None, errors
    name_key = f"{fold(values['name'])}|{getattr(municipality, 'id', region)}"
    person = (pending.get(email) if email else None) or pending.get(name_key)
    if person is None and email:
        person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        candidates = db.session.scalars(select(Person).where(
            Person.municipality_id == getattr(municipality, "id", None),
            Person.region_code == region)).all()
        person = next((p for p in candidates if fold(p.name) == fold(values["name"])), None)
    if person is None:
        person = Person(name=values["name"], email=email, municipality=municipality,
                        region_code=region)
        db.session.add(person)
    else:
        # Where they work now; the attendance keeps where they worked then.
        person.municipality, person.region_code = municipality, region
        if email and not person.email:
            person.email = email
    if email:
        pending[email] = person
    pending[name_key] = person
    return person, municipality, region, {}


def _attend(event: Event, person: Person, municipality: Municipality | None, region: str,
            source: str, now: datetime) -> bool:
    """Record the attendance unless the person is already on the event's list."""
    if person.id is not None and any(a.person_id == person.id for a in event.attendances):
        return False
    if any(a.person is person for a in event.attendances):
        return False
    event.attendances.append(Attendance(person=person, municipality=municipality,
                                        region_code=region, recorded_at=now, source=source))
    return True


def record_attendance(event: Event, data: dict, *, actor: Any, now: datetime | None = None
                      ) -> Attendance | None:
    """Add one attendee by hand; None when they were on the list already."""
    now = now or now_utc()
    if not event.can_manage(actor):
        raise NotAllowed(_l("Only the event's coordinators may record its attendance."))
    values = load(AttendeeInput, data)
    person, municipality, region, errors = _person_for(values, _Places.read(), {})
    if errors or person is None or region is None:
        raise Invalid(errors=errors)
    added = _attend(event, person, municipality, region, "", now)
    db.session.flush()
    if added:
        record_audit("programme.attendance.add", actor=actor, object_type="programme_event",
                     object_id=event.id, after={"person_id": person.id}, now=now)
        return event.attendances[-1]
    return None


@dataclass
class ImportResult:
    added: int
    already: int


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = fold(title.strip().lstrip("\ufeff"))
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    return found


def import_attendance(event: Event, content: bytes, filename: str, *, actor: Any,
                      now: datetime | None = None) -> ImportResult:
    """A sign-in sheet (CSV with a header row, comma or semicolon) added to the event's
    attendance: all of it, or, if any row is wrong, nothing, with every error by line."""
    now = now or now_utc()
    if not event.can_manage(actor):
        raise NotAllowed(_l("Only the event's coordinators may record its attendance."))
    if len(content) > SHEET_MAX_BYTES:
        raise Invalid(errors={"sheet": [_l("The file is larger than 1 MB; split it.")]})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(errors={"sheet": [_l("Save the sheet as CSV in UTF-8 encoding.")]}) \
            from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise Invalid(errors={"sheet": [_l("The file is empty.")]})
    columns = _header_map(rows[0])
    if "name" not in columns:
        raise Invalid(errors={"sheet": [_l("The first row must name the columns; a “name” "
                                           "(vārds) column is required.")]})
    if len(rows) - 1 > SHEET_MAX_ROWS:
        raise Invalid(errors={"sheet": [_l("The sheet has more than %(n)d rows; split it.",
                                           n=SHEET_MAX_ROWS)]})
    places, pending = _Places.read(), dict[str, Person]()
    problems: list[str] = []
    added = already = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        raw = {column: (row[i] if i < len(row) else "") for column, i in columns.items()}
        try:
            values = load(AttendeeInput, raw)
        except Invalid as error:
            problems += [_l("Line %(line)d, %(column)s: %(message)s", line=line, column=c,
                            message=m) for c, ms in error.errors.items() for m in ms]
            continue
        person, municipality, region, errors = _person_for(values, places, pending)
        if errors or person is None or region is None:
            problems += [_l("Line %(line)d, %(column)s: %(message)s", line=line, column=c,
                            message=m) for c, ms in errors.items() for m in ms]
            continue
        if _attend(event, person, municipality, region, filename[:200], now):
            added += 1
        else:
            already += 1
    if problems:
        # The pipeline undoes everything this import added (one savepoint, `web.attempt`).
        raise Invalid(_l("Nothing was imported: correct these lines and import the file "
                         "again."), errors={"sheet": problems})
    db.session.flush()
    record_audit("programme.attendance.import", actor=actor, object_type="programme_event",
                 object_id=event.id, after={"file": filename[:200], "added": added,
                                            "already": already}, now=now)
    return ImportResult(added=added, already=already)


def duplicate_people(limit: int = 50) -> list[tuple[Person, Person]]:
    """Pairs that look like one person: the same folded name in the same municipality or
    region, one of them without an e-mail address (two addresses are two people)."""
    seen: dict[str, Person] = {}
    pairs: list[tuple[Person, Person]] = []
    for person in db.session.scalars(select(Person).order_by(Person.id)):
        key = f"{fold(person.name)}|{person.municipality_id or person.region_code}"
        other = seen.get(key)
        if other is not None and not (other.email and person.email):
            pairs.append((other, person))
            if len(pairs) >= limit:
                break
        else:
            seen[key] = person
    return pairs


def merge_people(keep: Person, duplicate: Person, *, actor: Any,
                 now: datetime | None = None) -> Person:
    """One person, counted once: the duplicate's attendance moves to `keep`."""
    now = now or now_utc()
    if not (getattr(actor, "is_admin", False) or getattr(actor, "is_coordinator", False)):
        raise NotAllowed(_l("Only coordinators may merge people."))
    if keep.id == duplicate.id:
        raise WrongState(_l("Choose two different people to merge."))
    events = {a.event_id for a in keep.attendances}
    for attendance in list(duplicate.attendances):
        if attendance.event_id in events:
            db.session.delete(attendance)
        else:
            attendance.person = keep
    if duplicate.email and not keep.email:
        email, duplicate.email = duplicate.email, None
        db.session.flush()
        keep.email = email
    db.session.flush()
    record_audit("programme.person.merge", actor=actor, object_type="programme_person",
                 object_id=keep.id, before={"merged_id": duplicate.id}, now=now)
    db.session.delete(duplicate)
    db.session.flush()
    return keep
