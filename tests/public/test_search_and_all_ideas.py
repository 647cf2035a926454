"""Site search and the public list of a hackathon's ideas: what anyone may find, and only that."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.folding import fold


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_folding_ignores_latvian_diacritics_and_case():
    assert fold("ĒRGĻI") == fold("ergli") == "ergli"
    assert fold("Cēsis Ādaži Ķekava Ņūkasla") == "cesis adazi kekava nukasla"
    assert fold("Võru Šiauliai Köln ﬁ") == "voru siauliai koln fi"  # neighbours' letters too


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_is_lower_case_with_latvian_letters_replaced_and_marks_dropped(text):
    plain = "".join({"ā": "a", "č": "c", "ē": "e", "ģ": "g", "ī": "i", "ķ": "k", "ļ": "l",
                     "ņ": "n", "ō": "o", "ŗ": "r", "š": "s", "ū": "u", "ž": "z"}.get(ch, ch)
                    for ch in text.lower())
    assert fold(text) == "".join(ch for ch in unicodedata.normalize("NFKD", plain)
                                 if not unicodedata.combining(ch))


def test_search_finds_municipalities_without_diacritics(client, world):
    response = client.get("/search?q=dobele")
    assert response.status_code == 200
    assert "Dobeles novads" in _text(response)
    assert "Dobeles novads" in _text(client.get("/search?q=DOBELES"))


def test_search_lists_municipalities_in_latvian_alphabetical_order(client):
    """More match than a page shows: the first ones are the first in Latvian order."""
    page = _text(client.get("/search?q=novads"))
    names = ("Ādažu novads", "Aizkraukles novads", "Kuldīgas novads", "Ķekavas novads")
    positions = [page.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)


def test_search_finds_public_ideas_and_pilots_but_nothing_private(client, world):
    page = _text(client.get("/search?q=udens"))  # "ūdens" typed without diacritics
    assert "Viedie ūdens skaitītāji" in page
    assert f'/pilots/{world.pilot.id}"' in page
    hidden = _text(client.get("/search?q=melnraksts"))
    assert "Slepenais melnraksts" not in hidden and "Rīgas melnraksta hakatons" not in hidden
    assert "Vēl vērtējamā ideja" not in _text(client.get("/search?q=vertejama"))


def test_every_word_must_match_and_nonsense_finds_nothing(english, world):
    client = english
    assert "Viedie ūdens skaitītāji" in _text(client.get("/search?q=viedie+skaititaji"))
    assert "Viedie ūdens skaitītāji" not in _text(client.get("/search?q=viedie+jelgavas"))
    page = client.get("/search?q=" + "%25_" * 40)
    assert page.status_code == 200 and "Nothing was found" in _text(page)
    assert client.get("/search").status_code == 200


def test_the_hackathon_lists_all_judged_ideas_after_the_results(english, world):
    client = english
    page = client.get(f"/hackathons/{world.hackathon.slug}/all-ideas")
    assert page.status_code == 200
    text = _text(page)
    for title in ("Viedie ūdens skaitītāji", "Jelgavas e-pakalpojumi", "Neizvēlētā ideja"):
        assert title in text
    assert "Not selected" in text and "Winner" in text
    assert f'href="/en/ideas/{world.loser.id}"' in text
    assert client.get(f"/ideas/{world.loser.id}").status_code == 200  # public now


def test_before_the_results_the_list_is_not_published(english, world):
    client = english
    page = client.get(f"/hackathons/{world.judging.slug}/all-ideas")
    assert page.status_code == 200
    assert "Vēl vērtējamā ideja" not in _text(page)
    assert "published together with the results" in _text(page)
    assert client.get(f"/ideas/{world.pending.id}").status_code == 404
