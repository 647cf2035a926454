"""The phase state machine: a table of cases with the clock passed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from app.core.errors import Invalid, NotAllowed, WrongState
from app.hackathons.models import Hackathon, PhaseChange
from app.hackathons.operations import sync_phase, transition_hackathon
from app.hackathons.phases import ORDER, TRANSITIONS, Phase, can_move, effective_phase
from tests.factories_hackathons import make_coordinator, make_hackathon

from .conftest import BEFORE, DEADLINE, JUDGING_ENDS, OPENS

pytestmark = pytest.mark.usefixtures("request_context")

SECOND = timedelta(seconds=1)
MICRO = timedelta(microseconds=1)


def _hackathon(phase: str) -> Hackathon:
    """An unsaved hackathon on the fixed timeline: the rules need no database."""
    return Hackathon(phase=Phase(phase), submission_opens_at=OPENS,
                     submission_closes_at=DEADLINE, judging_closes_at=JUDGING_ENDS)


@pytest.mark.parametrize(("stored", "now", "effective"), [
    ("draft", OPENS - SECOND, "draft"),
    ("draft", DEADLINE + timedelta(days=30), "draft"),  # a draft never opens by itself
    ("open", OPENS - timedelta(hours=1), "open"),        # announced, not yet accepting
    ("open", BEFORE, "open"),
    ("open", DEADLINE - MICRO, "open"),
    ("open", DEADLINE, "judging"),                       # the deadline instant itself
    ("open", DEADLINE + SECOND, "judging"),
    ("open", JUDGING_ENDS + timedelta(days=1), "judging"),  # results need a decision
    ("judging", BEFORE, "judging"),                      # judging started early
    ("judging", JUDGING_ENDS + SECOND, "judging"),
    ("results", BEFORE, "results"),
    ("closed", BEFORE, "closed"),
])
def test_effective_phase(stored, now, effective):
    assert _hackathon(stored).phase_at(now) == Phase(effective)
    assert effective_phase(Phase(stored), DEADLINE, now) == Phase(effective)


@pytest.mark.parametrize(("stored", "now", "accepts"), [
    ("open", OPENS - SECOND, False),
    ("open", OPENS, True),
    ("open", BEFORE, True),
    ("open", DEADLINE - MICRO, True),
    ("open", DEADLINE, False),
    ("open", DEADLINE + SECOND, False),
    ("draft", BEFORE, False),
    ("judging", BEFORE, False),
    ("results", BEFORE, False),
    ("closed", BEFORE, False),
])
def test_accepts_submissions(stored, now, accepts):
    assert _hackathon(stored).accepts_submissions(now) is accepts


@pytest.mark.parametrize(("stored", "now", "takes"), [
    ("open", OPENS - SECOND, True),     # a draft may be started before submissions open
    ("open", DEADLINE - MICRO, True),
    ("open", DEADLINE, False),
    ("draft", BEFORE, False),
    ("judging", BEFORE, False),         # judging started early
    ("results", BEFORE, False),
])
def test_teams_start_new_ideas_only_while_effectively_open(stored, now, takes):
    assert _hackathon(stored).takes_new_ideas(now) is takes


@pytest.mark.parametrize("now", [OPENS - SECOND, BEFORE, DEADLINE - MICRO])
def test_criteria_editable_until_judging_starts(now):
    assert _hackathon("draft").criteria_editable(now)
    assert _hackathon("open").criteria_editable(now)
    assert not _hackathon("judging").criteria_editable(now)


def test_criteria_freeze_at_the_deadline_instant():
    assert _hackathon("open").criteria_editable(DEADLINE - MICRO)
    assert not _hackathon("open").criteria_editable(DEADLINE)


@pytest.mark.parametrize("current", ORDER)
@pytest.mark.parametrize("to", ORDER)
def test_transition_table_is_forward_only_one_step_at_a_time(current, to):
    assert can_move(current, to) is (to.rank == current.rank + 1)
    assert (to in TRANSITIONS[current]) is (to.rank == current.rank + 1)


# --- transition_hackathon, with the database ---------------------------------------------

def _history(hackathon):
    return [(c.from_phase.value, c.to_phase.value, c.actor_id, c.reason)
            for c in hackathon.phase_changes]


def test_a_coordinator_opens_a_ready_draft_and_the_reason_is_recorded(db):
    h = make_hackathon(phase="draft", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    transition_hackathon(h, "open", actor=coordinator, reason="Viss gatavs.",
                         now=OPENS - timedelta(days=2))
    db.session.commit()
    assert h.phase == Phase.OPEN and h.version == 2
    assert _history(h) == [("draft", "open", coordinator.id, "Viss gatavs.")]


def test_a_draft_without_criteria_or_dates_cannot_open(db):
    h = make_hackathon(phase="draft", criteria=0)
    h.submission_opens_at = h.submission_closes_at = h.judging_closes_at = None
    db.session.commit()
    with pytest.raises(WrongState) as caught:
        transition_hackathon(h, "open", actor=make_coordinator("zemgale"), now=BEFORE)
    assert set(caught.value.errors) == {"criteria", "submission_opens_at",
                                        "submission_closes_at", "judging_closes_at"}
    assert h.phase == Phase.DRAFT


def test_a_draft_whose_deadline_has_passed_cannot_open(db):
    h = make_hackathon(phase="draft", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    with pytest.raises(WrongState) as caught:
        transition_hackathon(h, "open", actor=make_coordinator("zemgale"), now=DEADLINE)
    assert "submission_closes_at" in caught.value.errors


def test_a_draft_with_dates_in_the_wrong_order_cannot_open(db):
    h = make_hackathon(phase="draft", opens_at=DEADLINE, closes_at=OPENS,
                       judging_closes_at=OPENS - timedelta(hours=1))
    with pytest.raises(WrongState) as caught:
        transition_hackathon(h, "open", actor=make_coordinator("zemgale"),
                             now=OPENS - timedelta(days=3))
    assert set(caught.value.errors) == {"submission_closes_at", "judging_closes_at"}


def test_judging_can_start_early_with_a_reason(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    transition_hackathon(h, Phase.JUDGING, actor=coordinator, reason="Visi iesnieguši.",
                         now=BEFORE)
    assert h.phase_at(BEFORE) == Phase.JUDGING
    assert not h.accepts_submissions(BEFORE)
    assert _history(h) == [("open", "judging", coordinator.id, "Visi iesnieguši.")]


@pytest.mark.parametrize(("stored", "to"), [
    ("open", "draft"),        # back
    ("judging", "open"),      # back
    ("closed", "results"),    # back
    ("open", "results"),      # skips judging
    ("draft", "judging"),     # skips open
    ("open", "open"),         # no move
    ("closed", "closed"),
])
def test_backward_skipping_or_standing_still_is_refused(db, stored, to):
    h = make_hackathon(phase=stored, opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    with pytest.raises(WrongState):
        transition_hackathon(h, to, actor=make_coordinator("zemgale"), now=BEFORE)
    db.session.rollback()
    assert h.phase == Phase(stored) and h.phase_changes == []


def test_after_the_deadline_an_open_hackathon_is_already_judging(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    with force_locale("lv"):  # the request's language
        already = gettext("The hackathon is already in the phase “%(phase)s”.",
                          phase=Phase.JUDGING.label)
    with pytest.raises(WrongState, match=f"^{re.escape(already)}$"):
        transition_hackathon(h, "judging", actor=make_coordinator("zemgale"), now=DEADLINE)


def test_the_deadlines_automatic_step_is_recorded_when_the_phase_catches_up(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    coordinator = make_coordinator("zemgale")
    later = JUDGING_ENDS + timedelta(hours=1)
    transition_hackathon(h, "results", actor=coordinator, reason="Žūrija beigusi.", now=later)
    db.session.commit()
    assert h.phase == Phase.RESULTS
    assert _history(h) == [("open", "judging", None, ""),
                           ("judging", "results", coordinator.id, "Žūrija beigusi.")]
    automatic, manual = h.phase_changes
    assert automatic.at == DEADLINE and automatic.automatic
    assert manual.at == later and not manual.automatic


def test_sync_phase_does_nothing_before_the_deadline(db):
    h = make_hackathon(phase="open", opens_at=OPENS, closes_at=DEADLINE,
                       judging_closes_at=JUDGING_ENDS)
    assert sync_phase(h, now=DEADLINE - MICRO) is False
    assert sync_phase(h, now=DEADLINE) is True
    assert h.phase == Phase.JUDGING
    assert db.session.query(PhaseChange).count() == 1


def test_unknown_phase_and_overlong_reason_are_invalid(db):
    h = make_hackathon(phase="open")
    coordinator = make_coordinator("zemgale")
    with pytest.raises(Invalid) as caught:
        transition_hackathon(h, "finished", actor=coordinator)
    assert "to" in caught.value.errors
    with pytest.raises(Invalid) as caught:
        transition_hackathon(h, "judging", actor=coordinator, reason="x" * 1001)
    assert "reason" in caught.value.errors


def test_only_those_who_manage_it_may_move_the_phase(db):
    h = make_hackathon(phase="open")
    with pytest.raises(NotAllowed):
        transition_hackathon(h, "judging", actor=make_coordinator("kurzeme"))
    with pytest.raises(NotAllowed):
        transition_hackathon(h, "judging", actor=None)
    assert h.phase == Phase.OPEN
