"""Revisions and the difference between any two, shown without relying on colour."""

from __future__ import annotations

import pytest

from app.ideas.diff import DELETE, EQUAL, INSERT, diff_revisions, diff_text, indicators_text
from tests.factories_ideas import make_idea
from tests.ideas.conftest import sign_in
from tests.ideas.test_pages import form_fields


@pytest.mark.parametrize("old, new, pieces", [
    ("", "", []),
    ("a b", "a b", [(EQUAL, "a b")]),
    ("Dobele ir skaista", "Dobele ir ļoti skaista",
     [(EQUAL, "Dobele ir "), (INSERT, "ļoti "), (EQUAL, "skaista")]),
    ("viens divi trīs", "viens trīs", [(EQUAL, "viens "), (DELETE, "divi "), (EQUAL, "trīs")]),
    ("120 dienas", "45 dienas", [(DELETE, "120"), (INSERT, "45"), (EQUAL, " dienas")]),
    ("", "jauns", [(INSERT, "jauns")]),
])
def test_diff_text_marks_words(old, new, pieces):
    assert diff_text(old, new) == pieces


def test_diff_pieces_rebuild_both_texts():
    old, new = "Pirmā rinda.\nOtrā rinda ar vārdiem.", "Pirmā rinda!\nOtrā rinda bez vārdiem."
    pieces = diff_text(old, new)
    assert "".join(t for op, t in pieces if op != INSERT) == old
    assert "".join(t for op, t in pieces if op != DELETE) == new


def test_indicators_compare_as_lines():
    assert indicators_text([{"name": "Gaidīšana", "baseline": "45", "target": "20"}]) == \
        "Gaidīšana: 45 → 20"
    result = diff_revisions({"indicators": []}, {"indicators": [{"name": "A", "baseline": "1",
                                                                  "target": "2"}]},
                            ["indicators", "title"])
    assert [(f.name, f.changed) for f in result] == [("indicators", True), ("title", False)]


def test_each_save_is_a_revision_and_the_diff_page_shows_changes_accessibly(client, world):
    idea = make_idea(world.hackathon, world.team, summary="Sākotnējais teksts par ūdeni.")
    sign_in(client, world.member)
    client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=1, summary="Sākotnējais teksts par tīru ūdeni."))
    client.post(f"/ideas/{idea.id}/edit", data=form_fields(
        version=2, summary="Pilnīgi jauns teksts par tīru ūdeni.", budget_eur="30000"))

    history = client.get(f"/ideas/{idea.id}/history").get_data(as_text=True)
    assert "#3" in history and "#2" in history and "#1" in history
    assert history.count(world.member.name) >= 2

    page = client.get(f"/ideas/{idea.id}/diff?from=1&to=3")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<ins class="diff-ins"><span class="diff-tag">[added:</span>tīru ' in html
    assert '<del class="diff-del"><span class="diff-tag">[removed:</span>Sākotnējais' in html
    assert "(changed)" in html and "(no changes)" in html
    assert "[added:</span>30000<" in html and "[removed:</span>24500<" in html

    # Any two revisions, in either order; unknown numbers are 404.
    assert client.get(f"/ideas/{idea.id}/diff?from=3&to=2").status_code == 200
    assert client.get(f"/ideas/{idea.id}/diff").status_code == 200
    assert client.get(f"/ideas/{idea.id}/diff?from=1&to=9").status_code == 404


def test_the_api_lists_revisions_for_readers(client, world, token_for):
    idea = make_idea(world.hackathon, world.team, title="Pirmais")
    headers = token_for(world.member)
    client.patch(f"/api/v1/ideas/{idea.id}", json={"title": "Otrais"}, headers=headers)
    response = client.get(f"/api/v1/ideas/{idea.id}/revisions", headers=headers)
    assert response.status_code == 200
    assert [r["data"]["title"] for r in response.json["items"]] == ["Otrais", "Pirmais"]
    assert client.get(f"/api/v1/ideas/{idea.id}/revisions",
                      headers=token_for(world.other)).status_code == 404
