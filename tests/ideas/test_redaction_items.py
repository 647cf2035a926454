"""Blind review beyond the texts: an idea's proposed indicators and its attachments' file
names can name its municipality too. The coordinator is warned, renames an indicator for the
judges, hides a file from them or gives it a neutral name; the judges' pages and the API
then show only that, while the team keeps what it wrote."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.hackathons.models import Phase
from app.ideas import operations as idea_ops
from app.ideas import redaction as redacting
from app.ideas.mentions import MUNICIPALITY, Name, find_mentions
from app.ideas.models import ProposedIndicator
from tests.conftest import read_in_english
from tests.factories_judging import judging_world, make_review, make_team_idea, sign_in
from tests.ideas.test_attachments import PDF

INDICATOR = "Jauniešu skaits Dobeles novadā"
NAMED_FILE = "Dobeles_novads_tame.pdf"
CONTENT_FILE = "aptauja-dobelnieki.pdf"  # names nobody, but the coordinator hides it


@pytest.fixture
def blind(db, app, client):
    read_in_english(client)
    w = judging_world(judges=2, ideas=0, reviews_per_idea=1, criteria=1, blind_review=True)
    w.idea = make_team_idea(w.hackathon, title="Jauniešu centrs")
    w.idea.summary = "Centrs jauniešiem."
    for name in ("problem", "solution", "target_group", "expected_impact"):
        setattr(w.idea, name, "Jaunieši.")
    w.idea.indicators = [
        ProposedIndicator(position=0, name=INDICATOR, baseline="40", target="120"),
        ProposedIndicator(position=1, name="Pasākumu skaits gadā", baseline="2",
                          target="10")]
    db.session.commit()
    member = w.idea.team.lead.user
    before_deadline = w.hackathon.submission_closes_at - timedelta(hours=1)
    phase, w.hackathon.phase = w.hackathon.phase, Phase.OPEN  # the team attached them in time
    with app.test_request_context("/"):
        w.named = idea_ops.add_attachment(w.idea, NAMED_FILE, PDF(), actor=member,
                                          now=before_deadline)
        w.content = idea_ops.add_attachment(w.idea, CONTENT_FILE, PDF(300), actor=member,
                                            now=before_deadline)
        w.hackathon.phase = phase
        db.session.commit()
    w.judge = w.judges[0]
    w.review = make_review(w.idea, w.judge)
    return w


def _ids(w):
    return {"indicator": w.idea.indicators[0].id, "other": w.idea.indicators[1].id,
            "named": w.named.id, "content": w.content.id}


def _redact(app, w, **extra):
    ids = _ids(w)
    data = {"title": w.idea.title, "summary": w.idea.summary,
            "indicators": {str(ids["indicator"]): "Jauniešu skaits [municipality]"},
            "attachments": {str(ids["named"]): {"name": "tāme", "hidden": False},
                            str(ids["content"]): {"name": "", "hidden": True}},
            **extra}
    with app.test_request_context("/"):
        redacting.redact_idea(w.idea, data, actor=w.coordinator)
        db.session.commit()


# --- the matching (pure) ---------------------------------------------------------------------

def test_names_are_found_in_indicators_and_in_file_names_with_underscores():
    names = [Name(MUNICIPALITY, "Dobeles novads")]
    found = find_mentions({"title": "Centrs"}, names, {
        "indicators": {7: "Jauniešu skaits Dobelē", 8: "Pasākumu skaits"},
        "attachments": {3: "Dobeles_novads_tame.pdf", 4: "tame.pdf"}})
    assert [(m.field, m.item, m.found) for m in found] == [
        ("indicators", 7, "Dobelē"), ("attachments", 3, "Dobeles_novads")]


# --- the coordinator -------------------------------------------------------------------------

def test_the_coordinator_is_warned_about_indicators_and_file_names(client, blind):
    warnings = redacting.blind_review_warnings(blind.hackathon)
    assert [w.idea.id for w in warnings] == [blind.idea.id]
    assert warnings[0].fields == ["indicators", "attachments"]
    sign_in(client, blind.coordinator)
    html = client.get(f"/hackathons/{blind.hackathon.slug}/jury").get_data(as_text=True)
    assert "(municipality) in Proposed indicators" in html
    assert "(municipality) in Attachment file names" in html


def test_the_redaction_page_offers_placeholders_and_the_judges_version_clears_the_warning(
        client, blind):
    ids = _ids(blind)
    sign_in(client, blind.coordinator)
    url = f"/ideas/{blind.idea.id}/redaction"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Jauniešu skaits [municipality]"' in form
    assert 'value="[municipality]_tame.pdf"' in form  # a neutral name suggested
    base = {"title": "Jauniešu centrs", "summary": "Centrs jauniešiem.",
            f"indicator_{ids['other']}": "Pasākumu skaits gadā",
            f"attachment_{ids['named']}_name": "tāme",
            f"attachment_{ids['content']}_name": "",
            f"attachment_{ids['content']}_hidden": "1"}
    refused = client.post(url, data={**base, f"indicator_{ids['indicator']}": "  "})
    assert refused.status_code == 422
    assert "The judges need the indicator’s name" in refused.get_data(as_text=True)
    assert blind.idea.redaction is None
    done = client.post(url, data={**base, f"indicator_{ids['indicator']}": "Jauniešu skaits"})
    assert done.status_code == 302
    db.session.expire_all()
    redaction = blind.idea.redaction
    assert redaction.indicator_names == {str(ids["indicator"]): "Jauniešu skaits"}
    assert redaction.attachment_names == {str(ids["named"]): "tāme.pdf",
                                          str(ids["content"]): None}
    assert redacting.blind_review_warnings(blind.hackathon) == []


# --- the judges and the team -----------------------------------------------------------------

def test_judges_see_the_redacted_indicators_and_files_on_their_pages(client, app, blind):
    _redact(app, blind)
    sign_in(client, blind.judge)
    for url in (f"/reviews/{blind.review.id}", f"/ideas/{blind.idea.id}",
                f"/ideas/{blind.idea.id}/attachments"):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert INDICATOR not in html and "Dobeles" not in html, url
        assert "aptauja" not in html and f"attachments/{blind.content.id}" not in html, url
        assert "tāme.pdf" in html, url
    review = client.get(f"/reviews/{blind.review.id}").get_data(as_text=True)
    assert "Jauniešu skaits [municipality]" in review and "Pasākumu skaits gadā" in review
    hidden = client.get(f"/ideas/{blind.idea.id}/attachments/{blind.content.id}")
    assert hidden.status_code == 404
    named = client.get(f"/ideas/{blind.idea.id}/attachments/{blind.named.id}")
    assert named.status_code == 200 and named.data == PDF()
    assert "Dobeles" not in named.headers["Content-Disposition"]
    assert "t%C4%81me.pdf" in named.headers["Content-Disposition"]  # the neutral name


def test_the_judges_api_shows_the_redacted_indicators_and_files(client, app, blind,
                                                                 token_for):
    _redact(app, blind)
    headers = token_for(blind.judge)
    body = client.get(f"/api/v1/ideas/{blind.idea.id}", headers=headers).json
    assert [i["name"] for i in body["indicators"]] == ["Jauniešu skaits [municipality]",
                                                       "Pasākumu skaits gadā"]
    assert [a["filename"] for a in body["attachments"]] == ["tāme.pdf"]
    assert "Dobeles" not in str(body) and "aptauja" not in str(body)
    hidden = client.get(f"/api/v1/ideas/{blind.idea.id}/attachments/{blind.content.id}",
                        headers=headers)
    assert hidden.status_code == 404


def test_the_team_keeps_its_own_indicators_and_files(client, app, blind):
    _redact(app, blind)
    sign_in(client, blind.idea.team.lead.user)
    html = client.get(f"/ideas/{blind.idea.id}").get_data(as_text=True)
    assert INDICATOR in html and NAMED_FILE in html and CONTENT_FILE in html
    download = client.get(f"/ideas/{blind.idea.id}/attachments/{blind.content.id}")
    assert download.status_code == 200


def test_the_coordinators_api_redacts_indicators_and_files(client, blind, token_for):
    ids = _ids(blind)
    headers = token_for(blind.coordinator)
    url = f"/api/v1/ideas/{blind.idea.id}/redaction"
    state = client.get(url, headers=headers).json
    assert {(m["field"], m["item"]) for m in state["mentions"]} == {
        ("indicators", ids["indicator"]), ("attachments", ids["named"])}
    bad = client.put(url, headers=headers, json={
        "title": "Jauniešu centrs", "indicators": {str(ids["indicator"]): ""}})
    assert bad.status_code == 422
    done = client.put(url, headers=headers, json={
        "title": "Jauniešu centrs", "summary": "Centrs jauniešiem.",
        "indicators": {str(ids["indicator"]): "Jauniešu skaits"},
        "attachments": {str(ids["named"]): {"hidden": True}}})
    assert done.status_code == 200 and done.json["mentions"] == []
    assert done.json["judges_read"]["indicators"][str(ids["indicator"])] == "Jauniešu skaits"
    assert done.json["judges_read"]["attachments"][str(ids["named"])]["hidden"] is True
