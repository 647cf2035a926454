"""What the judges of a blind review read: a coordinator's redacted copy of an idea's texts,
and the proposed indicators as shown to them (Idea.text_for chooses between the two)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import (
    JSON,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.sanitize import rendered, stored_html
from app.extensions import Model
from app.ideas.models import SUMMARY_MAX, TITLE_MAX, Idea

if TYPE_CHECKING:
    from app.ideas.models_attachments import Attachment

# The texts a coordinator may redact for the judges of a blind review (partners are never
# shown to them).
REDACTABLE_FIELDS = ("title", "summary", "problem", "solution", "target_group",
                     "expected_impact")
REDACTED_MARKDOWN = ("problem", "solution", "target_group", "expected_impact")


class IdeaRedaction(Model):
    """A coordinator's redacted copy of an idea's texts for a blind review: where the team
    named its municipality or itself, the judges read this instead (Idea.text_for). What
    the team wrote stays as written, for the team and, after the results, for everyone."""

    __tablename__ = "idea_redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"),
                                         unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    problem_html: Mapped[str] = mapped_column(Text, default="")
    solution_html: Mapped[str] = mapped_column(Text, default="")
    target_group_html: Mapped[str] = mapped_column(Text, default="")
    expected_impact_html: Mapped[str] = mapped_column(Text, default="")
    # The proposed indicators' names as the judges read them, by indicator id (an id that
    # is absent: as the team wrote it).
    indicator_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The attachments as the judges see them, by attachment id: a neutral file name, or
    # None for a file hidden from them (absent: the numbered name every blind judge gets).
    attachment_names: Mapped[dict[str, str | None]] = mapped_column(JSON, default=dict)
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="SET NULL"))
    redacted_at: Mapped[datetime] = mapped_column(default=now_utc)

    idea: Mapped[Idea] = relationship(back_populates="redaction")

    def html(self, name: str) -> Markup:
        return stored_html(getattr(self, f"{name}_html"))

    @property
    def indicators(self) -> list[ShownIndicator]:
        """The idea's proposed indicators with the names the judges read."""
        names = self.indicator_names or {}
        return [ShownIndicator(i.id, names.get(str(i.id), i.name), i.baseline, i.target)
                for i in self.idea.indicators]

    @property
    def attachments(self) -> list[Attachment]:
        """The attachments the judges may open (those hidden from them are left out)."""
        names = self.attachment_names or {}
        return [a for a in self.idea.attachments
                if not (str(a.id) in names and names[str(a.id)] is None)]

    def attachment_name(self, attachment: Attachment) -> str | None:
        """The neutral name the coordinator gave the file for the judges, if any."""
        return (self.attachment_names or {}).get(str(attachment.id)) or None

    def hides(self, attachment: Attachment) -> bool:
        """Whether the coordinator hid this file from the judges."""
        names = self.attachment_names or {}
        return str(attachment.id) in names and names[str(attachment.id)] is None

    @property
    def display_title(self) -> str:
        from app.core.translation import gettext as _

        return self.title or _("Untitled idea")

    def __repr__(self) -> str:
        return f"<IdeaRedaction idea={self.idea_id}>"


@dataclass(frozen=True)
class ShownIndicator:
    """A proposed indicator as a blind review's judges read it."""

    id: int
    name: str
    baseline: str
    target: str


rendered(IdeaRedaction, **{name: f"{name}_html" for name in REDACTED_MARKDOWN})
