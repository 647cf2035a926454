"""What a pilot reports: progress reports, the final evaluation, and the files behind
evidence, measurements and expenses.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.sanitize import rendered
from app.extensions import Model
from app.pilots.models import Pilot, enum_column
from app.pilots.states import Recommendation, UpdateStatus


class PilotDocument(Model):
    """A file behind a milestone's evidence, a measurement or an expense. Never public."""

    __tablename__ = "pilot_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=now_utc)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pilot: Mapped[Pilot] = relationship(back_populates="documents")

    def __repr__(self) -> str:
        return f"<PilotDocument {self.id} {self.filename!r}>"


class PilotUpdate(Model):
    """A dated progress report in Markdown: internal, or public once a coordinator approves it."""

    __tablename__ = "pilot_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")  # set with body
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[UpdateStatus] = mapped_column(enum_column(UpdateStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    review_note: Mapped[str] = mapped_column(Text, default="")

    pilot: Mapped[Pilot] = relationship(back_populates="updates")
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def is_published(self) -> bool:
        return self.public and self.status == UpdateStatus.APPROVED

    @property
    def awaits_approval(self) -> bool:
        return self.status == UpdateStatus.SUBMITTED

    def __repr__(self) -> str:
        return f"<PilotUpdate {self.id} {self.status} {self.reported_on}>"


class PilotEvaluation(Model):
    """The final evaluation of an ended pilot: what it achieved, what was learnt, what next."""

    __tablename__ = "pilot_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"),
                                          unique=True)
    results: Mapped[str] = mapped_column(Text)  # Markdown
    results_html: Mapped[str] = mapped_column(Text, default="")  # set with results
    lessons: Mapped[str] = mapped_column(Text)  # Markdown
    lessons_html: Mapped[str] = mapped_column(Text, default="")  # set with lessons
    recommendation: Mapped[Recommendation] = mapped_column(enum_column(Recommendation))
    evaluated_at: Mapped[datetime] = mapped_column(default=now_utc)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pilot: Mapped[Pilot] = relationship(back_populates="evaluation")
    evaluated_by = relationship("User")

    def __repr__(self) -> str:
        return f"<PilotEvaluation pilot={self.pilot_id} {self.recommendation}>"


# Markdown is rendered and sanitised once, when saved (app.core.sanitize.rendered).
rendered(PilotUpdate, body="body_html")
rendered(PilotEvaluation, results="results_html", lessons="lessons_html")
