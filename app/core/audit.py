"""The audit trail: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model, db


class AuditEntry(Model):
    """One recorded change. Kept forever; never edited."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.object_type}:{self.object_id}>"


def _plain(value: Any) -> Any:
    """Make a value JSON-safe (decimals, dates and enums become strings)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(getattr(value, "value", value))


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The named attributes of `obj`, ready for an audit entry."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record_audit(
    action: str,
    *,
    actor,
    object_type: str,
    object_id: Any,
    before: dict | None = None,
    after: dict | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (flushed with it, never committed here)."""
    entry = AuditEntry(
        at=now or now_utc(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_plain(before),
        after=_plain(after),
    )
    db.session.add(entry)
    return entry
