"""Users, their roles, their signed-in sessions and their API tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"


def token_digest(token: str) -> str:
    """Tokens are stored only as their SHA-256 digest (they are long and random)."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(Model):
    """A person with an account. Judges and team members are roles on other objects."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="lv")
    email_confirmed_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]
    # Bumped whenever the password changes: e-mailed reset links carry it, so
    # a link works once.
    password_version: Mapped[int] = mapped_column(Integer, default=1)

    municipality = relationship("Municipality", lazy="joined")
    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="RoleGrant.user_id",
    )

    # Set by the session loader: the token of the signed-in session serving this request.
    if TYPE_CHECKING:  # declared for mypy only: SQLAlchemy maps every annotated attribute
        current_session_token: str | None
    current_session_token = None  # not a column
    # Set by the session loader too: whether she sits on any jury (None: not asked yet).
    if TYPE_CHECKING:
        on_a_jury: bool | None
    on_a_jury = None  # not a column

    # --- Flask-Login protocol -------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        # The session cookie holds the server-side session's token, not the
        # user id, so that signing out (deleting that row) ends the session.
        return self.current_session_token

    # --- predicates -----------------------------------------------------------
    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_admin(self) -> bool:
        return any(r.role == Role.ADMIN for r in self.roles)

    @property
    def is_coordinator(self) -> bool:
        return any(r.role == Role.COORDINATOR for r in self.roles)

    @property
    def is_national_coordinator(self) -> bool:
        return any(r.role == Role.COORDINATOR and r.region_code is None for r in self.roles)

    def coordinated_region_codes(self) -> set[str]:
        return {r.region_code for r in self.roles
                if r.role == Role.COORDINATOR and r.region_code}

    def coordinates_region(self, region_code: str | None) -> bool:
        """A national coordinator coordinates every region (and national events)."""
        if self.is_national_coordinator:
            return True
        return region_code is not None and region_code in self.coordinated_region_codes()

    def has_role(self, role: Role, region_code: str | None = None) -> bool:
        return any(r.role == role and r.region_code == region_code for r in self.roles)

    def is_verified_member(self, municipality_id: int | None) -> bool:
        """The person is known to work for this municipality: her confirmed address is at
        one of its e-mail domains, or a coordinator or an operator verified her."""
        from app.accounts.affiliation import verified_municipality_ids

        return municipality_id is not None and municipality_id in verified_municipality_ids(self)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleGrant(Model):
    """A role given to a user; a coordinator's grant names a region or none (national)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    granted_at: Mapped[datetime] = mapped_column(default=now_utc)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    region = relationship("Region", lazy="joined")

    def __repr__(self) -> str:
        return f"<RoleGrant {self.role} {self.region_code or 'national'} user={self.user_id}>"


class UserSession(Model):
    """A signed-in browser session, kept on the server so that signing out ends it."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class ApiToken(Model):
    """A personal API token; only its digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… user={self.user_id}>"


class AffiliationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Affiliation(Model):
    """A person's request to be verified as working for a municipality, and its decision.

    An approved one makes her a verified member; operators' accounts made with a
    municipality are approved at once (decided_by None)."""

    __tablename__ = "affiliation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    status: Mapped[AffiliationStatus] = mapped_column(
        Enum(AffiliationStatus, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]))
    note: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    municipality = relationship("Municipality", lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    def can_decide(self, user) -> bool:
        """The coordinators of the municipality's planning region (national ones too) and
        admins decide a pending request; nobody decides her own."""
        if not getattr(user, "is_authenticated", False) or user.id == self.user_id:
            return False
        return user.is_admin or user.coordinates_region(self.municipality.region_code)

    def __repr__(self) -> str:
        return f"<Affiliation {self.id} user={self.user_id} {self.status}>"
