"""The rows of the tables of pilots, rendered once per change of public data and per
language (app/public/fragments.py): a public table's, the portfolio's, the portfolio's
milestones falling due, and the options of its filters.

Each row is rendered from every pilot's kept row (`plain.every_pilot`) for the day it is
asked on, found by its id: whatever list the page's rows came from (one page of a filtered
list, a municipality's newest), a pilot's row reads the same, and its key (the pilot's
id, the day, and for the public table whether it names the municipality) says all it
shows. What a row shows depends on the day (health, days overdue), so the day is part of
the key, and it is the day the page worked its list out for, so that a page read across
midnight does not mix two days. The rows are the same for every reader, coordinators
included: who may see a pilot in the portfolio decides which rows are asked for, not what
they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from markupsafe import Markup

from app.pilots.plain import every_pilot
from app.public.fragments import fragment, with_selected


@fragment("public/_pilot_row.html")
def _public_row(pilot_id: int, today: date, show_place: bool) -> dict[str, Any]:
    return {"row": every_pilot(today).by_id[pilot_id], "show_place": show_place}


@fragment("pilots/_portfolio_row.html")
def _portfolio_row(pilot_id: int, today: date) -> dict[str, Any]:
    return {"row": every_pilot(today).by_id[pilot_id]}


@fragment("pilots/_due_row.html")
def _due_row(milestone_id: int, today: date) -> dict[str, Any]:
    from app.pilots.portfolio import DueMilestone

    milestone, pilot = every_pilot(today).by_milestone[milestone_id]
    return {"d": DueMilestone(milestone, pilot, (milestone.due_date - today).days)}


@fragment("_options.html")
def _hackathon_options() -> dict[str, Any]:
    from app.pilots.portfolio import pilot_hackathons

    return {"options": list(pilot_hackathons())}


def portfolio_hackathon_options(chosen: int | None) -> Markup:
    """The options of the portfolio's filter by hackathon, `chosen` selected."""
    return with_selected(_hackathon_options(), chosen)


def pilot_rows(rows: Iterable[Any], today: date, show_place: bool = True) -> Markup:
    """A public table's rows, for the pilots of `rows` (their `pilot.id`) on `today` (the
    day the page's list was worked out for)."""
    known = every_pilot(today).by_id
    return _public_row.join((row.pilot.id, today, bool(show_place)) for row in rows
                            if row.pilot.id in known)


def portfolio_rows(rows: Iterable[Any], today: date) -> Markup:
    """The portfolio table's rows, for the pilots of `rows`, on `today`."""
    known = every_pilot(today).by_id
    return _portfolio_row.join((row.pilot.id, today) for row in rows if row.pilot.id in known)


def due_rows(due: Iterable[Any], today: date) -> Markup:
    """The rows of the portfolio's milestones overdue or falling due (`DueMilestone`s) on
    `today`."""
    known = every_pilot(today).by_milestone
    return _due_row.join((d.milestone.id, today) for d in due if d.milestone.id in known)


TEMPLATE_GLOBALS = {"pilot_rows": pilot_rows, "portfolio_rows": portfolio_rows,
                    "due_rows": due_rows,
                    "portfolio_hackathon_options": portfolio_hackathon_options}
