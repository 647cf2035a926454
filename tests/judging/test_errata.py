"""Errata: a documented correction of published results, by the region's coordinator or an
admin, with a published reason; the original results stay readable; all on record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.errors import Invalid, WrongState
from app.extensions import db
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from app.judging import deciding, errata, exclusion
from app.judging.models_results import WinnerDecision
from app.judging.models_reviews import Review, ReviewStatus
from tests.conftest import read_in_english
from tests.factories_judging import judging_world, make_review, make_user_in, sign_in

WRONG = "Vērtētājs B bija konsultējis komandu: viņa vērtējums neskaitās."


@pytest.fixture
def published(db, app, client):
    """Results published: first (9) wins over second (8) and third (3). Judge B gave the
    first idea a 10 and the second a 2, which the correction rules out."""
    read_in_english(client)
    w = judging_world(judges=3, ideas=3, reviews_per_idea=3, criteria=2, phase="results")
    a, b, c = w.judges
    w.first, w.second, w.third = w.ideas
    for idea, points in ((w.first, 7), (w.second, 8), (w.third, 3)):
        make_review(idea, a, status="submitted", scores={0: points, 1: points})
        make_review(idea, c, status="submitted", scores={0: points, 1: points})
    w.bad_first = make_review(w.first, b, status="submitted", scores={0: 10, 1: 10})
    w.bad_second = make_review(w.second, b, status="submitted", scores={0: 2, 1: 2})
    make_review(w.third, b, status="submitted", scores={0: 3, 1: 3})
    with app.test_request_context("/"):
        deciding.publish_results(w.hackathon, {"idea_ids": [w.first.id]}, actor=w.coordinator)
        db.session.commit()
    return w


def _decision(w) -> WinnerDecision:
    db.session.expire_all()
    return db.session.scalar(select(WinnerDecision).where(
        WinnerDecision.hackathon_id == w.hackathon.id))


def _status(idea) -> IdeaStatus:
    db.session.expire_all()
    return db.session.get(Idea, idea.id).status


def _correct(app, w, actor=None, **data):
    with app.test_request_context("/"):
        correction = errata.correct_results(w.hackathon, data, actor=actor or w.coordinator)
        db.session.commit()
        return correction


def test_a_correction_excludes_a_review_recomputes_the_ranking_and_changes_the_winners(
        app, published):
    w = published
    original_ranking = [row["idea_id"] for row in _decision(w).ranking]
    assert original_ranking[0] == w.first.id
    _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_first.id, w.bad_second.id],
             idea_ids=[w.second.id])
    decision = _decision(w)
    assert decision.ranking[0]["idea_id"] == w.second.id
    assert decision.idea_ids == [w.second.id] and not decision.departs_from_ranking
    assert _status(w.first) == IdeaStatus.NOT_SELECTED
    assert _status(w.second) == IdeaStatus.WINNER
    assert db.session.get(Review, w.bad_first.id).status == ReviewStatus.EXCLUDED
    # What was first published is kept as it was.
    assert decision.original["idea_ids"] == [w.first.id]
    assert [row["idea_id"] for row in decision.original["ranking"]] == original_ranking
    correction = decision.latest_correction
    assert correction.number == 1 and correction.reason == WRONG
    assert correction.changes["winners_added"] == [w.second.id]
    assert correction.changes["winners_removed"] == [w.first.id]


def test_every_correction_is_on_the_audit_trail(app, published):
    w = published
    _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_first.id])
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "results.correct" in actions and "review.exclude" in actions
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "results.correct"))
    assert entry.after["reason"] == WRONG and entry.actor_id == w.coordinator.id


def test_a_reason_is_required(app, published):
    with pytest.raises(Invalid) as error:
        _correct(app, published, reason="  ", idea_ids=[published.second.id])
    assert "reason" in error.value.errors
    assert _status(published.first) == IdeaStatus.WINNER


def test_nothing_to_change_is_refused(app, published):
    with pytest.raises(Invalid):
        _correct(app, published, reason=WRONG, idea_ids=[published.first.id])


def test_winners_off_the_top_of_the_corrected_ranking_need_a_justification(app, published):
    w = published
    with pytest.raises(Invalid) as error:
        _correct(app, w, reason=WRONG, idea_ids=[w.third.id])
    assert "justification" in error.value.errors
    _correct(app, w, reason=WRONG, idea_ids=[w.third.id], justification="Žūrijas lēmums.")
    assert _decision(w).departs_from_ranking


def test_before_publishing_there_is_nothing_to_correct(app, db):
    w = judging_world(judges=1, ideas=1, criteria=1, phase="results")
    with pytest.raises(WrongState):
        _correct(app, w, reason=WRONG, idea_ids=[w.ideas[0].id])


def test_excluding_a_review_after_publishing_points_to_the_correction(app, published):
    with app.test_request_context("/"), pytest.raises(WrongState) as error:
        exclusion.exclude_review(published.bad_first, {"reason": WRONG},
                           actor=published.coordinator)
    message = str(error.value.detail)
    assert "correction" in message or "labojumu" in message


def test_the_public_page_shows_the_correction_and_links_the_original(client, app, published):
    w = published
    _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_first.id, w.bad_second.id],
             idea_ids=[w.second.id])
    sign_in(client, None)
    read_in_english(client)
    html = client.get(f"/hackathons/{w.hackathon.slug}/results").get_data(as_text=True)
    assert "Results corrected on" in html and WRONG in html
    assert f'No longer a winner: <span lang="lv">{w.first.title}</span>' in html
    assert f"/hackathons/{w.hackathon.slug}/results/original" in html
    original = client.get(f"/hackathons/{w.hackathon.slug}/results/original")
    body = original.get_data(as_text=True)
    assert original.status_code == 200 and "later corrected" in body
    first_row = body.split("<tbody>")[1].split("</tr>")[0]
    assert w.first.title in first_row and "Winner" in first_row
    detail = client.get(f"/hackathons/{w.hackathon.slug}").get_data(as_text=True)
    assert "Results corrected on" in detail and WRONG in detail


def test_the_coordinator_corrects_through_the_page(client, published):
    w = published
    sign_in(client, w.coordinator)
    url = f"/hackathons/{w.hackathon.slug}/results/correct"
    form = client.get(url)
    assert form.status_code == 200 and w.judges[1].name in form.get_data(as_text=True)
    missing = client.post(url, data={"reason": "", "idea_ids": [str(w.second.id)]})
    assert missing.status_code == 422
    kept = missing.get_data(as_text=True).split(f'id="idea-{w.second.id}"')[1][:12]
    assert "checked" in kept  # the choice is not lost
    done = client.post(url, data={"reason": WRONG, "idea_ids": [str(w.second.id)],
                                  "exclude_review_ids": [str(w.bad_first.id),
                                                         str(w.bad_second.id)]})
    assert done.status_code == 302
    assert _status(w.second) == IdeaStatus.WINNER


@pytest.mark.parametrize("who, status", [("other_coordinator", 403), ("judge", 403),
                                         ("national", 200), ("admin", 200)])
def test_only_the_regions_coordinators_and_admins_may_correct(client, token_for, published,
                                                              who, status):
    w = published
    user = {"other_coordinator": lambda: make_user_in(None, role="coordinator",
                                                      region="kurzeme"),
            "judge": lambda: w.judges[0],
            "national": lambda: make_user_in(None, role="coordinator", region=None),
            "admin": lambda: make_user_in(None, role="admin")}[who]()
    sign_in(client, user)
    assert client.get(f"/hackathons/{w.hackathon.slug}/results/correct").status_code == status
    page = client.post(f"/hackathons/{w.hackathon.slug}/results/correct",
                       data={"reason": WRONG, "idea_ids": [str(w.second.id)]})
    api = client.post(f"/api/v1/hackathons/{w.hackathon.id}/winners/corrections",
                      json={"reason": WRONG, "idea_ids": [w.second.id],
                            "justification": "Labots."},
                      headers=token_for(user))
    if status == 403:
        assert page.status_code == 403 and api.status_code == 403
        assert _status(w.first) == IdeaStatus.WINNER
    else:
        assert api.status_code in (201, 422)  # the page may have corrected it first


def test_the_api_publishes_and_exposes_corrections(client, token_for, published):
    w = published
    response = client.post(f"/api/v1/hackathons/{w.hackathon.id}/winners/corrections",
                           json={"reason": WRONG,
                                 "exclude_review_ids": [w.bad_first.id, w.bad_second.id],
                                 "idea_ids": [w.second.id]},
                           headers=token_for(w.coordinator))
    assert response.status_code == 201, response.json
    assert response.json["number"] == 1 and response.json["before"]["idea_ids"] == [w.first.id]
    body = client.get(f"/api/v1/hackathons/{w.hackathon.id}/winners").json
    assert body["corrected"] is True and body["idea_ids"] == [w.second.id]
    assert body["corrections"][0]["reason"] == WRONG
    assert body["original"]["idea_ids"] == [w.first.id]
    assert body["ranking"][0]["idea_id"] == w.second.id
    no_reason = client.post(f"/api/v1/hackathons/{w.hackathon.id}/winners/corrections",
                            json={"reason": "", "idea_ids": [w.first.id]},
                            headers=token_for(w.coordinator))
    assert no_reason.status_code == 422


def test_the_results_api_is_404_before_publishing(client, db):
    w = judging_world(judges=1, ideas=1, criteria=1, phase="results")
    assert client.get(f"/api/v1/hackathons/{w.hackathon.id}/winners").status_code == 404


def test_open_data_lists_the_corrections(app, published):
    from app.opendata import sources

    w = published
    _correct(app, w, reason=WRONG, idea_ids=[w.second.id], justification="Labots.")
    rows = list(sources.result_corrections(None))
    assert rows[0]["reason"] == WRONG and rows[0]["hackathon_id"] == w.hackathon.id
    result = next(r for r in sources.results(None) if r["hackathon_id"] == w.hackathon.id)
    assert result["corrections"] == 1 and result["corrected_at"] is not None


# --- the teams are told --------------------------------------------------------------------

def _correction_mail(outbox, idea):
    return [m for m in outbox() if m.kind.startswith("results-correction:")
            and m.kind.split(":")[3] == str(idea.id)]


def _members(idea) -> list[str]:
    return sorted(m.user.email for m in db.session.get(Idea, idea.id).team.members)


def test_the_teams_whose_ideas_a_correction_touches_are_mailed_in_latvian(
        app, published, outbox, monkeypatch):
    w = published
    monkeypatch.setitem(app.config, "SITE_URL", "https://talka.example.lv")
    # Asked for on an English page: the e-mail and its link are Latvian all the same.
    with app.test_request_context("/en/"):
        read = errata.correct_results(
            w.hackathon, {"reason": WRONG, "idea_ids": [w.second.id],
                          "exclude_review_ids": [w.bad_first.id, w.bad_second.id]},
            actor=w.coordinator)
        db.session.commit()
    assert read.number == 1
    lost, won, untouched = (_correction_mail(outbox, i) for i in (w.first, w.second, w.third))
    assert sorted(m.recipient for m in lost) == _members(w.first)
    assert sorted(m.recipient for m in won) == _members(w.second)
    assert untouched == []
    for message in lost + won:
        assert f"{w.hackathon.title}" in message.subject and "laboti" in message.subject
        assert WRONG in message.body  # the coordinator's reason
        assert f"https://talka.example.lv/hackathons/{w.hackathon.slug}/results" \
            in message.body.split()
        assert "/en/" not in message.body
    assert "vairs nav starp uzvarējušajām idejām" in lost[0].body
    assert "tagad ir viena no uzvarējušajām idejām" in won[0].body
    for message in lost + won:
        assert "1 jūsu idejas vērtējums vairs netiek ņemts vērā" in message.body


def test_a_team_whose_reviews_no_longer_count_is_told_even_if_it_still_wins(
        app, published, outbox):
    w = published
    _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_first.id])
    assert _status(w.first) == IdeaStatus.WINNER
    mail = _correction_mail(outbox, w.first)
    assert sorted(m.recipient for m in mail) == _members(w.first)
    assert "1 jūsu idejas vērtējums vairs netiek ņemts vērā" in mail[0].body
    assert "uzvarējušajām" not in mail[0].body
    assert _correction_mail(outbox, w.second) == [] and _correction_mail(outbox, w.third) == []


def test_a_refused_correction_mails_nobody(app, published, outbox):
    w = published
    before = len(outbox())
    # Refused after the reviews were ruled out: the winner is off the top, no justification.
    with pytest.raises(Invalid):
        _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_second.id],
                 idea_ids=[w.third.id])
    db.session.rollback()
    with pytest.raises(Invalid):
        _correct(app, w, reason="", idea_ids=[w.second.id])
    db.session.rollback()
    assert len(outbox()) == before
    assert not [m for m in outbox() if m.kind.startswith("results-correction:")]


def test_the_results_page_in_english_marks_the_latvian_data(app, client, published):
    w = published
    _correct(app, w, reason=WRONG, idea_ids=[w.second.id],
             justification="Žūrija izvēlējās otro ideju.")
    sign_in(client, None)
    read_in_english(client)
    html = client.get(f"/hackathons/{w.hackathon.slug}/results").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert f'<a href="/en/hackathons/{w.hackathon.slug}" lang="lv">{w.hackathon.title}</a>' \
        in html  # the breadcrumb
    assert f'Results: <span lang="lv">{w.hackathon.title}</span>' in html
    assert f'<th scope="row"><span lang="lv">{w.third.title}</span>' in html  # ranking row
    assert f'<p class="pre-line" lang="lv">{WRONG}</p>' in html  # the correction's reason
    assert '<blockquote class="kept-text" lang="lv">Žūrija izvēlējās otro ideju.' in html
    municipality = db.session.get(Idea, w.third.id).team.municipality.name
    assert f'<td lang="lv">{municipality}</td>' in html
    # English words stay English: no lang="lv" on the page's own headings.
    assert '<h2 id="ranking-h">The jury’s ranking</h2>' in html


def test_the_api_winners_show_the_corrected_place_at_once(client, app, published,
                                                           monkeypatch):
    """The winners' order and places are kept until public data changes: a correction
    changes them for the very next reader."""
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    w = published
    before = client.get("/api/v1/winners").get_json()["items"]
    assert [(i["idea_id"], i["rank"]) for i in before] == [(w.first.id, 1)]
    _correct(app, w, reason=WRONG, exclude_review_ids=[w.bad_first.id, w.bad_second.id],
             idea_ids=[w.second.id])
    after = client.get("/api/v1/winners?again=1").get_json()["items"]
    corrected = _decision(w).ranking[0]
    assert [(i["idea_id"], i["rank"], i["score"]) for i in after] == [
        (w.second.id, 1, corrected["score"])]
    page = client.get("/winners?again=1").get_data(as_text=True)
    assert w.second.title in page and w.first.title not in page
