"""Pilots: a winning idea put to work, its status history and its replications.

The pilot's other rows live beside it: the plan (milestones, indicators, measurements) in
models_plan.py, money (funding lines, expenses) in models_money.py, and reports, the final
evaluation and documents in models_reports.py.

Who may do what is answered by predicates on `Pilot`; pages, the API and templates
all ask the same ones. Progress, health and money are computed by the pure modules
(health.py, money.py) from those rows, never typed in. The status machines
live in states.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.core.clock import now_utc, today_riga
from app.core.folding import folded_copy
from app.core.sanitize import rendered
from app.extensions import Model, db
from app.pilots import health as rules
from app.pilots import money
from app.pilots.states import ENDED, TEAM_MAY_MOVE_TO, FundingKind, PilotStatus, ReplicationStatus
from app.places.models import in_latvian_order

if TYPE_CHECKING:
    from app.pilots.models_money import Expense, FundingLine
    from app.pilots.models_plan import Indicator, Milestone
    from app.pilots.models_reports import PilotDocument, PilotEvaluation, PilotUpdate

TITLE_MAX = 200
TEXT_MAX = 20_000
NOTE_MAX = 1_000
URL_MAX = 500
UNIT_MAX = 40
MONEY = Numeric(12, 2)  # money.AMOUNT_DIGITS, money.AMOUNT_DECIMALS
VALUE = Numeric(16, 4)  # indicator values: up to 12 digits before the point, 4 after
WEIGHT = Numeric(6, 2)


def enum_column(kind):
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


pilot_partner = Table(
    "pilot_partner",
    db.metadata,
    Column("pilot_id", ForeignKey("pilot.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="RESTRICT"),
           primary_key=True, index=True),
)


class Pilot(Model):
    """A pilot project: one per winning idea, run by the idea's team."""

    __tablename__ = "pilot"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="dates_in_order"),
        CheckConstraint("approved_budget_eur >= 0", name="budget_not_negative"),
        # Every public list shows the most recently started first, a page at a time: read
        # in index order rather than sorting all pilots for each page.
        Index("ix_pilot_start_date_id", "start_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="RESTRICT"), unique=True)
    hackathon_id: Mapped[int] = mapped_column(ForeignKey("hackathon.id", ondelete="RESTRICT"),
                                              index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown
    summary_html: Mapped[str] = mapped_column(Text, default="")  # set with summary
    search_key: Mapped[str] = mapped_column(Text, default="")  # title and summary, folded
    lead_municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    # The planning region whose programme envelope pays for the pilot and whose coordinators
    # follow it: the region of the hackathon that chose the idea, or for a national hackathon
    # the lead municipality's region (operations.charged_region).
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    approved_budget_eur: Mapped[Decimal] = mapped_column(MONEY)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Only operations assign the status, along states.PILOT_TRANSITIONS.
    status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus),
                                                default=PilotStatus.PLANNED, index=True)
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # The theme of the programme's assessment the pilot means to improve: the final report
    # sets the pilot beside that theme's change between the initial and final assessment.
    assessment_theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_theme.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    idea = relationship("Idea", backref=backref("pilot", uselist=False, lazy="select"))
    hackathon = relationship("Hackathon")
    team = relationship("Team")
    lead_municipality = relationship("Municipality", foreign_keys=[lead_municipality_id])
    partner_municipalities = relationship("Municipality", secondary=pilot_partner,
                                          order_by=in_latvian_order)
    region = relationship("Region")
    coordinator = relationship("User", foreign_keys=[coordinator_id])
    assessment_theme = relationship("Theme")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(Milestone.due_date, Milestone.id)")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(Indicator.position, Indicator.id)")
    funding_lines: Mapped[list[FundingLine]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="FundingLine.id")
    expenses: Mapped[list[Expense]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(Expense.spent_on.desc(), Expense.id.desc())")
    updates: Mapped[list[PilotUpdate]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(PilotUpdate.reported_on.desc(), PilotUpdate.id.desc())")
    status_changes: Mapped[list[PilotStatusChange]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(PilotStatusChange.at, PilotStatusChange.id)")
    replications: Mapped[list[Replication]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="(Replication.started_on, Replication.id)")
    documents: Mapped[list[PilotDocument]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="PilotDocument.id")
    evaluation: Mapped[PilotEvaluation | None] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", uselist=False)

    # An UPDATE carries "WHERE version = <old>", so two edits racing cannot both win.
    __mapper_args__ = {"version_id_col": version}

    # --- who may do what ------------------------------------------------------------
    def is_team_member(self, user) -> bool:
        """The user is a member of the pilot's team."""
        return _signed_in(user) and self.team.is_member(user)

    def can_manage(self, user) -> bool:
        """Admins; national coordinators; coordinators of the pilot's planning region or of
        the region of the hackathon it came from."""
        if not _signed_in(user):
            return False
        if user.is_admin or user.coordinates_region(self.region_code):
            return True
        return self.hackathon.can_manage(user)

    def can_view_internal(self, user) -> bool:
        """Everything, internal reports and documents included: the team and its managers."""
        return self.is_team_member(user) or self.can_manage(user)

    def can_edit(self, user) -> bool:
        """Record milestones, indicators, money and reports: the team while the pilot runs,
        its managers always (an ended pilot may still need a correction)."""
        if self.can_manage(user):
            return True
        return self.is_team_member(user) and not self.has_ended

    def can_edit_field(self, user, name: str) -> bool:
        """The plan's frame (dates, budget, coordinator, municipalities, the evidence rule)
        is the managers'; the team keeps its title, summary and assessment theme up to date."""
        if name in TEAM_FIELDS:
            return self.can_edit(user)
        return self.can_manage(user)

    def can_move_to(self, user, status: PilotStatus | str) -> bool:
        """Managers make every allowed change; the team starts, pauses and resumes it."""
        if self.can_manage(user):
            return True
        return self.can_edit(user) and PilotStatus(status) in TEAM_MAY_MOVE_TO

    def can_approve_updates(self, user) -> bool:
        """Public reports go out under the programme's name: its coordinators verify them."""
        return self.can_manage(user)

    def can_evaluate(self, user) -> bool:
        """The final evaluation is written once the pilot has ended, by team or managers."""
        return self.has_ended and (self.is_team_member(user) or self.can_manage(user))

    def can_view_document(self, user, document: PilotDocument) -> bool:
        """Files may hold personal data: the team and its managers see them all, anyone else
        only an expense's invoice marked public."""
        if self.can_view_internal(user):
            return True
        return any(e.document_id == document.id and e.document_public for e in self.expenses)

    # --- facts ---------------------------------------------------------------------
    @property
    def has_ended(self) -> bool:
        return self.status in ENDED

    def milestone_facts(self) -> list[rules.MilestoneFacts]:
        return [m.facts() for m in self.milestones]

    @property
    def charged_to_lead_region(self) -> bool:
        """A national hackathon's pilot is charged to its lead municipality's region."""
        return self.hackathon.region_code is None

    @property
    def programme_eur(self) -> Decimal:
        """Programme (RRF) money excluding VAT, as the regional envelope counts it."""
        return self.envelope_use.programme

    @property
    def envelope_use(self) -> money.EnvelopeUse:
        return money.envelope_use(
            ((line.kind.value, line.amount_eur, line.vat_eur) for line in self.funding_lines),
            envelope=0, vat_envelope=0)

    def funding_by_source(self) -> dict[str, dict[str, Decimal]]:
        """Each source's amount excluding VAT and its VAT, for pages, the API and open data."""
        split: dict[str, dict[str, Decimal]] = {}
        for kind in (FundingKind.PROGRAMME, FundingKind.MUNICIPAL, FundingKind.OTHER):
            lines = [line for line in self.funding_lines if line.kind == kind]
            split[kind.value] = {
                "amount_eur": money.funding_total(line.amount_eur for line in lines),
                "vat_eur": money.funding_total(line.vat_eur for line in lines)}
        legacy = [line.amount_eur for line in self.funding_lines if line.kind == FundingKind.VAT]
        split[FundingKind.PROGRAMME.value]["vat_eur"] = money.funding_total(
            [split[FundingKind.PROGRAMME.value]["vat_eur"], *legacy])
        return split

    @property
    def progress(self) -> int:
        """0–100: the weighted share of milestones done (health.progress)."""
        return rules.progress(self.milestone_facts())

    @property
    def spent_eur(self) -> Decimal:
        """The exact sum of the expenses (money.spent_eur)."""
        return money.spent_eur(e.amount_eur for e in self.expenses)

    @property
    def remaining_eur(self) -> Decimal:
        return money.remaining_eur(self.approved_budget_eur, self.spent_eur)

    @property
    def funding_total_eur(self) -> Decimal:
        """Every funding line with its VAT: what the approved budget should add up to."""
        return money.funding_total([*(line.amount_eur for line in self.funding_lines),
                                    *(line.vat_eur for line in self.funding_lines)])

    @property
    def vat_total_eur(self) -> Decimal:
        return self.envelope_use.vat

    @property
    def funding_gap_eur(self) -> Decimal:
        return money.remaining_eur(self.approved_budget_eur, self.funding_total_eur)

    @property
    def last_report_on(self) -> date | None:
        """The date of the latest progress report of any kind: the team did report."""
        return max((u.reported_on for u in self.updates), default=None)

    def facts(self, *, spent: Decimal | None = None,
              last_report_on: date | None = None, loaded: bool = True) -> rules.PilotFacts:
        """What the health rules need. Lists pass `spent` and `last_report_on` loaded in
        bulk (loaded=False); a single pilot computes them from its own rows."""
        if loaded:
            spent = self.spent_eur if spent is None else spent
            last_report_on = self.last_report_on if last_report_on is None else last_report_on
        return rules.PilotFacts(
            status=self.status.value, start_date=self.start_date, end_date=self.end_date,
            approved_budget=self.approved_budget_eur,
            spent=spent if spent is not None else Decimal("0.00"),
            milestones=self.milestone_facts(), last_report_on=last_report_on)

    def health(self, today: date | None = None) -> rules.Health:
        """Green, amber or red with its reasons (health.health), for today in Riga."""
        return rules.health(self.facts(), today or today_riga())

    def next_milestone(self) -> Milestone | None:
        """The open milestone due first (the milestones are ordered by due date)."""
        return next((m for m in self.milestones if m.is_open), None)

    def municipality_ids(self) -> set[int]:
        return {self.lead_municipality_id, *(m.id for m in self.partner_municipalities)}

    def public_updates(self) -> list[PilotUpdate]:
        """Only approved public reports: nothing unchecked goes out under the programme's name."""
        return [u for u in self.updates if u.is_published]

    def __repr__(self) -> str:
        return f"<Pilot {self.id} {self.status} {self.title[:30]!r}>"


TEAM_FIELDS = frozenset({"title", "summary", "assessment_theme_id"})


class PilotStatusChange(Model):
    """One change of a pilot's status: who, when, from what to what, and why."""

    __tablename__ = "pilot_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[PilotStatus | None] = mapped_column(enum_column(PilotStatus))
    to_status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    pilot: Mapped[Pilot] = relationship(back_populates="status_changes")
    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<PilotStatusChange pilot={self.pilot_id} {self.from_status}→{self.to_status}>"


class Replication(Model):
    """Another municipality adopting the pilot: who, since when, how far."""

    __tablename__ = "replication"
    __table_args__ = (UniqueConstraint("pilot_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ReplicationStatus] = mapped_column(enum_column(ReplicationStatus),
                                                      default=ReplicationStatus.CONSIDERING)
    started_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pilot: Mapped[Pilot] = relationship(back_populates="replications")
    municipality = relationship("Municipality", lazy="joined")

    def __repr__(self) -> str:
        return f"<Replication pilot={self.pilot_id} municipality={self.municipality_id}>"


folded_copy(Pilot, "search_key", "title", "summary")
# Markdown is rendered and sanitised once, when saved (app.core.sanitize.rendered).
rendered(Pilot, summary="summary_html")
