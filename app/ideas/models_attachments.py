"""Files attached to an idea, and the names a blind review's judges see them under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model
from app.ideas.models import Idea


class Attachment(Model):
    """A file attached to an idea, stored under UPLOAD_DIR with a random name."""

    __tablename__ = "idea_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    # The name on disk: random, never derived from what the user sent.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # The user's file name, cleaned, for display and the download only.
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=now_utc)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    idea: Mapped[Idea] = relationship(back_populates="attachments")

    def name_for(self, blind: bool = False) -> str:
        """The file name to offer: under blind review one that cannot name the team (the
        neutral name the coordinator gave it, else a numbered one)."""
        if not blind:
            return self.filename
        if self.judges_name:
            return self.judges_name
        extension = self.filename.rpartition(".")[2] or self.kind
        return f"attachment-{self.id}.{extension}"

    @property
    def judges_name(self) -> str | None:
        """The neutral name a coordinator gave the file for a blind review's judges."""
        redaction = self.idea.redaction
        return redaction.attachment_name(self) if redaction is not None else None

    def hidden_from(self, user, now: datetime | None = None) -> bool:
        """A blind review's judge may not open a file the coordinator hid from the judges."""
        redaction = self.idea.redaction
        return (redaction is not None and redaction.hides(self)
                and self.idea.hides_team_from(user, now))

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"
