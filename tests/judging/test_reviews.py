"""Scoring: a judge's list, the scoring form, saving, submitting, staleness and lost sessions."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.clock import now_utc
from app.extensions import db
from app.judging.models_reviews import Review, ReviewStatus
from tests.factories_judging import (
    judging_world,
    make_review,
    make_team_idea,
    sign_in,
)


@pytest.fixture
def scene(db):
    """A judging hackathon with criteria "Impact" (weight 2, max 10) and "Feasibility"
    (weight 1, max 5), and one judge with two pending reviews."""
    w = judging_world(judges=2, ideas=2, criteria=2, blind_review=False)
    impact, feasibility = w.hackathon.criteria
    impact.weight, impact.max_score = Decimal("2"), 10
    feasibility.weight, feasibility.max_score = Decimal("1"), 5
    db.session.commit()
    w.impact, w.feasibility = impact, feasibility
    w.judge = w.judges[0]
    w.review = make_review(w.ideas[0], w.judge)
    w.second = make_review(w.ideas[1], w.judge)
    return w


def form(w, impact="", feasibility="", *, action="save", comment="", version=None, **extra):
    data = {f"score_{w.impact.id}": impact, f"score_{w.feasibility.id}": feasibility,
            f"comment_{w.impact.id}": extra.pop("impact_comment", ""),
            f"comment_{w.feasibility.id}": "", "comment": comment, "action": action}
    if version is not None:
        data["version"] = str(version)
    data.update(extra)
    return data


def stored(review_id) -> Review:
    db.session.expire_all()
    return db.session.get(Review, review_id)


def test_my_reviews_shows_progress_and_the_ideas(client, scene):
    make_review(make_team_idea(scene.hackathon), scene.judge, status="submitted",
                scores={0: 5, 1: 3})
    sign_in(client, scene.judge)
    page = client.get("/reviews").get_data(as_text=True)
    assert "1 of 3 done" in page
    assert scene.ideas[0].title in page and "Komanda" in page
    assert 'href="/en/reviews"' in client.get("/").get_data(as_text=True)  # “My reviews” in nav


def test_a_draft_saves_incomplete_and_as_often_as_the_judge_likes(client, scene):
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert 'step="0.5"' in page and 'max="10"' in page and 'max="5"' in page
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "7.5", "", impact_comment="Liela ietekme.",
                                     version=1))
    assert response.status_code == 302
    review = stored(scene.review.id)
    assert review.status == ReviewStatus.PENDING and review.version == 2
    assert review.score_for(scene.impact.id).score == Decimal("7.5")
    assert review.score_for(scene.impact.id).comment == "Liela ietekme."
    assert review.score_for(scene.feasibility.id) is None
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "8", "3", version=2))
    assert response.status_code == 302 and stored(scene.review.id).version == 3


def test_submitting_computes_the_review_score_and_is_final(client, scene):
    sign_in(client, scene.judge)
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "7", "4", action="submit", comment="Laba ideja."))
    assert response.status_code == 302
    review = stored(scene.review.id)
    # 100 × (2 × 7/10 + 1 × 4/5) ÷ 3 = 73.33
    assert review.status == ReviewStatus.SUBMITTED and review.score == Decimal("73.33")
    assert review.comment == "Laba ideja." and review.submitted_at is not None
    again = client.post(f"/reviews/{scene.review.id}", data=form(scene, "1", "1"))
    assert again.status_code == 409
    assert "submitted and final" in again.get_data(as_text=True)
    assert stored(scene.review.id).score == Decimal("73.33")


def test_submit_lists_every_missing_criterion_at_once_and_changes_nothing(client, scene):
    sign_in(client, scene.judge)
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "", "", action="submit", comment="Nepabeigts"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("before submitting") == 4  # two criteria, in the summary and inline
    assert "Nepabeigts" in page  # what was typed is shown back
    review = stored(scene.review.id)
    assert review.status == ReviewStatus.PENDING and review.comment == "" and review.version == 1


@pytest.mark.parametrize("impact, message", [
    ("11", "The maximum for this criterion is 10."),
    ("-1", "A score cannot be negative"),
    ("7.25", "Use whole or half points"),
    ("septiņi", "Enter a number from 0 to 10"),
    ("NaN", "Enter a number from 0 to 10"),
])
def test_bad_scores_are_refused_with_a_clear_message(client, scene, impact, message):
    sign_in(client, scene.judge)
    response = client.post(f"/reviews/{scene.review.id}", data=form(scene, impact, "3"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'value="{impact}"' in page
    assert stored(scene.review.id).scores == []


def test_a_decimal_comma_is_understood(client, scene):
    sign_in(client, scene.judge)
    client.post(f"/reviews/{scene.review.id}", data=form(scene, "6,5", "2"))
    assert stored(scene.review.id).score_for(scene.impact.id).score == Decimal("6.5")


def test_a_judge_writing_someone_elses_review_gets_404(client, scene):
    other = scene.judges[1]
    sign_in(client, other)
    assert client.get(f"/reviews/{scene.review.id}").status_code == 404
    assert client.post(f"/reviews/{scene.review.id}", data=form(scene, "5", "5")
                       ).status_code == 404
    assert client.post(f"/reviews/{scene.review.id}/conflict",
                       data={"reason": "x"}).status_code == 404
    assert stored(scene.review.id).scores == []


def test_scoring_a_conflicted_idea_is_refused_with_409(client, scene):
    conflicted = make_review(make_team_idea(scene.hackathon), scene.judge, status="conflict")
    sign_in(client, scene.judge)
    response = client.post(f"/reviews/{conflicted.id}", data=form(scene, "5", "5"))
    assert response.status_code == 409
    assert "conflict of interest" in response.get_data(as_text=True)


def test_scoring_waits_for_the_deadline(client, scene):
    scene.hackathon.phase = "open"
    scene.hackathon.submission_closes_at = now_utc() + timedelta(days=2)
    db.session.commit()
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "Scoring starts when the submission deadline has passed" in page
    response = client.post(f"/reviews/{scene.review.id}", data=form(scene, "5", "5"))
    assert response.status_code == 409 and stored(scene.review.id).scores == []


def test_two_tabs_a_stale_save_shows_both_versions_and_loses_nothing(client, scene):
    sign_in(client, scene.judge)
    client.post(f"/reviews/{scene.review.id}",
                data=form(scene, "9", "", impact_comment="Otrā cilnē", version=1))
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "4", "2", impact_comment="Pirmajā cilnē",
                                     version=1))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Otrā cilnē" in page and "Pirmajā cilnē" in page  # both shown
    assert 'name="version" type="hidden" value="2"' in page  # saving again goes through
    assert stored(scene.review.id).score_for(scene.impact.id).score == Decimal("9")
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "4", "2", impact_comment="Apvienots", version=2))
    assert response.status_code == 302
    assert stored(scene.review.id).score_for(scene.impact.id).comment == "Apvienots"


def test_a_form_posted_after_the_session_ended_is_kept_and_filled_in_after_sign_in(
        client, scene):
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    from app.accounts.models import UserSession

    db.session.execute(UserSession.__table__.delete())  # the server ended the session
    db.session.commit()
    data = form(scene, "6.5", "4", comment="Ilgi rakstīts komentārs", version=1)
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post(f"/reviews/{scene.review.id}", data=data)
    assert response.status_code == 302 and "/login" in response.location
    assert stored(scene.review.id).scores == []
    next_url = response.location.split("next=")[1]
    from urllib.parse import unquote

    sign_in(client, scene.judge)
    page = client.get(unquote(next_url)).get_data(as_text=True)
    assert "Ilgi rakstīts komentārs" in page and 'value="6.5"' in page
    assert "were kept" in page
    # Somebody else who opens the link sees nothing of it.
    sign_in(client, scene.judges[1])
    assert client.get(unquote(next_url)).status_code == 404


def test_an_expired_form_keeps_the_text(client, scene, csrf_enabled):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": scene.judge.email,
                                "password": "a long and quiet evening", "csrf_token": token})
    response = client.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "3", "2", comment="Nezaudēts teksts",
                                     csrf_token="expired"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nezaudēts teksts" in page and 'value="3"' in page
    assert stored(scene.review.id).scores == []


def test_blind_review_hides_team_and_municipality(client, scene):
    scene.hackathon.blind_review = True
    db.session.commit()
    sign_in(client, scene.judge)
    for path in ("/reviews", f"/reviews/{scene.review.id}"):
        page = client.get(path).get_data(as_text=True)
        assert scene.ideas[0].title in page
        assert "Komanda" not in page and "Dobeles novads" not in page
        assert "Komandas vadītājs" not in page


def test_a_judge_never_sees_other_judges_scores(client, scene):
    make_review(scene.ideas[0], scene.judges[1], status="submitted", scores={0: 2, 1: 1},
                comment="Cita vērtētāja slepenais komentārs")
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "slepenais komentārs" not in page and "Komentārs 1" not in page


def test_a_coordinator_reopens_a_submitted_review_and_it_is_on_record(client, scene, outbox):
    sign_in(client, scene.judge)
    client.post(f"/reviews/{scene.review.id}", data=form(scene, "7", "4", action="submit"))
    sign_in(client, scene.coordinator)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "Reopen" in page and "73.33" in page
    response = client.post(f"/reviews/{scene.review.id}/reopen",
                           data={"reason": "Pārbaudiet otro kritēriju."})
    assert response.status_code == 302
    review = stored(scene.review.id)
    assert review.status == ReviewStatus.PENDING and review.score is None
    assert "Pārbaudiet otro kritēriju." in outbox(scene.judge.email)[-1].body
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "review").order_by(AuditEntry.id))]
    assert actions == ["review.scores", "review.status", "review.status"]
    audit = client.get(f"/hackathons/{scene.hackathon.slug}/judging/audit"
                       ).get_data(as_text=True)
    assert "review.scores" in audit and "Pārbaudiet otro kritēriju." in audit


def test_a_judge_cannot_reopen_and_nobody_reopens_a_pending_review(client, scene):
    sign_in(client, scene.judge)
    assert client.post(f"/reviews/{scene.review.id}/reopen").status_code == 403
    sign_in(client, scene.coordinator)
    client.post(f"/reviews/{scene.review.id}/reopen", follow_redirects=False)
    assert stored(scene.review.id).status == ReviewStatus.PENDING


def test_text_planted_by_another_browser_never_reaches_the_judge(app, client, scene):
    """Anyone may post to a review's address while signed out; what they post stays in
    their own browser and is never offered to the judge."""
    planter = app.test_client()
    planted = planter.post(f"/reviews/{scene.review.id}",
                           data=form(scene, "10", "5", comment="Iestādīts teksts", version=1))
    made_up = planter.post("/reviews/987654", data=form(scene, "1", "1", comment="x"))
    # A real and a made-up review answer alike.
    assert planted.status_code == made_up.status_code == 302
    assert "/login" in planted.location and "/login" in made_up.location
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "Iestādīts teksts" not in page and "were kept" not in page
    # The sign-in link the planter was given, sent to the judge, fills nothing in either.
    from urllib.parse import unquote

    page = client.get(unquote(planted.location.split("next=")[1])).get_data(as_text=True)
    assert "Iestādīts teksts" not in page


def test_the_judges_own_kept_text_is_offered_once_and_deleted_when_saved(client, scene):
    from app.accounts.models import UserSession
    from app.judging.models_reviews import KeptReview

    sign_in(client, scene.judge)
    db.session.execute(UserSession.__table__.delete())  # the session ended meanwhile
    db.session.commit()
    client.post(f"/reviews/{scene.review.id}",
                data=form(scene, "6", "4", comment="Mans saglabātais teksts", version=1))
    sign_in(client, scene.judge)
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "Mans saglabātais teksts" in page
    saved = client.post(f"/reviews/{scene.review.id}",
                        data=form(scene, "6", "4", comment="Mans saglabātais teksts",
                                  version=1))
    assert saved.status_code == 302
    assert db.session.scalar(db.select(db.func.count(KeptReview.id))) == 0
    page = client.get(f"/reviews/{scene.review.id}").get_data(as_text=True)
    assert "were kept" not in page
