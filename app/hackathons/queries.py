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
from app.core.pagination import Page, page_of, paginate
from app.extensions import db
from app.hackathons.models import FIRST_ROUND, Criterion, Hackathon, hackathon_eligible_region
from app.hackathons.phases import Phase, effective_phase
from app.places import kept as kept_places
from app.places.kept import PlainRegion
from app.public.summaries import summary


def _visible_to(query: Select, viewer) -> Select:
    """Drafts only for those who may manage them (the same rule as Hackathon.is_visible_to)."""
    if _may_see_drafts(viewer):
        if viewer.is_admin or viewer.is_national_coordinator:
            return query
        return query.where(or_(Hackathon.phase != Phase.DRAFT,
                               Hackathon.region_code.in_(sorted(
                                   viewer.coordinated_region_codes()))))
    return query.where(Hackathon.phase != Phase.DRAFT)


def _may_see_drafts(viewer) -> bool:
    """Whether some draft is the viewer's to see: an admin's, or a coordinator's."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return bool(viewer.is_admin or viewer.is_national_coordinator
                or viewer.coordinated_region_codes())


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


@dataclass(frozen=True)
class PlainHackathon:
    """A hackathon as the list's card shows it, with what its phase is worked out from."""

    id: int
    slug: str
    title: str
    theme: str | None
    region_code: str | None
    region: PlainRegion | None
    phase: Phase
    submission_opens_at: datetime | None
    submission_closes_at: datetime | None

    def phase_at(self, now: datetime | None = None) -> Phase:
        return effective_phase(self.phase, self.submission_closes_at, now or now_utc())


def card_page(viewer, *, region: str | None, phase: str | None, q: str | None,
              now: datetime, page: int, per_page: int) -> Page:
    """One page of the hackathon list (`hackathon_list_query` with its cards). For a viewer
    who sees no draft and does not search, from every public hackathon's card kept until
    public data changes, filtered here as the query would: the phase is worked out now."""
    if q or _may_see_drafts(viewer):
        return paginate(hackathon_list_query(viewer, region=region, phase=phase, q=q, now=now,
                                             cards=True), page, per_page)
    wanted = Phase(phase) if phase else None
    cards = [card for card in public_cards()
             if (not region or (card.region_code is None if region == "national"
                                else card.region_code == region))
             and (wanted is None or card.phase_at(now) == wanted)]
    return page_of(cards, page, per_page)


@summary
def public_cards() -> tuple[PlainHackathon, ...]:
    """Every hackathon but the drafts, newest first, as the list's cards (the home page's
    open and coming hackathons are picked from them too)."""
    regions = kept_places.region_by_code()
    return tuple(
        PlainHackathon(id_, slug, title, theme, code, regions.get(code) if code else None,
                       Phase(stored), opens, closes)
        for id_, slug, title, theme, code, stored, opens, closes in db.session.execute(
            select(Hackathon.id, Hackathon.slug, Hackathon.title, Hackathon.theme,
                   Hackathon.region_code, Hackathon.phase, Hackathon.submission_opens_at,
                   Hackathon.submission_closes_at)
            .where(Hackathon.phase != Phase.DRAFT)
            .order_by(Hackathon.created_at.desc(), Hackathon.id.desc())))


def load_hackathon(key: int | str, *, manage: bool = False, page: bool = False) -> Hackathon:
    """The hackathon by id (API) or slug (pages) for the signed-in user: 404 for a draft she
    may not manage, and with `manage`, 403 for a visible one she may not manage. With `page`,
    the hackathon and its region only, for a page that reads its criteria and eligible
    regions otherwise: the public page as kept plain values (`page_terms`), the judging
    dashboard with its ranking."""
    return web.load(_hackathon_by(isinstance(key, int), page), params={"key": key},
                    see=Hackathon.is_visible_to, may=Hackathon.can_manage if manage else None)


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
