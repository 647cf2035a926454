"""An erased person: the pseudonym their work in the programme records is shown under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now_utc
from app.extensions import Model


class Erasure(Model):
    """The account `user_id` was erased; its row stays (programme records point to it) with
    the name “former participant <pseudonym>” and no e-mail address, password or sessions."""

    __tablename__ = "privacy_erasure"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    erased_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<Erasure user={self.user_id} {self.pseudonym}>"
