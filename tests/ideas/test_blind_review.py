"""Blind review: a judge who may read an idea does not learn who wrote it.

Judging grants assigned judges read access through Idea.register_reader_rule; here
a stand-in rule makes one user such a reader, so the ideas pages are tested alone.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.ideas import operations as ops
from app.ideas.models import Idea
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in
from tests.ideas.test_attachments import PDF

# What names the team: its name, municipalities, members and the partners' text.
TEAM_NAMES = ("Dobeles komanda", "Dobeles novads", "Jelgava", "Jānis Bērziņš", "Anna Kalniņa",
              "Dobeles ūdens", "Dobeles_tame")


@pytest.fixture
def judge(world, make_user, monkeypatch):
    reader = make_user(name="Tiesnese Ilze", municipality="Rīga", locale="en")
    monkeypatch.setattr(Idea, "private_reader_rules",
                        [lambda idea, user: user.id == reader.id])
    return reader


@pytest.fixture
def idea(app, world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    with app.test_request_context("/"):
        ops.add_attachment(idea, "Dobeles_tame.pdf", PDF(), actor=world.member)
        db.session.commit()
    return idea


def _blind(world, on: bool) -> None:
    world.hackathon.blind_review = on
    db.session.commit()


def test_a_judge_of_a_blind_review_reads_the_idea_without_the_team(client, world, judge,
                                                                    idea, token_for):
    _blind(world, True)
    sign_in(client, judge)
    page = client.get(f"/ideas/{idea.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert idea.title in html and "Blind review" in html
    assert [name for name in TEAM_NAMES if name in html] == []
    files = client.get(f"/ideas/{idea.id}/attachments").get_data(as_text=True)
    assert "Attachment 1" in files and "Dobeles_tame" not in files
    download = client.get(f"/ideas/{idea.id}/attachments/{idea.attachments[0].id}")
    assert download.status_code == 200 and download.data == PDF()
    assert "Dobeles" not in download.headers["Content-Disposition"]
    # Who saved what would name the members: the history is not the judge's.
    assert client.get(f"/ideas/{idea.id}/history").status_code == 404
    assert client.get(f"/ideas/{idea.id}/diff").status_code == 404

    headers = token_for(judge)
    body = client.get(f"/api/v1/ideas/{idea.id}", headers=headers).json
    assert body["title"] == idea.title and body["problem_html"]
    assert [name for name in TEAM_NAMES if name in str(body)] == []
    assert "team" not in body and "partners" not in body
    assert body["attachments"][0]["filename"].startswith("attachment-")
    assert client.get(f"/api/v1/ideas/{idea.id}/revisions",
                      headers=headers).status_code == 404


def test_without_blind_review_the_judge_sees_the_team(client, world, judge, idea):
    _blind(world, False)
    sign_in(client, judge)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Dobeles komanda" in html and "Dobeles_tame.pdf" in html
    assert client.get(f"/ideas/{idea.id}/history").status_code == 200


@pytest.mark.parametrize("who", ["member", "coordinator", "admin"])
def test_the_team_coordinators_and_admins_always_see_the_team(client, world, judge, idea,
                                                              who):
    _blind(world, True)
    sign_in(client, getattr(world, who))
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Dobeles komanda" in html and "Jānis Bērziņš" in html
    assert "Blind review" not in html
