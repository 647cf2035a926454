"""The outbox: every e-mail Talka sends, kept for admins and tests to read, and the record
of its delivery (attempts, the next try, and which worker holds it now)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.extensions import Model


def new_key() -> str:
    return uuid.uuid4().hex


class OutboxMessage(Model):
    """One e-mail. `sent_at` is set once SMTP accepted it; without SMTP it stays in the outbox.

    A worker sends a message only after claiming it (`claimed_by`, `claimed_at`) in a
    committed UPDATE that matches no row another worker holds, so two workers never send
    the same message. A claim left by a worker that died is taken over once it is older
    than MAIL_CLAIM_SECONDS; the message then goes out again with the same `key` as its
    Message-ID, so a receiving server can tell it is the same message.
    """

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
    key: Mapped[str] = mapped_column(String(32), default=new_key, unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_by: Mapped[str] = mapped_column(String(32), default="")
    claimed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.recipient} {self.kind}>"
