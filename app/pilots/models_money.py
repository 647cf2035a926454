"""A pilot's money: the funding lines the approved budget is made of, and the expenses.

Sums and the regional envelope are computed by the pure money.py, never stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import Model
from app.pilots.models import MONEY, NOTE_MAX, TITLE_MAX, Pilot, enum_column
from app.pilots.states import ExpenseCategory, FundingKind

FUNDING_LINES_MAX = 20  # lines sent with a new pilot; more are added one by one


class FundingLine(Model):
    """A share of the approved budget and where it comes from."""

    __tablename__ = "funding_line"
    __table_args__ = (CheckConstraint("amount_eur > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FundingKind] = mapped_column(enum_column(FundingKind))
    label: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    amount_eur: Mapped[Decimal] = mapped_column(MONEY)  # excluding VAT
    # VAT is its own amount: the programme pays it from a separate line of each envelope.
    vat_eur: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))

    pilot: Mapped[Pilot] = relationship(back_populates="funding_lines")

    @property
    def display_label(self) -> str:
        return self.label or str(self.kind.label)

    def __repr__(self) -> str:
        return f"<FundingLine {self.id} {self.kind} {self.amount_eur}>"


class Expense(Model):
    """Money spent: an amount on a date, what for, and optionally the invoice."""

    __tablename__ = "expense"
    __table_args__ = (CheckConstraint("amount_eur > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date] = mapped_column(Date)
    amount_eur: Mapped[Decimal] = mapped_column(MONEY)
    description: Mapped[str] = mapped_column(String(NOTE_MAX))
    category: Mapped[ExpenseCategory] = mapped_column(enum_column(ExpenseCategory),
                                                      default=ExpenseCategory.OTHER)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_document.id", ondelete="SET NULL"))
    # An invoice may name people or carry bank details: it stays private unless a manager
    # marks it public.
    document_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pilot: Mapped[Pilot] = relationship(back_populates="expenses")
    document = relationship("PilotDocument")

    def __repr__(self) -> str:
        return f"<Expense {self.id} {self.amount_eur} on {self.spent_on}>"
