"""Pilots: a winning idea put to work, with milestones, indicators, money, reports and replication.

Who may do what is answered by predicates on `Pilot`; pages, the API and templates
all ask the same ones. Progress, health and money are computed by the pure modules
(health.py, money.py) from the rows below, never typed in. The status machines
live in states.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
from app.pilots.states import (
    ENDED,
    MILESTONE_OPEN,
    TEAM_MAY_MOVE_TO,
    ExpenseCategory,
    FundingKind,
    MilestoneStatus,
    PilotStatus,
    Recommendation,
    ReplicationStatus,
    UpdateStatus,
)

TITLE_MAX = 200
TEXT_MAX = 20_000
NOTE_MAX = 1_000
URL_MAX = 500
UNIT_MAX = 40
MONEY = Numeric(12, 2)  # money.AMOUNT_DIGITS, money.AMOUNT_DECIMALS
VALUE = Numeric(16, 4)  # indicator values: up to 12 digits before the point, 4 after
WEIGHT = Numeric(6, 2)


def _enum(kind):
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
    status: Mapped[PilotStatus] = mapped_column(_enum(PilotStatus), default=PilotStatus.PLANNED,
                                                index=True)
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
                                          order_by="Municipality.name")
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
    from_status: Mapped[PilotStatus | None] = mapped_column(_enum(PilotStatus))
    to_status: Mapped[PilotStatus] = mapped_column(_enum(PilotStatus))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    pilot: Mapped[Pilot] = relationship(back_populates="status_changes")
    actor = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<PilotStatusChange pilot={self.pilot_id} {self.from_status}→{self.to_status}>"


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
    status: Mapped[MilestoneStatus] = mapped_column(_enum(MilestoneStatus),
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
        return self.is_open and self.due_date < today

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


class FundingLine(Model):
    """A share of the approved budget and where it comes from."""

    __tablename__ = "funding_line"
    __table_args__ = (CheckConstraint("amount_eur > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FundingKind] = mapped_column(_enum(FundingKind))
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
    category: Mapped[ExpenseCategory] = mapped_column(_enum(ExpenseCategory),
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


class PilotUpdate(Model):
    """A dated progress report in Markdown: internal, or public once a coordinator approves it."""

    __tablename__ = "pilot_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")  # set with body
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[UpdateStatus] = mapped_column(_enum(UpdateStatus), index=True)
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
    recommendation: Mapped[Recommendation] = mapped_column(_enum(Recommendation))
    evaluated_at: Mapped[datetime] = mapped_column(default=now_utc)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pilot: Mapped[Pilot] = relationship(back_populates="evaluation")
    evaluated_by = relationship("User")

    def __repr__(self) -> str:
        return f"<PilotEvaluation pilot={self.pilot_id} {self.recommendation}>"


class Replication(Model):
    """Another municipality adopting the pilot: who, since when, how far."""

    __tablename__ = "replication"
    __table_args__ = (UniqueConstraint("pilot_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ReplicationStatus] = mapped_column(_enum(ReplicationStatus),
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
rendered(PilotUpdate, body="body_html")
rendered(PilotEvaluation, results="results_html", lessons="lessons_html")
