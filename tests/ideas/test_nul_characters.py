"""A NUL character posted from a page is dropped, not a 500 (PostgreSQL cannot store one in
text) and not a refusal that would lose the draft."""

from __future__ import annotations

from app.extensions import db
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from tests.ideas.conftest import sign_in


def test_a_draft_with_a_nul_character_is_kept_without_it(client, world):
    sign_in(client, world.member)
    response = client.post(f"/hackathons/{world.hackathon.slug}/ideas/new",
                           data={"team_id": world.team.id, "title": "Pus\x00gatava ideja",
                                 "summary": "Ielīmēts\x00 teksts", "action": "save"})
    assert response.status_code == 302
    idea = db.session.scalar(db.select(Idea))
    assert idea.status == IdeaStatus.DRAFT
    assert idea.title == "Pusgatava ideja" and idea.summary == "Ielīmēts teksts"


def test_a_coordinators_search_with_a_nul_character_is_answered(client, world):
    sign_in(client, world.coordinator)
    response = client.get(f"/hackathons/{world.hackathon.slug}/ideas",
                          query_string={"q": "ūdens\x00"})
    assert response.status_code == 200
    assert 'value="ūdens"' in response.get_data(as_text=True)
