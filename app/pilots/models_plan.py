"""A pilot's plan: milestones that make up its progress, and the outcome indicators with
their measurements.

Progress is computed from these rows by the pure health.py; an indicator's achievement by
indicators.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model
from app.pilots import health as rules
from app.pilots.models import (
    NOTE_MAX,
    TITLE_MAX,
    UNIT_MAX,
    URL_MAX,
    VALUE,
    WEIGHT,
    Pilot,
    enum_column,
)
from app.pilots.states import MILESTONE_OPEN, MilestoneStatus, milestone_overdue

INDICATORS_MAX = 20  # a pilot's outcome indicators


class Milestone(Model):
    """A step of the pilot with a due date and a weight in its progress."""

    __tablename__ = "milestone"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date] = mapped_column(Date, index=True)
    weight: Mapped[Decimal] = mapped_column(WEIGHT, default=Decimal("1"))
    status: Mapped[MilestoneStatus] = mapped_column(enum_column(MilestoneStatus),
                                                    default=MilestoneStatus.PLANNED)
    completed_on: Mapped[date | None] = mapped_column(Date)
    evidence_text: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    evidence_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_document.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)

    pilot: Mapped[Pilot] = relationship(back_populates="milestones")
    evidence_document = relationship("PilotDocument")

    @property
    def is_open(self) -> bool:
        return self.status in MILESTONE_OPEN

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_text.strip() or self.evidence_url or self.evidence_document_id)

    def is_overdue(self, today: date) -> bool:
        return milestone_overdue(self.status, self.due_date, today)

    def facts(self) -> rules.MilestoneFacts:
        return rules.MilestoneFacts(weight=self.weight, status=self.status.value,
                                    due_date=self.due_date, completed_on=self.completed_on,
                                    title=self.title)

    def __repr__(self) -> str:
        return f"<Milestone {self.id} {self.status} {self.due_date}>"


class Indicator(Model):
    """An outcome indicator: where it started, where it should get to, and its measurements."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(TITLE_MAX))
    unit: Mapped[str] = mapped_column(String(UNIT_MAX), default="")
    direction: Mapped[str] = mapped_column(String(10))  # indicators.INCREASE / DECREASE
    baseline_value: Mapped[Decimal] = mapped_column(VALUE)
    baseline_on: Mapped[date] = mapped_column(Date)
    target_value: Mapped[Decimal] = mapped_column(VALUE)
    target_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    pilot: Mapped[Pilot] = relationship(back_populates="indicators")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="(Measurement.measured_on, Measurement.id)")

    def latest(self) -> Measurement | None:
        from app.pilots.indicators import latest_measurement

        return latest_measurement(self.measurements)

    def achievement(self):
        """Percent from baseline toward target of the latest measurement, or None."""
        from app.pilots.indicators import achievement

        latest = self.latest()
        return achievement(self.baseline_value, self.target_value,
                           latest.value if latest else None, self.direction)

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.name[:30]!r}>"


class Measurement(Model):
    """A measured value of an indicator on a date, with where it came from."""

    __tablename__ = "measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"),
                                              index=True)
    value: Mapped[Decimal] = mapped_column(VALUE)
    measured_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")  # the source
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_document.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")
    document = relationship("PilotDocument")

    def __repr__(self) -> str:
        return f"<Measurement {self.id} {self.value} on {self.measured_on}>"
