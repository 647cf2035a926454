"""The rules of ideas, through the operations both doors call."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext

from app.core import web
from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, StaleVersion, WrongState
from app.core.formatting import fmt_datetime
from app.extensions import db
from app.hackathons.models import Phase
from app.ideas import operations as ops
from app.ideas import schemas
from app.ideas.models import IdeaRevision
from app.ideas.status import TRANSITIONS, IdeaStatus, can_move
from tests.factories_hackathons import make_hackathon
from tests.factories_ideas import complete_fields, make_idea
from tests.ideas.test_attachments import PNG

pytestmark = pytest.mark.usefixtures("request_context")


def latvian(message: str, **variables) -> str:
    """The message as the Latvian catalog has it: operations speak the request's language,
    and the test request (nobody signed in) is Latvian."""
    with force_locale("lv"):
        return gettext(message, **variables)


# --- the status machine -----------------------------------------------------------------

def test_the_status_table_allows_only_the_issue_s_arrows():
    assert can_move("draft", "submitted")
    for end in ("withdrawn", "ineligible", "winner", "not_selected"):
        assert can_move("submitted", end)
        assert not can_move("draft", end)
        assert TRANSITIONS[IdeaStatus(end)] == frozenset()
    assert not can_move("submitted", "draft")
    assert not can_move("withdrawn", "submitted")


# --- fields: every bad input a clear message ------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("15000", Decimal("15000.00")), ("15 000,50", Decimal("15000.50")),
    ("1500.5", Decimal("1500.50")), (1500, Decimal("1500.00")), (0, Decimal("0.00")),
    ("", None), (None, None), ("24\u00a0500 €", Decimal("24500.00")),
])
def test_budget_is_read_exactly(raw, expected):
    assert schemas.parse_budget(raw) == (expected, None)


NEGATIVE = "The budget cannot be negative."
NUMBER = "Enter the budget as a number of euros, e.g. 15000 or 15000,50."
CENTS = "Use at most two decimal places (euro cents)."
TOO_LARGE = "The budget is too large for one pilot."


@pytest.mark.parametrize("raw, message", [
    ("-1", NEGATIVE), ("-0.01", NEGATIVE), ("abc", NUMBER), ("12e3", NUMBER),
    ("1.2.3", NUMBER), (True, NUMBER), ("10.001", CENTS),
    ("1" * 30, TOO_LARGE), (["1"], NUMBER),
], ids=["-1", "-0.01", "abc", "12e3", "1.2.3", "True", "10.001", "30 digits", "list"])
def test_bad_budgets_are_refused_with_a_message(raw, message):
    value, error = schemas.parse_budget(raw)
    assert value is None and str(error) == latvian(message)


@pytest.mark.parametrize("raw", [0, "0", 121, "abc", -3, 2.5, True, "1e2"])
def test_bad_durations_are_refused(raw):
    value, error = schemas.parse_duration(raw)
    assert value is None and str(error) == latvian(
        "Enter the duration as whole months from %(min)d to %(max)d.", min=1, max=120)


@pytest.mark.parametrize("raw, expected", [(1, 1), ("120", 120), (12.0, 12), ("", None)])
def test_good_durations(raw, expected):
    assert schemas.parse_duration(raw) == (expected, None)


def test_a_301_character_summary_is_refused_even_in_a_draft_and_nothing_changes(world):
    idea = make_idea(world.hackathon, world.team, status="draft", summary="Īsi.")
    with pytest.raises(Invalid) as caught:
        ops.save_idea(idea, {"summary": "ā" * 301}, actor=world.member)
    assert str(caught.value.errors["summary"][0]) == latvian(
        "Use at most %(max)d characters (now %(n)d).", max=300, n=301)
    db.session.rollback()
    db.session.refresh(idea)
    assert idea.summary == "Īsi." and idea.version == 1
    assert ops.check_fields({"summary": "ā" * 300}) == {"summary": "ā" * 300}


def test_all_bad_fields_are_reported_at_once(world):
    idea = make_idea(world.hackathon, world.team)
    with pytest.raises(Invalid) as caught:
        ops.save_idea(idea, {"budget_eur": "-5", "duration_months": "0", "title": "x" * 201,
                             "indicators": [{"name": "", "baseline": "1", "target": "2"}]},
                      actor=world.member)
    assert set(caught.value.errors) == {"budget_eur", "duration_months", "title", "indicators"}


def test_a_draft_saves_incomplete_and_each_save_is_a_revision(world):
    idea = ops.create_idea(world.hackathon, world.team, {"title": "Tikai nosaukums"},
                           actor=world.member)
    assert idea.status == IdeaStatus.DRAFT and idea.version == 1
    assert ops.save_idea(idea, {"summary": "Pirmais teikums."}, actor=world.colleague,
                         expected_version=1)
    assert idea.version == 2
    revisions = db.session.scalars(db.select(IdeaRevision).where(
        IdeaRevision.idea_id == idea.id).order_by(IdeaRevision.number)).all()
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].data["summary"] == "Pirmais teikums."
    assert revisions[1].saved_by_id == world.colleague.id
    # Saving the same text again changes nothing and adds no revision.
    assert not ops.save_idea(idea, {"summary": "Pirmais teikums."}, actor=world.member)
    assert idea.version == 2


def test_a_stale_version_is_refused_and_nothing_is_overwritten(world):
    idea = make_idea(world.hackathon, world.team, summary="Oriģināls")
    ops.save_idea(idea, {"summary": "Annas teksts"}, actor=world.colleague, expected_version=1)
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.save_idea(idea, {"summary": "Jāņa teksts"}, actor=world.member,
                      expected_version=1)
    db.session.rollback()
    db.session.refresh(idea)
    assert idea.summary == "Annas teksts"


def test_someone_outside_the_team_cannot_create_or_save(world):
    idea = make_idea(world.hackathon, world.team)
    with pytest.raises(NotAllowed):
        ops.save_idea(idea, {"title": "Svešs"}, actor=world.other)
    with pytest.raises(NotAllowed):
        ops.save_idea(idea, {"title": "Svešs"}, actor=world.coordinator)
    with pytest.raises(Invalid) as caught:
        ops.create_idea(world.hackathon, world.team, {}, actor=world.other)
    assert "team_id" in caught.value.errors


def test_a_team_from_a_municipality_that_may_not_take_part_is_refused(world, make_user):
    kurzeme_only = make_hackathon(region="kurzeme", eligible_regions=["kurzeme"])
    with pytest.raises(Invalid) as caught:
        ops.create_idea(kurzeme_only, world.team, {}, actor=world.member)
    assert str(caught.value.errors["team_id"][0]) == latvian(
        "The team's lead municipality may not take part in this hackathon.")


# --- submit ---------------------------------------------------------------------------------

def test_submit_lists_every_missing_field_at_once(world):
    idea = ops.create_idea(world.hackathon, world.team, {"title": "Ideja"}, actor=world.member)
    with pytest.raises(Invalid) as caught:
        ops.submit_idea(idea, actor=world.member)
    assert set(caught.value.errors) == {"summary", "problem", "solution", "target_group",
                                        "expected_impact", "budget_eur", "duration_months",
                                        "indicators"}
    assert idea.status == IdeaStatus.DRAFT


def test_submit_mails_every_team_member(world, outbox):
    idea = make_idea(world.hackathon, world.team)
    ops.submit_idea(idea, actor=world.member)
    db.session.commit()
    assert idea.status == IdeaStatus.SUBMITTED and idea.submitted_at is not None
    mails = outbox()
    assert sorted(m.recipient for m in mails) == sorted([world.member.email,
                                                         world.colleague.email])
    assert all(idea.title in m.subject for m in mails)
    assert all(f"/ideas/{idea.id}" in m.body for m in mails)


def test_submit_after_the_deadline_is_refused_and_the_draft_stays(world):
    idea = make_idea(world.hackathon, world.team)
    late = world.hackathon.submission_closes_at + timedelta(seconds=1)
    with pytest.raises(WrongState) as caught:
        ops.submit_idea(idea, actor=world.member, now=late)
    with force_locale("lv"):
        expected = latvian("The submission deadline passed at %(when)s. The idea is kept as a "
                           "draft but can no longer be submitted.",
                           when=fmt_datetime(world.hackathon.submission_closes_at))
    assert str(caught.value.detail) == expected
    assert idea.status == IdeaStatus.DRAFT


def test_the_deadline_instant_itself_is_too_late(world):
    idea = make_idea(world.hackathon, world.team)
    with pytest.raises(WrongState):
        ops.submit_idea(idea, actor=world.member, now=world.hackathon.submission_closes_at)
    ops.submit_idea(idea, actor=world.member,
                    now=world.hackathon.submission_closes_at - timedelta(seconds=1))
    assert idea.status == IdeaStatus.SUBMITTED


def test_once_judging_started_early_nothing_changes(world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    draft = make_idea(world.hackathon, world.team)
    world.hackathon.phase = Phase.JUDGING  # moved forward early by a coordinator
    db.session.commit()
    with pytest.raises(WrongState):
        ops.save_idea(idea, {"title": "Vēlu"}, actor=world.member)
    with pytest.raises(WrongState):
        ops.withdraw_idea(idea, actor=world.member)
    with pytest.raises(WrongState):
        ops.submit_idea(draft, actor=world.member)


# --- the deadline: every path that changes an idea asks the same predicate ---------------------

CHANGES = {
    "save": lambda idea, who, now: ops.save_idea(idea, {"title": "Vēlu"}, actor=who, now=now),
    "withdraw": lambda idea, who, now: ops.withdraw_idea(idea, actor=who, now=now),
    "add a file": lambda idea, who, now: ops.add_attachment(idea, "vēlu.png", PNG(), actor=who,
                                                            now=now),
    "remove a file": lambda idea, who, now: ops.remove_attachment(idea.attachments[0],
                                                                  actor=who, now=now),
}


@pytest.mark.parametrize("moment", ["deadline instant", "judging started early"])
@pytest.mark.parametrize("change", CHANGES)
def test_no_change_of_a_submitted_idea_once_submissions_are_over(world, change, moment):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    ops.add_attachment(idea, "plāns.png", PNG(), actor=world.member)
    db.session.commit()
    deadline = world.hackathon.submission_closes_at
    now = deadline
    if moment == "judging started early":
        world.hackathon.phase = Phase.JUDGING
        db.session.commit()
        now = deadline - timedelta(days=1)
    before = (ops.snapshot(idea), idea.version)
    with pytest.raises(WrongState):
        CHANGES[change](idea, world.member, now)
    db.session.rollback()
    db.session.refresh(idea)
    assert (ops.snapshot(idea), idea.version) == before
    assert idea.status == IdeaStatus.SUBMITTED
    if moment == "deadline instant":  # a microsecond earlier the same change goes through
        CHANGES[change](idea, world.member, deadline - timedelta(microseconds=1))
        assert (ops.snapshot(idea), idea.status) != (before[0], IdeaStatus.SUBMITTED)


# --- edit, withdraw after submitting ----------------------------------------------------------

def test_a_submitted_idea_can_be_edited_until_the_deadline_and_stays_submitted(world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    ops.save_idea(idea, {"title": "Labots nosaukums"}, actor=world.member)
    assert idea.status == IdeaStatus.SUBMITTED and idea.title == "Labots nosaukums"
    after = world.hackathon.submission_closes_at + timedelta(minutes=1)
    with pytest.raises(WrongState) as caught:
        ops.save_idea(idea, {"title": "Pēc termiņa"}, actor=world.member, now=after)
    with force_locale("lv"):
        expected = latvian("The submission deadline passed at %(when)s: the submitted idea can "
                           "no longer be changed.",
                           when=fmt_datetime(world.hackathon.submission_closes_at))
    assert str(caught.value.detail) == expected


def test_a_draft_may_still_be_saved_after_the_deadline_but_not_submitted(world):
    idea = make_idea(world.hackathon, world.team)
    after = world.hackathon.submission_closes_at + timedelta(minutes=1)
    assert ops.save_idea(idea, {"title": "Saglabāts vēlu"}, actor=world.member, now=after)
    assert idea.status == IdeaStatus.DRAFT
    assert not idea.can_submit(world.member, after)


def test_withdraw_before_the_deadline_only_and_only_a_submitted_idea(world):
    draft = make_idea(world.hackathon, world.team)
    with pytest.raises(WrongState):
        ops.withdraw_idea(draft, actor=world.member)
    idea = make_idea(world.hackathon, world.team, status="submitted")
    with pytest.raises(NotAllowed):
        ops.withdraw_idea(idea, actor=world.other)
    ops.withdraw_idea(idea, actor=world.colleague)
    assert idea.status == IdeaStatus.WITHDRAWN and idea.withdrawn_at is not None
    with pytest.raises(WrongState):
        ops.submit_idea(idea, actor=world.member)


# --- coordinators -------------------------------------------------------------------------------

def test_a_coordinator_marks_an_idea_ineligible_with_a_reason_the_team_is_told(world, outbox):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    with pytest.raises(Invalid):
        ops.mark_ineligible(idea, "  ", actor=world.coordinator)
    with pytest.raises(NotAllowed):
        ops.mark_ineligible(idea, "Cits reģions", actor=world.other_coordinator)
    ops.mark_ineligible(idea, "Neatbilst tēmai.", actor=world.coordinator)
    db.session.commit()
    assert idea.status == IdeaStatus.INELIGIBLE
    assert idea.ineligible_reason == "Neatbilst tēmai."
    assert {m.recipient for m in outbox()} == {world.member.email, world.colleague.email}
    assert "Neatbilst tēmai." in outbox()[0].body


def test_a_draft_cannot_be_marked_ineligible(world):
    with pytest.raises(WrongState):
        ops.mark_ineligible(make_idea(world.hackathon, world.team), "x",
                            actor=world.coordinator)


def test_judging_records_winner_or_not_selected_for_submitted_ideas_only(world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    ops.record_decision(idea, "winner", actor=world.coordinator)
    assert idea.status == IdeaStatus.WINNER
    with pytest.raises(WrongState):
        ops.record_decision(make_idea(world.hackathon, world.team), "not_selected",
                            actor=world.coordinator)


def test_create_is_refused_once_results_are_out(world):
    world.hackathon.phase = Phase.RESULTS
    db.session.commit()
    with pytest.raises(WrongState):
        ops.create_idea(world.hackathon, world.team, complete_fields(), actor=world.member)


def test_create_works_before_submissions_open_but_submit_waits(world):
    soon = make_hackathon(region="zemgale", opens_at=now_utc() + timedelta(days=1),
                          closes_at=now_utc() + timedelta(days=5))
    idea = ops.create_idea(soon, world.team, complete_fields(), actor=world.member)
    with pytest.raises(WrongState) as caught:
        ops.submit_idea(idea, actor=world.member)
    with force_locale("lv"):
        expected = latvian("Submissions open at %(when)s; the idea is kept as a draft until "
                           "then.", when=fmt_datetime(soon.submission_opens_at))
    assert str(caught.value.detail) == expected


def test_a_save_racing_another_one_is_stale_not_lost(world):
    """Two requests pass the version check at once: the database's version guard decides."""
    from sqlalchemy.orm.attributes import set_committed_value

    idea = make_idea(world.hackathon, world.team, title="Pirmā")
    # Make this session believe it read version 0 while the row holds 1, as if
    # another request saved between our read and our write.
    set_committed_value(idea, "version", 0)
    with pytest.raises(StaleVersion) as caught:
        # As a page runs it: the failed save is undone to its savepoint.
        web.attempt(lambda: ops.save_idea(idea, {"title": "Otrā"}, actor=world.member))
    current = caught.value.current
    assert current.title == "Pirmā" and current.version == 1
