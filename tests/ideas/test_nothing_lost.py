"""Nothing a team typed is lost: not by a conflict, an expired session or a deadline."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from flask_babel import force_locale, gettext
from markupsafe import escape

from app.core.clock import now_utc
from app.extensions import db
from app.hackathons.models import Phase
from app.ideas.models import Idea, KeptText
from app.ideas.status import IdeaStatus
from tests.conftest import read_in_english
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in
from tests.ideas.test_pages import form_fields

# --- a stale version ----------------------------------------------------------------------

def test_a_stale_save_shows_both_texts_side_by_side_and_the_next_save_wins(client, world):
    idea = make_idea(world.hackathon, world.team, summary="Sākotnējais kopsavilkums.")
    opened_version = idea.version
    # Anna saves first, from another browser.
    sign_in(client, world.colleague)
    client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=opened_version, summary="Annas kopsavilkums."))
    # Jānis saves the page he opened before that.
    sign_in(client, world.member)
    # His browser sends the unchanged solution with CRLF line endings: not a difference.
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=opened_version, summary="Jāņa kopsavilkums.",
        solution=idea.solution.replace("\n", "\r\n") + "  "))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Anna Kalniņa saved this idea while you were editing it" in html
    assert html.count('class="conflict-pair"') == 1  # the summary only
    assert "Jāņa kopsavilkums." in html and "Annas kopsavilkums." in html
    assert "Your text" in html and "Saved version" in html
    assert 'class="conflict-pair"' in html
    db.session.expire_all()
    assert idea.summary == "Annas kopsavilkums."  # nothing silently overwritten
    # The page now carries the stored version: the merged text saves.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(new_version) == idea.version
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=new_version, summary="Annas un Jāņa kopsavilkums."))
    assert response.status_code == 302
    db.session.expire_all()
    assert idea.summary == "Annas un Jāņa kopsavilkums."


def test_the_api_answers_a_stale_version_with_409_and_the_current_idea(client, world,
                                                                        token_for):
    idea = make_idea(world.hackathon, world.team, title="Vecais")
    headers = token_for(world.member)
    ok = client.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Jaunais", "version": 1},
                      headers=headers)
    assert ok.status_code == 200 and ok.json["version"] == 2
    stale = client.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Pārraksts", "version": 1},
                         headers=headers)
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert stale.json["current"]["title"] == "Jaunais"
    assert stale.json["current"]["version"] == 2
    db.session.expire_all()
    assert idea.title == "Jaunais"


# --- an expired session -------------------------------------------------------------------

def test_a_form_posted_after_the_session_ended_keeps_its_text_through_sign_in(client, world):
    idea = make_idea(world.hackathon, world.team, solution="Vecais risinājums.")
    sign_in(client, None)  # the session has ended
    long_text = "Ļoti garš risinājuma apraksts, ko nedrīkst pazaudēt. " * 40
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, solution=long_text))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    # The key never leaves the server: the browser is sent to "its" kept texts.
    assert unquote(location.query.split("next=")[1]) == "/ideas/kept"
    db.session.expire_all()
    assert idea.solution == "Vecais risinājums."  # not saved by an anonymous request

    # Sign in (the login page sends the user on to `next`) and see the text again.
    login_page = client.get(response.headers["Location"])
    with force_locale("lv"):  # signed out, so the page is Latvian
        kept_notice = str(escape(gettext(
            "Your session had ended, so the idea was not saved yet. Your text has been kept: "
            "sign in and it will be shown again for you to check and save.")))
    assert kept_notice in login_page.get_data(as_text=True)
    signed = client.post("/login", data={"email": world.member.email,
                                         "password": "a long and quiet evening",
                                         "next": "/ideas/kept"})
    assert signed.headers["Location"].endswith("/ideas/kept")
    # The member reads English: the one language redirect sends them to /en/ideas/kept,
    # which still leads on to their kept text.
    landed = client.get(signed.headers["Location"], follow_redirects=True)
    kept_path = landed.request.path
    assert kept_path.startswith("/en/ideas/kept/")
    page = client.get(kept_path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Your text was kept. Check it and save it." in html
    assert long_text.strip()[:200] in html
    key = kept_path.rsplit("/", 1)[1]
    assert f'name="kept" type="hidden" value="{key}"' in html

    saved = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, solution=long_text, kept=key))
    assert saved.status_code == 302
    db.session.expire_all()
    assert idea.solution == long_text.strip()
    assert db.session.scalar(db.select(KeptText)).used_at is not None


def test_a_kept_text_is_only_for_the_team(client, world):
    idea = make_idea(world.hackathon, world.team)
    sign_in(client, None)
    response = client.post(f"/ideas/{idea.id}/edit",
                           data=form_fields(version=1, title="Slepens"))
    assert response.status_code == 302
    sign_in(client, world.other)
    # In the same browser, but not of the team: nothing is offered.
    offered = client.get("/ideas/kept")
    assert offered.status_code == 302 and offered.headers["Location"].endswith("/ideas")
    key = db.session.scalar(db.select(KeptText.key))
    assert client.get(f"/ideas/kept/{key}").status_code == 404


def test_a_new_idea_posted_after_the_session_ended_is_kept_too(client, world):
    sign_in(client, None)
    response = client.post(f"/hackathons/{world.hackathon.slug}/ideas/new",
                           data=form_fields(team_id=world.team.id, title="Jauna ideja"))
    kept_path = unquote(urlsplit(response.headers["Location"]).query.split("next=")[1])
    sign_in(client, world.member)
    html = client.get(kept_path, follow_redirects=True).get_data(as_text=True)
    assert 'value="Jauna ideja"' in html
    # The member reads English, so the form posts to the English address.
    assert f'action="/en/hackathons/{world.hackathon.slug}/ideas/new"' in html


def test_an_expired_form_token_keeps_the_text_instead_of_a_bare_400(client, world,
                                                                     csrf_enabled):
    idea = make_idea(world.hackathon, world.team)
    read_in_english(client)  # the member reads English, so posts from /en/ pages
    sign_in_page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', sign_in_page.data)
    client.post("/login", data={"email": world.member.email, "csrf_token": token.group(1),
                                "password": "a long and quiet evening"})
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Teksts ar novecojušu žetonu",
        csrf_token="an-expired-token"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The form had expired" in html
    assert 'value="Teksts ar novecojušu žetonu"' in html
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    again = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Teksts ar novecojušu žetonu", csrf_token=fresh))
    assert again.status_code == 302
    db.session.expire_all()
    assert idea.title == "Teksts ar novecojušu žetonu"


def test_an_expired_token_and_session_together_keep_the_text_through_sign_in(client, world,
                                                                             csrf_enabled):
    idea = make_idea(world.hackathon, world.team)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Bez sesijas un žetona"))
    assert response.status_code == 302
    assert unquote(response.headers["Location"]).endswith("next=/ideas/kept")
    kept = db.session.scalar(db.select(KeptText))
    assert kept.data["title"] == "Bez sesijas un žetona" and kept.idea_id == idea.id


# --- a moment after the deadline ----------------------------------------------------------------

def _deadline_passes(hackathon):
    hackathon.submission_closes_at = now_utc() - timedelta(seconds=1)
    db.session.commit()


def test_a_submit_posted_after_the_deadline_is_saved_as_a_draft_with_a_message(client, world):
    idea = make_idea(world.hackathon, world.team, title="Gandrīz laikā")
    sign_in(client, world.member)
    client.get(f"/ideas/{idea.id}/edit")
    _deadline_passes(world.hackathon)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Iesniegts sekundi par vēlu", action="submit"),
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "deadline passed" in html and "saved as a draft" in html
    db.session.expire_all()
    assert idea.title == "Iesniegts sekundi par vēlu"
    assert idea.status == IdeaStatus.DRAFT


def test_a_new_idea_posted_after_the_deadline_is_kept_as_a_draft(client, world):
    sign_in(client, world.member)
    _deadline_passes(world.hackathon)
    assert world.hackathon.phase_at() == Phase.JUDGING
    response = client.post(f"/hackathons/{world.hackathon.slug}/ideas/new",
                           data=form_fields(team_id=world.team.id, action="submit"),
                           follow_redirects=True)
    assert "saved as a draft" in response.get_data(as_text=True)
    idea = db.session.scalar(db.select(Idea))
    assert idea.status == IdeaStatus.DRAFT


def test_an_edit_of_a_submitted_idea_after_the_deadline_is_kept_to_copy(client, world):
    idea = make_idea(world.hackathon, world.team, status="submitted", title="Iesniegtais")
    sign_in(client, world.member)
    _deadline_passes(world.hackathon)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Labojums pēc termiņa"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "deadline passed" in html and "nothing is lost" in html
    assert "Labojums pēc termiņa" in html
    db.session.expire_all()
    assert idea.title == "Iesniegtais"
    # The idea page offers the kept text until it is dismissed.
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "was kept but not applied" in page


def test_a_text_kept_at_sign_out_is_shown_to_copy_not_saved_after_the_deadline(client, world):
    """Restoring a kept text asks the same predicate as every other save."""
    idea = make_idea(world.hackathon, world.team, status="submitted", title="Iesniegtais")
    sign_in(client, None)
    response = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Uzrakstīts pirms termiņa"))
    assert response.status_code == 302
    _deadline_passes(world.hackathon)
    sign_in(client, world.member)
    kept_path = client.get("/ideas/kept").headers["Location"]
    key = kept_path.rsplit("/", 1)[1]
    page = client.get(kept_path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Uzrakstīts pirms termiņa" in html and "nothing is lost" in html
    assert f'action="/ideas/{idea.id}/edit"' not in html  # no form that could save it
    late = client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=idea.version, title="Uzrakstīts pirms termiņa", kept=key))
    assert late.status_code == 409
    db.session.expire_all()
    assert idea.title == "Iesniegtais" and idea.status == IdeaStatus.SUBMITTED


def test_an_expired_form_for_a_draft_hackathon_reveals_nothing(client, world, csrf_enabled):
    from tests.factories_hackathons import make_hackathon

    hidden = make_hackathon(region="zemgale", phase="draft", title="Slepenais hakatons")
    url = f"/hackathons/{hidden.slug}/ideas/new"
    anonymous = client.post(url, data=form_fields(team_id=world.team.id))
    assert anonymous.status_code == 400
    assert db.session.scalar(db.select(db.func.count(KeptText.id))) == 0
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").data)
    client.post("/login", data={"email": world.member.email, "csrf_token": token.group(1),
                                "password": "a long and quiet evening"})
    response = client.post(url, data=form_fields(team_id=world.team.id,
                                                 csrf_token="an-expired-token"))
    assert response.status_code == 400
    assert "Slepenais hakatons" not in response.get_data(as_text=True)


def test_text_planted_for_a_team_never_reaches_it(app, client, world):
    """Another browser may post to an idea's address while signed out; its text stays in
    that browser, and made-up ideas answer the same."""
    idea = make_idea(world.hackathon, world.team, title="Īstais nosaukums")
    planter = app.test_client()
    planted = planter.post(f"/ideas/{idea.id}/edit",
                           data=form_fields(version=idea.version, title="Iestādīts"))
    made_up = planter.post("/ideas/987654/edit", data=form_fields(version=1, title="X"))
    assert planted.status_code == made_up.status_code == 302
    assert planted.headers["Location"] == made_up.headers["Location"]
    sign_in(client, world.member)
    for path in ("/ideas/kept", f"/ideas/{idea.id}", f"/ideas/{idea.id}/edit"):
        assert "Iestādīts" not in client.get(path, follow_redirects=True).get_data(
            as_text=True), path
    key = db.session.scalar(db.select(KeptText.key))
    assert client.get(f"/ideas/kept/{key}").status_code == 404  # the link proves nothing
