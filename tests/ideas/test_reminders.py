"""Deadline reminders: 48 h and 24 h before, to teams with unsubmitted drafts, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.ideas.reminders import due_window, send_idea_reminders
from tests.factories_ideas import make_idea

pytestmark = pytest.mark.usefixtures("request_context")


@pytest.mark.parametrize("hours_left, window", [
    (72, None), (48.01, None), (48, "48h"), (30, "48h"), (24, "24h"), (1, "24h"),
    (0, None), (-1, None),
])
def test_which_reminder_is_due(world, hours_left, window):
    closes = world.hackathon.submission_closes_at
    assert due_window(closes, closes - timedelta(hours=hours_left)) == window


def run(world, outbox, hours_left):
    now = world.hackathon.submission_closes_at - timedelta(hours=hours_left)
    sent = send_idea_reminders(now=now)
    db.session.commit()
    return sent


def test_48h_then_24h_each_once_to_every_member(world, outbox):
    draft = make_idea(world.hackathon, world.team, title="Nepabeigta ideja")
    assert run(world, outbox, 60) == 0
    assert run(world, outbox, 47) == 2
    assert run(world, outbox, 46) == 0  # run every hour: not again
    assert run(world, outbox, 30) == 0
    assert run(world, outbox, 23.5) == 2
    assert run(world, outbox, 3) == 0
    mails = outbox()
    assert [m.kind for m in mails] == [f"idea-reminder:{draft.id}:48h"] * 2 + \
        [f"idea-reminder:{draft.id}:24h"] * 2
    assert {m.recipient for m in mails} == {world.member.email, world.colleague.email}
    assert "Nepabeigta ideja" in mails[0].subject
    assert f"/ideas/{draft.id}" in mails[0].body


def test_a_first_run_inside_the_last_day_sends_only_the_24h_reminder(world, outbox):
    make_idea(world.hackathon, world.team)
    assert run(world, outbox, 20) == 2
    assert all(m.kind.endswith(":24h") for m in outbox())
    assert run(world, outbox, 19) == 0


def test_no_reminder_for_submitted_or_withdrawn_ideas_or_after_the_deadline(world, outbox):
    make_idea(world.hackathon, world.team, status="submitted")
    make_idea(world.hackathon, world.team, status="withdrawn")
    assert run(world, outbox, 30) == 0
    make_idea(world.hackathon, world.team)
    assert run(world, outbox, -0.5) == 0
    assert outbox() == []


def test_no_reminder_once_judging_started_early(world, outbox):
    from app.hackathons.models import Phase

    make_idea(world.hackathon, world.team)
    world.hackathon.phase = Phase.JUDGING
    db.session.commit()
    assert run(world, outbox, 30) == 0


def test_reminders_follow_each_member_s_language(world, outbox, make_user):
    world.colleague.locale = "lv"
    db.session.commit()
    make_idea(world.hackathon, world.team)
    run(world, outbox, 30)
    english = outbox(world.member.email)[0]
    assert english.subject.startswith("Reminder")


def test_the_send_reminders_command_is_safe_to_run_every_hour(app, world, outbox):
    from app.hackathons.models import Hackathon

    make_idea(world.hackathon, world.team)
    hackathon = db.session.get(Hackathon, world.hackathon.id)
    from app.core.clock import now_utc

    hackathon.submission_closes_at = now_utc() + timedelta(hours=40)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "send_idea_reminders: 2 e-mails queued" in first.output
    second = runner.invoke(args=["send-reminders"])
    assert "send_idea_reminders: 0 e-mails queued" in second.output
    assert len(outbox()) == 2
