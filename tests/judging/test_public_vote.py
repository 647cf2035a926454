"""The public vote: one per confirmed user per hackathon, changeable, hidden until results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.core.clock import now_utc
from app.extensions import db
from app.judging.models_results import PublicVote, WinnerDecision
from tests.factories_judging import judging_world, make_user_in, sign_in


def latvian(message: str) -> str:
    """The message as the Latvian catalog has it (what a signed-out visitor reads), escaped."""
    with force_locale("lv"):
        return str(escape(gettext(message)))


def test_a_confirmed_user_votes_once_and_can_change_the_vote(client):
    w = judging_world(judges=0, ideas=2, public_voting=True)
    first, second = w.ideas
    voter = make_user_in("Rēzekne")
    page = client.get(f"/hackathons/{w.hackathon.slug}/vote").get_data(as_text=True)
    assert first.title in page and latvian("Sign in to vote.") in page
    sign_in(client, voter)
    response = client.post(f"/hackathons/{w.hackathon.slug}/vote",
                           data={"idea_id": str(first.id)}, follow_redirects=True)
    # The voter reads English (their account's language).
    assert ("Thank you: your vote is counted. You can change it until the vote closes."
            in response.get_data(as_text=True))
    client.post(f"/hackathons/{w.hackathon.slug}/vote", data={"idea_id": str(second.id)})
    votes = db.session.scalars(select(PublicVote)).all()
    assert [(v.user_id, v.idea_id) for v in votes] == [(voter.id, second.id)]
    client.post(f"/hackathons/{w.hackathon.slug}/vote", data={"action": "withdraw"})
    assert db.session.scalars(select(PublicVote)).all() == []


def test_an_unconfirmed_user_cannot_vote(app):
    # Unconfirmed users cannot sign in to pages; an API token or a direct call is refused too.
    from app.core.errors import NotAllowed
    from app.judging.voting import cast_vote

    w = judging_world(judges=0, ideas=1, public_voting=True)
    with pytest.raises(NotAllowed):
        cast_vote(w.hackathon, w.ideas[0].id, actor=make_user_in("Rēzekne", confirmed=False))
    assert db.session.scalars(select(PublicVote)).all() == []


def test_the_vote_closes_with_judging_and_is_counted_only_in_the_results(client):
    w = judging_world(judges=0, ideas=2, public_voting=True,
                      judging_closes_at=now_utc() - timedelta(minutes=1))
    sign_in(client, make_user_in("Rēzekne"))
    response = client.post(f"/hackathons/{w.hackathon.slug}/vote",
                           data={"idea_id": str(w.ideas[0].id)})
    assert response.status_code == 409 and "not open" in response.get_data(as_text=True)
    db.session.add(PublicVote(hackathon_id=w.hackathon.id, user_id=make_user_in(None).id,
                              idea_id=w.ideas[1].id))
    db.session.commit()
    page = client.get(f"/hackathons/{w.hackathon.slug}/vote").get_data(as_text=True)
    assert "votes in all" not in page and "1 vote" not in page  # hidden until results
    from app.judging.queries import load_ranking

    w.hackathon.phase = "results"
    db.session.add(WinnerDecision(hackathon_id=w.hackathon.id, idea_ids=[w.ideas[0].id],
                                  ranking=load_ranking(w.hackathon).snapshot(),
                                  published_at=now_utc()))
    db.session.commit()
    page = client.get(f"/hackathons/{w.hackathon.slug}/results").get_data(as_text=True)
    assert "Public vote" in page and "1 vote in all." in page
    assert page.index("jury’s ranking") < page.index("Public vote")  # apart, after it


def test_hackathons_without_a_public_vote_have_no_vote_page(client):
    w = judging_world(judges=0, ideas=1, public_voting=False)
    sign_in(client, make_user_in("Rēzekne"))
    assert client.get(f"/hackathons/{w.hackathon.slug}/vote").status_code == 404
    assert client.post(f"/hackathons/{w.hackathon.slug}/vote",
                       data={"idea_id": str(w.ideas[0].id)}).status_code == 404
