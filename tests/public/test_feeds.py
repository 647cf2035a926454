"""Atom feeds: published results and approved public pilot reports, valid and absolute."""

from __future__ import annotations

import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"


def _feed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # well formed, or this raises
    assert root.tag == f"{A}feed"
    return root, response.get_data(as_text=True)


def _check_atom(root):
    """The elements RFC 4287 requires, and absolute links everywhere."""
    for name in ("id", "title", "updated"):
        assert root.find(f"{A}{name}") is not None, name
    assert root.find(f"{A}author/{A}name").text == "Talka"
    for link in root.iter(f"{A}link"):
        assert link.get("href").startswith("http://talka.test/"), link.get("href")
    ids = [e.find(f"{A}id").text for e in root.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated", "link", "author", "content"):
            assert entry.find(f"{A}{name}") is not None, name


def test_site_feed_has_results_and_approved_public_reports(client, world):
    root, text = _feed(client, "/feed.atom")
    _check_atom(root)
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert any(world.hackathon.title in t for t in titles)
    assert any(world.pilot.title in t for t in titles)
    assert world.winner.title in text and world.second.title in text
    assert "Uzstādīti" in text  # the approved public report
    assert "Vēl nepārbaudīta ziņa" not in text  # waiting for approval
    assert "Iekšēja piezīme" not in text  # internal
    assert world.loser.title not in text  # not selected
    assert root.find(f"{A}link[@rel='self']").get("href") == "http://talka.test/feed.atom"


def test_feed_entries_link_to_the_public_pages(client, world):
    root, _ = _feed(client, "/feed.atom")
    links = [e.find(f"{A}link").get("href") for e in root.findall(f"{A}entry")]
    assert f"http://talka.test/hackathons/{world.hackathon.slug}#results" in links
    assert f"http://talka.test/pilots/{world.pilot.id}#report-{world.published.id}-h" in links
    content = root.find(f"{A}entry/{A}content")
    assert content.get("type") == "html"


def test_report_entries_are_authored_by_the_municipality_not_a_person(client, world):
    root, text = _feed(client, "/feed.atom")
    authors = {e.find(f"{A}author/{A}name").text for e in root.findall(f"{A}entry")}
    assert authors == {"Talka", "Dobeles novads"}
    for user in world.people:
        assert user.name not in text and user.email not in text


def test_pilot_feed_has_only_its_approved_public_reports(client, world):
    root, text = _feed(client, f"/pilots/{world.pilot.id}/feed.atom")
    _check_atom(root)
    entries = root.findall(f"{A}entry")
    assert len(entries) == 1
    assert "<strong>200</strong>" in entries[0].find(f"{A}content").text
    assert "Vēl nepārbaudīta ziņa" not in text and "Iekšēja piezīme" not in text
    empty, _ = _feed(client, f"/pilots/{world.ended.id}/feed.atom")
    assert empty.findall(f"{A}entry") == []
    assert empty.find(f"{A}updated").text.endswith("Z")


def test_pilot_feed_of_an_unknown_pilot_is_404(client, db):
    assert client.get("/pilots/999999/feed.atom").status_code == 404


def test_feed_language_is_in_the_address(client, world):
    root, _ = _feed(client, "/en/feed.atom")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.find(f"{A}title").text == "Talka: results and pilot news"
    latvian, _ = _feed(client, "/feed.atom")
    assert latvian.get("{http://www.w3.org/XML/1998/namespace}lang") == "lv"


def test_the_earlier_address_of_the_english_feed_leads_to_the_new_one(client, world):
    response = client.get("/feed.atom?lang=en")
    assert response.status_code == 302 and response.headers["Location"] == "/en/feed.atom"
    assert client.get(f"/pilots/{world.pilot.id}/feed.atom?lang=en").headers["Location"] == (
        f"/en/pilots/{world.pilot.id}/feed.atom")


def test_every_page_announces_the_feed(client, db):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/feed.atom"' in page
