"""Winners and results: choosing, justification, publishing, e-mails, freezing, public pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.errors import Invalid, WrongState
from app.extensions import db
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import assigning, deciding
from app.judging.models_results import WinnerDecision
from tests.conftest import read_in_english
from tests.factories_judging import judging_world, make_review, make_team_idea, sign_in


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def results(db):
    """A hackathon in results: ideas ranked first, second and third, one withdrawn."""
    w = judging_world(judges=2, ideas=3, reviews_per_idea=2, criteria=2, phase="results")
    a, b = w.judges
    w.first, w.second, w.third = w.ideas
    for idea, points in ((w.first, 9), (w.second, 6), (w.third, 3)):
        make_review(idea, a, status="submitted", scores={0: points, 1: points},
                    comment=f"Vērtētāja A par {idea.title}")
        make_review(idea, b, status="submitted", scores={0: points, 1: points - 1})
    w.withdrawn = make_team_idea(w.hackathon, status="withdrawn")
    return w


def status_of(idea) -> IdeaStatus:
    db.session.expire_all()
    return db.session.get(Idea, idea.id).status


def test_publishing_the_top_of_the_ranking_decides_every_idea_and_mails_every_team(
        client, results, outbox):
    sign_in(client, results.coordinator)
    response = client.post(f"/hackathons/{results.hackathon.slug}/winners",
                           data={"idea_ids": [str(results.first.id)]})
    assert response.status_code == 302
    assert status_of(results.first) == IdeaStatus.WINNER
    assert status_of(results.second) == status_of(results.third) == IdeaStatus.NOT_SELECTED
    assert status_of(results.withdrawn) == IdeaStatus.WITHDRAWN
    lead = results.first.team.lead.user
    mail = next(m for m in outbox(lead.email) if "Results" in m.subject)
    assert "winners" in mail.body and "Judge 1" in mail.body and "Judge 2" in mail.body
    assert f"Vērtētāja A par {results.first.title}" in mail.body
    assert f"Vērtētāja A par {results.second.title}" not in mail.body  # only its own
    for judge in results.judges:
        assert judge.name not in mail.body
    other = next(m for m in outbox(results.third.team.lead.user.email) if "Results" in m.subject)
    assert "not selected" in other.body
    # Everyone may now see the results and the ranking.
    sign_in(client, None)
    page = client.get(f"/hackathons/{results.hackathon.slug}/results").get_data(as_text=True)
    assert results.first.title in page and results.third.title in page
    ranking = client.get(f"/api/v1/hackathons/{results.hackathon.id}/ranking").get_json()
    assert [r["idea_id"] for r in ranking] == [results.first.id, results.second.id,
                                               results.third.id]
    winners = client.get("/api/v1/winners").get_json()
    assert [w["idea_id"] for w in winners["items"]] == [results.first.id]
    # Its place and score are those of the ranking published with the decision.
    assert (winners["items"][0]["rank"], winners["items"][0]["score"]) == \
        (1, ranking[0]["score"])
    assert winners["items"][0]["municipality"] == results.first.team.municipality.name


def test_choosing_other_than_the_top_needs_a_published_justification(client, results):
    sign_in(client, results.coordinator)
    response = client.post(f"/hackathons/{results.hackathon.slug}/winners",
                           data={"idea_ids": [str(results.second.id)]})
    assert response.status_code == 422
    assert "not the top of the ranking" in response.get_data(as_text=True)
    assert status_of(results.second) == IdeaStatus.SUBMITTED
    assert db.session.scalar(select(WinnerDecision)) is None
    response = client.post(f"/hackathons/{results.hackathon.slug}/winners",
                           data={"idea_ids": [str(results.second.id)],
                                 "justification": "Otrā ideja ir vieglāk pārņemama."})
    assert response.status_code == 302
    page = client.get(f"/hackathons/{results.hackathon.slug}/results").get_data(as_text=True)
    assert "Otrā ideja ir vieglāk pārņemama." in page
    assert db.session.scalar(select(WinnerDecision)).departs_from_ranking


def test_tied_ideas_may_be_chosen_either_way_without_justification(results):
    twin = make_team_idea(results.hackathon)
    make_review(twin, results.judges[0], status="submitted", scores={0: 9, 1: 9})
    make_review(twin, results.judges[1], status="submitted", scores={0: 9, 1: 8})
    decision = deciding.publish_results(results.hackathon, {"idea_ids": [twin.id]},
                                   actor=results.coordinator)
    assert not decision.departs_from_ranking
    assert [r["rank"] for r in decision.ranking[:2]] == [1, 1]


def test_publishing_twice_is_409_and_changes_nothing(client, results):
    deciding.publish_results(results.hackathon, {"idea_ids": [results.first.id]},
                        actor=results.coordinator)
    db.session.commit()
    with pytest.raises(WrongState):
        deciding.publish_results(results.hackathon, {"idea_ids": [results.second.id],
                                                "justification": "x"},
                            actor=results.coordinator)
    db.session.rollback()
    assert status_of(results.second) == IdeaStatus.NOT_SELECTED
    sign_in(client, results.coordinator)
    page = client.get(f"/hackathons/{results.hackathon.slug}/winners")
    assert page.status_code == 302  # to the published results


@pytest.mark.parametrize("which", ["withdrawn", "ineligible", "draft", "elsewhere"])
def test_choosing_an_idea_that_cannot_win_is_422(results, which):
    if which == "withdrawn":
        idea = results.withdrawn
    elif which == "elsewhere":
        other = judging_world(judges=0, ideas=1, phase="results")
        idea = other.ideas[0]
    else:
        idea = make_team_idea(results.hackathon, status=which)
    with pytest.raises(Invalid) as error:
        deciding.publish_results(results.hackathon, {"idea_ids": [idea.id, results.first.id]},
                            actor=results.coordinator)
    assert "idea_ids" in error.value.errors
    db.session.rollback()
    assert status_of(results.first) == IdeaStatus.SUBMITTED


def test_winners_are_chosen_only_in_results(results):
    results.hackathon.phase = "judging"
    db.session.commit()
    with pytest.raises(WrongState):
        deciding.publish_results(results.hackathon, {"idea_ids": [results.first.id]},
                            actor=results.coordinator)


def test_no_winner_chosen_is_a_clear_message(client, results):
    sign_in(client, results.coordinator)
    response = client.post(f"/hackathons/{results.hackathon.slug}/winners", data={})
    assert response.status_code == 422
    assert "Choose at least one winning idea." in response.get_data(as_text=True)


def test_after_publishing_scores_and_decisions_are_frozen(client, results):
    pending = make_review(make_team_idea(results.hackathon), results.judges[0])
    submitted = results.first  # noqa: F841
    deciding.publish_results(results.hackathon, {"idea_ids": [results.first.id]},
                        actor=results.coordinator)
    db.session.commit()
    results.hackathon.phase = "judging"  # even if the phase were wrongly moved back
    db.session.commit()
    with pytest.raises(WrongState):
        assigning.build_assignments(results.hackathon, actor=results.coordinator)
    db.session.rollback()
    sign_in(client, results.judges[0])
    response = client.post(f"/reviews/{pending.id}", data={"comment": "vēlāk"})
    assert response.status_code == 409


def test_publishing_is_on_the_audit_trail(client, results):
    deciding.publish_results(results.hackathon, {"idea_ids": [results.first.id]},
                        actor=results.coordinator)
    db.session.commit()
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "results.publish" in actions and actions.count("idea.decision") == 3
    sign_in(client, results.coordinator)
    page = client.get(f"/hackathons/{results.hackathon.slug}/judging/audit"
                      ).get_data(as_text=True)
    assert "results.publish" in page and "idea.decision" in page


def test_results_are_not_public_before_publishing(client, results):
    read_in_english(client)
    page = client.get(f"/hackathons/{results.hackathon.slug}/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Results are being prepared" in html
    assert results.first.title not in html and "Normalised score" not in html
    assert client.get(f"/api/v1/hackathons/{results.hackathon.id}/ranking").status_code == 401
