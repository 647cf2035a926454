"""Capacity-building events, the people who attended them, and who may manage them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, with_expression

from app.core.clock import now_utc
from app.core.translation import lazy_gettext as _l
from app.extensions import Model, db
from app.hackathons.models import may_manage_region

TITLE_MAX = 200
TEXT_MAX = 500
NAME_MAX = 120
EMAIL_MAX = 254


class EventKind(enum.StrEnum):
    CONFERENCE = "conference"
    NATIONAL_EVENT = "national_event"
    REGIONAL_TRAINING = "regional_training"
    WORKSHOP = "workshop"
    EXCHANGE_VISIT = "exchange_visit"

    @property
    def label(self) -> Any:
        return {
            EventKind.CONFERENCE: _l("Conference"),
            EventKind.NATIONAL_EVENT: _l("National event"),
            EventKind.REGIONAL_TRAINING: _l("Regional training"),
            EventKind.WORKSHOP: _l("Workshop"),
            EventKind.EXCHANGE_VISIT: _l("Experience-exchange visit"),
        }[self]


class EventFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    SELF_PACED = "self_paced"

    @property
    def label(self) -> Any:
        return {
            EventFormat.IN_PERSON: _l("In person"),
            EventFormat.ONLINE: _l("Online"),
            EventFormat.SELF_PACED: _l("Self-paced within a period"),
        }[self]


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24,
                values_callable=lambda e: [m.value for m in e])


class Event(Model):
    """A conference, training, workshop or visit organised for the programme."""

    __tablename__ = "programme_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat))
    # NULL: a national event, organised by the ministry.
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    theme: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    organiser: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    region = relationship("Region")
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="Attendance.id")

    def can_manage(self, user: Any) -> bool:
        """The coordinators of its region (national events: national coordinators)."""
        return may_manage_region(user, self.region_code)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind} {self.starts_on}>"


class Person(Model):
    """Someone trained: counted once for the indicator. Not a user account, since most
    attendees never sign in; a sign-in sheet's row names them."""

    __tablename__ = "programme_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), unique=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    # Staff of a planning region (not of a municipality) name the region only.
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    municipality = relationship("Municipality")
    attendances: Mapped[list[Attendance]] = relationship(back_populates="person")

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class Attendance(Model):
    """A person at an event, with where they worked at the time (people move)."""

    __tablename__ = "programme_attendance"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("programme_event.id", ondelete="CASCADE"),
                                          index=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("programme_person.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)
    source: Mapped[str] = mapped_column(String(TITLE_MAX), default="")

    event: Mapped[Event] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship(back_populates="attendances")
    municipality = relationship("Municipality")


def may_record_events(user: Any) -> bool:
    """Coordinators and admins record events (each for the regions they coordinate)."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_admin or user.is_coordinator))


# --- assessments ---------------------------------------------------------------------------------

class RoundKind(enum.StrEnum):
    BASELINE = "baseline"
    FINAL = "final"

    @property
    def label(self) -> Any:
        return {RoundKind.BASELINE: _l("Initial assessment"),
                RoundKind.FINAL: _l("Final assessment")}[self]


class Instrument(Model):
    """A questionnaire: themes of questions, each answered on a scale with described levels
    (the good-governance self-assessment is one)."""

    __tablename__ = "assessment_instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="instrument", cascade="all, delete-orphan",
        order_by="(Theme.position, Theme.id)")
    rounds: Mapped[list[AssessmentRound]] = relationship(
        back_populates="instrument", order_by="AssessmentRound.opens_on")
    # Filled by a query with `with_answers()`, so that a list of instruments learns which
    # are answered in the same query; None when loaded without it.
    has_answers: Mapped[bool | None] = query_expression()

    def can_edit(self, user: Any) -> bool:
        """Instruments are the programme's methodology: administrators keep them."""
        return may_edit_instruments(user)

    @property
    def structure_locked(self) -> bool:
        """Once any answer is stored (a draft's included, in an open or a closed round), the
        themes, questions and scales are fixed: an answer names its question and a level
        of its scale, and the two rounds compare only on the same questions. Wording may
        still be corrected."""
        if self.id is None:
            return False
        if self.has_answers is not None:
            return bool(self.has_answers)
        return self.id in answered_instruments([self.id])

    def __repr__(self) -> str:
        return f"<Instrument {self.id} {self.name[:30]!r}>"


def answered_instruments(ids: list[int]) -> set[int]:
    """Which of these instruments have a stored answer (one query, for lists too)."""
    if not ids:
        return set()
    return set(db.session.scalars(
        select(AssessmentRound.instrument_id).distinct()
        .join(AssessmentResponse, AssessmentResponse.round_id == AssessmentRound.id)
        .join(Answer, Answer.response_id == AssessmentResponse.id)
        .where(AssessmentRound.instrument_id.in_(ids))))


def with_answers() -> Any:
    """A loader option: each instrument's `has_answers` in the query that loads it."""
    answered = (select(AssessmentRound.id)
                .join(AssessmentResponse, AssessmentResponse.round_id == AssessmentRound.id)
                .join(Answer, Answer.response_id == AssessmentResponse.id)
                .where(AssessmentRound.instrument_id == Instrument.id)
                .correlate(Instrument).exists())
    return with_expression(Instrument.has_answers, answered)


def may_edit_instruments(user: Any) -> bool:
    """Only administrators create and edit assessment instruments."""
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


class Theme(Model):
    __tablename__ = "assessment_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_instrument.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TITLE_MAX))
    position: Mapped[int] = mapped_column(default=0)

    instrument: Mapped[Instrument] = relationship(back_populates="themes")
    questions: Mapped[list[Question]] = relationship(
        back_populates="theme", cascade="all, delete-orphan",
        order_by="(Question.position, Question.id)")


class Question(Model):
    __tablename__ = "assessment_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("assessment_theme.id", ondelete="CASCADE"),
                                          index=True)
    text: Mapped[str] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(default=0)
    # One description per level, lowest first; the scale runs 1..len(levels).
    levels: Mapped[list[str]] = mapped_column(JSON)
    asks_evidence: Mapped[bool] = mapped_column(default=False)

    theme: Mapped[Theme] = relationship(back_populates="questions")

    @property
    def scale_max(self) -> int:
        return len(self.levels)


class RoundStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> Any:
        return {RoundStatus.SCHEDULED: _l("Opens later"),
                RoundStatus.OPEN: _l("Open: answers are taken"),
                RoundStatus.CLOSED: _l("Closed: answers are frozen")}[self]


class AssessmentRound(Model):
    """The instrument opened for every municipality for a while: the baseline or the final.
    An instrument has at most one of each, since the final is compared with the baseline."""

    __tablename__ = "assessment_round"
    __table_args__ = (UniqueConstraint("instrument_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_instrument.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoundKind] = mapped_column(_enum(RoundKind))
    opens_on: Mapped[date] = mapped_column(Date)
    # The last day answers are taken; closing a round early brings it forward to that day.
    closes_on: Mapped[date] = mapped_column(Date)
    # Set when an administrator closes the round before its last day: answers are frozen.
    closed_at: Mapped[datetime | None]

    instrument: Mapped[Instrument] = relationship(back_populates="rounds")

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def status(self, today: date) -> RoundStatus:
        if self.is_open(today):
            return RoundStatus.OPEN
        return RoundStatus.SCHEDULED if (self.closed_at is None
                                         and today < self.opens_on) else RoundStatus.CLOSED

    def can_manage(self, user: Any) -> bool:
        """Opening and closing rounds belongs to the methodology: administrators."""
        return may_edit_instruments(user)

    def __repr__(self) -> str:
        return f"<AssessmentRound {self.id} {self.kind} {self.opens_on}–{self.closes_on}>"


class AssessmentResponse(Model):
    """A municipality's answers in a round, by its named respondent: a draft until submitted."""

    __tablename__ = "assessment_response"
    __table_args__ = (UniqueConstraint("round_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id", ondelete="CASCADE"),
                                          index=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Other municipalities may see this one's name and contact beside its results.
    shares_contact: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)

    round: Mapped[AssessmentRound] = relationship()
    municipality = relationship("Municipality")
    respondent = relationship("User")
    answers: Mapped[list[Answer]] = relationship(back_populates="response",
                                                 cascade="all, delete-orphan")

    def can_answer(self, user: Any) -> bool:
        """The named respondent, while it is a draft (admins too)."""
        if not getattr(user, "is_authenticated", False):
            return False
        return self.submitted_at is None and (user.is_admin or user.id == self.respondent_id)


class Answer(Model):
    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_question.id", ondelete="CASCADE"), index=True)
    level: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(String(2000), default="")

    response: Mapped[AssessmentResponse] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
