"""The coordinator's judging dashboard, the CSV export, reminders and the "how we rank" page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from app.core.clock import now_utc
from app.extensions import db
from tests.factories_judging import judging_world, make_review, sign_in


@pytest.fixture
def scored(db):
    """Three ideas, three judges; idea 0 strong, idea 1 weak, idea 2 disputed; one judge late."""
    w = judging_world(judges=3, ideas=3, reviews_per_idea=3, criteria=2)
    a, b, c = w.judges
    strong, weak, disputed = w.ideas
    make_review(strong, a, status="submitted", scores={0: 9, 1: 9})
    make_review(strong, b, status="submitted", scores={0: 8, 1: 9})
    make_review(weak, a, status="submitted", scores={0: 3, 1: 2})
    make_review(weak, b, status="submitted", scores={0: 4, 1: 3})
    make_review(disputed, a, status="submitted", scores={0: 10, 1: 10})
    make_review(disputed, b, status="submitted", scores={0: 1, 1: 0})
    for idea in w.ideas:
        make_review(idea, c)  # the late judge: nothing submitted
    return w


def test_the_dashboard_shows_progress_ranking_breakdown_and_disagreement(client, scored):
    sign_in(client, scored.coordinator)
    page = client.get(f"/hackathons/{scored.hackathon.slug}/judging").get_data(as_text=True)
    assert "6 of 9" in page  # all reviews
    assert "3 of 3" in page and "0 of 3" in page  # per judge
    strong, weak, disputed = scored.ideas
    assert page.index(strong.title) < page.index(disputed.title) < page.index(weak.title)
    assert "8.50" in page and "9.00" in page  # per-criterion means of the strong idea
    assert "High disagreement" in page and 'class="row-disagreement"' in page
    assert "Incomplete reviews" in page  # 2 of 3 reviews


def test_a_big_hackathons_ranking_is_shown_a_page_at_a_time(client, db):
    """Every idea is ranked, but the dashboard shows 50 rows at a time, the next page going
    on where the first stops; a page past the end shows the last one."""
    import re

    from tests.factories_hackathons import make_coordinator
    from tests.factories_judging import bulk_judged_hackathon

    world = bulk_judged_hackathon(ideas=80, judges=5, criteria=2)
    sign_in(client, make_coordinator("zemgale"))
    url = f"/hackathons/{world.hackathon.slug}/judging"

    def ideas(page: str) -> list[str]:
        table = page[page.index('class="ranking-table"'):]
        table = table[:table.index("</table>")]
        return re.findall(r'<th scope="row"><a [^>]*>(Ideja \d+)</a>', table)

    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert len(ideas(first)) == 50 and len(ideas(second)) == 30
    assert sorted(ideas(first) + ideas(second)) == sorted(f"Ideja {i}" for i in range(80))
    assert f'href="{url}?page=2#ranking"' in first
    assert f'href="{url}?page=1#ranking"' in second
    assert ideas(client.get(f"{url}?page=99").get_data(as_text=True)) == ideas(second)
    assert ideas(client.get(f"{url}?page=nonsense").get_data(as_text=True)) == ideas(first)


def test_the_judges_do_not_see_the_dashboard(client, scored):
    sign_in(client, scored.judges[0])
    assert client.get(f"/hackathons/{scored.hackathon.slug}/judging").status_code == 403


def test_the_ranking_follows_the_hackathons_chosen_order(client, scored):
    scored.hackathon.ranking_order = "normalized_score"
    db.session.commit()
    sign_in(client, scored.coordinator)
    page = client.get(f"/hackathons/{scored.hackathon.slug}/judging").get_data(as_text=True)
    assert "Ranking ordered by</dt><dd>normalised score" in page


def test_the_csv_has_every_score_and_is_safe_in_a_spreadsheet(client, scored):
    review = make_review(scored.ideas[0], scored.coordinator, status="pending",
                         scores={0: 5}, comment="=HYPERLINK(\"http://x\")")
    review.scores[0].comment = "+1 labs"
    db.session.commit()
    sign_in(client, scored.coordinator)
    response = client.get(f"/hackathons/{scored.hackathon.slug}/judging/scores.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 10 * 2  # reviews × criteria
    dangerous = [r for r in rows if r["review_id"] == str(review.id)]
    assert all(r["overall_comment"] == "'=HYPERLINK(\"http://x\")" for r in dangerous)
    assert dangerous[0]["criterion_comment"] == "'+1 labs"
    assert {r["score"] for r in rows if r["review_status"] == "submitted"} >= {"9.0", "0.0"}


def test_reminders_go_to_judges_who_are_behind_never_twice_a_day(client, scored, outbox):
    scored.hackathon.judging_closes_at = now_utc() + timedelta(days=1)
    db.session.commit()
    late = scored.judges[2]
    sign_in(client, scored.coordinator)
    page = client.get(f"/hackathons/{scored.hackathon.slug}/judging").get_data(as_text=True)
    assert "Behind" in page
    response = client.post(f"/hackathons/{scored.hackathon.slug}/judging/reminders",
                           follow_redirects=True)
    assert "A reminder has been sent to 1 judge." in response.get_data(as_text=True)
    mails = outbox(late.email)
    assert [m.subject for m in mails if "Reminder" in m.subject] and \
        "0 of your 3 reviews" in mails[-1].body
    assert not [m for m in outbox(scored.judges[0].email) if "Reminder" in m.subject]
    response = client.post(f"/hackathons/{scored.hackathon.slug}/judging/reminders",
                           follow_redirects=True)
    assert "Nobody needed a reminder" in response.get_data(as_text=True)
    assert len([m for m in outbox(late.email) if "Reminder" in m.subject]) == 1


def test_how_we_rank_is_public_and_quotes_the_maths(client):
    page = client.get("/how-we-rank").get_data(as_text=True)
    with force_locale("lv"):  # the page's language
        formulas = [gettext("review score = 100 × Σ (weight × score ÷ maximum) ÷ Σ weight"),
                    gettext("normalised score = hackathon average + average z-score × "
                            "hackathon spread")]
    assert all(formula in page for formula in formulas)
