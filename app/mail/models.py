"""The outbox: every e-mail Talka sends, kept for admins and tests to read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.extensions import db


class OutboxMessage(db.Model):
    """One e-mail. `sent_at` is set once SMTP accepted it; without SMTP it stays in the outbox."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the message is about, so repeated jobs can tell they sent it already
    # (e.g. "reminder:idea:12:48h").
    kind: Mapped[str] = mapped_column(String(120), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(String(300), default="")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.recipient} {self.kind}>"
