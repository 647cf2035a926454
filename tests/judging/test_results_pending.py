"""Before the results are published: the results page says they are being prepared, and the
hackathon's timeline shows "results to be published" as the step now, not an old deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import Phase
from app.hackathons.timeline import timeline
from app.judging import deciding
from tests.conftest import read_in_english
from tests.factories_judging import judging_world, make_review


@pytest.fixture
def world(db, client):
    read_in_english(client)
    w = judging_world(judges=2, ideas=2, reviews_per_idea=2, criteria=2, phase="results")
    for idea, points in zip(w.ideas, (8, 4), strict=True):
        for judge in w.judges:
            make_review(idea, judge, status="submitted", scores={0: points, 1: points})
    return w


def _set(hackathon, **fields):
    for name, value in fields.items():
        setattr(hackathon, name, value)
    db.session.commit()


def test_the_public_reads_that_results_are_being_prepared(client, world):
    page = client.get(f"/hackathons/{world.hackathon.slug}/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Results are being prepared" in html
    # Nothing of the unpublished ranking leaks: no idea titles, no scores.
    assert [idea.title for idea in world.ideas if idea.title in html] == []


def test_the_expected_date_is_named_while_judging_is_meant_to_run(client, world):
    closes = now_utc() + timedelta(days=3)
    _set(world.hackathon, judging_closes_at=closes)
    html = client.get(f"/hackathons/{world.hackathon.slug}/results").get_data(as_text=True)
    assert "they will be published on or after" in html
    assert closes.isoformat()[:4] in html


def test_in_latvian_too(app, world):
    page = app.test_client().get(f"/hackathons/{world.hackathon.slug}/results")
    html = page.get_data(as_text=True)
    assert "Rezultāti tiek gatavoti" in html


def test_an_open_hackathon_has_no_results_page(client, world):
    _set(world.hackathon, phase=Phase.OPEN, submission_closes_at=now_utc() + timedelta(days=2))
    assert client.get(f"/hackathons/{world.hackathon.slug}/results").status_code == 404


def test_once_published_the_page_shows_the_results(client, world):
    with client.application.test_request_context("/"):
        deciding.publish_results(world.hackathon, {"idea_ids": [world.ideas[0].id]},
                            actor=world.coordinator)
        db.session.commit()
    html = client.get(f"/hackathons/{world.hackathon.slug}/results").get_data(as_text=True)
    assert "Results are being prepared" not in html and world.ideas[0].title in html


def test_the_timeline_shows_results_to_be_published_as_now(client, world):
    # The coordinator closed judging early: its date is still ahead, but it is behind us.
    _set(world.hackathon, judging_closes_at=now_utc() + timedelta(days=5))
    steps = {s.key: s for s in timeline(world.hackathon, now_utc())}
    assert steps["judging"].is_done and steps["results"].is_current
    assert [s.key for s in steps.values() if s.is_current] == ["results"]
    html = client.get(f"/hackathons/{world.hackathon.slug}").get_data(as_text=True)
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Results to be published" in current and "Now" in current
    assert html.count('aria-current="step"') == 1


def test_the_timeline_during_judging_points_at_judging(world):
    _set(world.hackathon, phase=Phase.JUDGING, judging_closes_at=now_utc() + timedelta(days=5))
    steps = timeline(world.hackathon, now_utc())
    assert [s.key for s in steps if s.is_current] == ["judging"]
    assert [s.key for s in steps if s.is_done] == ["opens", "closes"]


def test_after_publishing_every_step_is_done(world):
    published = now_utc()
    steps = timeline(world.hackathon, now_utc(), published)
    assert all(s.is_done for s in steps)
    assert steps[-1].key == "results" and steps[-1].at == published
