"""A final round on its own criteria: set them, open the scoring (they freeze), score the
finalists on them, and rank, export, mail and publish by them; the first round stays as it was.
"""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.core.errors import Invalid, NotAllowed, WrongState
from app.extensions import db
from app.hackathons import operations as hackathon_ops
from app.hackathons.models import FINAL_ROUND, Criterion
from app.judging import deciding, reviewing
from app.judging.models_results import FinalRound
from app.judging.models_reviews import Review
from app.judging.queries import final_ranking, load_ranking
from tests.factories_judging import (
    bulk_judged_hackathon,
    judging_world,
    make_review,
    make_user_in,
    sign_in,
)

PITCH = {"name": "Prezentācija", "description": "Cik pārliecinoši komanda izklāsta ideju.",
         "weight": "3", "max_score": "5", "high_description": "Skaidri un īsi."}
TEAM = {"name": "Komandas spēja īstenot", "weight": "1", "max_score": "10"}


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def own(ranked):
    """A and B in a final round on its own criteria (Prezentācija ×3 of 5, Komanda ×1 of 10),
    its scoring not yet open."""
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator, criteria="own")
    ranked.pitch = hackathon_ops.add_criterion(ranked.hackathon, PITCH | {"round": 2},
                                               actor=ranked.coordinator)
    ranked.team = hackathon_ops.add_criterion(ranked.hackathon, TEAM | {"round": 2},
                                              actor=ranked.coordinator)
    db.session.commit()
    return ranked


def final_reviews(hackathon) -> list[Review]:
    db.session.expire_all()
    return list(db.session.scalars(select(Review).where(
        Review.hackathon_id == hackathon.id, Review.round == FINAL_ROUND).order_by(Review.id)))


def opened(w):
    deciding.open_final_scoring(w.hackathon, actor=w.coordinator)
    db.session.commit()
    return final_reviews(w.hackathon)


def message(text: str, **values) -> str:
    return gettext(text, **values)


# --- the service rules --------------------------------------------------------------------------

def test_nobody_scores_a_final_round_on_own_criteria_until_its_scoring_opens(own, outbox):
    final = db.session.scalar(select(FinalRound))
    assert final.own_criteria and not final.scoring_open
    assert final_reviews(own.hackathon) == []
    assert not [m for m in outbox(own.judges[0].email) if "to review" in m.subject]
    reviews = opened(own)
    assert {(r.idea_id, r.judge_id) for r in reviews} == {
        (i.id, j.id) for i in own.ideas[:2] for j in own.judges}
    assert any("2 ideas to review" in m.subject for m in outbox(own.judges[0].email))
    assert [c.name for c in reviews[0].criteria] == [PITCH["name"], TEAM["name"]]


def test_the_scoring_cannot_open_without_a_final_criterion_nor_twice(ranked):
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator, criteria="own")
    with pytest.raises(WrongState) as empty:
        deciding.open_final_scoring(ranked.hackathon, actor=ranked.coordinator)
    assert str(empty.value.detail) == message(
        "Add at least one criterion for the final round first.")
    hackathon_ops.add_criterion(ranked.hackathon, PITCH | {"round": 2}, actor=ranked.coordinator)
    opened(ranked)
    with pytest.raises(WrongState) as twice:
        deciding.open_final_scoring(ranked.hackathon, actor=ranked.coordinator)
    assert str(twice.value.detail) == message("The final round’s scoring is already open.")


def test_a_final_review_is_scored_on_the_final_rounds_own_criteria(own):
    review = opened(own)[0]
    judge = next(j for j in own.judges if j.id == review.judge_id)
    impact = own.hackathon.criteria[0]
    with pytest.raises(Invalid) as wrong:  # a first-round criterion is not this round's
        reviewing.save_review(review, {"scores": {impact.id: 8}}, actor=judge)
    assert wrong.value.errors == {f"scores.{impact.id}": [
        message("This is not a criterion of the hackathon.")]}
    with pytest.raises(Invalid) as too_high:  # the final criterion's own maximum: 5
        reviewing.save_review(review, {"scores": {own.pitch.id: 6}}, actor=judge)
    assert too_high.value.errors == {f"scores.{own.pitch.id}": [
        message("The maximum for this criterion is %(max)d.", max=5)]}
    reviewing.save_review(review, {"scores": {own.pitch.id: 4, own.team.id: 6}, "submit": True},
                    actor=judge)
    # 100 × (3 × 4/5 + 1 × 6/10) ÷ (3 + 1) = 100 × 3.0 ÷ 4
    assert float(review.score) == 75.0
    assert {s.criterion_id for s in review.scores} == {own.pitch.id, own.team.id}


def test_submitting_refuses_a_missing_final_round_criterion(own):
    review = opened(own)[0]
    judge = next(j for j in own.judges if j.id == review.judge_id)
    with pytest.raises(Invalid) as missing:
        reviewing.save_review(review, {"scores": {own.pitch.id: 4}, "submit": True}, actor=judge)
    assert missing.value.errors == {f"scores.{own.team.id}": [
        message("Give a score from 0 to %(max)d before submitting.", max=10)]}
    assert str(missing.value.detail) == message(
        "The review was not saved. Check the scores of: %(names)s.", names=TEAM["name"])
    db.session.rollback()
    assert final_reviews(own.hackathon)[0].status == "pending"


def test_final_criteria_change_until_the_scoring_opens_and_are_frozen_after(own):
    actor = own.coordinator
    hackathon_ops.update_criterion(own.pitch, {"weight": "2"}, actor=actor)
    extra = hackathon_ops.add_criterion(own.hackathon, {"name": "Laiks", "weight": 1,
                                                        "max_score": 3, "round": 2}, actor=actor)
    hackathon_ops.delete_criterion(extra, actor=actor)
    assert [(c.name, str(c.weight), c.position) for c in own.hackathon.final_criteria] == [
        (PITCH["name"], "2.00", 1), (TEAM["name"], "1.00", 2)]
    opened(own)
    frozen = message("The final round’s criteria are frozen: its scoring has started, and every "
                     "finalist must be judged against the same criteria.")
    for change in (lambda: hackathon_ops.update_criterion(own.pitch, {"weight": "5"}, actor=actor),
                   lambda: hackathon_ops.delete_criterion(own.team, actor=actor),
                   lambda: hackathon_ops.add_criterion(own.hackathon, TEAM | {"round": 2},
                                                       actor=actor)):
        with pytest.raises(WrongState) as refused:
            change()
        assert str(refused.value.detail) == frozen
    db.session.rollback()
    assert [str(c.weight) for c in own.hackathon.final_criteria] == ["2.00", "1.00"]


def test_final_criteria_need_a_final_round_with_own_criteria(ranked):
    needs = message("Criteria of the final round are set after starting a final round with its own "
                    "criteria.")
    with pytest.raises(WrongState) as before:
        hackathon_ops.add_criterion(ranked.hackathon, PITCH | {"round": 2},
                                    actor=ranked.coordinator)
    assert str(before.value.detail) == needs
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator, criteria="same")
    with pytest.raises(WrongState) as same:
        hackathon_ops.add_criterion(ranked.hackathon, PITCH | {"round": 2},
                                    actor=ranked.coordinator)
    assert str(same.value.detail) == needs


def test_final_criteria_follow_the_same_validation_as_the_jury_rounds(own):
    bad = {"name": " ", "weight": "0", "max_score": "2,5", "position": "-1"}
    with pytest.raises(Invalid) as final_errors:
        hackathon_ops.add_criterion(own.hackathon, bad | {"round": 2}, actor=own.coordinator)
    draft = judging_world(judges=0, ideas=0, phase="draft").hackathon
    with pytest.raises(Invalid) as first_errors:
        hackathon_ops.add_criterion(draft, bad, actor=own.coordinator)
    assert final_errors.value.errors == first_errors.value.errors
    assert set(final_errors.value.errors) == {"name", "weight", "max_score", "position"}
    with pytest.raises(Invalid) as unknown_round:
        hackathon_ops.add_criterion(own.hackathon, bad | {"round": 3}, actor=own.coordinator)
    assert unknown_round.value.errors["round"] == [
        message("Choose the round: 1 for the jury round or 2 for the final round.")]
    assert {"name", "weight"} <= set(unknown_round.value.errors)  # every problem at once


def test_an_unknown_choice_of_criteria_is_refused(ranked):
    with pytest.raises(Invalid) as refused:
        deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator, criteria="jaunus")
    assert list(refused.value.errors) == ["criteria"]
    assert db.session.scalar(select(FinalRound)) is None


def test_only_the_hackathons_coordinators_set_final_criteria_and_open_scoring(ranked):
    other = make_user_in(None, role="coordinator", region="kurzeme")
    with pytest.raises(NotAllowed):
        deciding.start_final_round(ranked.hackathon, 2, actor=other, criteria="own")
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator, criteria="own")
    for actor in (other, ranked.judges[0]):
        with pytest.raises(NotAllowed):
            hackathon_ops.add_criterion(ranked.hackathon, PITCH | {"round": 2}, actor=actor)
        with pytest.raises(NotAllowed):
            deciding.open_final_scoring(ranked.hackathon, actor=actor)


def test_the_first_round_is_unchanged_by_a_final_round_on_own_criteria(own):
    before = [(r.idea.id, r.ranked) for r in load_ranking(own.hackathon, breakdown=True).rows]
    first = load_ranking(own.hackathon, breakdown=True)
    assert [c.name for c in first.criteria] == [c.name for c in own.hackathon.criteria]
    assert len(own.hackathon.criteria) == 2  # the public criteria: the jury round's only
    reviews = opened(own)
    for review in reviews:
        judge = next(j for j in own.judges if j.id == review.judge_id)
        reviewing.save_review(review, {"scores": {own.pitch.id: 1, own.team.id: 1}, "submit": True},
                        actor=judge)
    db.session.commit()
    after = load_ranking(own.hackathon, breakdown=True)
    assert [(r.idea.id, r.ranked) for r in after.rows] == before
    assert [len(r.breakdown.criteria) for r in after.rows] == [2, 2, 2, 2]
    a_first_round_review = db.session.scalar(select(Review).where(Review.round == 1))
    assert [c.id for c in a_first_round_review.criteria] == [
        c.id for c in own.hackathon.criteria]


# --- a final ranking by hand ------------------------------------------------------------------

# Review score = 100 × (3 × pitch/5 + 1 × team/10) ÷ 4.
FINAL_SCORES = [  # idea, judge, pitch (of 5), team (of 10), review score
    ("A", 0, 4, 6, 75.00),     # 100 × (2.4 + 0.6) ÷ 4
    ("A", 1, 3, 8, 65.00),     # 100 × (1.8 + 0.8) ÷ 4
    ("A", 2, 5, 5, 87.50),     # 100 × (3.0 + 0.5) ÷ 4
    ("B", 0, 5, 9, 97.50),     # 100 × (3.0 + 0.9) ÷ 4
    ("B", 1, 4, 7, 77.50),     # 100 × (2.4 + 0.7) ÷ 4
    ("B", 2, 4.5, 10, 92.50),  # 100 × (2.7 + 1.0) ÷ 4
]
# Idea scores: A (75 + 65 + 87.5) ÷ 3 = 75.83; B (97.5 + 77.5 + 92.5) ÷ 3 = 89.17.
# Every judge has only 2 final reviews: not normalised, so the normalised score is the score.
# Per criterion: A 4.00 of 5 and 6.33 of 10; B 4.50 of 5 and 8.67 of 10.
# On the first round's equal weights B would not have overtaken A by as much; on the final
# round's own criteria B wins the pitch day and C, D follow by their first-round order.
FINAL_RANKING = [  # idea, rank, score, normalised score, round, pitch mean, team mean
    ("B", 1, 89.17, 89.17, 2, 4.5, 8.67),
    ("A", 2, 75.83, 75.83, 2, 4.0, 6.33),
    ("C", 3, 50.0, 50.0, 1, None, None),
    ("D", 4, 30.0, 30.0, 1, None, None),
]


def test_the_final_ranking_on_own_criteria_matches_the_hand_computed_table(own):
    names = dict(zip("ABCD", own.ideas, strict=True))
    reviews = {(r.idea_id, r.judge_id): r for r in opened(own)}
    for idea, judge_no, pitch, team, expected in FINAL_SCORES:
        judge = own.judges[judge_no]
        review = reviews[(names[idea].id, judge.id)]
        reviewing.save_review(review, {"scores": {own.pitch.id: pitch, own.team.id: team},
                                 "submit": True}, actor=judge)
        assert float(review.score) == expected, (idea, judge_no)
    db.session.commit()
    ranking = final_ranking(own.hackathon, breakdown=True)
    by_id = {i.id: n for n, i in names.items()}
    got = []
    for row in ranking.rows:
        means = ((row.breakdown.criteria[0].mean, row.breakdown.criteria[1].mean)
                 if row.round == FINAL_ROUND else (None, None))
        got.append((by_id[row.idea.id], row.ranked.rank, row.ranked.score,
                    row.ranked.normalized_score, row.round, *means))
    assert got == FINAL_RANKING
    assert [c.name for c in ranking.criteria_of(FINAL_ROUND)] == [PITCH["name"], TEAM["name"]]
    assert [c.name for c in ranking.criteria_of(1)] == [c.name for c in own.hackathon.criteria]
    # The winners are chosen from this ranking: B, the top, needs no justification.
    own.hackathon.phase = "results"
    db.session.commit()
    decision = deciding.publish_results(own.hackathon, {"idea_ids": [names["B"].id]},
                                   actor=own.coordinator)
    assert not decision.departs_from_ranking
    assert [(r["idea_id"], r["round"]) for r in decision.ranking[:2]] == [
        (names["B"].id, 2), (names["A"].id, 2)]


def _score_the_final(w, pitch=4, team=6):
    for review in opened(w):
        judge = next(j for j in w.judges if j.id == review.judge_id)
        reviewing.save_review(review, {"scores": {w.pitch.id: pitch, w.team.id: team},
                                 "comments": {str(w.pitch.id): "Pārliecinoša prezentācija."},
                                 "submit": True}, actor=judge)
    db.session.commit()


def test_the_results_email_gives_each_round_its_own_criteria(own, outbox):
    _score_the_final(own)
    own.hackathon.phase = "results"
    db.session.commit()
    finalist = own.ideas[0]
    deciding.publish_results(own.hackathon, {"idea_ids": [finalist.id]}, actor=own.coordinator)
    db.session.commit()
    mail = next(m for m in outbox(finalist.team.lead.user.email) if "Results" in m.subject)
    body = mail.body
    assert "Average score per criterion in the final round:" in body
    assert f"- {PITCH['name']}: 4.00 / 5" in body and f"- {TEAM['name']}: 6.00 / 10" in body
    first_name = own.hackathon.criteria[0].name
    assert f"- {first_name}: 9 / 10" in body or f"- {first_name}: 9.0 / 10" in body
    final_part = body.split("(final round)", 1)[1]  # the final round's reviews come last
    assert f"- {PITCH['name']}: 4.0 / 5" in final_part and first_name not in final_part
    assert "Pārliecinoša prezentācija." in body
    other = own.ideas[3]  # not a finalist: its first-round criteria only
    other_mail = next(m for m in outbox(other.team.lead.user.email) if "Results" in m.subject)
    assert PITCH["name"] not in other_mail.body and first_name in other_mail.body


# --- pages --------------------------------------------------------------------------------------

def test_a_coordinator_sets_the_final_criteria_on_pages_and_opens_the_scoring(
        client, ranked, outbox):
    slug = ranked.hackathon.slug
    sign_in(client, ranked.coordinator)
    page = client.get(f"/hackathons/{slug}/judging").get_data(as_text=True)
    assert "Its own criteria: you set them next, then open the scoring" in page
    response = client.post(f"/hackathons/{slug}/final-round",
                           data={"size": "2", "criteria": "own"})
    assert response.status_code == 302 and response.location.endswith(
        f"/hackathons/{slug}/final-round/criteria")
    page = client.get(response.location).get_data(as_text=True)
    assert "2 ideas go to the final round. Now set the final round’s criteria" in page
    assert "No criteria yet." in page
    bad = client.post(f"/hackathons/{slug}/final-round/criteria",
                      data={"name": "", "weight": "-1", "max_score": "10"})
    assert bad.status_code == 422
    assert "Enter the criterion’s name." in bad.get_data(as_text=True) or \
        "Enter the criterion&#39;s name." in bad.get_data(as_text=True)
    for data in (PITCH, TEAM):
        assert client.post(f"/hackathons/{slug}/final-round/criteria",
                           data=data).status_code == 302
    pitch = db.session.scalar(select(Criterion).where(Criterion.name == PITCH["name"]))
    assert pitch.round == FINAL_ROUND and pitch.position == 1
    edit_url = f"/hackathons/{slug}/final-round/criteria/{pitch.id}"
    assert "Skaidri un īsi." in client.get(edit_url).get_data(as_text=True)
    assert client.post(edit_url, data=PITCH | {"weight": "2,5"}).status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Criterion, pitch.id).weight) == "2.50"
    # The jury round's criteria page points to them; its own list is unchanged.
    criteria_page = client.get(f"/hackathons/{slug}/criteria").get_data(as_text=True)
    assert f"/hackathons/{slug}/final-round/criteria" in criteria_page
    assert PITCH["name"] not in criteria_page
    assert not final_reviews(ranked.hackathon)
    response = client.post(f"/hackathons/{slug}/final-round/open", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The final round’s scoring is open and its criteria are frozen" in page
    assert len(final_reviews(ranked.hackathon)) == 6
    assert any("2 ideas to review" in m.subject for m in outbox(ranked.judges[0].email))
    frozen = client.get(f"/hackathons/{slug}/final-round/criteria").get_data(as_text=True)
    assert "The final round’s criteria are frozen" in frozen and "Add a criterion" not in frozen
    refused = client.post(f"/hackathons/{slug}/final-round/criteria", data=TEAM)
    assert refused.status_code == 409
    assert client.post(edit_url, data=PITCH).status_code == 409
    client.post(f"{edit_url}/delete")
    assert db.session.get(Criterion, pitch.id) is not None


def test_the_scoring_page_and_dashboard_use_the_final_rounds_criteria(client, own):
    review = opened(own)[0]
    judge = next(j for j in own.judges if j.id == review.judge_id)
    sign_in(client, judge)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    first_names = [c.name for c in own.hackathon.criteria]
    assert PITCH["name"] in page and "0 to 5 points" in page
    assert not any(name in page for name in first_names)
    response = client.post(f"/reviews/{review.id}", data={
        f"score_{own.pitch.id}": "4", "action": "submit"})
    assert response.status_code == 422
    assert "Give a score from 0 to 10 before submitting." in response.get_data(as_text=True)
    response = client.post(f"/reviews/{review.id}", data={
        f"score_{own.pitch.id}": "4", f"score_{own.team.id}": "6", "action": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert float(db.session.get(Review, review.id).score) == 75.0
    sign_in(client, own.coordinator)
    dashboard = client.get(f"/hackathons/{own.hackathon.slug}/judging").get_data(as_text=True)
    final_part = dashboard.split('id="final-round"', 1)[1].split('id="conflicts"', 1)[0]
    assert "Ranking of the final round" in final_part
    assert PITCH["name"] in final_part and "(0–5)" in final_part
    assert "4.00" in final_part  # the one review's pitch score as the mean
    assert not any(name in final_part for name in first_names)
    readonly = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "4.0 / 5" in readonly


def test_the_scores_csv_lists_each_review_by_its_rounds_criteria(client, own):
    _score_the_final(own)
    sign_in(client, own.coordinator)
    response = client.get(f"/hackathons/{own.hackathon.slug}/judging/scores.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    first = [r for r in rows if r["round"] == "1"]
    final = [r for r in rows if r["round"] == "2"]
    assert len(first) == 12 * 2 and len(final) == 6 * 2  # reviews × their round's criteria
    assert {r["criterion"] for r in first} == {c.name for c in own.hackathon.criteria}
    assert {(r["criterion"], r["weight"], r["max_score"], r["score"]) for r in final} == {
        (PITCH["name"], "3.00", "5", "4.0"), (TEAM["name"], "1.00", "10", "6.0")}
    assert {r["review_score"] for r in final} == {"75.00"}


def test_the_public_results_and_how_we_rank_explain_the_final_rounds_criteria(client, own):
    _score_the_final(own)
    own.hackathon.phase = "results"
    db.session.commit()
    deciding.publish_results(own.hackathon, {"idea_ids": [own.ideas[0].id]}, actor=own.coordinator)
    db.session.commit()
    sign_in(client, None)
    page = client.get(f"/hackathons/{own.hackathon.slug}/results").get_data(as_text=True)
    with force_locale("lv"):  # the page's language
        heading = gettext("Criteria of the final round")
        how = gettext("8. A final round")
    assert heading in page and PITCH["name"] in page and TEAM["name"] in page
    assert how in client.get("/how-we-rank").get_data(as_text=True)


def test_final_criteria_pages_are_for_the_hackathons_coordinators_only(client, own):
    slug = own.hackathon.slug
    pages = [f"/hackathons/{slug}/final-round/criteria",
             f"/hackathons/{slug}/final-round/criteria/{own.pitch.id}"]
    posts = [(f"/hackathons/{slug}/final-round/criteria", TEAM),
             (f"/hackathons/{slug}/final-round/criteria/{own.pitch.id}", PITCH),
             (f"/hackathons/{slug}/final-round/criteria/{own.pitch.id}/delete", {}),
             (f"/hackathons/{slug}/final-round/open", {})]
    sign_in(client, None)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for who in (own.judges[0], make_user_in(None, role="coordinator", region="kurzeme")):
        sign_in(client, who)
        for url in pages:
            assert client.get(url).status_code == 403, url
        for url, data in posts:
            assert client.post(url, data=data).status_code == 403, url
    assert len(own.hackathon.final_criteria) == 2 and not final_reviews(own.hackathon)
    sign_in(client, own.coordinator)
    assert all(client.get(url).status_code == 200 for url in pages)
    first_round_criterion = own.hackathon.criteria[0]
    assert client.get(f"/hackathons/{slug}/final-round/criteria/{first_round_criterion.id}"
                      ).status_code == 404


def test_a_final_round_on_the_same_criteria_has_no_criteria_page(client, ranked):
    deciding.start_final_round(ranked.hackathon, 2, actor=ranked.coordinator)
    db.session.commit()
    sign_in(client, ranked.coordinator)
    assert client.get(f"/hackathons/{ranked.hackathon.slug}/final-round/criteria"
                      ).status_code == 404
    review = final_reviews(ranked.hackathon)[0]
    assert [c.id for c in review.criteria] == [c.id for c in ranked.hackathon.criteria]


# --- the API ------------------------------------------------------------------------------------

def test_the_api_runs_a_final_round_on_own_criteria(client, ranked, token_for):
    h = ranked.hackathon
    headers = token_for(ranked.coordinator)
    started = client.post(f"/api/v1/hackathons/{h.id}/final-round", headers=headers,
                          json={"size": 2, "criteria": "own"})
    assert started.status_code == 201
    assert started.get_json()["criteria"] == "own"
    assert started.get_json()["scoring_opened_at"] is None
    empty = client.post(f"/api/v1/hackathons/{h.id}/final-round/open", headers=headers)
    assert empty.status_code == 409
    created = client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers,
                          json={"name": "Prezentācija", "weight": 3, "max_score": 5,
                                "round": 2})
    assert created.status_code == 201 and created.get_json()["round"] == 2
    bad = client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers,
                      json={"name": "X", "weight": 1, "max_score": 5, "round": 7})
    assert bad.status_code == 422 and "round" in bad.get_json()["errors"]
    listed = client.get(f"/api/v1/hackathons/{h.id}/criteria", headers=headers).get_json()
    assert [c["round"] for c in listed] == [1, 1, 2]
    only_final = client.get(f"/api/v1/hackathons/{h.id}/criteria?round=2",
                            headers=headers).get_json()
    assert [c["name"] for c in only_final] == ["Prezentācija"]
    # Until the scoring opens, only the coordinators see the final round's criteria.
    assert [c["round"] for c in client.get(f"/api/v1/hackathons/{h.id}/criteria").get_json()
            ] == [1, 1]
    got = client.get(f"/api/v1/hackathons/{h.id}/final-round", headers=headers)
    assert got.status_code == 200 and got.get_json()["idea_ids"] == [
        ranked.ideas[0].id, ranked.ideas[1].id]
    opened_now = client.post(f"/api/v1/hackathons/{h.id}/final-round/open", headers=headers)
    assert opened_now.status_code == 200 and opened_now.get_json()["scoring_opened_at"]
    assert client.post(f"/api/v1/hackathons/{h.id}/final-round/open",
                       headers=headers).status_code == 409
    assert [c["round"] for c in client.get(f"/api/v1/hackathons/{h.id}/criteria").get_json()
            ] == [1, 1, 2]
    frozen = client.patch(f"/api/v1/criteria/{created.get_json()['id']}", headers=headers,
                          json={"weight": 1})
    assert frozen.status_code == 409
    assert client.delete(f"/api/v1/criteria/{created.get_json()['id']}",
                         headers=headers).status_code == 409
    # A judge reads and scores a final review on the final round's criteria.
    review = final_reviews(h)[0]
    judge = next(j for j in ranked.judges if j.id == review.judge_id)
    judge_headers = token_for(judge)
    body = client.get(f"/api/v1/reviews/{review.id}", headers=judge_headers).get_json()
    assert body["round"] == 2
    assert [(c["name"], c["max_score"], c["round"]) for c in body["criteria"]] == [
        ("Prezentācija", 5, 2)]
    mine = client.get("/api/v1/me/reviews", headers=judge_headers).get_json()
    assert {r["round"] for r in mine} == {1, 2}
    final_id = str(created.get_json()["id"])
    missing = client.put(f"/api/v1/reviews/{review.id}", headers=judge_headers,
                         json={"scores": {}, "submit": True})
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {
        f"scores.{final_id}": ["Give a score from 0 to 5 before submitting."]}
    first_id = str(h.criteria[0].id)
    wrong = client.put(f"/api/v1/reviews/{review.id}", headers=judge_headers,
                       json={"scores": {first_id: 5}})
    assert wrong.status_code == 422 and f"scores.{first_id}" in wrong.get_json()["errors"]
    done = client.put(f"/api/v1/reviews/{review.id}", headers=judge_headers,
                      json={"scores": {final_id: 4.5}, "submit": True})
    assert done.status_code == 200 and done.get_json()["score"] == 90.0
    ranking = client.get(f"/api/v1/hackathons/{h.id}/ranking", headers=headers).get_json()
    assert ranking[0]["round"] == 2 and ranking[0]["score"] == 90.0


def test_the_final_round_api_is_for_the_hackathons_coordinators(client, ranked, token_for):
    h = ranked.hackathon
    judge = token_for(ranked.judges[0])
    other = token_for(make_user_in(None, role="coordinator", region="latgale"))
    for headers, status in ((judge, 403), (other, 403), ({}, 401)):
        assert client.post(f"/api/v1/hackathons/{h.id}/final-round", headers=headers,
                           json={"size": 2, "criteria": "own"}).status_code == status
        assert client.get(f"/api/v1/hackathons/{h.id}/final-round",
                          headers=headers).status_code == status
        assert client.post(f"/api/v1/hackathons/{h.id}/final-round/open",
                           headers=headers).status_code == status
        assert client.post(f"/api/v1/hackathons/{h.id}/criteria", headers=headers,
                           json=PITCH | {"round": 2}).status_code == status
    coordinator = token_for(ranked.coordinator)
    assert client.get(f"/api/v1/hackathons/{h.id}/final-round",
                      headers=coordinator).status_code == 404  # none yet
    bad = client.post(f"/api/v1/hackathons/{h.id}/final-round", headers=coordinator,
                      json={"size": 2, "criteria": ["own"]})
    assert bad.status_code == 422 and list(bad.get_json()["errors"]) == ["criteria"]


def test_the_openapi_document_shows_rounds_and_the_final_round_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "post" in paths["/api/v1/hackathons/{hackathon_id}/final-round/open"]
    assert "get" in paths["/api/v1/hackathons/{hackathon_id}/final-round"]
    schemas = spec["components"]["schemas"]
    assert "round" in schemas["Criterion"]["properties"]
    assert "round" in schemas["CriterionCreate"]["properties"]
    assert schemas["FinalRoundArgs"]["properties"]["criteria"]["enum"] == ["same", "own"]
    assert "round" in schemas["Review"]["properties"]


# --- query counts -------------------------------------------------------------------------------

def _queries(count_queries, client, url):
    client.get(url)  # warm up
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return counter.count


@pytest.mark.parametrize("path", ["/hackathons/{slug}/judging", "/hackathons/{slug}/winners",
                                  "/hackathons/{slug}/judging/scores.csv",
                                  "/hackathons/{slug}/final-round/criteria"])
def test_pages_with_a_final_round_on_own_criteria_cost_the_same_for_10_and_60_ideas(
        client, count_queries, path):
    from app.judging.models import AssignmentRun
    from tests.factories_hackathons import make_coordinator

    counts = []
    for size in (10, 60):
        world = bulk_judged_hackathon(ideas=size, judges=5, criteria=4, phase="judging")
        h = world.hackathon
        db.session.add(AssignmentRun(hackathon_id=h.id, trigger="judging_started"))
        db.session.commit()
        coordinator = make_coordinator("zemgale")
        deciding.start_final_round(h, size // 2, actor=coordinator, criteria="own")
        for data in (PITCH, TEAM):
            hackathon_ops.add_criterion(h, data | {"round": 2}, actor=coordinator)
        deciding.open_final_scoring(h, actor=coordinator)
        db.session.commit()
        for review in final_reviews(h)[: size // 2]:
            make_review_scores(review)
        sign_in(client, coordinator)
        counts.append(_queries(count_queries, client, path.format(slug=h.slug)))
    assert counts[0] == counts[1], counts


def make_review_scores(review):
    """Submit a final review with 4 of 5 and 6 of 10 on the final round's criteria."""
    from decimal import Decimal

    from app.judging.models_reviews import ReviewScore, ReviewStatus

    pitch, team = review.criteria
    review.scores.append(ReviewScore(criterion_id=pitch.id, score=Decimal(4)))
    review.scores.append(ReviewScore(criterion_id=team.id, score=Decimal(6)))
    review.score = Decimal("75.00")
    review.status = ReviewStatus.SUBMITTED
    db.session.commit()


def test_a_final_scoring_page_costs_the_same_with_more_reviews(client, count_queries, own):
    reviews = opened(own)
    judge = next(j for j in own.judges if j.id == reviews[0].judge_id)
    sign_in(client, judge)
    small = _queries(count_queries, client, f"/reviews/{reviews[0].id}")
    for idea in own.ideas[2:]:
        make_review(idea, judge, round=FINAL_ROUND)  # more final reviews for the same judge
    large = _queries(count_queries, client, f"/reviews/{reviews[0].id}")
    assert small == large


def test_open_data_lists_the_final_rounds_criteria_once_its_scoring_opens(own):
    from app.opendata.export import moment
    from app.opendata.sources import criteria

    def published() -> list[tuple[int, str]]:
        return [(row["round"], row["name"]) for row in criteria(moment())
                if row["hackathon_id"] == own.hackathon.id]

    drafting = published()
    assert drafting and all(round_ == 1 for round_, _name in drafting)
    opened(own)
    assert published() == [*drafting, (2, PITCH["name"]), (2, TEAM["name"])]


def test_the_jury_rounds_criterion_pages_do_not_open_a_final_round_criterion(client, own):
    sign_in(client, own.coordinator)
    slug = own.hackathon.slug
    assert client.get(f"/hackathons/{slug}/criteria/{own.pitch.id}").status_code == 404
    first = own.hackathon.criteria[0]
    assert client.get(f"/hackathons/{slug}/criteria/{first.id}").status_code == 200
