"""The public data version (what the page cache keys on) and the followers of pilots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model


class PublicDataVersion(Model):
    """Row 1: raised by every commit that changes data public pages show. Row 2: raised by
    every commit that changes a private table a coordinator's kept judging figures read
    (app.public.cache.judging_state).

    Public pages are cached per process under this number, and anonymous visitors get an
    ETag made from it, so a change anywhere is seen everywhere at once (app.public.cache).
    """

    __tablename__ = "public_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<PublicDataVersion {self.version} {self.changed_at}>"


class PublicChange(Model):
    """What each raise of the public data version changed: every public table it wrote;
    those of the rows it wrote that no one pilot keys (`unnamed`); and the pilots whose own
    rows it changed (a pilot, its milestones, expenses, reports...).

    A value kept under an earlier version that read none of the tables written since is
    kept under the new one (app.public.summaries); every pilot's rows are worked out again
    only for the pilots named since, unless a table they read was written unnamed
    (app.pilots.plain.every_pilot). Written in the transaction that raises the version, so
    both are committed or neither; only the latest KEPT_CHANGES are kept.
    """

    __tablename__ = "public_change"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    changed_at: Mapped[datetime] = mapped_column()
    # Comma-separated; "?" where what was written cannot be told (raw SQL, a bulk update).
    tables: Mapped[str] = mapped_column(Text, default="")
    unnamed: Mapped[str] = mapped_column(Text, default="")
    pilots: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<PublicChange {self.version} {self.tables!r} {self.pilots!r}>"


class PilotFollower(Model):
    """A signed-in user who asked to be e-mailed about a pilot's published news."""

    __tablename__ = "pilot_follower"
    __table_args__ = (UniqueConstraint("pilot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<PilotFollower pilot={self.pilot_id} user={self.user_id}>"
