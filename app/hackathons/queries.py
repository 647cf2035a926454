"""Reading hackathons: the visible ones, filtered, for the list page and the API."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.core import web
from app.core.clock import now_utc
from app.hackathons.models import Hackathon
from app.hackathons.phases import Phase


def _visible_to(query: Select, viewer) -> Select:
    """Drafts only for those who may manage them (the same rule as Hackathon.is_visible_to)."""
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        if viewer.is_admin or viewer.is_national_coordinator:
            return query
        codes = viewer.coordinated_region_codes()
        if codes:
            return query.where(or_(Hackathon.phase != Phase.DRAFT,
                                   Hackathon.region_code.in_(sorted(codes))))
    return query.where(Hackathon.phase != Phase.DRAFT)


def card_options() -> tuple:
    """What a hackathon's card on the list page shows and its phase is worked out from, and
    nothing else: a hackathon carries its long description twice (Markdown and HTML). Any
    other column raises instead of being loaded card by card."""
    return (load_only(Hackathon.id, Hackathon.slug, Hackathon.title, Hackathon.theme,
                      Hackathon.region_code, Hackathon.phase, Hackathon.submission_opens_at,
                      Hackathon.submission_closes_at, Hackathon.created_at, raiseload=True),
            joinedload(Hackathon.region))


def hackathon_list_query(viewer, *, region: str | None = None, phase: str | None = None,
                         q: str | None = None, now: datetime | None = None,
                         cards: bool = False) -> Select:
    """Hackathons the viewer may see, newest first; `phase` is the effective phase. With
    `cards`, only what the list page's cards show (`card_options`).

    Loads the regions with the rows, so a page of any size costs the same queries.
    """
    now = now or now_utc()
    query = select(Hackathon).options(
        *(card_options() if cards else (joinedload(Hackathon.region),
                                        selectinload(Hackathon.eligible_regions))))
    query = _visible_to(query, viewer)
    if region == "national":
        query = query.where(Hackathon.region_code.is_(None))
    elif region:
        query = query.where(Hackathon.region_code == region)
    if phase:
        query = query.where(Hackathon.effective_phase_is(Phase(phase), now))
    if q:  # autoescape: % and _ in the search are letters, not wildcards
        query = query.where(or_(Hackathon.theme.icontains(q, autoescape=True),
                                Hackathon.title.icontains(q, autoescape=True)))
    return query.order_by(Hackathon.created_at.desc(), Hackathon.id.desc())


def load_hackathon(key: int | str, *, manage: bool = False) -> Hackathon:
    """The hackathon by id (API) or slug (pages) for the signed-in user: 404 for a draft she
    may not manage, and with `manage`, 403 for a visible one she may not manage."""
    statement = _hackathon_by(isinstance(key, int)).params(key=key)
    return web.load(statement, see=Hackathon.is_visible_to,
                    may=Hackathon.can_manage if manage else None)


@functools.cache
def _hackathon_by(by_id: bool) -> Select:
    """A hackathon by id or slug with what its pages show, built once per process (its
    loader options cost more to build than the query to run); the key a bound parameter."""
    column = Hackathon.id if by_id else Hackathon.slug
    return select(Hackathon).where(column == bindparam("key")).options(
        joinedload(Hackathon.region), selectinload(Hackathon.eligible_regions),
        selectinload(Hackathon.criteria))
