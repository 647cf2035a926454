"""Hackathons, their judging criteria and the record of phase changes."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.core.folding import folded_copy
from app.core.sanitize import rendered
from app.extensions import Model, db
from app.hackathons.phases import (
    CRITERIA_EDITABLE,
    PHASE_LABELS,
    TRANSITIONS,
    Phase,
    effective_phase,
)

__all__ = ["FINAL_ROUND", "FIRST_ROUND", "PHASE_LABELS", "TRANSITIONS", "Criterion",
           "Hackathon", "Phase", "PhaseChange"]

RANKING_ORDERS = ("score", "normalized_score")
# The rounds a criterion (and a review) belongs to: the jury's round, and an optional final
# round that a coordinator may give its own criteria (app/judging runs that round).
FIRST_ROUND = 1
FINAL_ROUND = 2
ROUNDS = (FIRST_ROUND, FINAL_ROUND)


def _phase_enum():
    return Enum(Phase, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e])


# The planning regions whose municipalities may take part; none listed = all municipalities.
hackathon_eligible_region = Table(
    "hackathon_eligible_region",
    db.metadata,
    Column("hackathon_id", ForeignKey("hackathon.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", ForeignKey("region.code"), primary_key=True),
)


class Hackathon(Model):
    """An idea hackathon run by a planning region (or nationally, region_code NULL)."""

    __tablename__ = "hackathon"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # set with description
    search_key: Mapped[str] = mapped_column(Text, default="")  # title and theme, folded
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    theme: Mapped[str] = mapped_column(String(200), default="")
    submission_opens_at: Mapped[datetime | None]
    submission_closes_at: Mapped[datetime | None]
    judging_closes_at: Mapped[datetime | None]
    reviews_per_idea: Mapped[int] = mapped_column(Integer, default=3)
    blind_review: Mapped[bool] = mapped_column(Boolean, default=False)
    public_voting: Mapped[bool] = mapped_column(Boolean, default=False)
    prize_text: Mapped[str] = mapped_column(String(500), default="")
    ranking_order: Mapped[str] = mapped_column(String(20), default="score")
    # Only operations assign the phase; phase_at() adds the deadline's automatic step.
    phase: Mapped[Phase] = mapped_column(_phase_enum(), default=Phase.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    region = relationship("Region")
    eligible_regions = relationship("Region", secondary=hackathon_eligible_region,
                                    order_by="Region.code")
    # The jury round's criteria: what teams read on the hackathon's page.
    criteria: Mapped[list[Criterion]] = relationship(
        primaryjoin="and_(Hackathon.id == Criterion.hackathon_id, Criterion.round == 1)",
        back_populates="hackathon", cascade="all, delete-orphan",
        order_by="(Criterion.position, Criterion.id)", overlaps="final_criteria",
    )
    # A final round's own criteria (empty unless its coordinator chose own criteria).
    final_criteria: Mapped[list[Criterion]] = relationship(
        primaryjoin="and_(Hackathon.id == Criterion.hackathon_id, Criterion.round == 2)",
        cascade="all, delete-orphan", order_by="(Criterion.position, Criterion.id)",
        overlaps="criteria,hackathon",
    )
    phase_changes: Mapped[list[PhaseChange]] = relationship(
        back_populates="hackathon", cascade="all, delete-orphan",
        order_by="(PhaseChange.at, PhaseChange.id)",
    )
    created_by = relationship("User")

    # An UPDATE carries "WHERE version = <old>", so two saves racing cannot both win;
    # the operations raise the number themselves.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    # --- the phase --------------------------------------------------------------
    def phase_at(self, now: datetime | None = None) -> Phase:
        """The effective phase: a stored OPEN is JUDGING from the deadline on."""
        return effective_phase(self.phase, self.submission_closes_at, now or now_utc())

    def accepts_submissions(self, now: datetime | None = None) -> bool:
        """True while ideas may be submitted: effectively open, and opens_at <= now < closes_at."""
        now = now or now_utc()
        if self.phase_at(now) != Phase.OPEN:
            return False
        if self.submission_opens_at is None or self.submission_closes_at is None:
            return False
        return self.submission_opens_at <= now < self.submission_closes_at

    def takes_new_ideas(self, now: datetime | None = None) -> bool:
        """Teams may start an idea while the hackathon is effectively open (also before
        submissions open); never after the deadline or once judging has started early."""
        return self.phase_at(now) == Phase.OPEN

    def criteria_editable(self, now: datetime | None = None) -> bool:
        """Criteria may be changed until judging starts, and are frozen after."""
        return self.phase_at(now) in CRITERIA_EDITABLE

    def allowed_transitions(self, now: datetime | None = None) -> list[Phase]:
        """The phases a coordinator may move to from the effective phase."""
        return sorted(TRANSITIONS[self.phase_at(now)], key=lambda p: p.rank)

    def phase_lags(self, now: datetime | None = None) -> bool:
        """True when the stored phase is behind the effective one (deadline passed)."""
        return self.phase_at(now) != self.phase

    @classmethod
    def effective_phase_is(cls, phase: Phase, now: datetime):
        """SQL condition: the effective phase (with the deadline's step) equals `phase`."""
        phase = Phase(phase)
        deadline_passed = and_(cls.submission_closes_at.is_not(None),
                               cls.submission_closes_at <= now)
        if phase == Phase.OPEN:
            return and_(cls.phase == Phase.OPEN, ~deadline_passed)
        if phase == Phase.JUDGING:
            return or_(cls.phase == Phase.JUDGING,
                       and_(cls.phase == Phase.OPEN, deadline_passed))
        return cls.phase == phase

    # --- who may do what -----------------------------------------------------------
    def can_manage(self, user) -> bool:
        """Admins, national coordinators, and the coordinators of its planning region."""
        return may_manage_region(user, self.region_code)

    def is_visible_to(self, user) -> bool:
        """Drafts only to those who may manage them; other phases to everyone."""
        return self.phase != Phase.DRAFT or self.can_manage(user)

    def municipality_may_take_part(self, municipality) -> bool:
        """All municipalities, unless the hackathon names eligible planning regions."""
        if municipality is None:
            return False
        codes = self.eligible_region_codes
        return not codes or municipality.region_code in codes

    def user_may_take_part(self, user) -> bool | None:
        """Whether a signed-in person's own municipality may take part (None: no
        municipality on the account, so it cannot be told)."""
        municipality = getattr(user, "municipality", None)
        if municipality is None:
            return None
        return self.municipality_may_take_part(municipality)

    @property
    def eligible_region_codes(self) -> list[str]:
        return [r.code for r in self.eligible_regions]

    @property
    def is_national(self) -> bool:
        return self.region_code is None

    def __repr__(self) -> str:
        return f"<Hackathon {self.id} {self.slug} {self.phase}>"


rendered(Hackathon, description="description_html")
folded_copy(Hackathon, "search_key", "title", "theme")


def weight_shares(criteria: list[Criterion]) -> dict[int, Decimal]:
    """Each criterion's share of its round's total weight, in per cent to one decimal: what
    a weight means to a judge or a team reading the criteria."""
    total = sum((c.weight for c in criteria), Decimal(0))
    if not total:
        return {c.id: Decimal(0) for c in criteria}
    return {c.id: (c.weight * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            for c in criteria}


def may_manage_region(user, region_code: str | None) -> bool:
    """Admin; national coordinator (any region or national); regional coordinator of that region."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin or user.coordinates_region(region_code))


def may_create_hackathon(user) -> bool:
    """Admins and coordinators may create hackathons (each for the regions they coordinate)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin or user.is_coordinator)


class Criterion(Model):
    """A judging criterion: a weight and a maximum score, with guidance for judges.

    It belongs to the jury round (1) or to a final round that has its own criteria (2).
    """

    __tablename__ = "criterion"
    __table_args__ = (CheckConstraint("round IN (1, 2)", name="round_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    max_score: Mapped[int] = mapped_column(Integer, default=10)
    low_description: Mapped[str] = mapped_column(Text, default="")
    mid_description: Mapped[str] = mapped_column(Text, default="")
    high_description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=FIRST_ROUND)

    hackathon: Mapped[Hackathon] = relationship(back_populates="criteria",
                                                overlaps="final_criteria")

    def __repr__(self) -> str:
        return (f"<Criterion {self.id} {self.name!r} w={self.weight} max={self.max_score} "
                f"round={self.round}>")


class PhaseChange(Model):
    """One step of a hackathon's phase, by a coordinator or (actor NULL) by the clock."""

    __tablename__ = "phase_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    hackathon_id: Mapped[int] = mapped_column(
        ForeignKey("hackathon.id", ondelete="CASCADE"), index=True
    )
    from_phase: Mapped[Phase] = mapped_column(_phase_enum())
    to_phase: Mapped[Phase] = mapped_column(_phase_enum())
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    hackathon: Mapped[Hackathon] = relationship(back_populates="phase_changes")
    actor = relationship("User")

    @property
    def automatic(self) -> bool:
        return self.actor_id is None

    def __repr__(self) -> str:
        return f"<PhaseChange {self.hackathon_id} {self.from_phase}→{self.to_phase}>"
