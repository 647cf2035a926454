"""Blind review: coordinators are warned where an idea names its own team or municipality,
and may redact it; judges then read only the redacted version, on every page and in the
API, while the team (and, after the results, the public) reads what the team wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.errors import WrongState
from app.extensions import db
from app.hackathons.models import Phase
from app.ideas import redaction as redacting
from app.ideas.mentions import MUNICIPALITY, TEAM, Name, find_mentions, redact
from app.judging import deciding
from tests.conftest import read_in_english
from tests.factories_judging import judging_world, make_review, make_team_idea, sign_in

TITLE = "Jauniešu centrs Dobelē"
SUMMARY = "Komanda Zaļie Dobelnieki piedāvā Dobeles novadā atvērt centru."


@pytest.fixture
def blind(db, app, client):
    read_in_english(client)
    w = judging_world(judges=2, ideas=0, reviews_per_idea=1, criteria=1, blind_review=True)
    w.idea = make_team_idea(w.hackathon, title=TITLE)
    w.idea.team.name = "Zaļie Dobelnieki"
    w.idea.summary = SUMMARY
    w.idea.target_group = "Skolēni (12–18 gadi)."
    w.clean = make_team_idea(w.hackathon, municipality="Jūrmala", title="Skaitītāji")
    w.clean.target_group = w.clean.summary = "Iedzīvotāji."
    db.session.commit()
    w.judge = w.judges[0]
    w.review = make_review(w.idea, w.judge)
    make_review(w.clean, w.judge)
    return w


def _redact(app, w, **texts):
    data = {"title": "Jauniešu centrs [municipality]",
            "summary": "Komanda [team] piedāvā [municipality] atvērt centru.",
            "problem": w.idea.problem, "solution": w.idea.solution,
            "target_group": w.idea.target_group, "expected_impact": w.idea.expected_impact,
            **texts}
    with app.test_request_context("/"):
        redacting.redact_idea(w.idea, data, actor=w.coordinator)
        db.session.commit()


# --- the matching (pure) ---------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("Centrs Dobelē", "Dobelē"),
    ("DOBELES NOVADA jaunieši", "DOBELES NOVADA"),
    ("dobeles novadā", "dobeles novadā"),
    ("Rīgas apkaimēs", "Rīgas"),
    ("Cēsīs un apkārtnē", "Cēsīs"),
])
def test_a_municipality_is_found_without_diacritics_and_in_its_cases(text, found):
    names = [Name(MUNICIPALITY, "Dobeles novads"), Name(MUNICIPALITY, "Rīga"),
             Name(MUNICIPALITY, "Cēsu novads")]
    assert [m.found for m in find_mentions({"title": text}, names)] == [found]


@pytest.mark.parametrize("text", ["Rigorous planning", "Dobelnieku tradīcijas", "novads"])
def test_other_words_are_not_taken_for_a_name(text):
    names = [Name(MUNICIPALITY, "Dobeles novads"), Name(MUNICIPALITY, "Rīga")]
    assert find_mentions({"title": text}, names) == []


def test_the_team_is_named_once_even_when_its_name_holds_a_place():
    names = [Name(TEAM, "Dobeles jaunieši"), Name(MUNICIPALITY, "Dobeles novads")]
    found = find_mentions({"summary": "Mēs, dobeles jauniesi, strādājam Dobelē."}, names)
    assert [(m.kind, m.found) for m in found] == [(TEAM, "dobeles jauniesi"),
                                                  (MUNICIPALITY, "Dobelē")]
    text = "Mēs, dobeles jauniesi, strādājam Dobelē."
    assert redact(text, found, {TEAM: "[komanda]", MUNICIPALITY: "[pašvaldība]"}) == \
        "Mēs, [komanda], strādājam [pašvaldība]."


# --- warnings for the coordinator ------------------------------------------------------------

def test_the_coordinator_is_warned_where_an_idea_names_itself(client, blind):
    warnings = redacting.blind_review_warnings(blind.hackathon)
    assert [w.idea.id for w in warnings] == [blind.idea.id]
    assert warnings[0].fields == ["title", "summary"]
    sign_in(client, blind.coordinator)
    for url in (f"/hackathons/{blind.hackathon.slug}/ideas",
                f"/hackathons/{blind.hackathon.slug}/jury",
                f"/hackathons/{blind.hackathon.slug}/judging",
                f"/ideas/{blind.idea.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "“Dobelē” (municipality) in Title" in html, url
        assert "“Zaļie Dobelnieki” (team) in Short summary" in html, url


def test_without_blind_review_there_is_no_warning(blind):
    blind.hackathon.blind_review = False
    db.session.commit()
    assert redacting.blind_review_warnings(blind.hackathon) == []


# --- redacting --------------------------------------------------------------------------------

def test_judges_read_only_the_redacted_version_on_every_page(client, app, blind):
    _redact(app, blind)
    sign_in(client, blind.judge)
    pages = {url: client.get(url) for url in (
        f"/ideas/{blind.idea.id}", f"/reviews/{blind.review.id}", "/reviews",
        f"/reviews/{blind.review.id}/conflict", f"/ideas/{blind.idea.id}/attachments")}
    for url, page in pages.items():
        html = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert TITLE not in html and "Zaļie Dobelnieki" not in html, url
    assert "Jauniešu centrs [municipality]" in pages[f"/reviews/{blind.review.id}"].get_data(
        as_text=True)


def test_judges_read_only_the_redacted_version_in_the_api(client, app, blind, token_for):
    _redact(app, blind)
    headers = token_for(blind.judge)
    body = client.get(f"/api/v1/ideas/{blind.idea.id}", headers=headers).json
    assert body["title"] == "Jauniešu centrs [municipality]" and body["redacted"] is True
    assert TITLE not in str(body) and "Zaļie Dobelnieki" not in str(body)
    mine = client.get("/api/v1/me/reviews", headers=headers).json
    assert TITLE not in str(mine) and "Jauniešu centrs [municipality]" in str(mine)


def test_the_team_keeps_reading_what_it_wrote(client, app, blind):
    _redact(app, blind)
    sign_in(client, blind.idea.team.lead.user)
    html = client.get(f"/ideas/{blind.idea.id}").get_data(as_text=True)
    assert TITLE in html and "[municipality]" not in html


def test_after_the_results_the_public_reads_the_original(client, app, blind):
    _redact(app, blind)
    for idea in (blind.idea, blind.clean):
        for judge in blind.judges:
            make_review(idea, judge, status="submitted", scores={0: 8}) \
                if judge is not blind.judge else None
    blind.hackathon.phase = Phase.RESULTS
    db.session.commit()
    with app.test_request_context("/"):
        deciding.publish_results(blind.hackathon, {"idea_ids": [blind.idea.id],
                                              "justification": "Labākā."},
                            actor=blind.coordinator)
        db.session.commit()
    sign_in(client, None)
    read_in_english(client)
    html = client.get(f"/ideas/{blind.idea.id}").get_data(as_text=True)
    assert TITLE in html and "[municipality]" not in html


def test_the_redaction_page_suggests_placeholders_and_is_audited(client, blind):
    sign_in(client, blind.coordinator)
    url = f"/ideas/{blind.idea.id}/redaction"
    form = client.get(url).get_data(as_text=True)
    assert "Jauniešu centrs [municipality]" in form and "Komanda [team] piedāvā" in form
    empty = client.post(url, data={"title": "", "summary": "x"})
    assert empty.status_code == 422
    done = client.post(url, data={"title": "Jauniešu centrs", "summary": "Centrs jauniešiem."})
    assert done.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "idea.redact"))
    assert entry.actor_id == blind.coordinator.id and "title" in entry.after["fields"]
    assert redacting.blind_review_warnings(blind.hackathon) == []


@pytest.mark.parametrize("who", ["judge", "team", "other_coordinator"])
def test_only_the_hackathons_coordinators_redact(client, blind, token_for, who):
    from tests.factories_judging import make_user_in

    user = {"judge": lambda: blind.judge, "team": lambda: blind.idea.team.lead.user,
            "other_coordinator": lambda: make_user_in(None, role="coordinator",
                                                      region="kurzeme")}[who]()
    sign_in(client, user)
    page = client.post(f"/ideas/{blind.idea.id}/redaction", data={"title": "X"})
    api = client.put(f"/api/v1/ideas/{blind.idea.id}/redaction", json={"title": "X"},
                     headers=token_for(user))
    # Whoever may read the idea is refused (403); a coordinator of another region may not
    # even read it (404). Both doors answer alike.
    expected = 404 if who == "other_coordinator" else 403
    assert (page.status_code, api.status_code) == (expected, expected)
    assert blind.idea.redaction is None


def test_the_api_redacts_for_the_coordinator(client, blind, token_for):
    headers = token_for(blind.coordinator)
    state = client.get(f"/api/v1/ideas/{blind.idea.id}/redaction", headers=headers).json
    assert {m["field"] for m in state["mentions"]} == {"title", "summary"}
    done = client.put(f"/api/v1/ideas/{blind.idea.id}/redaction", headers=headers,
                      json={"title": "Jauniešu centrs", "summary": "Centrs."})
    assert done.status_code == 200 and done.json["redacted"] and done.json["mentions"] == []


def test_redacting_is_refused_before_the_deadline(app, blind):
    blind.hackathon.phase = Phase.OPEN
    blind.hackathon.submission_closes_at = None
    db.session.commit()
    with app.test_request_context("/"), pytest.raises(WrongState):
        redacting.redact_idea(blind.idea, {"title": "X"}, actor=blind.coordinator)
