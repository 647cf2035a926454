"""The training indicator: unique people trained, by region, year, format and type, against
the programme's targets, with a forecast. Pure: plain rows in, figures out.

The counting rule, written once:
- a person counts **once** for the programme however many events they attend;
- a person counts in the planning region, year, format and type of their **first** attended
  event (the day they were first trained); a move to another municipality later does not
  move them, so no region gains or loses people already counted;
- the forecast for a region extends its pace so far (people per day since the programme's
  first event) to the programme's end date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Attended:
    """One attendance: who, when, where they worked then, and what kind of event."""

    person_id: int
    on: date
    region_code: str
    kind: str
    format: str


@dataclass(frozen=True)
class Targets:
    total: int
    per_region: dict[str, int]
    starts_on: date
    ends_on: date


@dataclass
class RegionFigure:
    code: str
    trained: int
    target: int
    forecast: int

    @property
    def share(self) -> float:
        return self.trained / self.target if self.target else 1.0

    @property
    def reached(self) -> bool:
        return self.trained >= self.target

    @property
    def on_track(self) -> bool:
        return self.forecast >= self.target


@dataclass
class Indicator:
    trained: int
    target: int
    regions: list[RegionFigure]
    by_year: dict[int, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    forecast: int = 0

    @property
    def share(self) -> float:
        return self.trained / self.target if self.target else 1.0


def first_attendances(rows: list[Attended]) -> list[Attended]:
    """Each person's first attendance (the earliest day; ties by the order given)."""
    first: dict[int, Attended] = {}
    for row in rows:
        known = first.get(row.person_id)
        if known is None or row.on < known.on:
            first[row.person_id] = row
    return list(first.values())


def forecast(count: int, targets: Targets, today: date) -> int:
    """`count` reached by `today`, carried on at the same pace to the programme's end."""
    if today >= targets.ends_on:
        return count
    elapsed = (min(today, targets.ends_on) - targets.starts_on).days
    if elapsed <= 0:
        return count
    remaining = (targets.ends_on - today).days
    return count + round(count / elapsed * remaining)


def training_indicator(rows: list[Attended], targets: Targets, today: date) -> Indicator:
    """The indicator as of `today`, from every attendance up to then."""
    firsts = [row for row in first_attendances([r for r in rows if r.on <= today])]
    per_region = Counter(r.region_code for r in firsts)
    regions = [RegionFigure(code=code, trained=per_region.get(code, 0), target=target,
                            forecast=forecast(per_region.get(code, 0), targets, today))
               for code, target in targets.per_region.items()]
    return Indicator(
        trained=len(firsts), target=targets.total, regions=regions,
        by_year=dict(sorted(Counter(r.on.year for r in firsts).items())),
        by_format=dict(Counter(r.format for r in firsts).most_common()),
        by_kind=dict(Counter(r.kind for r in firsts).most_common()),
        forecast=forecast(len(firsts), targets, today))


def trained_by_group(rows: list[Attended], today: date) -> dict[tuple[str, int, str, str], int]:
    """Unique people trained by (region, year, format, kind) of their first event, as of
    `today`: the same counting rule, so the groups add up to the indicator's total."""
    firsts = first_attendances([r for r in rows if r.on <= today])
    return dict(Counter((r.region_code, r.on.year, r.format, r.kind) for r in firsts))
