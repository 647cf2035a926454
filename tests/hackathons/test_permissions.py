"""Who may create, edit, move and set criteria: the same matrix for pages and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import now_utc
from app.extensions import db as _db
from app.hackathons.models import Phase
from tests.conftest import login
from tests.factories_hackathons import make_hackathon

ACTORS = ["admin", "national", "own_region", "other_region", "plain", "anonymous"]
MANAGERS = {"admin", "national", "own_region"}


def _api_expect(actor, ok):
    if actor in MANAGERS:
        return ok
    return 401 if actor == "anonymous" else 403


def _page_expect(actor):
    if actor in MANAGERS:
        return 302
    return "login" if actor == "anonymous" else 403


def _headers(people, token_for, actor):
    return token_for(people[actor]) if people[actor] else {}


def _sign_in(client, people, actor):
    if people[actor]:
        assert login(client, people[actor]).status_code == 302


def _check_page(response, expected):
    if expected == "login":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, response.data[:500]
        if expected == 302:
            assert "/login" not in response.headers["Location"]


def _form(**changes):
    now = now_utc()
    data = {
        "title": "Zemgales drošības hakatons", "region": "zemgale", "theme": "Drošība",
        "submission_opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "submission_closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "judging_closes_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "reviews_per_idea": "3", "ranking_order": "score", "description": "", "prize_text": "",
    }
    data.update(changes)
    return data


# --- API ------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_api_create(client, people, token_for, actor):
    response = client.post("/api/v1/hackathons", headers=_headers(people, token_for, actor),
                           json={"title": "Jauns hakatons", "region": "zemgale"})
    assert response.status_code == _api_expect(actor, 201), response.json


@pytest.mark.parametrize("actor", ACTORS)
def test_api_edit(client, people, token_for, actor):
    h = make_hackathon(region="zemgale")
    response = client.patch(f"/api/v1/hackathons/{h.id}",
                            headers=_headers(people, token_for, actor), json={"title": "Cits"})
    assert response.status_code == _api_expect(actor, 200)
    _db.session.expire_all()
    assert (h.title == "Cits") is (actor in MANAGERS)


@pytest.mark.parametrize("actor", ACTORS)
def test_api_transition(client, people, token_for, actor):
    h = make_hackathon(region="zemgale")
    response = client.post(f"/api/v1/hackathons/{h.id}/transition",
                           headers=_headers(people, token_for, actor), json={"to": "judging"})
    assert response.status_code == _api_expect(actor, 200)
    _db.session.expire_all()
    assert h.phase == (Phase.JUDGING if actor in MANAGERS else Phase.OPEN)


@pytest.mark.parametrize("actor", ACTORS)
def test_api_add_criterion(client, people, token_for, actor):
    h = make_hackathon(region="zemgale")
    response = client.post(f"/api/v1/hackathons/{h.id}/criteria",
                           headers=_headers(people, token_for, actor),
                           json={"name": "Ietekme", "weight": 1, "max_score": 5})
    assert response.status_code == _api_expect(actor, 201)


@pytest.mark.parametrize("actor", ACTORS)
def test_api_edit_criterion(client, people, token_for, actor):
    h = make_hackathon(region="zemgale")
    response = client.patch(f"/api/v1/criteria/{h.criteria[0].id}",
                            headers=_headers(people, token_for, actor), json={"weight": 2})
    assert response.status_code == _api_expect(actor, 200)


@pytest.mark.parametrize(("actor", "expected"), [
    ("admin", 200), ("national", 200), ("own_region", 200),
    ("other_region", 404), ("plain", 404), ("anonymous", 404),
])
def test_api_a_draft_is_hidden_from_those_who_may_not_manage_it(client, people, token_for,
                                                                  actor, expected):
    h = make_hackathon(region="zemgale", phase="draft")
    headers = _headers(people, token_for, actor)
    assert client.get(f"/api/v1/hackathons/{h.id}", headers=headers).status_code == expected
    assert client.get(f"/api/v1/hackathons/{h.id}/criteria",
                      headers=headers).status_code == expected


def test_api_draft_edit_by_another_region_is_404_not_403(client, people, token_for):
    h = make_hackathon(region="zemgale", phase="draft")
    response = client.patch(f"/api/v1/hackathons/{h.id}",
                            headers=token_for(people["other_region"]), json={"title": "X"})
    assert response.status_code == 404


# --- pages ------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_page_create(client, people, actor):
    _sign_in(client, people, actor)
    _check_page(client.post("/hackathons/new", data=_form()), _page_expect(actor))


@pytest.mark.parametrize("actor", ACTORS)
def test_page_edit(client, people, actor):
    h = make_hackathon(region="zemgale")
    _sign_in(client, people, actor)
    data = {"title": "Cits nosaukums", "theme": h.theme, "version": "1",
            "submission_opens_at": "", "reviews_per_idea": "3", "ranking_order": "score"}
    # The form always sends every field; frozen ones are ignored by the view.
    data.update({k: v for k, v in _form().items() if k not in data and k != "region"})
    _check_page(client.post(f"/hackathons/{h.slug}/edit", data=data), _page_expect(actor))
    _db.session.expire_all()
    assert (h.title == "Cits nosaukums") is (actor in MANAGERS)


@pytest.mark.parametrize("actor", ACTORS)
def test_page_transition(client, people, actor):
    h = make_hackathon(region="zemgale")
    _sign_in(client, people, actor)
    _check_page(client.post(f"/hackathons/{h.slug}/phase", data={"to": "judging"}),
                _page_expect(actor))
    _db.session.expire_all()
    assert h.phase == (Phase.JUDGING if actor in MANAGERS else Phase.OPEN)


@pytest.mark.parametrize("actor", ACTORS)
def test_page_add_criterion(client, people, actor):
    h = make_hackathon(region="zemgale")
    _sign_in(client, people, actor)
    _check_page(client.post(f"/hackathons/{h.slug}/criteria",
                            data={"name": "Ietekme", "weight": "1", "max_score": "5"}),
                _page_expect(actor))


@pytest.mark.parametrize("actor", ACTORS)
def test_page_management_pages_open_only_for_managers(client, people, actor):
    h = make_hackathon(region="zemgale")
    _sign_in(client, people, actor)
    expected = {"admin": 200, "national": 200, "own_region": 200, "other_region": 403,
                "plain": 403, "anonymous": "login"}[actor]
    for path in (f"/hackathons/{h.slug}/edit", f"/hackathons/{h.slug}/criteria",
                 f"/hackathons/{h.slug}/phase",
                 f"/hackathons/{h.slug}/criteria/{h.criteria[0].id}"):
        _check_page(client.get(path), expected)


@pytest.mark.parametrize(("actor", "expected"), [
    ("admin", 200), ("national", 200), ("own_region", 200),
    ("other_region", 404), ("plain", 404), ("anonymous", 404),
])
def test_page_a_draft_is_404_to_those_who_may_not_manage_it(client, people, actor, expected):
    h = make_hackathon(region="zemgale", phase="draft")
    _sign_in(client, people, actor)
    assert client.get(f"/hackathons/{h.slug}").status_code == expected
    listed = h.title.encode() in client.get("/hackathons/").data
    assert listed is (expected == 200)


def test_page_draft_management_by_another_region_is_404(client, people):
    h = make_hackathon(region="zemgale", phase="draft")
    _sign_in(client, people, "other_region")
    assert client.get(f"/hackathons/{h.slug}/edit").status_code == 404
    assert client.post(f"/hackathons/{h.slug}/phase", data={"to": "open"}).status_code == 404


def test_page_a_regional_coordinator_cannot_create_for_another_region(client, people):
    _sign_in(client, people, "own_region")
    response = client.post("/hackathons/new", data=_form(region="kurzeme"))
    assert response.status_code == 403
    assert client.get("/api/v1/hackathons").json["total"] == 0


def test_page_the_region_choice_offers_only_the_coordinators_regions(client, people):
    _sign_in(client, people, "own_region")
    page = client.get("/hackathons/new").data.decode()
    assert 'value="zemgale"' in page and 'value="kurzeme"' not in page.split(
        'id="region"')[1].split("</select>")[0]
