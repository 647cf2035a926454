"""/sitemap.xml lists every public page; /robots.txt points to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
X = "{http://www.w3.org/1999/xhtml}"


def _locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{S}urlset"
    return [u.find(f"{S}loc").text for u in root.findall(f"{S}url")]


def test_sitemap_lists_public_pages_only(client, world):
    locations = _locations(client)
    site = "http://talka.test"
    for path in ("/", "/winners", "/municipalities", "/accessibility", "/privacy",
                 "/how-we-rank"):
        assert site + path in locations, path
    assert site + "/hackathons/" in locations
    for h in (world.hackathon, world.judging, world.open, world.coming):
        assert f"{site}/hackathons/{h.slug}" in locations
    assert f"{site}/hackathons/{world.hidden.slug}" not in locations  # a draft
    assert f"{site}/ideas/{world.winner.id}" in locations
    assert f"{site}/ideas/{world.second.id}" in locations
    for idea in (world.loser, world.pending, world.draft):
        assert f"{site}/ideas/{idea.id}" not in locations
    assert sum(1 for loc in locations if "/municipalities/" in loc) == 43 * 2
    assert len(locations) == len(set(locations))


def test_sitemap_lists_each_page_in_both_languages_with_its_alternates(client, world):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    entries = {u.find(f"{S}loc").text: {link.get("hreflang"): link.get("href")
                                       for link in u.findall(f"{X}link")}
               for u in root.findall(f"{S}url")}
    site = "http://talka.test"
    latvian = [loc for loc in entries if not loc.startswith(site + "/en/")]
    english = [loc for loc in entries if loc.startswith(site + "/en/")]
    assert len(latvian) == len(english) > 50
    winner = f"{site}/ideas/{world.winner.id}"
    expected = {"lv": winner, "en": f"{site}/en/ideas/{world.winner.id}", "x-default": winner}
    assert entries[winner] == entries[f"{site}/en/ideas/{world.winner.id}"] == expected
    assert entries[f"{site}/en/"]["lv"] == site + "/"
    for loc, alternates in entries.items():
        assert loc in alternates.values() and set(alternates) == {"lv", "en", "x-default"}


def test_sitemap_gives_the_last_change_of_dated_pages(client, world):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    for url in root.findall(f"{S}url"):
        if "/ideas/" in url.find(f"{S}loc").text:
            lastmod = url.find(f"{S}lastmod").text
            assert len(lastmod) == 10 and lastmod[4] == "-"


def test_robots_txt_allows_the_public_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "User-agent: *" in text
    assert "Disallow: /admin" in text and "Disallow: /account" in text
    assert "Sitemap: http://talka.test/sitemap.xml" in text


def test_site_url_setting_makes_the_addresses(app, client, world):
    app.config["SITE_URL"] = "https://talka.example.lv"
    try:
        locations = _locations(client)
        robots = client.get("/robots.txt").get_data(as_text=True)
        page = client.get("/winners?page=1&utm_source=x").get_data(as_text=True)
    finally:
        app.config["SITE_URL"] = ""
    assert all(loc.startswith("https://talka.example.lv/") for loc in locations)
    assert "Sitemap: https://talka.example.lv/sitemap.xml" in robots
    assert '<link rel="canonical" href="https://talka.example.lv/winners">' in page
