"""Reading hackathons: the visible ones, filtered, for the list page and the API."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.core import web
from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import FIRST_ROUND, Criterion, Hackathon, hackathon_eligible_region
from app.hackathons.phases import Phase
from app.places import kept as kept_places
from app.places.kept import PlainRegion
from app.public.summaries import summary


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


def load_hackathon(key: int | str, *, manage: bool = False, page: bool = False) -> Hackathon:
    """The hackathon by id (API) or slug (pages) for the signed-in user: 404 for a draft she
    may not manage, and with `manage`, 403 for a visible one she may not manage. With `page`,
    the hackathon and its region only, for a page that reads its criteria and eligible
    regions otherwise: the public page as kept plain values (`page_terms`), the judging
    dashboard with its ranking."""
    statement = _hackathon_by(isinstance(key, int), page).params(key=key)
    return web.load(statement, see=Hackathon.is_visible_to,
                    may=Hackathon.can_manage if manage else None)


@functools.cache
def _hackathon_by(by_id: bool, page: bool = False) -> Select:
    """A hackathon by id or slug with what its pages show, built once per process (its
    loader options cost more to build than the query to run); the key a bound parameter."""
    column = Hackathon.id if by_id else Hackathon.slug
    statement = select(Hackathon).where(column == bindparam("key"))
    if page:
        return statement.options(joinedload(Hackathon.region))
    return statement.options(
        joinedload(Hackathon.region), selectinload(Hackathon.eligible_regions),
        selectinload(Hackathon.criteria))


@dataclass(frozen=True)
class PlainCriterion:
    """A judging criterion of the jury round as the hackathon's page shows it."""

    name: str
    description: str
    weight: Decimal
    max_score: int
    low_description: str
    mid_description: str
    high_description: str


@dataclass(frozen=True)
class PageTerms:
    """Who may take part and how ideas are judged, as the hackathon's page shows them."""

    criteria: tuple[PlainCriterion, ...]
    eligible_regions: tuple[PlainRegion, ...]


@summary
def page_terms(hackathon_id: int) -> PageTerms:
    """The hackathon's jury-round criteria (in `Hackathon.criteria`'s order) and eligible
    planning regions (by code), kept until public data changes: both tables are public, and
    loading them as objects on every view cost more than the rest of the page's queries."""
    criteria_statement, codes_statement = _terms_statements()
    params = {"hackathon_id": hackathon_id}
    criteria = tuple(PlainCriterion(*row) for row in db.session.execute(criteria_statement,
                                                                        params))
    codes = set(db.session.scalars(codes_statement, params))
    return PageTerms(criteria=criteria, eligible_regions=tuple(
        r for r in kept_places.regions() if r.code in codes))


@functools.cache
def _terms_statements() -> tuple[Select, Select]:
    """`page_terms`' two queries, built once per process; the hackathon a bound parameter."""
    hackathon_id: BindParameter[int] = bindparam("hackathon_id")
    criteria = (select(Criterion.name, Criterion.description, Criterion.weight,
                       Criterion.max_score, Criterion.low_description,
                       Criterion.mid_description, Criterion.high_description)
                .where(Criterion.hackathon_id == hackathon_id, Criterion.round == FIRST_ROUND)
                .order_by(Criterion.position, Criterion.id))
    codes = select(hackathon_eligible_region.c.region_code).where(
        hackathon_eligible_region.c.hackathon_id == hackathon_id)
    return criteria, codes
