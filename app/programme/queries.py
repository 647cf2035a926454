"""Reading the programme: the indicator's rows in one query, the targets from the settings,
and the lists the coordinator's pages show."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app.core.clock import today_riga
from app.extensions import db
from app.places.models import REGION_CODES
from app.programme.indicator import Attended, Indicator, Targets, training_indicator
from app.programme.models import Attendance, Event


def targets() -> Targets:
    """The targets as configured; a setting that cannot be read fails loudly at use."""
    config = current_app.config
    raw = str(config.get("PROGRAMME_TARGET_PER_REGION", "260")).strip()
    if "=" in raw:
        per_region = {code: 0 for code in REGION_CODES}
        for part in raw.split(","):
            code, _, number = part.partition("=")
            per_region[code.strip()] = int(number)
    else:
        per_region = {code: int(raw) for code in REGION_CODES}
    return Targets(total=int(config.get("PROGRAMME_TARGET_TOTAL", 1300)), per_region=per_region,
                   starts_on=date.fromisoformat(config.get("PROGRAMME_STARTS_ON", "2023-01-01")),
                   ends_on=date.fromisoformat(config.get("PROGRAMME_ENDS_ON", "2026-08-31")))


def attendance_rows() -> list[Attended]:
    """Every attendance as the indicator counts it: one query, no names."""
    rows = db.session.execute(
        select(Attendance.person_id, Event.starts_on, Attendance.region_code, Event.kind,
               Event.format).join(Event, Event.id == Attendance.event_id))
    return [Attended(r.person_id, r.starts_on, r.region_code, str(r.kind.value),
                     str(r.format.value)) for r in rows]


def indicator(today: date | None = None) -> Indicator:
    return training_indicator(attendance_rows(), targets(), today or today_riga())


def events_query(*, region: str | None = None) -> Select:
    """Events, newest first, with how many attended each (one query)."""
    attended = (select(func.count(Attendance.id)).where(Attendance.event_id == Event.id)
                .correlate(Event).scalar_subquery())
    query = select(Event, attended.label("attended")).options(joinedload(Event.region))
    if region == "national":
        query = query.where(Event.region_code.is_(None))
    elif region:
        query = query.where(Event.region_code == region)
    return query.order_by(Event.starts_on.desc(), Event.id.desc())
