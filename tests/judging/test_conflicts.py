"""Conflicts of interest by who people are: team members past and present, inviters and
invitees, authors and editors of the idea; and the jury page that shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.core.errors import Invalid
from app.extensions import db
from app.judging import assigning, conflicts, deciding, reviewing
from app.judging.models import JuryMember
from app.judging.models_reviews import Review, ReviewStatus
from tests.factories_judging import (
    judging_world,
    make_judge,
    make_review,
    make_team_idea,
    make_user_in,
    sign_in,
)


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context("/"):
        yield


def assigned_pairs(hackathon) -> set[tuple[int, int]]:
    db.session.expire_all()
    return {(r.idea_id, r.judge_id) for r in db.session.scalars(
        select(Review).where(Review.hackathon_id == hackathon.id))}


def world_with_room():
    """Two unrelated judges and an idea that wants three: every judge the rules allow gets it."""
    w = judging_world(judges=2, ideas=0, reviews_per_idea=3)
    w.idea = make_team_idea(w.hackathon)
    return w


# --- the rule, pure -----------------------------------------------------------------------

def test_the_rule_names_every_reason_and_none_for_a_stranger():
    ties = conflicts.Ties(members=frozenset({7}), invitations=frozenset({8}),
                          authors=frozenset({7, 9}))
    idea = conflicts.IdeaFacts(idea_id=1, municipality_ids=frozenset({100}), ties=ties)
    assert conflicts.reasons(conflicts.JudgeFacts(7, 200), idea) == (
        conflicts.TEAM_MEMBER, conflicts.AUTHOR)
    assert conflicts.reasons(conflicts.JudgeFacts(8, 100), idea) == (
        conflicts.SAME_MUNICIPALITY, conflicts.INVITATION)
    assert conflicts.reasons(conflicts.JudgeFacts(9, None), idea) == (conflicts.AUTHOR,)
    assert conflicts.reasons(conflicts.JudgeFacts(10, 200), idea) == ()
    assert conflicts.reasons(conflicts.JudgeFacts(10, 200), idea, declared=True) == (
        conflicts.DECLARED,)


# --- assignment ---------------------------------------------------------------------------

def test_a_judge_from_rigа_who_is_a_member_of_a_jelgava_team_never_gets_its_idea():
    w = world_with_room()
    member = make_judge(w.hackathon, "Rīga")
    w.idea.team.members.append(_member(member))
    db.session.commit()
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    pairs = assigned_pairs(w.hackathon)
    assert (w.idea.id, member.id) not in pairs
    assert {(w.idea.id, j.id) for j in w.judges} <= pairs


def test_a_judge_who_left_the_team_never_gets_its_idea():
    from app.teams.operations import leave_team

    w = world_with_room()
    former = make_judge(w.hackathon, "Rīga")
    w.idea.team.members.append(_member(former))
    db.session.commit()
    leave_team(w.idea.team, user=former)
    db.session.commit()
    assert not w.idea.team.is_member(former)
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (w.idea.id, former.id) not in assigned_pairs(w.hackathon)


def test_a_judge_removed_from_the_team_by_its_lead_never_gets_its_idea():
    from app.teams.operations import remove_member

    w = world_with_room()
    former = make_judge(w.hackathon, "Rīga")
    team = w.idea.team
    team.members.append(_member(former))
    db.session.commit()
    remove_member(team, former, actor=team.lead.user)
    db.session.commit()
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (w.idea.id, former.id) not in assigned_pairs(w.hackathon)


def test_a_judge_invited_to_the_team_never_gets_its_idea_even_without_joining():
    from tests.factories_teams import invite

    w = world_with_room()
    invited = make_judge(w.hackathon, "Rīga")
    invite(w.idea.team, invited.email.upper())
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (w.idea.id, invited.id) not in assigned_pairs(w.hackathon)


def test_a_judge_who_invited_someone_to_the_team_never_gets_its_idea():
    from app.teams.models import TeamInvitation

    w = world_with_room()
    inviter = make_judge(w.hackathon, "Rīga")
    db.session.add(TeamInvitation(team_id=w.idea.team_id, email="kads@example.lv",
                                  token_hash="x" * 64, invited_by_id=inviter.id,
                                  expires_at=now_utc() + timedelta(days=7)))
    db.session.commit()
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (w.idea.id, inviter.id) not in assigned_pairs(w.hackathon)


def test_a_judge_who_edited_a_revision_of_the_idea_never_gets_it():
    from app.ideas.models import IdeaRevision
    from app.ideas.operations import snapshot

    w = world_with_room()
    editor = make_judge(w.hackathon, "Rīga")
    db.session.add(IdeaRevision(idea_id=w.idea.id, number=2, saved_by_id=editor.id,
                                status=w.idea.status, data=snapshot(w.idea)))
    db.session.commit()
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (w.idea.id, editor.id) not in assigned_pairs(w.hackathon)


def test_a_conflict_by_person_does_not_keep_the_judge_from_other_ideas():
    w = world_with_room()
    member = make_judge(w.hackathon, "Rīga")
    w.idea.team.members.append(_member(member))
    db.session.commit()
    other = make_team_idea(w.hackathon, municipality="Tukuma novads")
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert (other.id, member.id) in assigned_pairs(w.hackathon)


def test_the_final_round_keeps_a_team_member_from_her_teams_idea():
    from app.hackathons.models import FINAL_ROUND

    w = judging_world(judges=2, ideas=0, reviews_per_idea=1)
    first, second = make_team_idea(w.hackathon), make_team_idea(w.hackathon)
    member = make_judge(w.hackathon, "Rīga")
    first.team.members.append(_member(member))
    db.session.commit()
    for idea, scores in ((first, {0: 9, 1: 9}), (second, {0: 5, 1: 5})):
        for judge in w.judges:
            make_review(idea, judge, status="submitted", scores=scores)
    deciding.start_final_round(w.hackathon, 1, actor=w.coordinator)
    db.session.commit()
    finals = {(r.idea_id, r.judge_id) for r in db.session.scalars(
        select(Review).where(Review.round == FINAL_ROUND))}
    assert (first.id, member.id) not in finals
    assert {(first.id, j.id) for j in w.judges} <= finals


# --- the jury page ------------------------------------------------------------------------

def test_adding_a_judge_who_is_on_a_competing_team_asks_for_a_recorded_reason(client):
    w = judging_world(judges=0, ideas=0, phase="open")
    idea = make_team_idea(w.hackathon, status="draft", title="Gudrā apgaismošana")
    member = make_user_in("Rīga", name="Anna Bērziņa")
    idea.team.members.append(_member(member))
    db.session.commit()
    sign_in(client, w.coordinator)
    url = f"/hackathons/{w.hackathon.slug}/jury"
    refused = client.post(url, data={"email": member.email})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Gudrā apgaismošana" in page and "conflict_reason" in page
    assert member.email in page  # what was typed is kept
    assert db.session.scalar(select(JuryMember).where(JuryMember.user_id == member.id)) is None

    accepted = client.post(url, data={"email": member.email,
                                      "conflict_reason": "Vienīgā eksperte apgaismošanā."})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(JuryMember).where(JuryMember.user_id == member.id))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "jury.add"))
    assert entry.after["conflict_reason"] == "Vienīgā eksperte apgaismošanā."
    assert entry.after["conflicts"] == [{"idea_id": idea.id, "reasons": ["team_member"]}]
    page = client.get(url).get_data(as_text=True)
    assert "Vienīgā eksperte apgaismošanā." in page and "Gudrā apgaismošana" in page


def test_the_operation_refuses_a_conflicted_judge_without_a_reason():
    w = judging_world(judges=0, ideas=0, phase="open")
    idea = make_team_idea(w.hackathon)
    with pytest.raises(Invalid) as refused:
        assigning.add_judge(w.hackathon, idea.team.lead.user.email, actor=w.coordinator)
    assert "conflict_reason" in refused.value.errors


def test_the_api_answers_422_for_a_conflicted_judge_without_a_reason(client, token_for):
    w = judging_world(judges=0, ideas=0, phase="open")
    idea = make_team_idea(w.hackathon)
    url = f"/api/v1/hackathons/{w.hackathon.id}/jury"
    headers = token_for(w.coordinator)
    email = idea.team.lead.user.email
    refused = client.post(url, json={"email": email}, headers=headers)
    assert refused.status_code == 422 and "conflict_reason" in refused.get_json()["errors"]
    added = client.post(url, json={"email": email, "conflict_reason": "Nav cita eksperta."},
                        headers=headers)
    assert added.status_code == 201


# --- blind review -------------------------------------------------------------------------

def test_a_judge_on_the_team_never_gets_her_own_review_back_as_judge_n(outbox):
    w = judging_world(judges=2, ideas=0, reviews_per_idea=3, phase="results")
    idea = make_team_idea(w.hackathon)
    insider = make_judge(w.hackathon, "Rīga")
    idea.team.members.append(_member(insider))
    db.session.commit()
    make_review(idea, insider, status="submitted", scores={0: 10, 1: 10},
                comment="Mana pašas ideja")
    for judge in w.judges:
        make_review(idea, judge, status="submitted", scores={0: 5, 1: 5}, comment="Labi")
    deciding.publish_results(w.hackathon, {"idea_ids": [idea.id], "justification": ""},
                        actor=w.coordinator)
    db.session.commit()
    mail = outbox(insider.email)[0].body
    assert "Mana pašas ideja" not in mail
    assert "Judge 1" in mail and "Judge 2" in mail and "Judge 3" not in mail
    # A review by a member of the idea's own team does not count at all: publishing put its
    # exclusion on record, so the rest of the team does not read it either.
    others = outbox(idea.team.lead.user.email)[0].body
    assert "Judge 1" in others and "Judge 2" in others
    assert "Mana pašas ideja" not in others and "Judge 3" not in others


def _member(user):
    from app.teams.models import TeamMember

    return TeamMember(user_id=user.id, user=user, is_lead=False)


def test_a_judge_who_joins_the_team_after_assignment_loses_the_idea_to_another_judge():
    from app.core.errors import WrongState

    w = judging_world(judges=3, ideas=0, reviews_per_idea=2)
    idea = make_team_idea(w.hackathon)
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    review = db.session.scalar(select(Review).where(Review.idea_id == idea.id)
                               .order_by(Review.id))
    joiner = review.judge
    idea.team.members.append(_member(joiner))
    db.session.commit()
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    counting = {j for (i, j) in assigned_pairs(w.hackathon) if i == idea.id} - {joiner.id}
    assert len(counting) == 2  # two judges without ties, as the idea needs
    c1, c2 = w.hackathon.criteria
    with pytest.raises(WrongState):
        reviewing.save_review(review, {"scores": {str(c1.id): 5, str(c2.id): 5}, "submit": True},
                        actor=joiner)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == ReviewStatus.PENDING
