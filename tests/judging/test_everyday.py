"""What judges and coordinators tripped over in everyday use: the next review, the reminder
button, the order of judges, and the scores on a winner's card."""

from __future__ import annotations

import re

from app.core.clock import now_utc
from app.extensions import db
from app.judging.models import AssignmentRun
from app.judging.models_results import WinnerDecision
from tests.factories_judging import judging_world, make_judge, make_review, sign_in


def quiet_world(**kw):
    w = judging_world(**kw)
    db.session.add(AssignmentRun(hackathon_id=w.hackathon.id, trigger="judging_started"))
    db.session.commit()
    return w


def test_submitting_a_review_opens_the_judges_next_open_review(client):
    w = quiet_world(judges=1, ideas=3, reviews_per_idea=1)
    judge = w.judges[0]
    done = make_review(w.ideas[0], judge, status="submitted", scores={0: 5, 1: 5})
    first = make_review(w.ideas[1], judge)
    second = make_review(w.ideas[2], judge)
    sign_in(client, judge)
    page = client.get(f"/reviews/{first.id}").get_data(as_text=True)
    assert 'value="next"' in page
    c1, c2 = w.hackathon.criteria
    form = {f"score_{c1.id}": "5", f"score_{c2.id}": "5", "version": str(first.version)}
    response = client.post(f"/reviews/{first.id}", data=form | {"action": "submit"})
    assert response.status_code == 302
    assert response.location.endswith(f"/reviews/{second.id}")
    # Save and next keeps a draft and moves on too; with nothing left, the list.
    response = client.post(f"/reviews/{second.id}", data={
        f"score_{c1.id}": "4", "version": str(second.version), "action": "next"})
    assert response.location.endswith("/reviews")
    assert done.id  # the submitted one is never offered as "next"


def test_my_reviews_list_open_work_first(client):
    w = quiet_world(judges=1, ideas=3, reviews_per_idea=1)
    judge = w.judges[0]
    make_review(w.ideas[0], judge, status="submitted", scores={0: 5, 1: 5})
    make_review(w.ideas[1], judge, status="conflict")
    open_one = make_review(w.ideas[2], judge)
    sign_in(client, judge)
    page = client.get("/reviews").get_data(as_text=True)
    body = page[page.index("<tbody>"):]
    first_row = re.search(r"<tr>.*?</tr>", body, flags=re.S).group(0)
    assert f'href="/en/reviews/{open_one.id}"' in first_row


def test_the_reminder_button_is_disabled_when_nobody_is_behind(client):
    w = quiet_world(judges=1, ideas=1, reviews_per_idea=1)
    make_review(w.ideas[0], w.judges[0], status="submitted", scores={0: 5, 1: 5})
    sign_in(client, w.coordinator)
    page = client.get(f"/hackathons/{w.hackathon.slug}/judging").get_data(as_text=True)
    button = re.search(r'<button[^>]*>[^<]*judges? who (is|are) behind', page).group(0)
    assert "disabled" in button


def test_judges_are_listed_in_latvian_alphabetical_order(client):
    w = quiet_world(judges=0, ideas=0, phase="open")
    for name in ("Čakste Jānis", "Zariņa Ilze", "Cīrulis Pēteris", "Ābele Anna"):
        make_judge(w.hackathon, name=name)
    sign_in(client, w.coordinator)
    page = client.get(f"/hackathons/{w.hackathon.slug}/jury").get_data(as_text=True)
    found = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert found == ["Ābele Anna", "Cīrulis Pēteris", "Čakste Jānis", "Zariņa Ilze"]


def test_the_winner_card_shows_both_scores_with_the_tables_labels(client):
    w = quiet_world(judges=0, ideas=1, phase="results")
    idea = w.ideas[0]
    db.session.add(WinnerDecision(
        hackathon_id=w.hackathon.id, idea_ids=[idea.id], published_at=now_utc(),
        ranking=[{"idea_id": idea.id, "rank": 1, "score": 71.25, "normalized_score": 64.5,
                  "reviews": 3, "flags": [], "title": idea.title, "municipality": "Dobele"}]))
    db.session.commit()
    page = client.get(f"/hackathons/{w.hackathon.slug}/results").get_data(as_text=True)
    card = page[page.index('class="card'):page.index("</li>", page.index('class="card'))]
    headers = re.findall(r'<th scope="col" class="num">([^<]+)</th>', page)
    for label, value in (("Vērtējums", "71.25"), ("Normalizētais vērtējums", "64.50")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in card
        assert label in headers  # the ranking table below says it the same way
