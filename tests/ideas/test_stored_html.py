"""Markdown is rendered and sanitised once, when a text is saved; reading never runs it."""

from __future__ import annotations

import markdown
import pytest
from sqlalchemy import update

from app.core.sanitize import rerender_all
from app.extensions import db
from app.hackathons.models import Hackathon
from app.ideas.models import Idea
from tests.factories_hackathons import make_hackathon
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in

HOSTILE = "**Skaidri** <script>alert(1)</script> [saite](javascript:alert(2))"


def forbid_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, any Markdown rendering fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("Markdown was rendered on a read")

    monkeypatch.setattr(markdown, "markdown", refuse)


def test_saving_a_text_stores_its_sanitised_html(world):
    idea = make_idea(world.hackathon, world.team, status="submitted", problem=HOSTILE)
    assert "<strong>Skaidri</strong>" in idea.problem_html
    assert "<script" not in idea.problem_html and "javascript:" not in idea.problem_html
    idea.problem = "Jauns *teksts*"
    assert idea.problem_html == "<p>Jauns <em>teksts</em></p>"
    hackathon = make_hackathon(description=HOSTILE)
    assert "<strong>Skaidri</strong>" in hackathon.description_html
    assert "<script" not in hackathon.description_html


def test_pages_and_the_api_show_the_stored_html_without_rendering(client, world, monkeypatch):
    idea = make_idea(world.hackathon, world.team, status="submitted", problem=HOSTILE)
    db.session.commit()
    sign_in(client, world.member)
    forbid_markdown(monkeypatch)
    page = client.get(f"/ideas/{idea.id}")
    assert page.status_code == 200
    assert b"<strong>Skaidri</strong>" in page.data and b"<script>alert" not in page.data
    detail = client.get(f"/hackathons/{world.hackathon.slug}")
    assert detail.status_code == 200
    api = client.get(f"/api/v1/hackathons/{world.hackathon.id}")
    assert api.status_code == 200 and "description_html" in api.json


def test_rerendering_renews_every_stored_html(world):
    idea = make_idea(world.hackathon, world.team, problem="**vecs**")
    db.session.execute(update(Idea).values(problem_html="stale"))
    db.session.execute(update(Hackathon).values(description_html="stale"))
    db.session.commit()
    assert rerender_all() >= 2
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).problem_html == "<p><strong>vecs</strong></p>"
    assert db.session.scalar(db.select(Hackathon.description_html)) != "stale"
