"""Reading ideas: one idea with what its pages show, lists in a fixed number of queries,
and the CSV export."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.core.clock import now_utc
from app.core.pagination import Page
from app.core.spreadsheet import formula_safe
from app.extensions import db
from app.hackathons.models import Hackathon, Phase
from app.ideas.models import Idea
from app.ideas.models_attachments import Attachment
from app.ideas.status import IdeaStatus


def idea_by_id(idea_id: int) -> Idea | None:
    """One idea with its team (members, municipalities), hackathon, indicators and files.

    Revisions are not loaded here: only the history pages read them.
    """
    from app.teams.models import Team, TeamMember

    return db.session.scalar(
        select(Idea).where(Idea.id == idea_id).options(
            joinedload(Idea.team).selectinload(Team.members).joinedload(TeamMember.user),
            joinedload(Idea.hackathon),
            selectinload(Idea.indicators),
            selectinload(Idea.attachments),
            joinedload(Idea.updated_by),
        )
    )


def team_by_id(value):
    """The team a form or JSON names, or None for anything that is not one of our ids
    (an id past 32 bits would make PostgreSQL fail instead of finding nothing)."""
    from app import MAX_ID
    from app.teams.models import Team
    from app.teams.operations import as_id

    team_id = as_id(value)
    return db.session.get(Team, team_id) if team_id and team_id <= MAX_ID else None


def attachment_of(idea: Idea, attachment_id: int) -> Attachment | None:
    """One of the idea's files (already loaded with the idea), or None."""
    return next((a for a in idea.attachments if a.id == attachment_id), None)


def ideas_of_user(user) -> list[Idea]:
    """The ideas of every team the user is in, newest first, with only the columns the list
    shows (an idea's texts and a hackathon's description are long)."""
    return list(db.session.scalars(_ideas_of_user_statement(), {"user_id": user.id}).unique())


@functools.cache
def _ideas_of_user_statement() -> Select[tuple[Idea]]:
    """Built once per process: building its loader options and their cache key cost more
    than running it. Any column the list does not show raises instead of loading."""
    from app.teams.models import Team, TeamMember

    return (
        select(Idea)
        .where(Idea.team_id.in_(select(TeamMember.team_id)
                                .where(TeamMember.user_id == bindparam("user_id"))))
        .options(load_only(Idea.id, Idea.title, Idea.status, Idea.updated_at, Idea.team_id,
                           Idea.hackathon_id, raiseload=True),
                 joinedload(Idea.team).load_only(Team.id, Team.name, raiseload=True)
                 .lazyload(Team.partner_municipalities),
                 joinedload(Idea.team).lazyload(Team.municipality),
                 joinedload(Idea.hackathon).load_only(Hackathon.id, Hackathon.title,
                                                      Hackathon.submission_closes_at,
                                                      raiseload=True))
        .order_by(Idea.updated_at.desc(), Idea.id.desc())
    )


def hackathons_taking_ideas(now: datetime | None = None) -> list[Hackathon]:
    """Hackathons where teams may start an idea now: the SQL twin of
    Hackathon.takes_new_ideas (effectively open), with the columns a list of them shows."""
    return list(db.session.scalars(_taking_ideas_statement(), {"now": now or now_utc()}))


@functools.cache
def _taking_ideas_statement() -> Select[tuple[Hackathon]]:
    """Built once per process, the moment a bound parameter; any column a list of them does
    not show (a description is long) raises instead of loading."""
    now: Any = bindparam("now")
    return (
        select(Hackathon).where(Hackathon.effective_phase_is(Phase.OPEN, now))
        .options(load_only(Hackathon.id, Hackathon.slug, Hackathon.title,
                           Hackathon.submission_closes_at, raiseload=True))
        .order_by(Hackathon.submission_closes_at)
    )


def hackathon_ideas_query(hackathon: Hackathon, viewer, *, status: str = "",
                          region: str = "", municipality: int | None = None,
                          q: str = "", details: bool = False) -> Select:
    """A hackathon's ideas for its coordinators: drafts only for admins; filtered.

    The team, its municipalities and the hackathon load with the rows, so a page of
    any size costs the same number of queries.
    """
    from app.teams.models import Team

    query = _listed(select(Idea), hackathon.id, drafts=_sees_drafts(viewer),
                    status=IdeaStatus(status) if status else None, region=region or None,
                    municipality=municipality or None,
                    pattern=_like_pattern(q) if q else None)
    query = query.options(joinedload(Idea.team).joinedload(Team.municipality),
                          joinedload(Idea.team).selectinload(Team.partner_municipalities),
                          selectinload(Idea.redaction))
    if details:  # the API answers every field: indicators and attachments too
        query = query.options(selectinload(Idea.indicators), selectinload(Idea.attachments))
    return query.order_by(*_LIST_ORDER)


def _sees_drafts(viewer) -> bool:
    """Drafts are the team's: of the coordinators, only admins see them in the list."""
    return bool(getattr(viewer, "is_admin", False))


def _like_pattern(q: str) -> str:
    """The search as a LIKE operand with "/" as escape character: % and _ in the search are
    letters, not wildcards (what `autoescape=True` does, which takes no bound parameter)."""
    return q.replace("/", "//").replace("%", "/%").replace("_", "/_")


_LIST_ORDER = (Idea.submitted_at.desc().nulls_last(), Idea.id.desc())


def _listed(query: Select, hackathon_id: Any, *, drafts: bool, status: Any, region: Any,
            municipality: Any, pattern: Any) -> Select:
    """The list's joins and filters, for the ideas as objects and as table rows alike. Each
    filter is a value or a bound parameter; None leaves it out."""
    from app.places.models import Municipality
    from app.teams.models import Team, team_partner

    query = (query.where(Idea.hackathon_id == hackathon_id)
             .join(Team, Idea.team_id == Team.id)
             .join(Municipality, Team.municipality_id == Municipality.id))
    if not drafts:
        query = query.where(Idea.status != IdeaStatus.DRAFT)
    if status is not None:
        query = query.where(Idea.status == status)
    if region is not None:
        query = query.where(Municipality.region_code == region)
    if municipality is not None:
        partners = select(team_partner.c.team_id).where(
            team_partner.c.municipality_id == municipality)
        query = query.where(or_(Team.municipality_id == municipality, Team.id.in_(partners)))
    if pattern is not None:
        query = query.where(or_(*(column.icontains(pattern, escape="/") for column in (
            Idea.title, Idea.summary, Idea.problem, Idea.solution, Idea.target_group,
            Idea.expected_impact))))
    return query


class IdeaRow(NamedTuple):
    """An idea as a row of the coordinators' table."""

    id: int
    title: str
    status: IdeaStatus
    budget_eur: Decimal | None
    submitted_at: datetime | None
    team_name: str
    municipalities: str  # the lead, then the partners by name
    redacted: bool  # whether the judges read a redacted version


def table_rows(hackathon: Hackathon, viewer, page: int, per_page: int, *, status: str = "",
               region: str = "", municipality: int | None = None, q: str = "") -> Page:
    """One page of `hackathon_ideas_query` for the coordinators' table, as plain rows: what
    the table shows and nothing else (an idea's texts are long), in three queries."""
    filters = (bool(status), bool(region), bool(municipality), bool(q))
    count, rows, partners = _table_statements(_sees_drafts(viewer), *filters)
    params: dict[str, Any] = {"hackathon_id": hackathon.id}
    if status:
        params["status"] = IdeaStatus(status)
    if region:
        params["region"] = region
    if municipality:
        params["municipality"] = municipality
    if q:
        params["pattern"] = _like_pattern(q)
    total = db.session.scalar(count, params) or 0
    found = db.session.execute(rows, {**params, "limit": per_page,
                                      "offset": (page - 1) * per_page}).all()
    names: dict[int, list[str]] = {}
    if found:
        team_ids = list({row.team_id for row in found})
        for team_id, name in db.session.execute(partners, {"team_ids": team_ids}):
            names.setdefault(team_id, []).append(name)
    items = [IdeaRow(row.id, row.title, row.status, row.budget_eur, row.submitted_at,
                     row.team_name, ", ".join([row.lead, *names.get(row.team_id, ())]),
                     row.redacted)
             for row in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


@functools.cache
def _table_statements(drafts: bool, status: bool, region: bool, municipality: bool,
                      q: bool) -> tuple[Any, Any, Any]:
    """`table_rows`' queries (the count, the page, the partner municipalities), built once
    per process and set of filters: building them and their cache keys cost more than
    running them. The hackathon, the filters' values and the page are bound parameters."""
    from app.ideas.models_redaction import IdeaRedaction
    from app.places.models import Municipality, in_latvian_order
    from app.teams.models import Team, team_partner

    def listed(query: Select) -> Select:
        return _listed(query, bindparam("hackathon_id"), drafts=drafts,
                       status=bindparam("status") if status else None,
                       region=bindparam("region") if region else None,
                       municipality=bindparam("municipality") if municipality else None,
                       pattern=bindparam("pattern") if q else None)

    count = select(func.count()).select_from(listed(select(Idea.id)).subquery())
    redacted = select(IdeaRedaction.id).where(IdeaRedaction.idea_id == Idea.id).exists()
    rows = (listed(select(Idea.id, Idea.title, Idea.status, Idea.budget_eur, Idea.submitted_at,
                          Idea.team_id, Team.name.label("team_name"),
                          Municipality.name.label("lead"), redacted.label("redacted"))
                   .select_from(Idea))
            .order_by(*_LIST_ORDER)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer)))
    # By name, as Team.partner_municipalities lists them elsewhere.
    partners = (select(team_partner.c.team_id, Municipality.name)
                .join(Municipality, Municipality.id == team_partner.c.municipality_id)
                .where(team_partner.c.team_id.in_(bindparam("team_ids", expanding=True)))
                .order_by(in_latvian_order()))
    return count, rows, partners


def csv_cell(value) -> str:
    """A cell as text, made safe from formula injection (app/core/spreadsheet.py)."""
    return formula_safe("" if value is None else str(value))


CSV_COLUMNS = ("id", "title", "status", "team", "lead_municipality", "partner_municipalities",
               "region", "budget_eur", "duration_months", "submitted_at", "summary", "url")


def ideas_csv(ideas: Iterable[Idea], *, url: Callable[[Idea], str], delimiter: str = ",") -> str:
    """UTF-8 with a byte-order mark, so that Excel reads the Latvian letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for idea in ideas:
        team = idea.team
        writer.writerow([csv_cell(v) for v in (
            idea.id, idea.title, idea.status.value, team.name, team.municipality.name,
            "; ".join(m.name for m in team.partner_municipalities),
            team.municipality.region_code,
            f"{idea.budget_eur:.2f}" if idea.budget_eur is not None else "",
            idea.duration_months or "",
            idea.submitted_at.isoformat() if idea.submitted_at else "",
            idea.summary, url(idea),
        )])
    return "\ufeff" + buffer.getvalue()


def published_ideas(hackathon: Hackathon) -> list[Idea]:
    """Every idea the hackathon's jury judged or ruled out, for the public list after the
    results: winners first, then the others, each with its team's municipality (two queries).
    Drafts and withdrawn ideas stay the team's."""
    from app.teams.models import Team

    order = {IdeaStatus.WINNER: 0, IdeaStatus.NOT_SELECTED: 1, IdeaStatus.INELIGIBLE: 2}
    ideas = db.session.scalars(
        select(Idea).where(Idea.hackathon_id == hackathon.id, Idea.status.in_(order))
        .options(joinedload(Idea.team).joinedload(Team.municipality))
    ).all()
    return sorted(ideas, key=lambda i: (order[i.status], i.title.casefold(), i.id))
