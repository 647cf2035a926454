"""The status machines of pilots, milestones, progress reports and replications: pure rules.

    pilot       planned → active ⇄ on_hold;  active → completed;  any open → discontinued
    milestone   planned ⇄ in_progress → done | missed;  done → in_progress (reopened);
                missed → planned | in_progress (planned again)
    report      internal (no review);  submitted → approved | returned;  returned → submitted
    replication considering → in_progress → adopted;  any open → abandoned

Only operations assign a `.status`, and only along these tables.
"""

from __future__ import annotations

import enum
from datetime import date

from app.core.translation import lazy_gettext as _l


class PilotStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"

    @property
    def label(self):
        return PILOT_STATUS_LABELS[self]

    @property
    def has_ended(self) -> bool:
        return self in ENDED


PILOT_TRANSITIONS: dict[PilotStatus, frozenset[PilotStatus]] = {
    PilotStatus.PLANNED: frozenset({PilotStatus.ACTIVE, PilotStatus.DISCONTINUED}),
    PilotStatus.ACTIVE: frozenset({PilotStatus.ON_HOLD, PilotStatus.COMPLETED,
                                   PilotStatus.DISCONTINUED}),
    PilotStatus.ON_HOLD: frozenset({PilotStatus.ACTIVE, PilotStatus.DISCONTINUED}),
    PilotStatus.COMPLETED: frozenset(),
    PilotStatus.DISCONTINUED: frozenset(),
}
ENDED = frozenset({PilotStatus.COMPLETED, PilotStatus.DISCONTINUED})
# The team runs the pilot day to day: it starts, pauses and resumes it. Ending a pilot
# (completed or discontinued) is the programme's decision: its coordinators'.
TEAM_MAY_MOVE_TO = frozenset({PilotStatus.ACTIVE, PilotStatus.ON_HOLD})

PILOT_STATUS_LABELS = {
    PilotStatus.PLANNED: _l("Planned"),
    PilotStatus.ACTIVE: _l("Active"),
    PilotStatus.ON_HOLD: _l("On hold"),
    PilotStatus.COMPLETED: _l("Completed"),
    PilotStatus.DISCONTINUED: _l("Discontinued"),
}


class MilestoneStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    MISSED = "missed"

    @property
    def label(self):
        return MILESTONE_STATUS_LABELS[self]


# Open milestones still count towards the plan's dates; done and missed ones are settled.
MILESTONE_OPEN = frozenset({MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS})


def milestone_overdue(status: MilestoneStatus, due_date: date, today: date) -> bool:
    """An open milestone whose date has passed."""
    return status in MILESTONE_OPEN and due_date < today


MILESTONE_TRANSITIONS: dict[MilestoneStatus, frozenset[MilestoneStatus]] = {
    MilestoneStatus.PLANNED: frozenset({MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE,
                                        MilestoneStatus.MISSED}),
    MilestoneStatus.IN_PROGRESS: frozenset({MilestoneStatus.PLANNED, MilestoneStatus.DONE,
                                            MilestoneStatus.MISSED}),
    MilestoneStatus.DONE: frozenset({MilestoneStatus.IN_PROGRESS}),
    MilestoneStatus.MISSED: frozenset({MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS}),
}

MILESTONE_STATUS_LABELS = {
    MilestoneStatus.PLANNED: _l("Planned"),
    MilestoneStatus.IN_PROGRESS: _l("In progress"),
    MilestoneStatus.DONE: _l("Done"),
    MilestoneStatus.MISSED: _l("Missed"),
}


class UpdateStatus(enum.StrEnum):
    """A progress report: internal ones are never reviewed; public ones are verified first."""

    INTERNAL = "internal"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label(self):
        return UPDATE_STATUS_LABELS[self]


UPDATE_TRANSITIONS: dict[UpdateStatus, frozenset[UpdateStatus]] = {
    UpdateStatus.INTERNAL: frozenset(),
    UpdateStatus.SUBMITTED: frozenset({UpdateStatus.APPROVED, UpdateStatus.RETURNED}),
    UpdateStatus.APPROVED: frozenset(),
    UpdateStatus.RETURNED: frozenset({UpdateStatus.SUBMITTED}),
}

UPDATE_STATUS_LABELS = {
    UpdateStatus.INTERNAL: _l("Internal"),
    UpdateStatus.SUBMITTED: _l("Waiting for approval"),
    UpdateStatus.APPROVED: _l("Published"),
    UpdateStatus.RETURNED: _l("Returned to the team"),
}


class ReplicationStatus(enum.StrEnum):
    CONSIDERING = "considering"
    IN_PROGRESS = "in_progress"
    ADOPTED = "adopted"
    ABANDONED = "abandoned"

    @property
    def label(self):
        return REPLICATION_STATUS_LABELS[self]


REPLICATION_TRANSITIONS: dict[ReplicationStatus, frozenset[ReplicationStatus]] = {
    ReplicationStatus.CONSIDERING: frozenset({ReplicationStatus.IN_PROGRESS,
                                              ReplicationStatus.ADOPTED,
                                              ReplicationStatus.ABANDONED}),
    ReplicationStatus.IN_PROGRESS: frozenset({ReplicationStatus.ADOPTED,
                                              ReplicationStatus.ABANDONED}),
    ReplicationStatus.ADOPTED: frozenset(),
    ReplicationStatus.ABANDONED: frozenset({ReplicationStatus.CONSIDERING}),
}

REPLICATION_STATUS_LABELS = {
    ReplicationStatus.CONSIDERING: _l("Considering"),
    ReplicationStatus.IN_PROGRESS: _l("Adopting"),
    ReplicationStatus.ADOPTED: _l("Adopted"),
    ReplicationStatus.ABANDONED: _l("Abandoned"),
}


class Recommendation(enum.StrEnum):
    """The final evaluation's advice to the programme."""

    SCALE_UP = "scale_up"
    ADAPT = "adapt"
    STOP = "stop"

    @property
    def label(self):
        return RECOMMENDATION_LABELS[self]


RECOMMENDATION_LABELS = {
    Recommendation.SCALE_UP: _l("Scale up"),
    Recommendation.ADAPT: _l("Adapt"),
    Recommendation.STOP: _l("Stop"),
}


class FundingKind(enum.StrEnum):
    """Where a share of the approved budget comes from. VAT is an amount on each line
    (FundingLine.vat_eur); the kind "vat" stays readable for lines recorded before that, and
    its amount counts as programme VAT."""

    PROGRAMME = "programme"
    MUNICIPAL = "municipal"
    VAT = "vat"
    OTHER = "other"

    @property
    def label(self):
        return FUNDING_KIND_LABELS[self]


FUNDING_KIND_LABELS = {
    FundingKind.PROGRAMME: _l("Programme funds (RRF)"),
    FundingKind.MUNICIPAL: _l("Municipal co-financing"),
    FundingKind.VAT: _l("VAT"),
    FundingKind.OTHER: _l("Other"),
}


def can_move(table: dict, current, to) -> bool:
    """True when `table` allows `current` → `to` (values or enum members)."""
    enum_type = type(next(iter(table)))
    return enum_type(to) in table[enum_type(current)]


class ExpenseCategory(enum.StrEnum):
    """What an expense paid for, as the public spending list groups it."""

    SERVICES = "services"
    GOODS = "goods"
    WORKS = "works"
    STAFF = "staff"
    OTHER = "other"

    @property
    def label(self):
        return EXPENSE_CATEGORY_LABELS[self]


EXPENSE_CATEGORY_LABELS = {
    ExpenseCategory.SERVICES: _l("Services"),
    ExpenseCategory.GOODS: _l("Goods and equipment"),
    ExpenseCategory.WORKS: _l("Construction works"),
    ExpenseCategory.STAFF: _l("Staff costs"),
    ExpenseCategory.OTHER: _l("Other"),
}
