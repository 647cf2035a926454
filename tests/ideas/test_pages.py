"""The idea pages, as a team member, a coordinator and the public use them."""

from __future__ import annotations

import re

import pytest

from app.core.clock import RIGA
from app.extensions import db
from app.ideas.models import Idea
from app.ideas.status import IdeaStatus
from tests.factories_ideas import COMPLETE, INDICATOR, make_idea
from tests.ideas.conftest import sign_in


def form_fields(**overrides) -> dict:
    """A complete idea as the form posts it."""
    data = {k: str(v) for k, v in COMPLETE.items()}
    data.update({"indicators-0-name": INDICATOR["name"],
                 "indicators-0-baseline": INDICATOR["baseline"],
                 "indicators-0-target": INDICATOR["target"]})
    data.update(overrides)
    return data


def test_a_team_member_writes_a_draft_then_submits_it(client, world, outbox):
    sign_in(client, world.member)
    page = client.get(f"/hackathons/{world.hackathon.slug}/ideas/new")
    assert page.status_code == 200
    assert b"Dobeles komanda" in page.data
    response = client.post(f"/hackathons/{world.hackathon.slug}/ideas/new",
                           data={"team_id": world.team.id, "title": "Pusgatava ideja",
                                 "action": "save"})
    assert response.status_code == 302
    idea = db.session.scalar(db.select(Idea))
    assert idea.status == IdeaStatus.DRAFT and idea.title == "Pusgatava ideja"
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}")

    page = client.get(f"/ideas/{idea.id}")
    assert b"This is a draft" in page.data and b"Still needed" in page.data

    response = client.post(f"/ideas/{idea.id}/edit",
                           data=form_fields(version=idea.version, action="submit"))
    assert response.status_code == 302
    db.session.expire_all()
    assert idea.status == IdeaStatus.SUBMITTED
    assert len(outbox()) == 2
    reference = f"TLK-{idea.submitted_at.astimezone(RIGA).year}-{idea.id:06d}"
    receipt = outbox(world.member.email)[0].body
    assert reference in receipt  # a receipt that says what was submitted
    assert "Kļūdaino rēķinu skaits mēnesī" in receipt and idea.summary in receipt
    page = client.get(f"/ideas/{idea.id}")
    assert b"Submitted on" in page.data and reference.encode() in page.data
    assert "Kļūdaino rēķinu skaits mēnesī".encode() in page.data
    assert "€".encode() in page.data and b"12 months" in page.data
    # The municipalities' names are data in Latvian inside an English sentence.
    assert re.search(rb'Dobeles novads(</span>)?, with (<span lang="lv">)?Jelgava', page.data)


def test_a_new_idea_for_a_team_id_past_32_bits_is_a_message_not_a_crash(client, world):
    sign_in(client, world.member)
    response = client.post(f"/hackathons/{world.hackathon.slug}/ideas/new",
                           data={"team_id": str(2 ** 40), "title": "Ideja"})
    assert response.status_code == 422
    assert "Choose one of your teams." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Idea.id))) == 0


def test_the_form_shows_errors_inline_with_a_summary_linking_to_fields(client, world):
    idea = make_idea(world.hackathon, world.team, summary="Īss")
    sign_in(client, world.member)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, summary="x" * 301, budget_eur="-10", duration_months="0",
        action="save"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#summary"' in html and 'href="#budget_eur"' in html
    assert re.search(r'id="summary"[^>]*aria-describedby="summary-hint summary-error"', html) \
        or re.search(r'aria-describedby="summary-hint summary-error"[^>]*id="summary"', html)
    assert 'aria-invalid="true"' in html
    assert "The budget cannot be negative." in html
    assert "x" * 301 in html  # the text is shown back, not lost
    db.session.expire_all()
    assert idea.summary == "Īss"


def test_save_and_submit_with_missing_fields_saves_the_draft_and_lists_them(client, world):
    idea = make_idea(world.hackathon, world.team, problem="", solution="", indicators=[])
    sign_in(client, world.member)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, problem="", solution="", title="Jauns nosaukums",
        **{"indicators-0-name": "", "indicators-0-baseline": "", "indicators-0-target": ""},
        action="submit"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Your draft has been saved" in html
    assert 'href="#problem"' in html and 'href="#solution"' in html
    assert 'href="#indicators"' in html and 'id="indicators"' in html
    assert "at least one indicator" in html
    db.session.expire_all()
    assert idea.title == "Jauns nosaukums" and idea.status == IdeaStatus.DRAFT


def test_a_submitted_idea_is_edited_and_withdrawn_before_the_deadline(client, world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    sign_in(client, world.colleague)
    response = client.post(f"/ideas/{idea.id}/edit",
                           data=form_fields(version=idea.version, title="Labots"))
    assert response.status_code == 302
    db.session.expire_all()
    assert idea.title == "Labots" and idea.status == IdeaStatus.SUBMITTED
    # The idea page offers withdrawing as a link to a page that says what follows.
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'<a class="link-danger" href="/en/ideas/{idea.id}/withdraw">' in page
    confirm = client.get(f"/ideas/{idea.id}/withdraw").get_data(as_text=True)
    assert "Withdraw the idea?" in confirm and "cannot be undone" in confirm
    db.session.expire_all()
    assert idea.status == IdeaStatus.SUBMITTED  # looking is not withdrawing
    assert client.post(f"/ideas/{idea.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert idea.status == IdeaStatus.WITHDRAWN
    assert b"withdrew the idea" in client.get(f"/ideas/{idea.id}").data
    again = client.post(f"/ideas/{idea.id}/withdraw")
    assert again.status_code == 409  # the same answer as the API's
    assert "no longer be withdrawn" in client.get(f"/ideas/{idea.id}/withdraw").get_data(
        as_text=True)


@pytest.mark.parametrize("moment", ["deadline passed", "judging started early"])
def test_no_new_idea_is_offered_once_submissions_are_over(client, world, moment):
    from datetime import timedelta

    from app.core.clock import now_utc
    from app.hackathons.models import Phase

    if moment == "deadline passed":
        world.hackathon.submission_closes_at = now_utc() - timedelta(seconds=1)
    else:
        world.hackathon.phase = Phase.JUDGING
    db.session.commit()
    sign_in(client, world.member)
    new = f"/hackathons/{world.hackathon.slug}/ideas/new"
    response = client.get(new)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/hackathons/{world.hackathon.slug}")
    assert new not in client.get(f"/hackathons/{world.hackathon.slug}").get_data(as_text=True)
    assert new not in client.get("/ideas").get_data(as_text=True)


def test_my_ideas_lists_the_ideas_of_all_my_teams(client, world):
    from tests.factories_teams import make_team

    second = make_team(world.member, name="Zemgales sadarbība", municipality="Jelgava")
    make_idea(world.hackathon, world.team, title="Pirmā ideja")
    make_idea(world.hackathon, second, title="Otrā ideja")
    make_idea(world.hackathon, make_team(world.other, name="Sveša"), title="Svešā ideja")
    sign_in(client, world.member)
    page = client.get("/ideas").get_data(as_text=True)
    assert "Pirmā ideja" in page and "Otrā ideja" in page
    assert "Svešā ideja" not in page
    assert world.hackathon.title in page and "Write an idea" in page


def test_the_nav_has_my_ideas_for_signed_in_users(client, world):
    assert b'href="/ideas"' not in client.get("/").data
    sign_in(client, world.member)
    assert b'href="/en/ideas"' in client.get("/").data


def test_a_coordinator_marks_an_idea_ineligible_and_the_team_sees_why(client, world):
    idea = make_idea(world.hackathon, world.team, status="submitted")
    sign_in(client, world.coordinator)
    page = client.get(f"/ideas/{idea.id}")
    assert b"Mark ineligible" in page.data and b"Edit</a>" not in page.data
    response = client.post(f"/ideas/{idea.id}/ineligible",
                           data={"reason": "Budžets pārsniedz 30 000 EUR."})
    assert response.status_code == 302
    sign_in(client, world.member)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "marked ineligible" in page and "Budžets pārsniedz 30 000 EUR." in page


def test_markdown_is_sanitised_on_the_idea_page(client, world):
    idea = make_idea(world.hackathon, world.team,
                     problem='<script>alert(1)</script>**svarīgi** '
                             '[x](javascript:alert(1)) <b onclick="x()">b</b>')
    sign_in(client, world.member)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "<strong>svarīgi</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "onclick" not in html


def test_a_winner_is_public_after_results_with_public_fields_only(client, world):
    from app.hackathons.models import Phase

    idea = make_idea(world.hackathon, world.team, status="winner",
                     partners="Kontaktpersona: Jānis, 29999999")
    assert client.get(f"/ideas/{idea.id}").status_code == 404  # results not out yet
    world.hackathon.phase = Phase.RESULTS
    db.session.commit()
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert COMPLETE["title"] in html
    assert "29999999" not in html and world.member.name not in html
    assert "History of changes" not in html


def test_the_hackathon_page_partial_links_teams_and_coordinators(app, client, world):
    """ideas/_hackathon_links.html, for the hackathon page to include."""
    from flask import render_template
    from flask_login import login_user

    from app.core.clock import now_utc

    for user, expected in ((world.member, ["/ideas/new"]),
                           (world.coordinator, ["/ideas/new", f"/{world.hackathon.slug}/ideas"
                                                '"'])):
        with app.test_request_context("/"):
            user.current_session_token = None
            login_user(user)
            html = render_template("ideas/_hackathon_links.html", h=world.hackathon,
                                   now=now_utc())
        for fragment in expected:
            assert fragment in html, (user, html)
