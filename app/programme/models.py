"""Capacity-building events, the people who attended them, and who may manage them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import now_utc
from app.extensions import db
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
    def label(self):
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
    def label(self):
        return {
            EventFormat.IN_PERSON: _l("In person"),
            EventFormat.ONLINE: _l("Online"),
            EventFormat.SELF_PACED: _l("Self-paced within a period"),
        }[self]


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24,
                values_callable=lambda e: [m.value for m in e])


class Event(db.Model):
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

    def can_manage(self, user) -> bool:
        """The coordinators of its region (national events: national coordinators)."""
        return may_manage_region(user, self.region_code)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind} {self.starts_on}>"


class Person(db.Model):
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


class Attendance(db.Model):
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


def may_record_events(user) -> bool:
    """Coordinators and admins record events (each for the regions they coordinate)."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_admin or user.is_coordinator))
