"""Teams, their members and e-mailed invitations, with the permission predicates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Select,
    String,
    Table,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from app.core.clock import now_utc
from app.core.collation import latvian
from app.extensions import Model, db
from app.places.models import in_latvian_order

NAME_MAX = 120
INVITATION_DAYS = 7

team_partner = Table(
    "team_partner",
    db.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="RESTRICT"),
           primary_key=True, index=True),
)


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


class Team(Model):
    """A municipal team: one lead municipality, any partner municipalities, its members."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    municipality = relationship("Municipality", lazy="joined")
    partner_municipalities = relationship(
        "Municipality", secondary=team_partner, order_by=in_latvian_order,
        lazy="selectin")
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan",
        order_by="(TeamMember.is_lead.desc(), TeamMember.joined_at, TeamMember.id)",
    )
    invitations: Mapped[list[TeamInvitation]] = relationship(
        back_populates="team", cascade="all, delete-orphan",
        order_by="TeamInvitation.created_at.desc()",
    )

    # --- predicates -------------------------------------------------------------
    def membership(self, user) -> TeamMember | None:
        """The user's membership of this team, or None."""
        if not _signed_in(user):
            return None
        return next((m for m in self.members if m.user_id == user.id), None)

    def is_member(self, user) -> bool:
        """True for every member of the team, the lead included."""
        return self.membership(user) is not None

    def is_lead(self, user) -> bool:
        """True for the one member who leads the team."""
        member = self.membership(user)
        return member is not None and member.is_lead

    def can_view(self, user) -> bool:
        """Members, coordinators and administrators see the team; nobody else knows it exists."""
        if not _signed_in(user):
            return False
        return self.is_member(user) or user.is_coordinator or user.is_admin

    def can_see_contacts(self, user) -> bool:
        """Who may read members' e-mail addresses: the members, admins and national
        coordinators; a regional coordinator only for a team of her region (its lead or a
        partner municipality there) or one that entered a hackathon she coordinates."""
        if not self.can_view(user):
            return False
        if self.is_member(user) or user.is_admin or user.is_national_coordinator:
            return True
        regions = user.coordinated_region_codes()
        if not regions:
            return False
        if self.municipality.region_code in regions or any(
                m.region_code in regions for m in self.partner_municipalities):
            return True
        return self.region_codes_entered() & regions != set()

    def region_codes_entered(self) -> set[str]:
        """The organising regions of the hackathons this team has an idea in."""
        from app.hackathons.models import Hackathon
        from app.ideas.models import Idea

        return set(db.session.scalars(
            select(Hackathon.region_code).join(Idea, Idea.hackathon_id == Hackathon.id)
            .where(Idea.team_id == self.id, Hackathon.region_code.is_not(None)).distinct()))

    def can_manage(self, user) -> bool:
        """Only the lead invites, removes members, hands over the lead and edits the team."""
        return self.is_lead(user)

    def can_see_invitations(self, user) -> bool:
        """Pending invitations name people who have not joined yet: only the lead sees them."""
        return self.can_manage(user)

    def can_leave(self, user) -> bool:
        """A member may leave; the lead hands over the lead first."""
        member = self.membership(user)
        return member is not None and not member.is_lead

    def can_remove(self, actor, member_user) -> bool:
        """The lead removes any other member; a member removes only themself (leaves)."""
        if _signed_in(actor) and _signed_in(member_user) and actor.id == member_user.id:
            return self.can_leave(actor)
        return self.can_manage(actor) and self.can_leave(member_user)

    # --- facts ----------------------------------------------------------------------
    @property
    def lead(self) -> TeamMember | None:
        return next((m for m in self.members if m.is_lead), None)

    def member_user(self, user_id: int | None):
        """The member's User with this id, or None for anyone else (no query)."""
        return next((m.user for m in self.members if m.user_id == user_id), None)

    def invitation_by_id(self, invitation_id: int | None) -> TeamInvitation | None:
        """One of this team's invitations, or None (also for another team's invitation)."""
        return next((i for i in self.invitations if i.id == invitation_id), None)

    def municipality_ids(self) -> set[int]:
        """The lead and partner municipalities (judging uses them for conflicts of interest)."""
        return {self.municipality_id, *(m.id for m in self.partner_municipalities)}

    def pending_invitations(self, now: datetime | None = None) -> list[TeamInvitation]:
        """Invitations that can still be accepted, newest first."""
        now = now or now_utc()
        return [i for i in self.invitations if i.is_pending(now)]

    @property
    def partner_municipality_ids(self) -> list[int]:
        return [m.id for m in self.partner_municipalities]

    @property
    def open_invitations(self) -> list[TeamInvitation]:
        """The invitations pending now."""
        return self.pending_invitations()

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name!r}>"


def select_teams(*, member_id: int | None = None, invitations: bool = False) -> Select[tuple[Team]]:
    """Teams (only those of member_id, if given) with what their pages and API bodies show,
    loaded in a fixed number of queries whatever the number of teams and members."""
    options = [joinedload(Team.municipality), selectinload(Team.partner_municipalities),
               selectinload(Team.members).joinedload(TeamMember.user)]
    if invitations:
        options.append(selectinload(Team.invitations))
    query = select(Team).options(*options)
    if member_id is not None:
        mine = select(TeamMember.team_id).where(TeamMember.user_id == member_id)
        query = query.where(Team.id.in_(mine)).order_by(latvian(Team.name), Team.id)
    return query


def directory_query(*, region: str | None = None, q: str | None = None) -> Select:
    """The team directory: every team by name, narrowed to a lead municipality's planning
    region and to names containing `q` (Latvian letters folded)."""
    from app.core.folding import contains_folded, fold
    from app.places.models import Municipality

    query = select_teams().order_by(latvian(Team.name), Team.id)
    if region:
        query = query.where(Team.municipality.has(Municipality.region_code == region))
    for word in fold(q or "").split():
        query = query.where(contains_folded(Team.name, word))
    return query


class TeamMember(Model):
    """A user's membership of a team; exactly one member of a team is its lead."""

    __tablename__ = "team_member"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        # The database itself refuses a second lead (a partial unique index).
        Index("uq_team_member_one_lead", "team_id", unique=True,
              sqlite_where=text("is_lead = 1"), postgresql_where=text("is_lead")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(default=now_utc)

    team: Mapped[Team] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        role = " lead" if self.is_lead else ""
        return f"<TeamMember team={self.team_id} user={self.user_id}{role}>"


class FormerTeamMember(Model):
    """Someone who was on the team and left or was removed: kept, because a former member
    may not judge the team's ideas."""

    __tablename__ = "team_former_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<FormerTeamMember team={self.team_id} user={self.user_id}>"


class TeamInvitation(Model):
    """An e-mailed invitation to join a team: single use, valid for 7 days.

    The link carries a random token; only its SHA-256 digest is stored.
    """

    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship(back_populates="invitations")
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="joined")

    # The raw token exists only in the request that made the invitation (for the e-mail).
    if TYPE_CHECKING:  # declared for mypy only: SQLAlchemy maps every annotated attribute
        token: str | None
    token = None  # not a column

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or now_utc()) >= self.expires_at

    def is_pending(self, now: datetime | None = None) -> bool:
        """Neither used, withdrawn nor expired."""
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired(now)

    def is_for(self, user) -> bool:
        """The invitation is addressed to this signed-in user's e-mail address."""
        return _signed_in(user) and user.email.lower() == self.email.lower()

    def __repr__(self) -> str:
        return f"<TeamInvitation {self.id} team={self.team_id}>"
