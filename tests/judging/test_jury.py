"""The jury and the assignments: adding and removing judges, building, shortfalls, conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import now_utc
from app.core.errors import Invalid, NotAllowed, WrongState
from app.extensions import db
from app.judging import assigning, reminders
from app.judging.models import AssignmentRun, JuryMember
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


def reviews_of(hackathon):
    db.session.expire_all()
    return list(db.session.scalars(select(Review).where(Review.hackathon_id == hackathon.id)
                                   .order_by(Review.id)))


# --- the jury -------------------------------------------------------------------------------

def test_coordinator_adds_a_registered_judge_by_email_and_the_judge_is_told(client, outbox):
    w = judging_world(judges=0, ideas=0, phase="open")
    judge = make_user_in("Cēsu novads", name="Ilze Vītola")
    sign_in(client, w.coordinator)
    response = client.post(f"/hackathons/{w.hackathon.slug}/jury", data={"email": judge.email})
    assert response.status_code == 302
    page = client.get(f"/hackathons/{w.hackathon.slug}/jury").get_data(as_text=True)
    assert "Ilze Vītola" in page and "Cēsu novads" in page
    mails = outbox(judge.email)
    assert len(mails) == 1 and w.hackathon.title in mails[0].subject


def test_adding_an_unknown_or_duplicate_email_says_so_and_changes_nothing(client):
    w = judging_world(judges=1, ideas=0, phase="open")
    sign_in(client, w.coordinator)
    response = client.post(f"/hackathons/{w.hackathon.slug}/jury",
                           data={"email": "nav.registrets@example.lv"})
    assert response.status_code == 422
    assert "No registered user has this e-mail address" in response.get_data(as_text=True)
    response = client.post(f"/hackathons/{w.hackathon.slug}/jury",
                           data={"email": w.judges[0].email.upper()})
    assert response.status_code == 422
    assert "already on the jury" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(JuryMember.id))) == 1


def test_judges_are_removed_before_judging_but_not_after(client):
    w = judging_world(judges=2, ideas=0, phase="open",
                      closes_at=now_utc() + timedelta(days=3))
    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == w.judges[0].id))
    sign_in(client, w.coordinator)
    assert client.post(f"/hackathons/{w.hackathon.slug}/jury/{member.id}/remove"
                       ).status_code == 302
    assert db.session.scalar(select(func.count(JuryMember.id))) == 1

    judging = judging_world(judges=1, ideas=0)
    member = db.session.scalar(select(JuryMember).where(
        JuryMember.user_id == judging.judges[0].id))
    with pytest.raises(WrongState):
        assigning.remove_judge(member, actor=judging.coordinator)


def test_removing_a_judge_before_judging_drops_their_unstarted_reviews():
    w = judging_world(judges=3, ideas=2, phase="open", closes_at=now_utc() + timedelta(days=3))
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == w.judges[0].id))
    assigning.remove_judge(member, actor=w.coordinator)
    db.session.commit()
    assert all(r.judge_id != w.judges[0].id for r in reviews_of(w.hackathon))


def test_only_the_hackathons_coordinators_manage_its_jury(client):
    w = judging_world(judges=0, ideas=0, phase="open")
    outsider = make_user_in(None, role="coordinator", region="kurzeme")
    with pytest.raises(NotAllowed):
        assigning.add_judge(w.hackathon, outsider.email, actor=outsider)
    sign_in(client, outsider)
    assert client.get(f"/hackathons/{w.hackathon.slug}/jury").status_code == 403


# --- building the assignments ---------------------------------------------------------------

def test_each_idea_gets_its_judges_and_loads_differ_by_at_most_one():
    w = judging_world(judges=4, ideas=5, reviews_per_idea=3)
    result = assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert len(result.created) == 15 and result.shortfalls == []
    reviews = reviews_of(w.hackathon)
    per_idea = {i.id: sum(r.idea_id == i.id for r in reviews) for i in w.ideas}
    assert set(per_idea.values()) == {3}
    loads = [sum(r.judge_id == j.id for r in reviews) for j in w.judges]
    assert max(loads) - min(loads) <= 1


def test_a_judge_never_gets_an_idea_from_their_own_municipality():
    w = judging_world(judges=3, ideas=0, reviews_per_idea=2)
    dobele_judge = make_judge(w.hackathon, "Dobeles novads")
    jelgava_judge = make_judge(w.hackathon, "Jelgava")
    dobele_idea = make_team_idea(w.hackathon, municipality="Dobeles novads")
    partner_idea = make_team_idea(w.hackathon, municipality="Tukuma novads",
                                  partners=("Jelgava",))
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    pairs = {(r.idea_id, r.judge_id) for r in reviews_of(w.hackathon)}
    assert (dobele_idea.id, dobele_judge.id) not in pairs
    assert (partner_idea.id, jelgava_judge.id) not in pairs


def test_building_again_only_adds_what_is_missing():
    w = judging_world(judges=3, ideas=2, reviews_per_idea=2)
    first = assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    before = {(r.id, r.idea_id, r.judge_id) for r in reviews_of(w.hackathon)}
    again = assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert len(first.created) == 4 and again.created == []
    newcomer = make_team_idea(w.hackathon)
    third = assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    after = {(r.id, r.idea_id, r.judge_id) for r in reviews_of(w.hackathon)}
    assert before < after  # nothing moved, nothing removed
    assert {r.idea_id for r in third.created} == {newcomer.id} and len(third.created) == 2


def test_assigning_with_no_judges_gives_a_clear_shortfall_for_every_idea(client):
    w = judging_world(judges=0, ideas=2)
    result = assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    assert result.created == []
    assert [(s["idea_id"], s["missing"], s["reason"]) for s in result.shortfalls] == [
        (w.ideas[0].id, 3, "no_judges"), (w.ideas[1].id, 3, "no_judges")]
    sign_in(client, w.coordinator)
    page = client.get(f"/hackathons/{w.hackathon.slug}/judging").get_data(as_text=True)
    assert f"“{w.ideas[0].title}” lacks 3 judges: the jury is empty" in page


def test_a_shortfall_names_the_municipality_that_blocks_the_judges(client):
    w = judging_world(judges=0, ideas=0, reviews_per_idea=2)
    make_judge(w.hackathon, "Valmieras novads")
    make_judge(w.hackathon, "Dobeles novads")
    idea = make_team_idea(w.hackathon, municipality="Dobeles novads", title="Droša skola")
    sign_in(client, w.coordinator)
    response = client.post(f"/hackathons/{w.hackathon.slug}/assignments", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "1 review assigned." in page
    assert "“Droša skola” lacks 1 judge: every other judge is from Dobeles novads" in page
    assert [r.idea_id for r in reviews_of(w.hackathon)] == [idea.id]


def test_assignments_are_built_automatically_once_judging_has_started(client, outbox):
    # The deadline passed without anybody pressing a button: the judge's list builds them.
    w = judging_world(judges=3, ideas=2, phase="open",
                      closes_at=now_utc() - timedelta(hours=1))
    sign_in(client, w.judges[0])
    page = client.get("/reviews").get_data(as_text=True)
    assert "0 of 2 done" in page
    assert len(reviews_of(w.hackathon)) == 6
    runs = db.session.scalars(select(AssignmentRun)).all()
    assert [r.trigger for r in runs] == ["judging_started"]
    assert any("ideas to review" in m.subject for m in outbox(w.judges[1].email))
    client.get("/reviews")
    assert db.session.scalar(select(func.count(AssignmentRun.id))) == 1  # only once


def test_the_hourly_job_builds_assignments_and_reminds(outbox):
    w = judging_world(judges=3, ideas=1, phase="open",
                      closes_at=now_utc() - timedelta(hours=1))
    queued = reminders.send_judging_reminders(now=now_utc())
    db.session.commit()
    assert queued >= 3 and len(reviews_of(w.hackathon)) == 3


def test_assignments_cannot_be_built_after_judging():
    w = judging_world(judges=3, ideas=1, phase="results")
    with pytest.raises(WrongState):
        assigning.build_assignments(w.hackathon, actor=w.coordinator)


# --- conflicts of interest --------------------------------------------------------------------

def test_a_declared_conflict_is_kept_and_the_idea_goes_to_another_judge(client):
    w = judging_world(judges=4, ideas=1, reviews_per_idea=3)
    assigning.build_assignments(w.hackathon, actor=w.coordinator)
    db.session.commit()
    review = reviews_of(w.hackathon)[0]
    judge = next(j for j in w.judges if j.id == review.judge_id)
    sign_in(client, judge)
    response = client.post(f"/reviews/{review.id}/conflict",
                           data={"reason": "Konsultēju šo komandu."})
    assert response.status_code == 302
    reviews = reviews_of(w.hackathon)
    assert [r.status for r in reviews if r.id == review.id] == [ReviewStatus.CONFLICT]
    counting = [r for r in reviews if r.status != ReviewStatus.CONFLICT]
    assert len(counting) == 3 and judge.id not in {r.judge_id for r in counting}
    from app.judging.models import ConflictDeclaration

    declaration = db.session.scalar(select(ConflictDeclaration))
    assert declaration.reason == "Konsultēju šo komandu." and declaration.judge_id == judge.id
    # Building again never gives the idea back to that judge.
    assert assigning.build_assignments(w.hackathon, actor=w.coordinator).created == []


def test_a_conflict_needs_a_reason_and_cannot_follow_a_submitted_review(client):
    w = judging_world(judges=3, ideas=1)
    review = make_review(w.ideas[0], w.judges[0], status="submitted", scores={0: 5, 1: 5})
    pending = make_review(make_team_idea(w.hackathon), w.judges[0])
    with pytest.raises(Invalid) as error:
        assigning.declare_conflict(pending, "   ", actor=w.judges[0])
    assert "reason" in error.value.errors
    with pytest.raises(WrongState):
        assigning.declare_conflict(review, "Par vēlu.", actor=w.judges[0])
