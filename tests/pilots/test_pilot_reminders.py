"""Reminders to teams with overdue milestones or stale reports, and the coordinators' weekly
digest: part of `send-reminders`, never twice the same day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import today_riga
from app.extensions import db
from app.pilots.reminders import send_coordinator_digests, send_pilot_reminders
from tests.factories_pilots import add_milestone, add_report, make_pilot, pilot_world


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


pytestmark = pytest.mark.usefixtures("request_context")


def _at(day_offset: int, hour: int = 9) -> datetime:
    day = today_riga() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _run(job, now):
    sent = job(now=now)
    db.session.commit()
    return sent


@pytest.fixture
def world(db):
    world = pilot_world()
    add_report(world.pilot, on=today_riga() - timedelta(days=2))
    return world


def test_a_team_with_an_overdue_milestone_is_reminded_once_a_day_at_most(world, outbox):
    add_milestone(world.pilot, title="Iepirkums", due=today_riga() - timedelta(days=3))
    assert _run(send_pilot_reminders, _at(0, 6)) == 2  # the lead and the member
    assert _run(send_pilot_reminders, _at(0, 7)) == 0  # hourly runs: not again today
    assert _run(send_pilot_reminders, _at(0, 23)) == 0
    mails = outbox()
    assert {m.recipient for m in mails} == {world.lead.email, world.member.email}
    assert all(m.kind == f"pilot-reminder:{world.pilot.id}:{today_riga().isoformat()}"
               for m in mails)
    assert "Iepirkums" in mails[0].body
    assert f"/pilots/{world.pilot.id}" in mails[0].body
    # Nudged, not nagged: the next days are quiet; a week later it comes again.
    assert _run(send_pilot_reminders, _at(1)) == 0
    assert _run(send_pilot_reminders, _at(5)) == 0
    assert _run(send_pilot_reminders, _at(7)) == 2
    assert _run(send_pilot_reminders, _at(7, 15)) == 0


def test_a_stale_report_brings_a_reminder(db, outbox):
    world = pilot_world()
    add_report(world.pilot, on=today_riga() - timedelta(days=50))
    assert _run(send_pilot_reminders, _at(0)) == 2
    body = outbox(world.member.email)[0].body
    assert "50 days ago" in body


def test_no_reminder_when_all_is_well_or_the_pilot_has_ended(world, outbox):
    add_milestone(world.pilot, due=today_riga() + timedelta(days=20))
    assert _run(send_pilot_reminders, _at(0)) == 0
    ended = make_pilot(status="completed")
    add_milestone(ended, due=today_riga() - timedelta(days=30))
    assert _run(send_pilot_reminders, _at(0)) == 0
    assert outbox() == []


def test_each_coordinator_gets_a_weekly_digest_of_their_pilots(world, outbox):
    add_milestone(world.pilot, title="Iepirkums", due=today_riga() - timedelta(days=20))
    add_report(world.pilot, public=True, body="Gaida apstiprinājumu.")
    now = _at(0)
    sent = _run(send_coordinator_digests, now)
    recipients = {m.recipient for m in outbox()}
    # The pilot's own coordinator, the national one; not the other region's coordinator,
    # whose scope is empty.
    assert world.coordinator.email in recipients and world.national.email in recipients
    assert world.other_coordinator.email not in recipients
    assert sent == len(recipients)
    digest = outbox(world.coordinator.email)[0]
    assert "1 red" in digest.subject
    assert world.pilot.title in digest.body
    assert 'Milestone "Iepirkums" is 20 days overdue' in digest.body
    # The actions themselves, each with its link, not only counts.
    assert "1 overdue milestone:" in digest.body
    assert f"{world.pilot.title}: Iepirkums (due " in digest.body
    assert "1 public progress report waits for your approval:" in digest.body
    assert f"/pilots/{world.pilot.id}#reports" in digest.body
    assert "/pilots/portfolio" in digest.body
    # Not again the same day, nor the same week.
    assert _run(send_coordinator_digests, now + timedelta(hours=1)) == 0
    weekday = today_riga().isoweekday()
    monday = 8 - weekday  # days until next Monday
    if monday > 1:
        assert _run(send_coordinator_digests, _at(monday - 1)) == 0  # still this week
    assert _run(send_coordinator_digests, _at(monday)) == sent


def test_send_reminders_runs_the_pilot_jobs(app, world, outbox):
    add_milestone(world.pilot, due=today_riga() - timedelta(days=3))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "send_pilot_reminders: 2 e-mails queued." in first.output
    assert "send_coordinator_digests:" in first.output
    count = len(outbox())
    second = runner.invoke(args=["send-reminders"])
    assert "send_pilot_reminders: 0 e-mails queued." in second.output
    assert "send_coordinator_digests: 0 e-mails queued." in second.output
    assert len(outbox()) == count
